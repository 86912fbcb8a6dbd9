"""Benchmarks that print ratios: every figure is measured beside its reference in the same run.

Run ``python -m bench [--quick] [--database sqlite|postgres|both] [--only NAME]``. Each
measurement module exposes ``run(ctx) -> list[Figure]``; ``bench.__main__`` runs them, prints a
table and writes ``bench/results/latest.json``. Nothing here asserts anything about speed.
"""
