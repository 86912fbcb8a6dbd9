"""Render a results file as Markdown for docs/performance.md: `python -m bench.markdown [FILE]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.report import spread

DEFAULT = Path(__file__).resolve().parent / "results" / "latest.json"


def _row(f: dict[str, Any]) -> str:
    ratio = f"{f['ratio']:.2f}×" if f["ratio"] is not None else ""
    met = {True: "**yes**", False: "no", None: ""}[f["goal_met"]]
    reference = f"{f['reference_name']}: {spread(f['reference'])}" if f["reference_name"] else ""
    cells = [f["measurement"], f["database"], f["name"], f"{spread(f['value'])} {f['unit']}", reference, ratio,
             f["goal"] or "", met]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def render(document: dict[str, Any]) -> str:
    m = document["machine"]
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgres'] or 'not reachable'}; {m['platform']}.",
        f"Run: databases {', '.join(document['databases'])}, {'quick' if document['quick'] else 'full'}, "
        f"{document['seconds']:.0f} s.",
        "",
        "| measurement | db | figure | value: median [min–max] | reference: median [min–max] | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(f) for f in document["figures"]]
    for line in document.get("skipped", []):
        lines.append(f"\nNot measured: {line}")
    plans = [(f["database"], f["name"], f["extra"]["plans"]) for f in document["figures"] if f["extra"].get("plans")]
    if plans:
        lines += ["", "Query plans at the large data set:", ""]
        for database, name, found in plans:
            lines += [f"- {database} — {name}:", "", "```", *found, "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT).read_text())))
