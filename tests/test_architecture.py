"""The dependency rules of DESIGN.md, enforced: SpiffWorkflow only inside engine/workflow/,
no FastAPI in engine/, forms/ imports neither engine nor api."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


@pytest.mark.parametrize("path", _python_files("engine", "api", "forms", "bench"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_spiffworkflow_is_imported_only_in_engine_workflow(path: Path) -> None:
    # The benchmark's reference figure is SpiffWorkflow alone, so that one module may use it.
    if (ROOT / "engine" / "workflow") in path.parents or path == ROOT / "bench" / "spiff_reference.py":
        return
    assert "SpiffWorkflow" not in _imports(path)


@pytest.mark.parametrize("path", _python_files("engine"), ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_knows_nothing_of_http(path: Path) -> None:
    assert not {"fastapi", "starlette", "api", "uvicorn"} & _imports(path)


@pytest.mark.parametrize("path", _python_files("forms"), ids=lambda p: str(p.relative_to(ROOT)))
def test_forms_import_neither_engine_nor_api(path: Path) -> None:
    assert not {"engine", "api"} & _imports(path)
