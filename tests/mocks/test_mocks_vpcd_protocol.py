"""The vpcd client's framing, controls and reconnection, against a scripted vpcd end (no pcscd)."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware_mocks import lds_builder
from hardware_mocks.virtual_cccd import CardFaults, VirtualCCCD, main
from hardware_mocks.vpcd import LinkModel, VpcdCard
from station.identity import Identity

H = bytes.fromhex


class _FakeDriver:
    """The pcscd side of the vpcd socket: listens, and speaks the 2-byte-length framing."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.conn, _ = self.server.accept()
        self.conn.settimeout(10)

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(struct.pack(">H", len(payload)) + payload)

    def recv(self) -> bytes:
        assert self.conn is not None
        header = self.conn.recv(2, socket.MSG_WAITALL)
        if len(header) < 2:
            return b""
        return self.conn.recv(struct.unpack(">H", header)[0], socket.MSG_WAITALL)

    def exchange(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.recv()

    def close_client(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@pytest.fixture
def driver() -> Iterator[_FakeDriver]:
    d = _FakeDriver()
    yield d
    d.close_client()
    d.server.close()


def _card() -> VirtualCCCD:
    return VirtualCCCD({0x011E: H("60145F0104303130365F36063034303030305C026175")}, "L898902C<369080619406236")


def test_controls_apdus_and_reconnect(driver: _FakeDriver) -> None:
    card = _card()
    runner = VpcdCard(card, port=driver.port, retry_interval=0.05).start()
    try:
        driver.accept()
        assert driver.exchange(b"\x04") == card.atr
        driver.send(b"\x01")  # power on: no answer
        assert driver.exchange(H("00A4040C07A0000002471001")) == H("9000")
        assert driver.exchange(H("00A4020C02011E")) == H("9000")
        driver.send(b"\x02")  # reset: the application is no longer selected
        assert driver.exchange(H("00A4020C02011E")) == H("6A82")
        assert runner.apdus == 3
        driver.close_client()  # pcscd went away: the card comes back on its own
        driver.accept()
        assert driver.exchange(b"\x04") == card.atr
        assert driver.exchange(H("0084000008"))[-2:] == H("9000")
        assert runner.connections == 2
    finally:
        runner.stop()


def test_pull_fault_closes_and_reinserts(driver: _FakeDriver) -> None:
    card = _card()
    card.faults = CardFaults(remove_at_apdu=2)
    runner = VpcdCard(card, port=driver.port, reinsert_delay=0.05).start()
    try:
        driver.accept()
        assert driver.exchange(H("00A4040C07A0000002471001")) == H("9000")
        assert driver.exchange(H("00A4020C02011E")) == b""  # connection closed: the card left
        driver.close_client()
        driver.accept()  # a fresh insertion
        assert driver.exchange(H("00A4040C07A0000002471001")) == H("9000")
        assert driver.exchange(H("00A4020C02011E")) == H("9000")
    finally:
        runner.stop()


def test_remove_waits_for_insert(driver: _FakeDriver) -> None:
    runner = VpcdCard(_card(), port=driver.port, retry_interval=0.05).start()
    try:
        driver.accept()
        assert runner.wait_connected(5)
        runner.remove()
        assert driver.recv() == b""
        driver.close_client()
        driver.server.settimeout(0.3)
        with pytest.raises(TimeoutError):
            driver.accept()  # out of the field: no reconnection
        runner.insert()
        driver.server.settimeout(10)
        driver.accept()
        assert driver.exchange(H("00A4040C07A0000002471001")) == H("9000")
    finally:
        runner.stop()


def test_link_model_figures() -> None:
    link = LinkModel(bitrate=424_000, turnaround_ms=5)
    assert link.exchange_seconds(0, 0) == pytest.approx(0.005)
    assert link.exchange_seconds(10, 253) == pytest.approx(263 * 8 / 424_000 + 0.005)


def test_print_mrz_cli(tmp_path: Path, sample_identity: Identity, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "person.json"
    path.write_text(sample_identity.to_json(), encoding="utf-8")
    assert main(["--identity", str(path), "--print-mrz"]) == 0
    assert capsys.readouterr().out.splitlines() == list(lds_builder.td1_mrz(sample_identity))
    path.write_text("{not json", encoding="utf-8")
    assert main(["--identity", str(path), "--print-mrz"]) == 2
