"""Client side of the vsmartcard ``vpcd`` driver: puts a virtual card into the real pcscd.

pcscd's vpcd driver listens on loopback (35963 for "Virtual PCD 00 00", 35964 for "… 00 01");
the card connects as a TCP client. Every message is a 2-byte big-endian length and a payload:
one byte is a control (00 power off, 01 power on, 02 reset, 04 get ATR), more is a command APDU.
A closed connection is a card leaving the field, which is how :meth:`VpcdCard.remove` and the
card's pull-at-APDU fault look to the station: exactly like a real card pulled off a reader.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "CardLike", "CardRemoved", "LinkModel", "VpcdCard"]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963

_POWER_OFF, _POWER_ON, _RESET, _GET_ATR = 0, 1, 2, 4


class CardRemoved(Exception):
    """Raised by a card's ``handle_apdu`` to leave the field (a fault): the client drops the connection."""


class CardLike(Protocol):
    """What the vpcd client drives; :class:`hardware_mocks.virtual_cccd.VirtualCCCD` is one."""

    @property
    def atr(self) -> bytes: ...

    def power_on(self) -> None: ...

    def power_off(self) -> None: ...

    def reset(self) -> None: ...

    def handle_apdu(self, raw: bytes) -> bytes: ...


@dataclass(frozen=True)
class LinkModel:
    """Time an exchange takes on a contactless link: bytes at ``bitrate`` plus a fixed turnaround.

    The default (424 kbit/s, 5 ms) is a typical ISO 14443 reader; without it the virtual card
    would answer faster than any real one and hide slow read strategies.
    """

    bitrate: int = 424_000
    turnaround_ms: float = 5.0

    def exchange_seconds(self, command_bytes: int, response_bytes: int) -> float:
        return (command_bytes + response_bytes) * 8 / self.bitrate + self.turnaround_ms / 1000


class _Pulled(Exception):
    """The card was pulled by a fault or by :meth:`VpcdCard.remove`: drop the connection."""


class VpcdCard:
    """Runs a card against pcscd's vpcd port, in the caller's thread or a background one.

    Reconnects whenever pcscd goes away or restarts. ``remove()`` / ``insert()`` simulate the
    clerk pulling the card and putting it back.
    """

    def __init__(
        self,
        card: CardLike,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        link: LinkModel | None = None,
        reinsert_delay: float = 0.5,
        retry_interval: float = 0.2,
    ) -> None:
        """``link=None`` answers as fast as possible (unit tests); the CLI passes a :class:`LinkModel`."""
        self.card = card
        self.host = host
        self.port = port
        self.link = link
        self.reinsert_delay = reinsert_delay
        self.retry_interval = retry_interval
        self.apdus = 0
        self.connections = 0
        self._stop = threading.Event()
        self._inserted = threading.Event()
        self._inserted.set()
        self._connected = threading.Event()
        self._sock: socket.socket | None = None
        self._sock_lock = threading.RLock()  # stop() may run in a signal handler on the serving thread
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------- lifecycle
    def start(self) -> VpcdCard:
        """Serve in a daemon thread; returns at once (use :meth:`wait_connected` to wait)."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name=f"vpcd-card-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect (pcscd sees the card leave) and end the serving thread."""
        self._stop.set()
        self._inserted.set()
        self._close_socket()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def __enter__(self) -> VpcdCard:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float = 5.0) -> bool:
        return self._connected.wait(timeout)

    def remove(self) -> None:
        """Pull the card: the connection closes and stays closed until :meth:`insert`."""
        self._inserted.clear()
        self._close_socket()

    def insert(self) -> None:
        """Put the card back: it reconnects as a fresh insertion (powered off, no session)."""
        self._inserted.set()

    # ------------------------------------------------------------------ loop
    def run_forever(self) -> None:
        """Connect, serve, reconnect, until :meth:`stop`."""
        while not self._stop.is_set():
            if not self._inserted.is_set():
                self._inserted.wait()
                continue
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
            except OSError:
                self._stop.wait(self.retry_interval)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _quickack(sock)
            with self._sock_lock:
                if self._stop.is_set() or not self._inserted.is_set():
                    sock.close()
                    continue
                self._sock = sock
            self.connections += 1
            self.card.power_on()
            self._connected.set()
            log.debug("virtual card connected to vpcd %s:%d", self.host, self.port)
            pulled = False
            try:
                self._serve(sock)
            except _Pulled:
                pulled = True
            except OSError as exc:
                log.debug("vpcd connection lost: %s", exc)
            finally:
                self._connected.clear()
                self._close_socket()
                self.card.power_off()
            if pulled and not self._stop.is_set():
                self._stop.wait(self.reinsert_delay)  # the card is out of the field for a moment
            elif not self._stop.is_set():
                self._stop.wait(self.retry_interval)

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            message = _recv_message(sock)
            if message is None:
                if not self._inserted.is_set():
                    raise _Pulled
                return
            started = time.perf_counter()
            if len(message) == 1:
                control = message[0]
                if control == _GET_ATR:
                    _send_message(sock, self.card.atr)
                elif control == _POWER_ON:
                    self.card.power_on()
                elif control == _RESET:
                    self.card.reset()
                elif control == _POWER_OFF:
                    self.card.power_off()
                else:
                    log.debug("vpcd: unknown control byte %02X", control)
                continue
            try:
                response = self.card.handle_apdu(message)
            except CardRemoved:
                log.debug("virtual card pulled by fault")
                raise _Pulled from None
            self.apdus += 1
            if self.link is not None:
                remaining = self.link.exchange_seconds(len(message), len(response)) - (time.perf_counter() - started)
                if remaining > 0:
                    time.sleep(remaining)
            _send_message(sock, response)

    def _close_socket(self) -> None:
        with self._sock_lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _quickack(sock: socket.socket) -> None:
    """Linux delays ACKs on loopback (~40 ms per exchange) unless told not to, after every recv."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        _quickack(sock)
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _recv_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    if length == 0:
        return b""
    return _recv_exact(sock, length)


def _send_message(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)
