"""A virtual USB-COM QR scanner on a pseudo-terminal.

The station opens :attr:`VirtualSerialScanner.port` (``/dev/pts/N``) with pyserial exactly as it
opens ``/dev/ttyACM0`` for a real scanner; :meth:`scan` writes a payload the way scanners do
(UTF-8, then a terminator, optionally in small chunks with pauses like a 9600-baud link).
"""

from __future__ import annotations

import contextlib
import os
import time
import tty

__all__ = ["VirtualSerialScanner"]


class VirtualSerialScanner:
    def __init__(self, *, terminator: bytes = b"\r\n") -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR→LF translation: bytes arrive as sent
        self.terminator = terminator
        self.port = os.ttyname(self._slave)

    def scan(
        self, payload: str | bytes, *, terminator: bytes | None = None, chunk_size: int = 0, pause: float = 0.0
    ) -> None:
        """Send one scan; ``chunk_size``/``pause`` split it like a slow serial link."""
        data = (payload.encode("utf-8") if isinstance(payload, str) else payload) + (
            self.terminator if terminator is None else terminator
        )
        step = chunk_size or len(data)
        for start in range(0, len(data), step):
            os.write(self._master, data[start : start + step])
            if pause:
                time.sleep(pause)

    def close(self) -> None:
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> VirtualSerialScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
