"""`python -m bench [--quick] [--database sqlite|postgres|both] [--only NAME]`.

Runs the measurements, prints one table of figures beside their references, and writes
`bench/results/latest.json` (with the machine it ran on). Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Context, Figure, postgres_available
from bench.report import machine, print_table

MEASUREMENTS = ("throughput", "starts", "growth", "rework", "api", "scale")
RESULTS = Path(__file__).resolve().parent / "results"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (under a minute on SQLite)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--only", action="append", choices=MEASUREMENTS, help="run only this measurement")
    parser.add_argument("--repetitions", type=int, help="repetitions per figure (default 3 quick, 5 full)")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in databases and not postgres_available():
        print("PostgreSQL does not answer; measuring SQLite only", file=sys.stderr)
        databases = [d for d in databases if d != "postgres"]
    workdir = Path(tempfile.mkdtemp(prefix="renxing-bench-"))
    figures: list[Figure] = []
    skipped: list[str] = []
    started = time.perf_counter()
    try:
        for database in databases:
            ctx = Context(database=database, quick=args.quick, workdir=workdir,
                          repetitions=args.repetitions or (3 if args.quick else 5))
            for name in args.only or MEASUREMENTS:
                module = importlib.import_module(f"bench.{name}")
                begun = time.perf_counter()
                found = module.run(ctx)
                if not found:
                    skipped.append(f"{name} ({database}): {getattr(module, 'SKIPPED', 'not run')}")
                figures.extend(found)
                print(f"  {name} on {database}: {time.perf_counter() - begun:.1f} s", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(figures, skipped)
    document = {
        "quick": args.quick, "databases": databases, "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(), "skipped": skipped, "figures": [f.as_json() for f in figures],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
