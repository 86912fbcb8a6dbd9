"""A group of worker processes that run batches together and report one aggregate rate.

Each worker builds its object once (`factory(index, **kwargs)`, outside any timing), then for
every batch runs `obj.batch(count)` after all workers are released at the same moment. The
rate of a batch is the total work done over the span from the first start to the last finish
(CLOCK_MONOTONIC is system-wide, so times from different processes compare).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing as mp
import time
import traceback
from typing import Any

_SPAWN = mp.get_context("spawn")


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _serve(index: int, factory: str, kwargs: dict[str, Any], conn: Any, barrier: Any) -> None:
    try:
        worker = _resolve(factory)(index, **kwargs)
        conn.send(("ready", None))
        while True:
            message = conn.recv()
            if message is None:
                break
            barrier.wait()
            start = time.monotonic()
            done = worker.batch(message)
            conn.send(("done", (done, start, time.monotonic())))
        close = getattr(worker, "close", None)
        if close is not None:
            close()
    except BaseException:  # noqa: BLE001 - report to the parent, which raises
        conn.send(("error", traceback.format_exc()))


class WorkerGroup:
    """`count` processes, each holding one worker built by `factory` ("module:callable")."""

    def __init__(self, count: int, factory: str, **kwargs: Any) -> None:
        self._barrier = _SPAWN.Barrier(count)
        self._conns = []
        self._procs = []
        for index in range(count):
            parent, child = _SPAWN.Pipe()
            proc = _SPAWN.Process(target=_serve, args=(index, factory, kwargs, child, self._barrier), daemon=True)
            proc.start()
            self._conns.append(parent)
            self._procs.append(proc)
        for conn in self._conns:
            self._expect(conn, "ready")

    @staticmethod
    def _expect(conn: Any, kind: str) -> Any:
        got, payload = conn.recv()
        if got == "error":
            raise RuntimeError(f"bench worker failed:\n{payload}")
        if got != kind:
            raise RuntimeError(f"bench worker said {got!r}, expected {kind!r}")
        return payload

    def rate(self, per_worker: int) -> float:
        """Run one batch of `per_worker` operations in every worker; operations per second."""
        for conn in self._conns:
            conn.send(per_worker)
        results = [self._expect(conn, "done") for conn in self._conns]
        total = sum(done for done, _, _ in results)
        span = max(end for _, _, end in results) - min(start for _, start, _ in results)
        return total / span

    def close(self) -> None:
        for conn in self._conns:
            with contextlib.suppress(BrokenPipeError, OSError):
                conn.send(None)
        for proc in self._procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()

    def __enter__(self) -> WorkerGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
