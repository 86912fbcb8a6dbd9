"""The reference server: a trivial FastAPI endpoint under the same uvicorn settings as `renxing serve`.

`python -m bench.bare_app PORT` — one sync route (FastAPI runs it in its thread pool, as it runs
the engine's routes), served by `uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="info")`.
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict[str, bool]:
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
