"""Handheld QR scanners: serial (USB-COM) mode and keyboard-wedge mode.

Serial mode is the one to configure: the scanner sends the QR's UTF-8 bytes, one scan per line.
Keyboard-wedge mode (the factory default of most scanners) types the payload as key presses;
scanners emulate a US keyboard and drop or mangle Vietnamese letters, so a wedge scan whose text
has lost its diacritics is reported as such: its digits (number, dates) still open the chip, and
the clerk is asked to tap the card instead of accepting a misspelt name.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from station.readers.errors import NoReaderError, ReaderError
from station.readers.qr import (
    QrKeyFields,
    QrPayload,
    QrPayloadError,
    extract_key_fields,
    looks_like_cccd_payload,
    parse_qr_payload,
    qr_text,
)

__all__ = [
    "DIACRITICS_LOST_MESSAGE",
    "LineFramer",
    "ScanResult",
    "ScannerDisconnectedError",
    "SerialPortInfo",
    "SerialScanner",
    "diacritics_lost",
    "interpret_scan",
    "list_scanner_ports",
    "make_wedge_filter",
]

log = logging.getLogger(__name__)

DIACRITICS_LOST_MESSAGE = (
    "Máy quét đang ở chế độ bàn phím nên mất dấu tiếng Việt: họ tên và địa chỉ không dùng được. "
    "Đã lấy được số định danh và ngày sinh — hãy đặt thẻ lên đầu đọc chip để đọc đầy đủ, "
    "hoặc chuyển máy quét sang chế độ cổng COM (USB-COM)."
)


class ScannerDisconnectedError(NoReaderError):
    clerk_message = "Mất kết nối với máy quét mã QR. Kiểm tra cáp USB rồi chọn lại cổng máy quét."


# ---------------------------------------------------------------- interpret


@dataclass(frozen=True)
class ScanResult:
    """What one scan gave: a payload, or the digits only (diacritics lost), or an error for the clerk."""

    source: Literal["serial", "wedge"]
    payload: QrPayload | None = None
    key_fields: QrKeyFields | None = None
    diacritics_lost: bool = False
    error: ReaderError | None = None
    message: str | None = None

    @property
    def offer_chip(self) -> bool:
        """The UI should ask for the card on the chip reader (keys are ready when ``key_fields`` is set)."""
        return self.payload is None


def diacritics_lost(text: str) -> bool:
    """A CCCD payload whose Vietnamese letters were dropped on the way (wedge typing).

    Real payloads always carry letters beyond ASCII (addresses name "xã", "phường", "tỉnh"...),
    so a payload of plain ASCII, or one with "?" / U+FFFD placeholders, has lost them.
    """
    if not looks_like_cccd_payload(text):
        return False
    return "?" in text or "\ufffd" in text or text.isascii()


def interpret_scan(data: bytes | str, source: Literal["serial", "wedge"]) -> ScanResult:
    """One scanned line → :class:`ScanResult`; never raises for bad input (the error is in the result)."""
    raw = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    raw = raw.strip("\r\n\x02\x03 ")
    if diacritics_lost(raw):
        try:
            keys = extract_key_fields(raw)
        except QrPayloadError as exc:
            return ScanResult(source, error=exc, diacritics_lost=True, message=exc.clerk_message)
        return ScanResult(source, key_fields=keys, diacritics_lost=True, message=DIACRITICS_LOST_MESSAGE)
    try:
        payload = parse_qr_payload(qr_text(data.strip(b"\r\n\x02\x03 ") if isinstance(data, bytes) else raw))
    except QrPayloadError as exc:
        return ScanResult(source, error=exc, message=exc.clerk_message)
    return ScanResult(source, payload=payload)


# -------------------------------------------------------------------- serial


class LineFramer:
    """Bytes as they trickle in → complete lines; CR, LF or CRLF end a line, empty lines are dropped."""

    def __init__(self, max_length: int = 8192) -> None:
        self._buffer = bytearray()
        self._max = max_length
        self.overflows = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        lines: list[bytes] = []
        for byte in chunk:
            if byte in (0x0D, 0x0A):
                if self._buffer:
                    lines.append(bytes(self._buffer))
                    self._buffer.clear()
                continue
            if len(self._buffer) >= self._max:  # no terminator ever came: drop, do not grow forever
                self._buffer.clear()
                self.overflows += 1
            self._buffer.append(byte)
        return lines

    def pending(self) -> bytes:
        return bytes(self._buffer)


@dataclass(frozen=True)
class SerialPortInfo:
    device: str
    description: str
    vid: int | None
    pid: int | None
    likely_scanner: bool


# USB vendor ids of handheld-scanner makers: Honeywell/Metrologic, Hand Held Products, Zebra/Symbol,
# Datalogic, Newland. Cheap scanners on WCH/Prolific serial chips share their id with plain
# adapters, so those are not listed (they still appear, after the likely ones).
SCANNER_VENDOR_IDS = frozenset({0x0C2E, 0x0536, 0x05E0, 0x05F9, 0x1EAB})


def list_scanner_ports() -> list[SerialPortInfo]:
    """Serial ports, likely scanners first (known maker, or a USB CDC-ACM device)."""
    from serial.tools import list_ports

    ports = []
    for port in list_ports.comports():
        vid = port.vid
        likely = vid in SCANNER_VENDOR_IDS or "ACM" in port.device or "scan" in (port.description or "").lower()
        ports.append(SerialPortInfo(port.device, port.description or "", vid, port.pid, likely))
    return sorted(ports, key=lambda p: (not p.likely_scanner, p.device))


class SerialScanner:
    """Reads scans from a USB-COM scanner in a background thread; ``on_scan`` gets each line."""

    def __init__(
        self,
        port: str,
        on_scan: Callable[[ScanResult], None],
        *,
        baudrate: int = 9600,
        on_error: Callable[[ReaderError], None] | None = None,
    ) -> None:
        self.port = port
        self._on_scan = on_scan
        self._on_error = on_error
        self._baudrate = baudrate
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: Any = None
        self.framer = LineFramer()

    def start(self) -> None:
        import serial

        try:
            self._serial = serial.Serial(self.port, self._baudrate, timeout=0.1)
        except serial.SerialException as exc:
            raise ScannerDisconnectedError(f"cannot open scanner port: {type(exc).__name__}") from exc
        self._thread = threading.Thread(target=self._run, name="qr-serial-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._serial is not None:
            self._serial.close()

    def _run(self) -> None:
        import serial

        try:
            while not self._stop.is_set():
                chunk = self._serial.read(self._serial.in_waiting or 1)
                for line in self.framer.feed(chunk):
                    self._on_scan(interpret_scan(line, "serial"))
        except (serial.SerialException, OSError) as exc:
            if self._stop.is_set():
                return
            log.warning("scanner port lost: %s", type(exc).__name__)
            if self._on_error is not None:
                self._on_error(ScannerDisconnectedError("scanner port lost"))


# --------------------------------------------------------------------- wedge


@dataclass
class _Held:
    key: int
    modifiers: Any
    text: str
    receiver: Any
    release: bool = False  # a key release held behind its press, replayed in the same order


@dataclass
class _WedgeState:
    held: list[_Held] = field(default_factory=list)
    last: float = 0.0
    replaying: bool = False


def make_wedge_filter(
    on_scan: Callable[[ScanResult], None],
    *,
    max_interval_ms: float = 35.0,
    min_length: int = 20,
    clock: Callable[[], float] = time.monotonic,
) -> Any:
    """A Qt event filter that lifts scanner bursts out of the keyboard stream.

    Printable key presses are held back while they come faster than ``max_interval_ms`` apart
    (people type slower; scanners type a whole payload in well under a second). A held burst of at
    least ``min_length`` characters ending in Enter that looks like a CCCD payload goes to
    ``on_scan`` and never reaches the focused field; anything else is replayed to where it was
    going, unchanged, ``max_interval_ms`` later. Install with ``app.installEventFilter(f)`` or on a
    widget. Built lazily so importing this module does not need Qt.
    """
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
    from PySide6.QtGui import QKeyEvent

    enter_keys = {Qt.Key.Key_Return, Qt.Key.Key_Enter}

    class WedgeBurstFilter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.state = _WedgeState()
            self.timer = QTimer(self)
            self.timer.setSingleShot(True)
            self.timer.setInterval(max(1, int(max_interval_ms * 2)))
            self.timer.timeout.connect(self.flush)

        def flush(self) -> None:
            """Give held keys back to their receivers: it was a person typing."""
            held, self.state.held = self.state.held, []
            self.timer.stop()
            self.state.replaying = True
            try:
                for item in held:
                    kind = QEvent.Type.KeyRelease if item.release else QEvent.Type.KeyPress
                    QCoreApplication.sendEvent(item.receiver, QKeyEvent(kind, item.key, item.modifiers, item.text))
            finally:
                self.state.replaying = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if self.state.replaying or not isinstance(event, QKeyEvent):
                return False
            if not watched.isWidgetType():  # installed on the app: the window's copy of the key, not the widget's
                return False
            if event.type() == QEvent.Type.KeyRelease:
                # A release must not overtake its held press: a push button clicks on the release.
                if any(
                    not item.release and item.key == event.key() and item.receiver is watched
                    for item in self.state.held
                ):
                    self.state.held.append(_Held(event.key(), event.modifiers(), event.text(), watched, release=True))
                    return True
                return False
            if event.type() != QEvent.Type.KeyPress:
                return False
            now = clock()
            state = self.state
            if state.held and (now - state.last) * 1000 > max_interval_ms:
                self.flush()
            key = event.key()
            if key in enter_keys:
                presses = [item for item in state.held if not item.release]
                text = "".join(item.text for item in presses)
                if len(presses) >= min_length and looks_like_cccd_payload(text):
                    state.held = []
                    self.timer.stop()
                    on_scan(interpret_scan(text, "wedge"))
                    return True
                self.flush()
                return False
            text = event.text()
            if not text or not text.isprintable() or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.flush()
                return False
            state.held.append(_Held(key, event.modifiers(), text, watched))
            state.last = now
            self.timer.start()
            return True

    return WedgeBurstFilter()
