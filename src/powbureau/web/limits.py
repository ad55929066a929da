"""Request-body size limit: a pure ASGI middleware that refuses an oversized body with 413 before it is read.

The limit is ``POWBUREAU_MAX_BODY`` bytes (default 1 MiB: every JSON and form post of the bureau is far smaller);
a declared ``Content-Length`` over it is refused at once, and a streamed body is counted and cut off."""

from __future__ import annotations

import json
import os

from fastapi import HTTPException

from ..domain.errors import ValidationFailed

DEFAULT_MAX_BODY = 1024 * 1024  # bytes


def max_body() -> int:
    """The body limit in bytes: ``POWBUREAU_MAX_BODY`` or 1 MiB. Raises ``ValidationFailed`` naming the variable
    when it is not a positive whole number."""
    raw = os.environ.get("POWBUREAU_MAX_BODY", "").strip()
    if not raw:
        return DEFAULT_MAX_BODY
    if not raw.isdigit() or int(raw) <= 0:
        raise ValidationFailed(f"POWBUREAU_MAX_BODY={raw!r} is not a positive number of bytes; set e.g. 1048576")
    return int(raw)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit; the app's HTTP error handler renders it
    (FastAPI re-raises an ``HTTPException`` met while reading a body instead of turning it into a 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message)


class BodyLimit:
    """ASGI middleware: HTTP requests whose body exceeds ``limit`` bytes get 413 (JSON on /api, text elsewhere)
    and never reach the routes; nothing is written."""

    def __init__(self, app, limit: int | None = None) -> None:  # noqa: ANN001
        self.app = app
        self.limit = max_body() if limit is None else limit

    def _message(self) -> str:
        return (f"the request body is larger than the bureau accepts ({self.limit:,} bytes); nothing was written; "
                "send less (split a long text or a list), or raise POWBUREAU_MAX_BODY on the server")

    async def _refuse(self, scope, send) -> None:  # noqa: ANN001
        msg = self._message()
        if scope.get("path", "").startswith("/api"):
            body = json.dumps({"error": {"code": "body_too_large", "message": msg}}).encode()
            ctype = b"application/json"
        else:
            body = f"413 Payload Too Large: {msg}\n".encode()
            ctype = b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._refuse(scope, send)
                    return
        seen = 0
        over = False  # the streamed body passed the limit: whatever the app answers is replaced by our 413
        answered = False

        async def counting_receive():  # noqa: ANN202
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise BodyTooLarge(self._message())
            return message

        async def guarded_send(message) -> None:  # noqa: ANN001
            nonlocal answered
            if over:  # e.g. a middleware wrapped our error in an ExceptionGroup and the app rendered a 400
                if not answered:
                    answered = True
                    await self._refuse(scope, send)
                return
            if message["type"] == "http.response.start":
                answered = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not answered:
            await self._refuse(scope, send)
