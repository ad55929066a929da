"""Request-body size limit: a pure ASGI middleware that refuses an oversized body with 413 before it is read.

The limit is ``POWBUREAU_MAX_BODY`` bytes (default 1 MiB: every JSON and form post of the bureau is far smaller);
a declared ``Content-Length`` over it is refused at once, and a streamed body is counted and cut off. A route
that takes files larger than that (the list upload of /imports) gets its own limit through ``larger``:
``POWBUREAU_MAX_UPLOAD`` bytes, default 50 MiB."""

from __future__ import annotations

import json
import os

from fastapi import HTTPException

from ..domain.errors import ValidationFailed
from ..domain.messages import Msg

DEFAULT_MAX_BODY = 1024 * 1024  # bytes
DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024  # bytes: a list file (CSV, XLSX, JSON) uploaded to /imports


def _bytes_setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValidationFailed(Msg("{name}={raw!r} is not a positive number of bytes; set e.g. {default}", name=name,
                                   raw=raw, default=str(default)))
    return int(raw)


def max_body() -> int:
    """The body limit in bytes: ``POWBUREAU_MAX_BODY`` or 1 MiB. Raises ``ValidationFailed`` naming the variable
    when it is not a positive whole number."""
    return _bytes_setting("POWBUREAU_MAX_BODY", DEFAULT_MAX_BODY)


def max_upload() -> int:
    """The body limit of a list upload (POST /imports) in bytes: ``POWBUREAU_MAX_UPLOAD`` or 50 MiB."""
    return _bytes_setting("POWBUREAU_MAX_UPLOAD", DEFAULT_MAX_UPLOAD)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit; the app's HTTP error handler renders it
    (FastAPI re-raises an ``HTTPException`` met while reading a body instead of turning it into a 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message)


class BodyLimit:
    """ASGI middleware: HTTP requests whose body exceeds ``limit`` bytes get 413 (JSON on /api, text elsewhere)
    and never reach the routes; nothing is written. ``larger`` maps an exact path (a POST route taking files) to
    its own limit."""

    def __init__(self, app, limit: int | None = None, larger: dict[str, int] | None = None) -> None:  # noqa: ANN001
        self.app = app
        self.limit = max_body() if limit is None else limit
        self.larger = dict(larger or {})

    def _limit_of(self, scope) -> int:  # noqa: ANN001
        return self.larger.get(scope.get("path", ""), self.limit)

    def _message(self, limit: int) -> str:
        setting = "POWBUREAU_MAX_BODY" if limit == self.limit else "POWBUREAU_MAX_UPLOAD"
        return (f"the request body is larger than the bureau accepts ({limit:,} bytes); nothing was written; "
                f"send less (split a long text or a list), or raise {setting} on the server")

    async def _refuse(self, scope, send) -> None:  # noqa: ANN001
        limit = self._limit_of(scope)
        msg = self._message(limit)
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
        limit = self._limit_of(scope)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
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
                if seen > limit:
                    over = True
                    raise BodyTooLarge(self._message(limit))
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
