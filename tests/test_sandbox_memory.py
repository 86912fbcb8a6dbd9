"""Memory bounds of the sandbox: every builtin, method, operator and format that can allocate in C
from a size it is given is refused past the bound, before it allocates — each one tried is listed
here — while the ordinary uses of the same operations still run."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest

from engine.workflow.sandbox import SandboxViolation, evaluate, execute
from engine.workflow.sandbox_limits import MAX_SEQUENCE_ITEMS, SIZED_METHODS

CONTEXT: dict[str, Any] = {"n": 10, "big": 10**9, "x": "ab", "s": "x" * 600_000, "tab": "a\tb"}

#: Each builds about a gigabyte (or more) in one C call when nothing checks it.
ALLOCATIONS = [
    "'x'.ljust(10**9)", "'x'.rjust(10**9)", "'x'.center(10**9)", "str(9).zfill(10**9)",
    "'x'.ljust(big, '-')", "str.ljust('x', 10**9)", "str.zfill('9', 10**9)",
    "'x'.encode().ljust(10**9)", "'x'.encode().center(10**9)", "b'1'.zfill(10**9)",
    "tab.expandtabs(10**9)", "('\\t' * 1000).expandtabs(10**6)",
    "s.replace('x', 'yy')", "'ab'.replace('a', 'x' * 1000000 + 'y')", "'ab'.replace('', s)",
    "s.join(['a'] * 1000)", "','.join([s, s])", "s.encode().join([b'a', b'b', b'c'])",
    "str.join(s, ['a', 'b', 'c'])", "s.translate({120: 'yy'})",
    "(1).to_bytes(10**9, 'big')", "int.to_bytes(1, 10**9, 'big')", "(1).to_bytes(length=10**9)",
    "'%0900000000d' % 1", "'%900000000s' % 'x'", "'%.900000000f' % 1.5", "'%*d' % (10**9, 1)",
    "'%.*f' % (10**9, 1.0)", "'%(a)0900000000d' % {'a': 1}", "b'%0900000000d' % (1,)",
    "f'{1:>900000000}'", "f'{1:0900000000d}'", "f'{1.5:.900000000f}'", "f'{x!r:>{big}}'", "f'{1:{big}}'",
    "'x' * 10**9", "[0] * 10**9", "(0,) * 10**9", "s + s", "[0] * 600000 + [1] * 600000",
    "10 ** 10**9", "1 << 10**9", "round(5, -10**9)", "sum(range(10**9))", "list(range(10**9))",
    "sum([[0] * 1000] * 1000, [])",
]
#: Each is not reachable at all: the builtin is not whitelisted or the attribute is refused.
UNREACHABLE = [
    "bytes(10**9)", "bytearray(10**9)", "memoryview(b'x')", "format(1, '>900000000')",
    "'{:>900000000}'.format(1)", "'{x:>900000000}'.format_map({'x': 1})", "pow(10, 10**9)",
]
#: The same operations used as workflow code uses them.
ORDINARY = {
    "'x'.ljust(5, '-')": "x----", "str(7).zfill(3)": "007", "x.center(6, '*')": "**ab**",
    "x.rjust(4)": "  ab", "tab.expandtabs(4)": "a   b", "x.replace('a', 'A')": "Ab",
    "', '.join(['a', 'b'])": "a, b", "'-'.join(k for k in 'abc')": "a-b-c",
    "x.translate({97: 'AA'})": "AAb", "(258).to_bytes(2, 'big')": b"\x01\x02",
    "'%05d|%-4s|%.2f' % (3, 'a', 2.5)": "00003|a   |2.50", "'%(n)03d' % {'n': n}": "010",
    "'%*d' % (4, 1)": "   1", "f'{x:>5}|{x!r}|{n:03d}|{2.5:.1f}|{n:{n}}'": "   ab|'ab'|010|2.5|        10",
    "x + 'c'": "abc", "[1] + [2]": [1, 2], "7 % 3": 1, "'x' * 3": "xxx",
}


@pytest.mark.parametrize("source", ALLOCATIONS)
def test_an_allocation_past_the_bound_is_refused_before_it_happens(source: str) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SandboxViolation, match="refused"):
            evaluate(source, CONTEXT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MAX_SEQUENCE_ITEMS, f"{source} allocated {peak:,} bytes before it was refused"
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("source", UNREACHABLE)
def test_the_other_allocators_are_not_reachable(source: str) -> None:
    with pytest.raises(SandboxViolation):
        evaluate(source, CONTEXT)


@pytest.mark.parametrize(("source", "expected"), ORDINARY.items())
def test_ordinary_uses_still_run(source: str, expected: Any) -> None:
    assert evaluate(source, CONTEXT) == expected


def test_every_sized_method_is_tried() -> None:
    tried = " ".join(ALLOCATIONS)
    assert all(f"{name}(" in tried for name in SIZED_METHODS)


def test_in_place_operators_are_bounded_too() -> None:
    data = {"s": "x" * 600_000, "items": [0] * 600_000, "f": "%0900000000d"}
    for script in ("s += s", "items += items", "f %= 1", "s *= 2"):
        with pytest.raises(SandboxViolation, match="refused"):
            execute(script, dict(data))
    small = {"s": "ab", "f": "%03d"}
    execute("s += 'c'\nf %= 7", small)
    assert small == {"s": "abc", "f": "007"}


def test_the_checked_stand_ins_do_not_leak_into_workflow_data() -> None:
    data: dict[str, Any] = {"x": "ab"}
    execute("pad = x.ljust\ny = pad(4)", data)
    assert data == {"x": "ab", "y": "ab  "}
