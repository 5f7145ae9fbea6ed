"""The virtual CCCD through the real pcscd and the vpcd driver, read with pyscard."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from smartcard.CardConnection import CardConnection
from smartcard.Exceptions import CardConnectionException, NoCardException
from smartcard.System import readers

from hardware_mocks.virtual_cccd import VirtualCCCD
from hardware_mocks.vpcd import VpcdCard
from station.identity import Identity

H = bytes.fromhex


def _connect(reader_name: str, timeout: float = 10.0) -> CardConnection:
    """Connect and check the card answers: after a pull pcscd may briefly still offer the old card."""
    reader = next(r for r in readers() if str(r) == reader_name)
    deadline = time.monotonic() + timeout
    while True:
        connection = reader.createConnection()
        try:
            connection.connect()
            _data, sw1, sw2 = connection.transmit(list(H("00A4040C07A0000002471001")))
            assert (sw1, sw2) == (0x90, 0x00)
            return connection
        except (NoCardException, CardConnectionException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def connection(running_card: VpcdCard, vpcd_reader: str) -> Iterator[CardConnection]:
    conn = _connect(vpcd_reader)
    yield conn
    with contextlib.suppress(CardConnectionException):
        conn.disconnect()


def _tx(conn: CardConnection) -> Callable[[bytes], bytes]:
    def transmit(apdu: bytes) -> bytes:
        data, sw1, sw2 = conn.transmit(list(apdu))
        return bytes(data) + bytes((sw1, sw2))

    return transmit


def test_atr_select_challenge_and_access_control(connection: CardConnection, card: VirtualCCCD) -> None:
    assert bytes(connection.getATR()) == card.atr
    tx = _tx(connection)
    assert tx(H("00A4040C07A0000002471001")) == H("9000")
    challenge = tx(H("0084000008"))
    assert challenge[-2:] == H("9000") and len(challenge) == 10
    assert tx(H("0084000008"))[:8] != challenge[:8]
    assert tx(H("00A4020C02011E")) == H("9000")
    assert tx(H("00B0000004")) == H("6982")


def test_bac_and_secure_read_through_pcscd(
    connection: CardConnection, card: VirtualCCCD, mini_reader: tuple[type, Callable[..., object]]
) -> None:
    tx = _tx(connection)
    assert tx(H("00A4040C07A0000002471001")) == H("9000")
    _, bac = mini_reader
    sm = bac(tx, card.mrz_information)
    assert sm.unwrap(tx(sm.wrap(0xA4, 0x02, 0x0C, H("011E")))) == (b"", 0x9000)  # type: ignore[attr-defined]
    header, sw = sm.unwrap(tx(sm.wrap(0xB0, 0x00, 0x00, b"", 2)))  # type: ignore[attr-defined]
    assert sw == 0x9000 and header[0] == 0x60
    com, sw = sm.unwrap(tx(sm.wrap(0xB0, 0x00, 0x00, b"", 2 + header[1])))  # type: ignore[attr-defined]
    assert sw == 0x9000 and com == card.file_content(0x011E)
    # one extended-length READ BINARY for the whole face (DG2 by SFI 02)
    dg2, sw = sm.unwrap(tx(sm.wrap(0xB0, 0x82, 0x00, b"", 65536, extended=True)))  # type: ignore[attr-defined]
    assert sw == 0x6282 and dg2 == card.file_content(0x0102) and len(dg2) > 10_000


def test_remove_and_insert(running_card: VpcdCard, vpcd_reader: str) -> None:
    conn = _connect(vpcd_reader)
    tx = _tx(conn)
    assert tx(H("00A4040C07A0000002471001")) == H("9000")
    running_card.remove()
    with pytest.raises(CardConnectionException):
        for _ in range(50):  # pcscd notices the card leaving within its polling interval
            tx(H("00A4040C07A0000002471001"))
            time.sleep(0.05)
    running_card.insert()
    assert running_card.wait_connected(10)
    conn2 = _connect(vpcd_reader)
    assert _tx(conn2)(H("00A4040C07A0000002471001")) == H("9000")
    conn2.disconnect()


def test_pull_at_apdu_then_fresh_insertion(running_card: VpcdCard, card: VirtualCCCD, vpcd_reader: str) -> None:
    card.faults.remove_at_apdu = 3  # _connect's SELECT is the first
    conn = _connect(vpcd_reader)
    tx = _tx(conn)
    assert tx(H("00A4040C07A0000002471001")) == H("9000")
    with pytest.raises(CardConnectionException):
        tx(H("00A4020C02011E"))
    conn2 = _connect(vpcd_reader)  # the card comes back by itself
    tx2 = _tx(conn2)
    assert tx2(H("00A4040C07A0000002471001")) == H("9000")
    assert tx2(H("00A4020C02011E")) == H("9000")
    assert running_card.connections >= 2
    conn2.disconnect()


def test_cli_card_pulled_then_back(
    tmp_path: Path, sample_identity: Identity, pcscd: None, vpcd_port: int, vpcd_reader: str
) -> None:
    """``python -m hardware_mocks.virtual_cccd`` as a separate process, with the pull fault."""
    identity_file = tmp_path / "person.json"
    identity_file.write_text(sample_identity.to_json(), encoding="utf-8")
    command = [sys.executable, "-m", "hardware_mocks.virtual_cccd", "--identity", str(identity_file)]
    command += ["--port", str(vpcd_port), "--pki-dir", str(tmp_path / "pki"), "--remove-at-apdu", "3"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        conn = _connect(vpcd_reader, timeout=30)  # SELECT: APDU 1
        tx = _tx(conn)
        assert tx(H("00A4020C02011E")) == H("9000")  # APDU 2
        with pytest.raises(CardConnectionException):
            tx(H("00A4020C02011E"))  # APDU 3: pulled
        conn2 = _connect(vpcd_reader)  # back as a fresh insertion
        assert _tx(conn2)(H("00A4020C02011E")) == H("9000")
        assert _tx(conn2)(H("00B0000004")) == H("6982")
        conn2.disconnect()
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "********7064" in out and sample_identity.id_number not in out + err
