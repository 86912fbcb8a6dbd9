"""The conventions the build enforces: ruff clean everywhere, mypy clean on engine/ and api/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_engine_and_api() -> None:
    result = _run("mypy", "engine", "api")
    assert result.returncode == 0, result.stdout + result.stderr
