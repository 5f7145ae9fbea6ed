"""Helpers shared by the security tests (kept out of conftest so test modules can import them)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import socket
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from procedure_backend import Database
from procedure_backend.validation import FieldError
from station.identity import Identity

INJECTIONS = (
    "'; DROP TABLE submissions; --",
    '" OR "1"="1',
    "x' OR '1'='1' --",
    "1; DELETE FROM api_tokens WHERE 1=1",
    "Nguyễn'); UPDATE submissions SET station='pwned'; --",
    "%' UNION SELECT token_hash, scope FROM api_tokens --",
    "\\x00\\'; SELECT pg_sleep(5); --",
)
"""Classic SQL injection payloads, one with Vietnamese text, one with a LIKE wildcard."""


def accept_all(form_id: str, form_version: str, values: dict[str, Any]) -> list[FieldError]:
    """Let any form through, so injection strings reach the database in every field."""
    return []


@dataclass(frozen=True)
class BackendDb:
    db: Database
    station_token: str
    back_office_token: str


class HostileServer:
    """A real TCP server on loopback that answers each HTTP request with scripted raw bytes.

    ``answer(path)`` returns the bytes to send (any bytes: a valid response, half of one, or not
    HTTP at all) and how long to wait first; the connection is closed after each answer.
    """

    def __init__(self, answer: Callable[[str], tuple[bytes, float]]) -> None:
        self._answer = answer
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port: int = self._sock.getsockname()[1]
        self.paths: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            path = head.split(b" ")[1].decode("latin-1").split("?")[0]
            self.paths.append(path)
            raw, delay = self._answer(path)
            if self._stop.wait(delay):
                return
            with contextlib.suppress(OSError):
                conn.sendall(raw)


def http_response(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def closed_port_url() -> str:
    """A loopback URL nobody listens on: connection refused, like a backend that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ------------------------------------------------------------------ personal data needles


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Needles:
    """Every shape a citizen's data could take in a log line or a file."""

    strings: tuple[str, ...]
    face_windows: tuple[bytes, ...]

    @classmethod
    def of(cls, person: Identity, face: bytes) -> Needles:
        dob = dt.date.fromisoformat(person.date_of_birth)
        name = person.full_name
        folded = _fold(name).upper()
        strings = (
            person.id_number,
            name,
            unicodedata.normalize("NFD", name),
            name.upper(),
            folded,
            folded.replace(" ", "<"),
            json.dumps(name)[1:-1],  # \\u escapes, as json.dumps(ensure_ascii=True) writes it
            dob.isoformat(),
            dob.strftime("%d/%m/%Y"),
            dob.strftime("%d%m%Y"),
            dob.strftime("%Y%m%d"),
            dob.strftime("%y%m%d"),  # MRZ
        )
        middle = len(face) // 2
        window = face[middle : middle + 24]
        return cls(strings, (window, window.hex().encode(), base64.b64encode(face[:48]), repr(face[2:14]).encode()))

    def found_in(self, data: bytes) -> list[str]:
        hits = [s for s in self.strings if s.encode("utf-8") in data]
        hits += [f"face bytes ({w[:8]!r}…)" for w in self.face_windows if w in data]
        return hits
