"""The dependency rules of DESIGN.md, enforced by import-linter's contracts (`[tool.importlinter]`
in pyproject.toml): api → engine → forms; only engine.workflow imports SpiffWorkflow; the engine
knows nothing of HTTP; engine packages are layered; no import cycles at any depth. And the size
rule: modules stay short enough to read in one sitting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint is not None, "import-linter is not installed (pip install -e '.[test]')"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("path", sorted(
    p for folder in ("engine", "api", "forms", "bench") for p in (ROOT / folder).rglob("*.py")
    if "migrations" not in p.parts
), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_short(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept"
