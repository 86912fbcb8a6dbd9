"""The compile-time policy of the sandbox: RestrictedPython's restricting compiler, narrowed for
workflow code (no imports, classes, ``try``/``with``, generators, attribute writes, builtins
outside the whitelist, names starting with ``_``) and rewriting ``*``, ``**`` and ``<<`` into the
size-checked helpers of `sandbox_guards`. Deploy-time checks call `check_expression` and
`check_script`; `compile_checked` caches the code every run uses.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import Any, Final, Literal, cast

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from engine.workflow.sandbox_guards import (
    DENIED_ATTRIBUTES,
    FILENAME,
    MAX_SOURCE_LENGTH,
    SAFE_BUILTINS,
    SandboxSyntaxError,
    SandboxViolation,
    refuse,
)

__all__ = ["Compiled", "check_expression", "check_script", "compile_checked"]

CODE_CACHE_SIZE: Final = 4096

# --- the compile-time policy ---------------------------------------------------------------

_PYTHON_BUILTINS: Final = frozenset(dir(builtins))
# Never plausible as task data: refused wherever they appear, not only when called.
_FORBIDDEN_NAMES: Final = frozenset({
    "eval", "exec", "compile", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "hasattr", "breakpoint", "memoryview", "super", "classmethod", "staticmethod",
})  # fmt: skip
_CHECKED_BINOPS: Final[dict[type[ast.operator], str]] = {
    ast.Mult: "_rx_mul_", ast.Add: "_rx_add_", ast.Mod: "_rx_mod_", ast.Pow: "_rx_pow_",
    ast.LShift: "_rx_lshift_",
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
            and func.id not in SAFE_BUILTINS
            and func.id not in _FORBIDDEN_NAMES
            and not func.id.startswith("_")
        ):
            return self._refuse_node(node, f"calling {func.id!r} is not allowed: it is not a whitelisted builtin")
        return super().visit_Call(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        attr = node.attr
        if attr.startswith("_"):
            return self._refuse_node(node, f"attribute {attr!r} is not allowed: names starting with '_' are forbidden")
        if attr in DENIED_ATTRIBUTES:
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

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        """``{value!r:spec}`` becomes ``{_rx_format_(value, conversion, spec)}``: widths checked."""
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        func = ast.Name("_rx_format_", ast.Load())
        call = ast.Call(func=func, args=[node.value, ast.Constant(node.conversion), spec], keywords=[])
        for made in (func, call, *call.args):
            copy_locations(made, node)
        return ast.FormattedValue(value=call, conversion=-1, format_spec=None, lineno=node.lineno,
                                  col_offset=node.col_offset)


_LONG_RUNNING: Final = (
    ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.Lambda, ast.FunctionDef,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Compiled:
    code: CodeType
    needs_tracer: bool
    trace_opcodes: bool


@lru_cache(maxsize=CODE_CACHE_SIZE)
def compile_checked(source: str, mode: Literal["eval", "exec"]) -> Compiled:
    """Parse, check and compile once per (source, mode); refusals are not cached."""
    if not isinstance(source, str):
        raise TypeError(f"source must be str, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        refuse(f"source refused: longer than {MAX_SOURCE_LENGTH:,} characters")
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
    return Compiled(result.code, needs_tracer, trace_opcodes)


def check_expression(source: str) -> None:
    """Raise SandboxViolation unless ``source`` is an allowed expression (deploy-time check)."""
    compile_checked(source, "eval")


def check_script(source: str) -> None:
    """Raise SandboxViolation unless ``source`` is an allowed script (deploy-time check)."""
    compile_checked(source, "exec")

