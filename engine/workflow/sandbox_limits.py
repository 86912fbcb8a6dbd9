"""The sandbox's limits, its errors, and the checks that keep C-level work within the limits.

Why: the deadline tracer of `sandbox` interrupts Python code between lines, but one C call runs to
its end — ``'x'.ljust(10**9)``, ``'%0900000000d' % 1``, ``f'{1:>900000000}'``, ``(1).to_bytes(10**9,
'big')`` each build a gigabyte in well under a second, inside the server process. A memory cap for
the whole process (``RLIMIT_AS``) would fail every other request of the server with it, so instead
every operation that allocates from a size it is given is checked before it runs, against the same
bound as ``*``: ``MAX_SEQUENCE_ITEMS`` items (characters of a text, bytes of bytes).

Checked here: ``*``, ``+``, ``%`` (widths and precisions of printf formats), ``**``, ``<<`` and
their in-place forms; f-string format specs (`formatted`); and the methods that take a size or
multiply one (`SIZED_METHODS`: ``ljust``, ``rjust``, ``center``, ``zfill``, ``expandtabs``,
``replace``, ``join``, ``translate`` of texts and bytes, ``to_bytes`` of integers), bound or
unbound (``str.ljust('x', n)``). ``str.format``/``format_map`` are refused outright, and ``bytes``,
``bytearray``, ``format`` and ``memoryview`` are not among the builtins. What stays bounded only by
the deadline: many values each within the bound (a comprehension of a thousand 1 MB texts).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any, Final, NoReturn

__all__ = [
    "MAX_EXPONENT",
    "MAX_INT_BITS",
    "MAX_SEQUENCE_ITEMS",
    "MAX_SHIFT",
    "SIZED_METHODS",
    "SandboxSyntaxError",
    "SandboxTimeout",
    "SandboxViolation",
    "checked_add",
    "checked_lshift",
    "checked_mod",
    "checked_mul",
    "checked_pow",
    "formatted",
    "refuse",
    "sized_method",
]

MAX_SEQUENCE_ITEMS: Final = 1_000_000
MAX_EXPONENT: Final = 10_000
MAX_SHIFT: Final = 10_000
MAX_INT_BITS: Final = 100_000


class SandboxViolation(Exception):
    """Code refused by the sandbox policy, at compile time or while it runs."""


class SandboxTimeout(SandboxViolation):
    """Code ran past its wall-clock budget."""


class SandboxSyntaxError(SandboxViolation, SyntaxError):
    """Source that does not parse: a refusal for deploy checks, a SyntaxError for Spiff."""


def refuse(message: str) -> NoReturn:
    raise SandboxViolation(message)


def _too_big(size: int, what: str) -> None:
    if size > MAX_SEQUENCE_ITEMS:
        refuse(f"{what} refused: more than {MAX_SEQUENCE_ITEMS:,} items")


def _sequence_len(value: object) -> int | None:
    if isinstance(value, (str, bytes, bytearray, list, tuple)):
        return len(value)
    return None


# --- operators ---------------------------------------------------------------------------------


def checked_mul(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.mul) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            refuse(f"integer product refused: more than {MAX_INT_BITS} bits")
    else:
        for seq, count in ((a, b), (b, a)):
            size = _sequence_len(seq)
            if size is not None and isinstance(count, int):
                _too_big(size * count, "sequence repetition")
    return op(a, b)


def checked_add(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.add) -> Any:
    """``+`` of two sequences: doubling a text ten times would otherwise reach a gigabyte."""
    left, right = _sequence_len(a), _sequence_len(b)
    if left is not None and right is not None:
        _too_big(left + right, "concatenation")
    return op(a, b)


def checked_pow(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.pow) -> Any:
    if (
        isinstance(a, int)
        and isinstance(b, int)
        and abs(a) > 1
        and (b > MAX_EXPONENT or a.bit_length() * b > MAX_INT_BITS)
    ):
        refuse(f"power refused: exponent above {MAX_EXPONENT} or result above {MAX_INT_BITS} bits")
    return op(a, b)


def checked_lshift(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.lshift) -> Any:
    too_big = isinstance(a, int) and isinstance(b, int) and (b > MAX_SHIFT or a.bit_length() + b > MAX_INT_BITS)
    if too_big:
        refuse(f"left shift refused: more than {MAX_SHIFT} bits")
    return op(a, b)


# A printf conversion: %[(key)][flags][width][.precision][length]type; width and precision can be *.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def _check_width(digits: str | None, what: str) -> None:
    if digits and digits != "*" and (len(digits) > 7 or int(digits) > MAX_SEQUENCE_ITEMS):
        refuse(f"{what} refused: a width or precision above {MAX_SEQUENCE_ITEMS:,}")


def checked_mod(a: Any, b: Any, op: Callable[[Any, Any], Any] = operator.mod) -> Any:
    """``text % values`` with its widths and precisions checked (``*`` takes them from the values)."""
    if isinstance(a, (str, bytes, bytearray)):
        template = a.decode("latin-1") if isinstance(a, (bytes, bytearray)) else a
        stars = False
        for width, precision, _ in _PRINTF.findall(template):
            _check_width(width, "% formatting")
            _check_width(precision, "% formatting")
            stars = stars or "*" in (width, precision)
        values = b if isinstance(b, tuple) else (b,)
        if stars and any(isinstance(v, int) and abs(v) > MAX_SEQUENCE_ITEMS for v in values):
            refuse(f"% formatting refused: a width or precision above {MAX_SEQUENCE_ITEMS:,}")
    return op(a, b)


# [[fill]align][sign][z][#][0][width][grouping][.precision][type] (the format mini-language)
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d*))?[a-zA-Z%]?", re.DOTALL)
_CONVERSIONS: Final[dict[int, Callable[[Any], str]]] = {-1: lambda value: value, 115: str, 114: repr, 97: ascii}


def formatted(value: Any, conversion: int, spec: str) -> str:
    """An f-string's ``{value!conversion:spec}`` with the width and precision of `spec` checked."""
    converted = _CONVERSIONS[conversion](value)
    found = _FORMAT_SPEC.fullmatch(spec)
    if found:
        _check_width(found.group(1), "f-string format")
        _check_width(found.group(2), "f-string format")
    elif any(len(digits) > 7 or int(digits) > MAX_SEQUENCE_ITEMS for digits in re.findall(r"\d+", spec)):
        refuse(f"f-string format refused: a width or precision above {MAX_SEQUENCE_ITEMS:,}")
    return format(converted, spec)


# --- methods that allocate from a size -----------------------------------------------------------

_TEXTS = (str, bytes, bytearray)


def _argument(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


def _width(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    width = _argument(args, kwargs, 0, "width", 0)
    return width if isinstance(width, int) else 0


def _expandtabs(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    tabsize = _argument(args, kwargs, 0, "tabsize", 8)
    tab = "\t" if isinstance(text, str) else b"\t"
    return len(text) + text.count(tab) * tabsize if isinstance(tabsize, int) else 0


def _replace(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    old, new = _argument(args, kwargs, 0, "old", None), _argument(args, kwargs, 1, "new", None)
    count = _argument(args, kwargs, 2, "count", -1)
    if not isinstance(old, _TEXTS) or not isinstance(new, _TEXTS) or not isinstance(count, int):
        return 0  # the method itself refuses the types
    found = text.count(old) if old else len(text) + 1
    return len(text) + (found if count < 0 else min(found, count)) * (len(new) - len(old))


def _translate(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    table = _argument(args, kwargs, 0, "table", None)
    values = table.values() if isinstance(table, dict) else ()
    longest = max((len(v) for v in values if isinstance(v, str)), default=1)
    return len(text) * longest


def _to_bytes(number: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    length = _argument(args, kwargs, 0, "length", 1)
    return length if isinstance(length, int) else 0


def _join(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    items = args[0] if args else ()
    sizes = [len(item) for item in items if isinstance(item, _TEXTS)]
    return sum(sizes) + len(text) * max(len(sizes) - 1, 0)


#: method name -> (the types it is checked on, the size of what it would build)
SIZED_METHODS: Final[dict[str, tuple[tuple[type, ...], Callable[[Any, tuple[Any, ...], dict[str, Any]], int]]]] = {
    "ljust": (_TEXTS, _width), "rjust": (_TEXTS, _width), "center": (_TEXTS, _width),
    "zfill": (_TEXTS, _width), "expandtabs": (_TEXTS, _expandtabs), "replace": (_TEXTS, _replace),
    "translate": (_TEXTS, _translate), "join": (_TEXTS, _join), "to_bytes": ((int,), _to_bytes),
}  # fmt: skip


def sized_method(obj: object, name: str) -> Callable[..., Any] | None:
    """A checked stand-in for ``obj.name`` when that method allocates from a size, else None."""
    sized = SIZED_METHODS.get(name)
    if sized is None:
        return None
    types, size_of = sized
    if isinstance(obj, types):
        method = getattr(obj, name)
        return lambda *args, **kwargs: _call_checked(name, size_of, method, obj, args, kwargs)
    if isinstance(obj, type) and issubclass(obj, types):
        function = getattr(obj, name)
        return lambda self, *args, **kwargs: _call_checked(
            name, size_of, lambda *a, **k: function(self, *a, **k), self if isinstance(self, types) else None,
            args, kwargs)
    return None


def _call_checked(name: str, size_of: Callable[[Any, tuple[Any, ...], dict[str, Any]], int],
                  call: Callable[..., Any], subject: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if name == "join" and args:
        args = (list(args[0]), *args[1:])  # measured, then joined
    if subject is not None:
        _too_big(size_of(subject, args, kwargs), f"{name}()")
    return call(*args, **kwargs)
