"""What sandboxed code reaches at run time: the guards RestrictedPython's rewritten code calls
(attribute and item reads, in-place operators), the size-checked operators and methods of
`sandbox_limits`, and the short builtin whitelist. The compile-time policy that routes code through
them is `sandbox_policy`; running it under a deadline is `sandbox`.
"""

from __future__ import annotations

import operator
import types
from collections.abc import Callable, Mapping
from typing import Any, Final

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine.workflow.sandbox_limits import (
    MAX_EXPONENT,
    MAX_SEQUENCE_ITEMS,
    SandboxSyntaxError,
    SandboxTimeout,
    SandboxViolation,
    checked_add,
    checked_lshift,
    checked_mod,
    checked_mul,
    checked_pow,
    formatted,
    refuse,
    sized_method,
)

__all__ = [
    "DENIED_ATTRIBUTES",
    "FILENAME",
    "MAX_CALL_DEPTH",
    "MAX_SOURCE_LENGTH",
    "RUNTIME",
    "SAFE_BUILTINS",
    "SandboxSyntaxError",
    "SandboxTimeout",
    "SandboxViolation",
    "coalesce",
    "lookup",
    "refuse",
]

MAX_CALL_DEPTH: Final = 100
MAX_SOURCE_LENGTH: Final = 100_000
# SpiffWorkflow finds the failing line of a script by looking for this file name in the
# traceback (PythonScriptEngine.get_error_line_number_and_content).
FILENAME: Final = "<string>"


# --- runtime guards -------------------------------------------------------------------

DENIED_ATTRIBUTES: Final = INSPECT_ATTRIBUTES | {
    # str.format / format_map resolve "{0.__class__}" field names with real getattr.
    "format", "format_map",
    "mro", "func_globals", "func_code", "func_closure", "func_defaults",
    "im_func", "im_self", "im_class", "f_code", "f_locals", "f_trace_opcodes",
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "ag_frame", "ag_code",
    "co_code", "co_consts", "co_names", "tb_frame", "tb_next",
}  # fmt: skip


def _guarded_getattr(obj: object, name: str) -> Any:
    if type(name) is not str or name.startswith("_"):
        refuse(f"attribute {name!r} is not allowed: names starting with '_' are forbidden")
    if name in DENIED_ATTRIBUTES:
        refuse(f"attribute {name!r} is not allowed")
    if isinstance(obj, types.ModuleType):
        refuse(f"attribute {name!r} of a module is not allowed: modules are not reachable")
    checked = sized_method(obj, name)
    return checked if checked is not None else getattr(obj, name)


def _guarded_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_INPLACE: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "-=": operator.isub, "/=": operator.itruediv, "//=": operator.ifloordiv,
    ">>=": operator.irshift, "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand,
    "@=": operator.imatmul,
    "+=": lambda a, b: checked_add(a, b, operator.iadd),
    "%=": lambda a, b: checked_mod(a, b, operator.imod),
    "*=": lambda a, b: checked_mul(a, b, operator.imul),
    "**=": lambda a, b: checked_pow(a, b, operator.ipow),
    "<<=": lambda a, b: checked_lshift(a, b, operator.ilshift),
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
        refuse(f"range() refused: more than {MAX_SEQUENCE_ITEMS:,} items")
    return result


def _safe_sum(iterable: Any, /, start: Any = 0) -> Any:
    """``sum`` without its quadratic C loop: ``sum(lists, [])`` copies every partial list."""
    if isinstance(start, (str, bytes, list, tuple)):
        refuse("sum() of sequences refused: build the list with a comprehension")
    return sum(iterable, start)


def _safe_round(number: Any, ndigits: int | None = None) -> Any:
    """``round`` refusing huge ``ndigits``: ``round(5, -10**9)`` computes ``10**10**9`` in C."""
    if isinstance(ndigits, int) and abs(ndigits) > MAX_EXPONENT:
        refuse(f"round() refused: ndigits beyond {MAX_EXPONENT}")
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
RUNTIME: Final[dict[str, object]] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_rx_mul_": checked_mul,
    "_rx_add_": checked_add,
    "_rx_mod_": checked_mod,
    "_rx_pow_": checked_pow,
    "_rx_lshift_": checked_lshift,
    "_rx_format_": formatted,
}
