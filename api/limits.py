"""Request body limits (413).

A pure ASGI middleware: a declared `Content-Length` over the limit is refused before the body is
read; a body without one (chunked) is counted as it streams and refused the moment it passes the
limit, so no handler ever holds more than the limit in memory.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from api.errors import error_body
from api.messages import CONTENT_LENGTH_NOT_A_NUMBER, REQUEST_TOO_LARGE
from forms.messages import Message

DEFAULT_LIMIT = 1024 * 1024
#: Larger limits by (method, path): model bundles are uploaded whole.
#: The web page's deploy form (api/pages) posts the same bundles.
LARGER = {("POST", "/definitions"): 20 * 1024 * 1024, ("POST", "/ui/definitions/deploy"): 20 * 1024 * 1024}


#: Uploads to a task (`POST …/tasks/{id}/attachments`, API and page): the engine applies the
#: deployment's own, smaller, limit per file (RENXING_ATTACHMENT_MAX_BYTES) and names the field.
ATTACHMENT_LIMIT = 64 * 1024 * 1024


def limit_for(method: str, path: str) -> int:
    if method == "POST" and path.rstrip("/").endswith("/attachments"):
        return ATTACHMENT_LIMIT
    return LARGER.get((method, path.rstrip("/") or "/"), DEFAULT_LIMIT)


def _too_large(limit: int) -> Message:
    return REQUEST_TOO_LARGE(megabytes=limit // (1024 * 1024))


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > limit or size < 0:
                status = 413 if size > limit else 400
                message = _too_large(limit) if status == 413 else CONTENT_LENGTH_NOT_A_NUMBER()
                await _send_error(send, status, "payload_too_large" if status == 413 else "bad_request",
                                  message)
                return
        received = 0

        async def counting_receive() -> ASGIMessage:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, counting_receive, send)


async def _send_error(send: Send, status: int, code: str, message: Message) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
