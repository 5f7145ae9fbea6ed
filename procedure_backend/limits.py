"""Abuse limits in front of the API: request body size, and failed-token attempts per client address.

Tokens are 256-bit random, so guessing one is hopeless anyway; the failure limit is there so a
misconfigured or hostile client cannot turn the token check into a free database load generator,
and so that guessing shows up as 429s in the access log instead of an endless stream of 401s.
The client address is the socket peer: a deployment behind a reverse proxy must limit there too
(``X-Forwarded-For`` is not trusted, since any client can write it).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["TOO_LARGE_MESSAGE", "BodySizeLimit", "FailedAuthLimiter"]

TOO_LARGE_MESSAGE = "Hồ sơ gửi lên quá lớn."


class FailedAuthLimiter:
    """At most ``max_failures`` bad tokens per address in any ``window`` seconds; then 429 until the oldest ages out.

    Memory is bounded: only the ``max_clients`` most recently failing addresses are remembered.
    """

    def __init__(
        self,
        max_failures: int = 20,
        window: float = 60.0,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._max_clients = max_clients
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times

    def retry_after(self, client: str) -> int | None:
        """Whole seconds the client must wait, or None when it may try a token now."""
        now = self._clock()
        with self._lock:
            times = self._recent(client, now)
            if times is None or len(times) < self.max_failures:
                return None
            return max(1, math.ceil(times[0] + self.window - now))

    def record_failure(self, client: str) -> None:
        now = self._clock()
        with self._lock:
            times = self._recent(client, now)
            if times is None:
                times = deque()
                self._failures[client] = times
            times.append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > self._max_clients:
                self._failures.popitem(last=False)


class BodySizeLimit:
    """ASGI middleware: 413 for a declared ``Content-Length`` over the limit, or a streamed body that grows past it.

    The streamed case raises ``HTTPException(413)`` from ``receive``, which FastAPI passes through
    its body reading unchanged, so the client gets the same JSON answer either way.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _send_413(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, TOO_LARGE_MESSAGE)
            return message

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_413(send: Send) -> None:
    import json

    body = json.dumps({"detail": TOO_LARGE_MESSAGE}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
