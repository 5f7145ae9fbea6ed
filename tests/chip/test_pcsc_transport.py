"""The PC/SC transport against the real pcscd: a scripted card behind vpcd answers 61xx and 6Cxx,
the reader monitor sees insertions and removals, missing readers and cards are named."""

from __future__ import annotations

import threading
import time

import pytest

from hardware_mocks.harness import VPCD_SETTLE_S, wait_card_absent, wait_card_present
from hardware_mocks.vpcd import VpcdCard
from station.readers.errors import NoCardError, NoReaderError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.pcsc import CardEventKind, PcscCard, ReaderMonitor, card_supports_extended_length, list_readers


class ScriptedCard:
    """Answers 61xx (data waiting) to INS 0x10 and 6Cxx (wrong Le) to INS 0x20, like older cards do."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.atr = _with_tck(bytes.fromhex("3B8580018073940140"))

    def power_on(self) -> None:
        self.seen.clear()

    def power_off(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def handle_apdu(self, raw: bytes) -> bytes:
        self.seen.append(raw)
        command = CommandAPDU.from_bytes(raw)
        if command.ins == 0x10:
            return bytes.fromhex("6110")
        if command.ins == 0xC0:
            return bytes(range(command.le or 0)) + b"\x90\x00"
        if command.ins == 0x20:
            if command.le != 5:
                return bytes.fromhex("6C05")
            return b"HELLO\x90\x00"
        return b"\x6d\x00"


def _with_tck(atr: bytes) -> bytes:
    tck = 0
    for byte in atr[1:]:
        tck ^= byte
    return atr + bytes([tck])


@pytest.fixture
def scripted(pcscd: None, vpcd_port: int, vpcd_reader: str) -> object:
    card = ScriptedCard()
    runner = VpcdCard(card, port=vpcd_port).start()
    assert runner.wait_connected(10)
    wait_card_present(vpcd_reader)
    yield card
    runner.stop()
    wait_card_absent(vpcd_reader)
    time.sleep(VPCD_SETTLE_S)


def test_readers_are_listed(pcscd: None, vpcd_reader: str) -> None:
    assert vpcd_reader in list_readers()


def test_get_response_is_chained_on_61xx(scripted: ScriptedCard, vpcd_reader: str) -> None:
    with PcscCard(vpcd_reader) as card:
        response = card.transmit(CommandAPDU(0x00, 0x10, 0x00, 0x00, le=256))
    assert response == ResponseAPDU(bytes(range(16)), 0x9000)
    assert scripted.seen[-1] == bytes.fromhex("00C0000010")


def test_wrong_le_is_resent_on_6cxx(scripted: ScriptedCard, vpcd_reader: str) -> None:
    with PcscCard(vpcd_reader) as card:
        response = card.transmit(CommandAPDU(0x00, 0x20, 0x00, 0x00, le=256))
    assert response == ResponseAPDU(b"HELLO", 0x9000)
    assert scripted.seen[-2:] == [bytes.fromhex("0020000000"), bytes.fromhex("0020000005")]


def test_a_protected_command_is_not_replayed_on_6cxx(scripted: ScriptedCard, vpcd_reader: str) -> None:
    """Re-sending a secure-messaging command would replay its MAC: the SM layer must rebuild it."""
    with PcscCard(vpcd_reader) as card:
        response = card.transmit(CommandAPDU(0x0C, 0x20, 0x00, 0x00, le=256))
    assert response.sw == 0x6C05
    assert scripted.seen[-1] == bytes.fromhex("0C20000000")


def test_unknown_reader_and_missing_card_are_named(pcscd: None, vpcd_reader: str) -> None:
    with pytest.raises(NoReaderError):
        PcscCard("No Such Reader 99").connect()
    wait_card_absent(vpcd_reader)
    with pytest.raises(NoCardError):
        PcscCard(vpcd_reader).connect()


def test_monitor_reports_insertion_and_removal(pcscd: None, vpcd_port: int, vpcd_reader: str) -> None:
    monitor = ReaderMonitor()
    initial = monitor.wait(0)
    assert all(event.reader != vpcd_reader or event.kind is not CardEventKind.INSERTED for event in initial)
    events: list[tuple[CardEventKind, str]] = []
    done = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done.is_set():
            events.extend((event.kind, event.reader) for event in monitor.wait(0.5))

    watcher = threading.Thread(target=watch)
    watcher.start()
    runner = VpcdCard(ScriptedCard(), port=vpcd_port).start()
    try:
        _until(lambda: (CardEventKind.INSERTED, vpcd_reader) in events)
        runner.stop()
        _until(lambda: (CardEventKind.REMOVED, vpcd_reader) in events)
    finally:
        runner.stop()
        done.set()
        monitor.cancel()
        watcher.join(10)
        monitor.close()
        time.sleep(VPCD_SETTLE_S)
    assert events.index((CardEventKind.INSERTED, vpcd_reader)) < events.index((CardEventKind.REMOVED, vpcd_reader))


def _until(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "event not seen in time"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("atr", "expected"),
    [
        (bytes.fromhex("3B8580018073940140") + b"\x00", True),  # card capabilities: extended Lc/Le
        (bytes.fromhex("3B8580018073940100") + b"\x00", False),
        (bytes.fromhex("3B8180018080"), None),  # no capability bytes: only trying tells
    ],
)
def test_extended_length_from_the_atr(atr: bytes, expected: bool | None) -> None:
    assert card_supports_extended_length(atr) is expected
