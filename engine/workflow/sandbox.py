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
  ``ndigits``, and ``*``, ``**``, ``<<`` (and ``*=``, ``**=``, ``<<=``) are rewritten into
  checked helpers that refuse huge results;
* no live code leaves: a function, generator or lazy ``map``/``filter``/``zip`` result would
  run sandboxed code later, outside the deadline, so it is refused (functions a script
  defines are simply not written back).

When the tracer is installed: only if the code can run Python-level code for long, that is
if its AST holds a loop (``for``/``while``), a comprehension or generator expression, a
``lambda`` or a ``def``. Anything else is straight-line code whose C-level work is bounded by
the size guards, and skipping the tracer keeps a warm simple condition at about a microsecond.
``while`` loops also get opcode tracing, because ``while True: pass`` on one line emits no
line events.

Not covered (needs a process boundary or ``RLIMIT_AS``): memory blown up by C-level string
methods or formats with huge arguments (``'x'.ljust(10**9)``, ``s.replace(...)``,
``','.join([s] * n)``, ``'%*d' % (10**9, 1)``, format widths).
"""

from __future__ import annotations

import ast
import builtins
import operator
import sys
import time
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal, NoReturn, cast

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    RestrictingNodeTransformer,
    copy_locations,
)

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

MAX_SEQUENCE_ITEMS: Final = 1_000_000
MAX_EXPONENT: Final = 10_000
MAX_SHIFT: Final = 10_000
MAX_INT_BITS: Final = 100_000
MAX_CALL_DEPTH: Final = 100
MAX_SOURCE_LENGTH: Final = 100_000
CODE_CACHE_SIZE: Final = 4096
# SpiffWorkflow finds the failing line of a script by looking for this file name in the
# traceback (PythonScriptEngine.get_error_line_number_and_content).
FILENAME: Final = "<string>"


class SandboxViolation(Exception):
    """Code refused by the sandbox policy, at compile time or while it runs."""


class SandboxTimeout(SandboxViolation):
    """Code ran past its wall-clock budget."""


class SandboxSyntaxError(SandboxViolation, SyntaxError):
    """Source that does not parse: a refusal for deploy checks, a SyntaxError for Spiff."""


# --- runtime guards and checked operators -------------------------------------------------

_DENIED_ATTRIBUTES: Final = INSPECT_ATTRIBUTES | {
    # str.format / format_map resolve "{0.__class__}" field names with real getattr.
    "format", "format_map",
    "mro", "func_globals", "func_code", "func_closure", "func_defaults",
    "im_func", "im_self", "im_class", "f_code", "f_locals", "f_trace_opcodes",
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "ag_frame", "ag_code",
    "co_code", "co_consts", "co_names", "tb_frame", "tb_next",
}  # fmt: skip


def _refuse(message: str) -> NoReturn:
    raise SandboxViolation(message)


def _guarded_getattr(obj: object, name: str) -> Any:
    if type(name) is not str or name.startswith("_"):
        _refuse(f"attribute {name!r} is not allowed: names starting with '_' are forbidden")
    if name in _DENIED_ATTRIBUTES:
        _refuse(f"attribute {name!r} is not allowed")
    if isinstance(obj, types.ModuleType):
        _refuse(f"attribute {name!r} of a module is not allowed: modules are not reachable")
    return getattr(obj, name)


def _guarded_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _sequence_len(value: object) -> int | None:
    if isinstance(value, (str, bytes, bytearray, list, tuple)):
        return len(value)
    return None


def _checked_mul(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.mul) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            _refuse(f"integer product refused: more than {MAX_INT_BITS} bits")
    else:
        for seq, count in ((a, b), (b, a)):
            size = _sequence_len(seq)
            if size is not None and isinstance(count, int) and size * count > MAX_SEQUENCE_ITEMS:
                _refuse(f"sequence repetition refused: more than {MAX_SEQUENCE_ITEMS:,} items")
    return op(a, b)


def _checked_pow(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.pow) -> Any:
    if (
        isinstance(a, int)
        and isinstance(b, int)
        and abs(a) > 1
        and (b > MAX_EXPONENT or a.bit_length() * b > MAX_INT_BITS)
    ):
        _refuse(f"power refused: exponent above {MAX_EXPONENT} or result above {MAX_INT_BITS} bits")
    return op(a, b)


def _checked_lshift(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.lshift) -> Any:
    too_big = isinstance(a, int) and isinstance(b, int) and (b > MAX_SHIFT or a.bit_length() + b > MAX_INT_BITS)
    if too_big:
        _refuse(f"left shift refused: more than {MAX_SHIFT} bits")
    return op(a, b)


_INPLACE: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+=": operator.iadd, "-=": operator.isub, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, ">>=": operator.irshift,
    "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand, "@=": operator.imatmul,
    "*=": lambda a, b: _checked_mul(a, b, operator.imul),
    "**=": lambda a, b: _checked_pow(a, b, operator.ipow),
    "<<=": lambda a, b: _checked_lshift(a, b, operator.ilshift),
}  # fmt: skip


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE[op](target, value)


# --- the builtin whitelist -----------------------------------------------------------------


def _safe_range(*args: int) -> range:
    """``range`` that refuses more than MAX_SEQUENCE_ITEMS items (``sum`` runs it in C)."""
    result = range(*args)
    try:
        size = len(result)
    except OverflowError:
        size = MAX_SEQUENCE_ITEMS + 1
    if size > MAX_SEQUENCE_ITEMS:
        _refuse(f"range() refused: more than {MAX_SEQUENCE_ITEMS:,} items")
    return result


def _safe_sum(iterable: Any, /, start: Any = 0) -> Any:
    """``sum`` without its quadratic C loop: ``sum(lists, [])`` copies every partial list."""
    if isinstance(start, (str, bytes, list, tuple)):
        _refuse("sum() of sequences refused: build the list with a comprehension")
    return sum(iterable, start)


def _safe_round(number: Any, ndigits: int | None = None) -> Any:
    """``round`` refusing huge ``ndigits``: ``round(5, -10**9)`` computes ``10**10**9`` in C."""
    if isinstance(ndigits, int) and abs(ndigits) > MAX_EXPONENT:
        _refuse(f"round() refused: ndigits beyond {MAX_EXPONENT}")
    return round(number, ndigits)


def lookup(data: Any, path: str, default: Any = None) -> Any:
    """Domain helper: ``lookup(report, 'casualties.dead', 0)`` walks dict keys and list
    indexes (never attributes) and returns ``default`` where the path runs out."""
    current = data
    for part in str(path).split("."):
        try:
            current = current[int(part)] if isinstance(current, (list, tuple)) else current[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return default
    return current


def coalesce(*values: Any) -> Any:
    """Domain helper: the first argument that is not None (optional form fields)."""
    return next((value for value in values if value is not None), None)


_BUILTINS: Final[dict[str, object]] = {
    "None": None, "True": True, "False": False,
    "abs": abs, "all": all, "any": any, "bool": bool, "dict": dict, "enumerate": enumerate,
    "filter": filter, "float": float, "int": int, "isinstance": isinstance, "len": len,
    "list": list, "map": map, "max": max, "min": min, "range": _safe_range,
    "reversed": reversed, "round": _safe_round, "set": set, "sorted": sorted, "str": str,
    "sum": _safe_sum, "tuple": tuple, "zip": zip,
    "lookup": lookup, "coalesce": coalesce,
}  # fmt: skip
SAFE_BUILTINS: Final[Mapping[str, object]] = types.MappingProxyType(_BUILTINS)

# Every name the restricted code reaches that is not task data. Applied *after* the data,
# so a task-data key such as "_getattr_" can never replace a guard.
_RUNTIME: Final[dict[str, object]] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_rx_mul_": _checked_mul,
    "_rx_pow_": _checked_pow,
    "_rx_lshift_": _checked_lshift,
}

# --- the compile-time policy ---------------------------------------------------------------

_PYTHON_BUILTINS: Final = frozenset(dir(builtins))
# Never plausible as task data: refused wherever they appear, not only when called.
_FORBIDDEN_NAMES: Final = frozenset({
    "eval", "exec", "compile", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "hasattr", "breakpoint", "memoryview", "super", "classmethod", "staticmethod",
})  # fmt: skip
_CHECKED_BINOPS: Final[dict[type[ast.operator], str]] = {
    ast.Mult: "_rx_mul_", ast.Pow: "_rx_pow_", ast.LShift: "_rx_lshift_",
}  # fmt: skip


class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, narrowed for workflow code, with size-checked operators."""

    def _refuse_node(self, node: ast.AST, message: str) -> ast.AST:
        self.error(node, message)
        return self.node_contents_visit(node)

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return self._refuse_node(node, "imports are not allowed")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return self._refuse_node(node, "imports are not allowed")

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._refuse_node(node, "class definitions are not allowed")

    def visit_Try(self, node: ast.Try) -> ast.AST:
        return self._refuse_node(node, "try/except is not allowed: errors go to the engine")

    def visit_TryStar(self, node: ast.AST) -> ast.AST:
        return self._refuse_node(node, "try/except is not allowed: errors go to the engine")

    def visit_With(self, node: ast.With) -> ast.AST:
        return self._refuse_node(node, "with statements are not allowed")

    def visit_Yield(self, node: ast.Yield) -> ast.AST:
        return self._refuse_node(node, "generator functions (yield) are not allowed")

    def visit_YieldFrom(self, node: ast.YieldFrom) -> ast.AST:
        return self._refuse_node(node, "generator functions (yield) are not allowed")

    def visit_Name(self, node: ast.Name) -> Any:
        name = node.id
        if name.startswith("_") and name != "_":
            return self._refuse_node(node, f"name {name!r} is not allowed: names starting with '_' are forbidden")
        if name in ("print", "printed"):
            return self._refuse_node(node, "print is not available in workflow code")
        if name in _FORBIDDEN_NAMES:
            return self._refuse_node(node, f"name {name!r} is not allowed")
        return super().visit_Name(node)

    def visit_Call(self, node: ast.Call) -> Any:
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id in _PYTHON_BUILTINS
            and func.id not in _BUILTINS
            and func.id not in _FORBIDDEN_NAMES
            and not func.id.startswith("_")
        ):
            return self._refuse_node(node, f"calling {func.id!r} is not allowed: it is not a whitelisted builtin")
        return super().visit_Call(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        attr = node.attr
        if attr.startswith("_"):
            return self._refuse_node(node, f"attribute {attr!r} is not allowed: names starting with '_' are forbidden")
        if attr in _DENIED_ATTRIBUTES:
            return self._refuse_node(node, f"attribute {attr!r} is not allowed")
        if not isinstance(node.ctx, ast.Load):
            return self._refuse_node(node, f"assigning or deleting attribute {attr!r} is not allowed")
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        helper = _CHECKED_BINOPS.get(type(node.op))
        if helper is None:
            return node
        func = ast.Name(helper, ast.Load())
        call = ast.Call(func=func, args=[node.left, node.right], keywords=[])
        copy_locations(func, node)
        copy_locations(call, node)
        return call


_LONG_RUNNING: Final = (
    ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.Lambda, ast.FunctionDef,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Compiled:
    code: types.CodeType
    needs_tracer: bool
    trace_opcodes: bool


@lru_cache(maxsize=CODE_CACHE_SIZE)
def _compile(source: str, mode: Literal["eval", "exec"]) -> _Compiled:
    """Parse, check and compile once per (source, mode); refusals are not cached."""
    if not isinstance(source, str):
        raise TypeError(f"source must be str, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        _refuse(f"source refused: longer than {MAX_SOURCE_LENGTH:,} characters")
    try:
        tree = ast.parse(source, FILENAME, mode)
    except SyntaxError as err:
        raise SandboxSyntaxError(f"syntax error: {err.msg}", (FILENAME, err.lineno, err.offset, err.text)) from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise SandboxViolation(f"source refused: {err}") from None
    nodes = list(ast.walk(tree))
    needs_tracer = any(isinstance(n, _LONG_RUNNING) for n in nodes)
    trace_opcodes = any(isinstance(n, ast.While) for n in nodes)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(cast("ast.Module | ast.Expression", tree), FILENAME, policy=_SandboxPolicy)
    except (RecursionError, MemoryError) as err:
        raise SandboxViolation(f"source refused: too complex ({type(err).__name__})") from None
    if result.errors or result.code is None:
        raise SandboxViolation("; ".join(dict.fromkeys(result.errors)) or "refused")
    return _Compiled(result.code, needs_tracer, trace_opcodes)


def check_expression(source: str) -> None:
    """Raise SandboxViolation unless ``source`` is an allowed expression (deploy-time check)."""
    _compile(source, "eval")


def check_script(source: str) -> None:
    """Raise SandboxViolation unless ``source`` is an allowed script (deploy-time check)."""
    _compile(source, "exec")


# --- running -------------------------------------------------------------------------------


def _run(compiled: _Compiled, scope: dict[str, Any], timeout: float) -> Any:
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
            _refuse("recursion too deep")
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
            _refuse(f"recursion refused: more than {MAX_CALL_DEPTH} nested calls")
        if opcodes:
            frame.f_trace_opcodes = True
        return local_trace

    previous = sys.gettrace()
    sys.settrace(call_trace)
    try:
        return eval(compiled.code, scope)
    except RecursionError:
        _refuse("recursion too deep")
    finally:
        sys.settrace(previous)


def _scope(context: Mapping[str, Any]) -> dict[str, Any]:
    scope = dict(context)
    scope.update(_RUNTIME)
    return scope


def evaluate(source: str, context: Mapping[str, Any], *, timeout: float = 1.0) -> Any:
    """Evaluate an expression over ``context`` (not mutated at the top level).

    ``context`` is copied shallowly: an expression calling ``items.append(...)`` does change
    the list it shares with the caller. A result that is a function, generator or lazy
    iterator is refused, since whoever consumed it would run sandboxed code unbounded.

    Errors of the code itself (ZeroDivisionError, NameError, TypeError...) propagate
    unchanged; refusals raise SandboxViolation, overruns SandboxTimeout.
    """
    result = _run(_compile(source, "eval"), _scope(context), timeout)
    if isinstance(result, _LIVE_CODE):
        _refuse(f"the expression gave a {type(result).__name__}: workflow values must be plain data")
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
    _run(_compile(source, "exec"), scope, timeout)
    changed = {
        name: value
        for name, value in scope.items()
        if name not in _RUNTIME and value is not context.get(name, _MISSING)
    }
    for name, value in changed.items():
        if isinstance(value, _LIVE_CODE) and not callable(value):
            _refuse(f"variable {name!r} holds a {type(value).__name__}: make it a list first")
    for name in [name for name in context if name not in scope]:
        del context[name]
    for name, value in changed.items():
        if callable(value) or isinstance(value, types.ModuleType):
            context.pop(name, None)  # functions the script defined stay in the script
        else:
            context[name] = value
