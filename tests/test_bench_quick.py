"""`python -m bench --quick` runs end to end on SQLite and writes valid JSON (nothing about speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_bench_runs_and_writes_its_figures(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--database", "sqlite", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    document = json.loads(output.read_text())
    assert document["quick"] is True and document["databases"] == ["sqlite"]
    assert document["machine"]["nproc"] >= 1
    measured = {figure["measurement"] for figure in document["figures"]}
    assert {"throughput", "starts", "growth", "scale"} <= measured
    for figure in document["figures"]:
        assert figure["value"]["median"] == figure["value"]["median"]  # a number, not NaN
        if figure["reference"] is not None:
            assert figure["ratio"] is not None and figure["ratio"] > 0
