"""Handheld scanners: serial framing on the virtual pty, wedge burst detection, lost diacritics."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from hardware_mocks.virtual_scanner import VirtualSerialScanner
from station.readers.qr import parse_qr
from station.readers.qr_link import access_keys_from_qr
from station.readers.scanner import (
    DIACRITICS_LOST_MESSAGE,
    LineFramer,
    ScanResult,
    SerialScanner,
    diacritics_lost,
    interpret_scan,
    list_scanner_ports,
    make_wedge_filter,
)

PAYLOAD = "001099012345|123456789|Huỳnh Thị Tuyết|05031999|Nữ|Ấp Phước Lợi, xã Đức Hòa, tỉnh Long An|15042021"
ASCII_ONLY = "001099012345|123456789|Huynh Thi Tuyet|05031999|Nu|Ap Phuoc Loi, xa Duc Hoa, tinh Long An|15042021"


# ------------------------------------------------------------------ framing


def test_line_framer_cr_lf_crlf_and_chunks() -> None:
    framer = LineFramer()
    assert framer.feed(b"abc") == []
    assert framer.feed(b"def\r") == [b"abcdef"]
    assert framer.feed(b"\nxyz\n\n12") == [b"xyz"]
    assert framer.feed(b"3\r\n") == [b"123"]
    assert framer.pending() == b""


def test_line_framer_overflow_is_dropped() -> None:
    framer = LineFramer(max_length=10)
    assert framer.feed(b"x" * 25 + b"ok\n") == [b"xxxxxok"]
    assert framer.overflows == 2


# ------------------------------------------------------------------ interpret


def test_interpret_good_bad_and_lost() -> None:
    good = interpret_scan(PAYLOAD.encode(), "serial")
    assert good.payload is not None and good.payload.identity == parse_qr(PAYLOAD) and not good.offer_chip
    bad = interpret_scan(PAYLOAD.replace("05031999", "31021999"), "wedge")
    assert bad.payload is None and bad.error is not None and bad.message and "Ngày" in bad.message
    lost = interpret_scan(ASCII_ONLY, "wedge")
    assert lost.diacritics_lost and lost.payload is None and lost.offer_chip
    assert lost.message == DIACRITICS_LOST_MESSAGE
    assert lost.key_fields is not None
    assert access_keys_from_qr(lost.key_fields) == access_keys_from_qr(parse_qr(PAYLOAD))


def test_serial_bytes_in_a_legacy_codepage_offer_the_chip() -> None:
    result = interpret_scan(PAYLOAD.replace("Huỳnh", "Hu?nh").encode("utf-8").replace(b"?", b"\xff"), "serial")
    assert result.diacritics_lost and result.payload is None and result.key_fields is not None
    assert result.key_fields.id_number == "001099012345"


def test_diacritics_lost_detection() -> None:
    assert diacritics_lost(ASCII_ONLY)
    assert diacritics_lost(PAYLOAD.replace("Huỳnh", "Hu?nh"))
    assert not diacritics_lost(PAYLOAD)
    assert not diacritics_lost("just some text typed by a person")


# ------------------------------------------------------------------ serial


def test_serial_scanner_on_virtual_pty() -> None:
    results: list[ScanResult] = []
    got_two = threading.Event()

    def on_scan(result: ScanResult) -> None:
        results.append(result)
        if len(results) == 2:
            got_two.set()

    with VirtualSerialScanner() as device:
        scanner = SerialScanner(device.port, on_scan)
        scanner.start()
        try:
            device.scan(PAYLOAD, chunk_size=7, pause=0.001)  # trickles in like 9600 baud
            device.scan(PAYLOAD.replace("Nữ", "Nam"), terminator=b"\r")
            assert got_two.wait(10)
        finally:
            scanner.stop()
    assert [r.payload.identity.sex for r in results if r.payload] == ["Nữ", "Nam"]
    assert all(r.source == "serial" for r in results)
    assert results[0].payload is not None and results[0].payload.identity.full_name == "Huỳnh Thị Tuyết"


def test_list_ports_returns_infos() -> None:
    ports = list_scanner_ports()
    assert all(p.device for p in ports)
    assert ports == sorted(ports, key=lambda p: (not p.likely_scanner, p.device))


# ------------------------------------------------------------------ wedge


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _press(widget: QLineEdit, key: Qt.Key, text: str) -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
    QCoreApplication.sendEvent(widget, event)


def _type(widget: QLineEdit, text: str, clock: FakeClock, step_ms: float, enter: bool = True) -> None:
    for ch in text:
        clock.now += step_ms / 1000
        _press(widget, Qt.Key.Key_unknown, ch)
    if enter:
        clock.now += step_ms / 1000
        _press(widget, Qt.Key.Key_Return, "\r")


@pytest.fixture
def wedge(qtbot: QtBot) -> Callable[[], tuple[QLineEdit, list[ScanResult], FakeClock]]:
    def make() -> tuple[QLineEdit, list[ScanResult], FakeClock]:
        widget = QLineEdit()
        qtbot.addWidget(widget)
        results: list[ScanResult] = []
        clock = FakeClock()
        flt = make_wedge_filter(results.append, clock=clock)
        widget.installEventFilter(flt)
        widget._wedge_filter = flt  # type: ignore[attr-defined]  # keep it alive
        return widget, results, clock

    return make


def test_scanner_burst_is_lifted_out(wedge: Callable[[], tuple[QLineEdit, list[ScanResult], FakeClock]]) -> None:
    widget, results, clock = wedge()
    _type(widget, PAYLOAD, clock, step_ms=4)
    assert len(results) == 1
    assert results[0].source == "wedge" and results[0].payload is not None
    assert results[0].payload.identity.full_name == "Huỳnh Thị Tuyết"
    assert widget.text() == ""  # nothing leaked into the focused field


def test_wedge_burst_with_lost_diacritics(wedge: Callable[[], tuple[QLineEdit, list[ScanResult], FakeClock]]) -> None:
    widget, results, clock = wedge()
    _type(widget, ASCII_ONLY, clock, step_ms=3)
    assert len(results) == 1 and results[0].diacritics_lost and results[0].offer_chip
    assert results[0].key_fields is not None and results[0].key_fields.can == "012345"


def test_human_typing_reaches_the_field(
    qtbot: QtBot, wedge: Callable[[], tuple[QLineEdit, list[ScanResult], FakeClock]]
) -> None:
    widget, results, clock = wedge()
    _type(widget, "Nguyễn Văn An", clock, step_ms=120, enter=False)
    qtbot.waitUntil(lambda: widget.text() == "Nguyễn Văn An", timeout=2000)
    assert results == []


def test_fast_non_payload_burst_is_replayed(
    qtbot: QtBot, wedge: Callable[[], tuple[QLineEdit, list[ScanResult], FakeClock]]
) -> None:
    widget, results, clock = wedge()
    _type(widget, "8934567890123 some product barcode", clock, step_ms=4)
    assert results == []
    assert widget.text() == "8934567890123 some product barcode"
    # A payload typed slowly by hand is typing, not a scan.
    widget.clear()
    _type(widget, PAYLOAD[:30], clock, step_ms=90, enter=True)
    qtbot.waitUntil(lambda: widget.text() == PAYLOAD[:30], timeout=2000)
    assert results == []


def test_filter_installed_on_the_application(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    widget = QLineEdit()
    qtbot.addWidget(widget)
    results: list[ScanResult] = []
    clock = FakeClock()
    flt = make_wedge_filter(results.append, clock=clock)
    app.installEventFilter(flt)
    try:
        _type(widget, PAYLOAD, clock, step_ms=4)
        _type(widget, "abc", clock, step_ms=150, enter=False)
        qtbot.waitUntil(lambda: widget.text() == "abc", timeout=2000)
    finally:
        app.removeEventFilter(flt)
    assert len(results) == 1 and results[0].payload is not None


def test_qt_camera_reader_delivers_on_the_gui_thread(qtbot: QtBot) -> None:
    from PySide6.QtCore import QThread

    from hardware_mocks.qr_image import card_frame
    from hardware_mocks.virtual_webcam import VirtualWebcam
    from station.readers.camera import PayloadEvent, make_qt_camera_reader

    reader = make_qt_camera_reader(VirtualWebcam([card_frame(PAYLOAD, rng=1)], fps=30), workers=1)
    threads: list[object] = []
    events: list[PayloadEvent] = []

    def on_payload(event: PayloadEvent) -> None:
        threads.append(QThread.currentThread())
        events.append(event)

    reader.payloadRead.connect(on_payload)
    with qtbot.waitSignal(reader.finished, timeout=30000):
        reader.start()
    qtbot.waitUntil(lambda: len(events) == 1, timeout=5000)
    assert events[0].text == PAYLOAD
    assert threads == [reader.thread()]
    failing = make_qt_camera_reader("/nonexistent.mp4")
    with qtbot.waitSignal(failing.failed, timeout=5000) as blocker:
        failing.start()
    assert "camera" in type(blocker.args[0]).__name__.lower()
