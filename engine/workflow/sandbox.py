"""A restricted evaluator for every expression and script a workflow model runs.

Why this exists: SpiffWorkflow evaluates gateway conditions, timer expressions, DMN cells,
message payloads and script tasks with plain ``eval``/``exec`` and full builtins, so anyone
who can deploy a model can run ``import os``. Swapping the builtins alone is not a sandbox:
``().__class__.__base__.__subclasses__()`` or ``random._os`` walk back to everything.

Why RestrictedPython: it is a maintained (Zope/Plone) restricting *compiler* that handles
both expressions and scripts (an expression-only evaluator cannot run script tasks). It
rewrites the AST so that every attribute read, item read, write, iteration and unpacking
goes through a guard we supply, and it refuses names and attributes starting with ``_`` at
compile time, which closes the dunder walks statically; deploy-time checks can therefore
reject a model before it ever runs, and the result is ordinary bytecode, so a warm condition
costs about a microsecond (a subprocess per evaluation would cost milliseconds). It is not a
process boundary, so this module adds what it does not give us:

* a short builtin whitelist (``SAFE_BUILTINS``) and no modules reachable at all;
* refusals with clear messages: imports, classes, ``try``/``with`` (so nothing can catch our
  timeout), generator functions, attribute assignment, calls of builtins outside the
  whitelist (``open``, ``type``, ``iter``...), ``str.format`` and an explicit denylist of
  frame/generator/code attributes, checked again at run time by the ``getattr`` guard;
* bounded time: a per-thread ``sys.settrace`` deadline while the code runs, and at most
  ``MAX_CALL_DEPTH`` nested calls of sandboxed functions;
* bounded size for what runs in C where no tracer can interrupt it: ``range`` refuses more
  than ``MAX_SEQUENCE_ITEMS`` items, ``sum`` refuses sequence starts, ``round`` huge
  ``ndigits``; ``*``, ``+``, ``%``, ``**``, ``<<`` (and their in-place forms) and f-string
  format specs are rewritten into checked helpers that refuse huge results, and the methods
  that allocate from a size (``ljust``, ``zfill``, ``replace``, ``join``, ``to_bytes``, ...)
  are checked stand-ins (`sandbox_limits`);
* no live code leaves: a function, generator or lazy ``map``/``filter``/``zip`` result would
  run sandboxed code later, outside the deadline, so it is refused (functions a script
  defines are simply not written back).

Where it lives: limits, errors and size checks in `sandbox_limits`, the guards and builtin
whitelist in `sandbox_guards`, the compile-time policy in `sandbox_policy`, running under a
deadline here.

When the tracer is installed: only if the code can run Python-level code for long, that is
if its AST holds a loop (``for``/``while``), a comprehension or generator expression, a
``lambda`` or a ``def``. Anything else is straight-line code whose C-level work is bounded by
the size guards, and skipping the tracer keeps a warm simple condition at about a microsecond.
``while`` loops also get opcode tracing, because ``while True: pass`` on one line emits no
line events.

Not covered (needs a process boundary): memory held by many values that are each within the
bounds, which only the deadline limits (see `sandbox_limits`).
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Mapping
from typing import Any, Final, NoReturn

from engine.workflow.sandbox_guards import (
    FILENAME,
    MAX_CALL_DEPTH,
    RUNTIME,
    SAFE_BUILTINS,
    SandboxSyntaxError,
    SandboxTimeout,
    SandboxViolation,
    refuse,
)
from engine.workflow.sandbox_policy import Compiled, check_expression, check_script, compile_checked

__all__ = [
    "SAFE_BUILTINS",
    "SandboxSyntaxError",
    "SandboxTimeout",
    "SandboxViolation",
    "check_expression",
    "check_script",
    "evaluate",
    "execute",
]



def _run(compiled: Compiled, scope: dict[str, Any], timeout: float) -> Any:
    """Run compiled code, under a deadline tracer when it can run long.

    ``sys.settrace`` is per thread, so concurrent sandboxes do not see each other's
    deadlines; the previous tracer (debugger, coverage) is restored in every case. A
    tracer that raises is switched off by CPython, which is safe only because nothing
    in the sandbox can catch the exception (try/with are refused).
    """
    if not compiled.needs_tracer:
        try:
            return eval(compiled.code, scope)
        except RecursionError:
            refuse("recursion too deep")
    deadline = time.monotonic() + timeout
    depth = 0
    opcodes = compiled.trace_opcodes
    clock = time.monotonic

    def expired() -> NoReturn:
        raise SandboxTimeout(f"execution exceeded its time budget of {timeout:g} s")

    def local_trace(frame: types.FrameType, event: str, arg: Any) -> Any:
        nonlocal depth
        if event == "return":
            depth -= 1
        elif clock() > deadline:
            expired()
        return local_trace

    def call_trace(frame: types.FrameType, event: str, arg: Any) -> Any:
        nonlocal depth
        if clock() > deadline:
            expired()
        if frame.f_code.co_filename != FILENAME:
            return None  # our own helpers: bounded, not worth tracing line by line
        depth += 1
        if depth > MAX_CALL_DEPTH:
            refuse(f"recursion refused: more than {MAX_CALL_DEPTH} nested calls")
        if opcodes:
            frame.f_trace_opcodes = True
        return local_trace

    previous = sys.gettrace()
    sys.settrace(call_trace)
    try:
        return eval(compiled.code, scope)
    except RecursionError:
        refuse("recursion too deep")
    finally:
        sys.settrace(previous)


def _scope(context: Mapping[str, Any]) -> dict[str, Any]:
    scope = dict(context)
    scope.update(RUNTIME)
    return scope


def evaluate(source: str, context: Mapping[str, Any], *, timeout: float = 1.0) -> Any:
    """Evaluate an expression over ``context`` (not mutated at the top level).

    ``context`` is copied shallowly: an expression calling ``items.append(...)`` does change
    the list it shares with the caller. A result that is a function, generator or lazy
    iterator is refused, since whoever consumed it would run sandboxed code unbounded.

    Errors of the code itself (ZeroDivisionError, NameError, TypeError...) propagate
    unchanged; refusals raise SandboxViolation, overruns SandboxTimeout.
    """
    result = _run(compile_checked(source, "eval"), _scope(context), timeout)
    if isinstance(result, _LIVE_CODE):
        refuse(f"the expression gave a {type(result).__name__}: workflow values must be plain data")
    return result


_MISSING: Final = object()
# Values that would run sandboxed code later, outside the deadline, if they left the sandbox.
_LIVE_CODE: Final = (types.FunctionType, types.GeneratorType, map, filter, zip, enumerate)


def execute(source: str, context: dict[str, Any], *, timeout: float = 1.0) -> None:
    """Run a script and write its top-level variables back into ``context``.

    Like ``exec`` with ``context`` as globals: new and changed variables land in it and
    deleted ones leave it, but no guard, builtin or callable (functions the script defined)
    is written back, and a generator or lazy ``map``/``filter``/``zip`` left in a variable is
    refused (it would run sandboxed code later, unbounded). Nothing is written back if the
    script fails.
    """
    scope = _scope(context)
    _run(compile_checked(source, "exec"), scope, timeout)
    changed = {
        name: value
        for name, value in scope.items()
        if name not in RUNTIME and value is not context.get(name, _MISSING)
    }
    for name, value in changed.items():
        if isinstance(value, _LIVE_CODE) and not callable(value):
            refuse(f"variable {name!r} holds a {type(value).__name__}: make it a list first")
    for name in [name for name in context if name not in scope]:
        del context[name]
    for name, value in changed.items():
        if callable(value) or isinstance(value, types.ModuleType):
            context.pop(name, None)  # functions the script defined stay in the script
        else:
            context[name] = value
