"""BAC + secure messaging + file reading against the virtual CCCD's independent card-side engine.

The engine (hardware_mocks.virtual_cccd) shares only the crypto primitives and the APDU codec
with the reader, so an SSC or padding disagreement between the two sides shows up here.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from hardware_mocks.virtual_cccd import CardFaults, VirtualCCCD
from station.readers.errors import AccessDeniedError
from station.readers.icao import CommandAPDU, FileAccessDenied, FileNotFound, FileReader, ResponseAPDU
from station.readers.icao.bac import perform_bac
from station.readers.icao.lds import DG1, DG13, EFCom
from station.readers.icao.sm import SecureChannel
from station.readers.mrz import cccd_mrz_information

MRZ = "IDVNM0930470641001093047064<<2" + "9301054M3301052VNM<<<<<<<<<<<8" + "UNG<<HOANG<HIEP<<<<<<<<<<<<<<<"
MRZ_INFO = "093047064" + "1" + "930105" + "4" + "330105" + "2"


def tlv(tag: bytes, value: bytes) -> bytes:
    n = len(value)
    length = bytes((n,)) if n < 0x80 else (b"\x81" + bytes((n,)) if n < 0x100 else b"\x82" + n.to_bytes(2, "big"))
    return tag + length + value


FILES = {
    0x011E: tlv(b"\x60", tlv(b"\x5f\x01", b"0107") + tlv(b"\x5f\x36", b"040000") + tlv(b"\x5c", b"\x61\x75\x63\x6d")),
    0x0101: tlv(b"\x61", tlv(b"\x5f\x1f", MRZ.encode())),
    0x0102: tlv(b"\x75", bytes(i % 251 for i in range(40000))),  # not a real DG2: only read here
    0x0103: tlv(b"\x63", b"\x00" * 10),
    0x010D: tlv(
        b"\x6d",
        tlv(
            b"\x30",
            bytes.fromhex("020101")
            + bytes.fromhex("060628D316010008")
            + tlv(b"\x31", tlv(b"\x30", bytes.fromhex("020102") + tlv(b"\x0c", "Ưng Hoàng Hiệp".encode()))),
        ),
    ),
}


class EngineLink:
    """In-process transport to the engine (what pcscd + vpcd carry in the real set-up)."""

    def __init__(self, card: VirtualCCCD, max_apdu_data: int) -> None:
        self.card = card
        self.max_apdu_data = max_apdu_data
        self.commands = 0

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        self.commands += 1
        return ResponseAPDU.from_bytes(self.card.handle_apdu(command.to_bytes()))


def _session(max_apdu_data: int, faults: CardFaults | None = None) -> tuple[SecureChannel, FileReader, list[int]]:
    counter = itertools.count()
    card = VirtualCCCD(FILES, MRZ_INFO, faults=faults, rng=lambda n: bytes((next(counter) & 0xFF,)) * n)
    link = EngineLink(card, max_apdu_data)
    channel = SecureChannel(link)
    assert channel.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, bytes.fromhex("A0000002471001"))).ok
    perform_bac(channel, MRZ_INFO)
    reauthentications: list[int] = []

    def reauthenticate() -> None:
        reauthentications.append(link.commands)
        perform_bac(channel, MRZ_INFO)

    return channel, FileReader(channel, reauthenticate=reauthenticate), reauthentications


def test_mrz_information_matches_the_profile_example() -> None:
    assert cccd_mrz_information("001093047064", dt.date(1993, 1, 5), dt.date(2033, 1, 5)) == MRZ_INFO
    td1 = DG1(FILES[0x0101]).td1
    assert td1 is not None and td1.mrz_information == MRZ_INFO


def test_short_apdus_read_everything() -> None:
    channel, reader, reauthentications = _session(256)
    assert EFCom(reader.read(0x011E)).data_groups == (1, 2, 3, 13)
    td1 = DG1(reader.read(0x0101)).td1
    assert td1 is not None and td1.id_number == "001093047064"
    assert reader.read(0x0102) == FILES[0x0102]  # crosses offset 32767: B1 with DO'54' under SM (DO'85')
    assert reader.chunk_size == 223  # 256 does not fit once wrapped: the card said 6700
    assert DG13(reader.read(0x010D)).full_name == "Ưng Hoàng Hiệp"
    with pytest.raises(FileAccessDenied):
        reader.read(0x0103)
    with pytest.raises(FileNotFound):
        reader.read(0x010B)
    assert channel.sm is not None and not channel.broken
    assert reauthentications == []


def test_extended_length_reads_the_big_file_in_one_go() -> None:
    _, reader, _ = _session(65536)
    assert reader.read(0x0102) == FILES[0x0102]
    assert reader.extended_works is True


def test_card_without_extended_length_drops_the_session_and_reader_recovers() -> None:
    channel, reader, reauthentications = _session(65536, CardFaults(no_extended_length=True))
    assert reader.read(0x0102) == FILES[0x0102]
    assert reader.extended_works is False
    assert len(reauthentications) == 1
    assert DG1(reader.read(0x0101)).td1 is not None
    assert channel.sm is not None and not channel.broken


@pytest.mark.parametrize("sw", [0x6700, 0x6C00])
def test_card_limiting_le(sw: int) -> None:
    _, reader, _ = _session(256, CardFaults(max_le=160, max_le_sw=sw))
    assert reader.read(0x0102) == FILES[0x0102]
    assert reader.chunk_size == 160


def test_wrong_mrz_is_access_denied() -> None:
    card = VirtualCCCD(FILES, MRZ_INFO)
    channel = SecureChannel(EngineLink(card, 256))
    channel.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, bytes.fromhex("A0000002471001")))
    with pytest.raises(AccessDeniedError):
        perform_bac(channel, MRZ_INFO[:-1] + "3")
