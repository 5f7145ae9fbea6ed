"""Reading EFs against a scripted card: header then body, every Le fallback, B1 offsets, progress."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from station.readers.errors import MalformedDataError, SecureMessagingError, StatusWordError
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.files import FileAccessDenied, FileNotFound, FileReader, dg_file_id, file_label


def _file(tag: int, size: int) -> bytes:
    """A TLV file with a value of ``size`` pattern bytes, header written out by hand."""
    value = bytes((i * 7 + 3) & 0xFF for i in range(size))
    if size < 0x80:
        length = bytes((size,))
    elif size < 0x100:
        length = bytes((0x81, size))
    else:
        length = bytes((0x82,)) + size.to_bytes(2, "big")
    return bytes((tag,)) + length + value


@dataclass
class FileCard:
    """A card file system. Le above ``limit`` fails the way ``failure`` says."""

    files: dict[int, bytes]
    max_apdu_data: int = 256
    limit: int = 65536
    failure: str = "6700"
    denied: frozenset[int] = frozenset()
    log: list[CommandAPDU] = field(default_factory=list)
    selected: int | None = None

    def reads(self) -> list[tuple[int, int, int]]:
        """(INS, offset, Le) of every READ BINARY sent."""
        out = []
        for cmd in self.log:
            if cmd.ins == 0xB0:
                out.append((0xB0, cmd.p1 << 8 | cmd.p2, cmd.le or 0))
            elif cmd.ins == 0xB1:
                assert cmd.data[0] == 0x54 and cmd.data[1] == len(cmd.data) - 2
                out.append((0xB1, int.from_bytes(cmd.data[2:], "big"), cmd.le or 0))
        return out

    def transmit(self, cmd: CommandAPDU) -> ResponseAPDU:
        self.log.append(cmd)
        if cmd.ins == 0xA4:
            assert (cmd.p1, cmd.p2, cmd.le) == (0x02, 0x0C, None)
            fid = int.from_bytes(cmd.data, "big")
            if fid not in self.files:
                return ResponseAPDU(b"", 0x6A82)
            self.selected = fid
            return ResponseAPDU(b"", 0x9000)
        assert self.selected is not None
        if self.selected in self.denied:
            return ResponseAPDU(b"", 0x6982)
        content = self.files[self.selected]
        le = cmd.le or 0
        if cmd.ins == 0xB0:
            offset = cmd.p1 << 8 | cmd.p2
            assert offset <= 0x7FFF
        else:
            assert cmd.ins == 0xB1 and (cmd.p1, cmd.p2) == (0, 0)
            offset = int.from_bytes(cmd.data[2:], "big")
            assert offset > 0x7FFF
        if le > self.limit:
            if self.failure == "sm":
                raise SecureMessagingError("MAC failed")
            if self.failure == "6C":
                return ResponseAPDU(b"", 0x6C00 | self.limit)
            return ResponseAPDU(b"", int(self.failure, 16))
        if offset >= len(content):
            return ResponseAPDU(b"", 0x6B00)
        if cmd.ins == 0xB0:
            chunk = content[offset : offset + le]
            return ResponseAPDU(chunk, 0x9000 if len(chunk) == le else 0x6282)
        chunk = content[offset : offset + le - 4]
        return ResponseAPDU(b"\x53\x82" + len(chunk).to_bytes(2, "big") + chunk, 0x9000)


DG2 = _file(0x75, 1000)  # 1004 bytes


def test_header_then_body_with_progress() -> None:
    card = FileCard({0x0102: DG2})
    seen: list[tuple[str, int, int]] = []
    reader = FileReader(card, progress=lambda *args: seen.append(args))
    assert reader.read(dg_file_id(2)) == DG2
    assert card.log[0] == CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x02")
    assert card.reads() == [(0xB0, 0, 8), (0xB0, 8, 256), (0xB0, 264, 256), (0xB0, 520, 256), (0xB0, 776, 228)]
    assert seen == [("DG2", 8, 1004), ("DG2", 264, 1004), ("DG2", 520, 1004), ("DG2", 776, 1004), ("DG2", 1004, 1004)]


def test_6700_steps_down_and_the_strategy_is_kept() -> None:
    card = FileCard({0x0102: DG2, 0x010D: _file(0x6D, 500)}, limit=223, failure="6700")
    reader = FileReader(card)
    assert reader.read(0x0102) == DG2
    assert card.reads()[:3] == [(0xB0, 0, 8), (0xB0, 8, 256), (0xB0, 8, 223)]
    assert reader.chunk_size == 223
    card.log.clear()
    assert reader.read(0x010D) == card.files[0x010D]
    assert all(le <= 223 for _, _, le in card.reads())


def test_6cxx_steps_down() -> None:
    card = FileCard({0x0102: DG2}, limit=192, failure="6C")
    reader = FileReader(card)
    assert reader.read(0x0102) == DG2
    assert reader.chunk_size == 192
    les = [le for _, _, le in card.reads()]
    assert les[1] == 256 and les[2] == 192  # the card's own figure is used right away
    assert max(les[3:]) <= 223


def test_6282_without_data_steps_down_to_160() -> None:
    card = FileCard({0x0102: DG2}, limit=160, failure="6282")
    reader = FileReader(card)
    assert reader.read(0x0102) == DG2
    assert [le for _, _, le in card.reads()][1:5] == [256, 223, 192, 160]
    assert reader.chunk_size == 160


def test_no_block_size_accepted_raises() -> None:
    card = FileCard({0x0102: DG2}, limit=50, failure="6700")
    with pytest.raises(StatusWordError):
        FileReader(card).read(0x0102)


def test_a_card_limited_to_128_bytes_still_reads() -> None:
    card = FileCard({0x0102: DG2}, limit=128, failure="6700")
    assert FileReader(card).read(0x0102) == DG2


def test_sm_error_reauthenticates_reselects_and_steps_down() -> None:
    card = FileCard({0x0102: DG2}, limit=223, failure="sm")
    calls: list[int] = []
    reader = FileReader(card, reauthenticate=lambda: calls.append(len(card.log)))
    assert reader.read(0x0102) == DG2
    assert calls == [3]  # SELECT, header read, the failing 256 read
    assert card.log[3] == CommandAPDU(0x00, 0xA4, 0x02, 0x0C, b"\x01\x02")  # selected again after
    assert card.reads()[2:4] == [(0xB0, 8, 223), (0xB0, 231, 223)]


def test_sm_error_without_reauthenticate_propagates() -> None:
    card = FileCard({0x0102: DG2}, limit=223, failure="sm")
    with pytest.raises(SecureMessagingError):
        FileReader(card).read(0x0102)


def test_extended_length_used_when_link_and_card_allow() -> None:
    big = _file(0x75, 20000)
    card = FileCard({0x0102: big}, max_apdu_data=65536)
    reader = FileReader(card)
    assert reader.read(0x0102) == big
    assert card.reads() == [(0xB0, 0, 8), (0xB0, 8, 19996)]
    assert reader.extended_works is True


def test_extended_failure_falls_back_once_for_the_session() -> None:
    card = FileCard({0x0102: DG2, 0x010D: _file(0x6D, 600)}, max_apdu_data=1024, limit=256, failure="6700")
    reader = FileReader(card)
    assert reader.read(0x0102) == DG2
    assert [le for _, _, le in card.reads()][:3] == [8, 960, 256]
    assert reader.extended_works is False and reader.chunk_size == 256
    card.log.clear()
    assert reader.read(0x010D) == card.files[0x010D]
    assert max(le for _, _, le in card.reads()) == 256


def test_offsets_beyond_32767_use_b1_with_do54() -> None:
    big = _file(0x75, 40000)  # 40004 bytes
    card = FileCard({0x0102: big}, max_apdu_data=4096 + 64)
    reader = FileReader(card)
    assert reader.read(0x0102) == big
    reads = card.reads()
    b0 = [r for r in reads if r[0] == 0xB0]
    b1 = [r for r in reads if r[0] == 0xB1]
    assert b0[-1][1] <= 0x7FFF and b1 and all(offset > 0x7FFF for _, offset, _ in b1)
    first_b1 = next(cmd for cmd in card.log if cmd.ins == 0xB1)
    assert first_b1.data == b"\x54\x02" + b1[0][1].to_bytes(2, "big")


def test_missing_and_denied_files_raise_distinct_errors() -> None:
    card = FileCard({0x0103: _file(0x63, 10)}, denied=frozenset({0x0103}))
    reader = FileReader(card)
    with pytest.raises(FileNotFound) as missing:
        reader.read(dg_file_id(11))
    assert missing.value.sw == 0x6A82 and missing.value.label == "DG11"
    with pytest.raises(FileAccessDenied) as denied:
        reader.read(dg_file_id(3))
    assert denied.value.sw == 0x6982 and denied.value.label == "DG3"


def test_file_shorter_than_its_header_is_malformed() -> None:
    truncated = _file(0x75, 1000)[:600]
    card = FileCard({0x0102: truncated})
    with pytest.raises(MalformedDataError) as info:
        FileReader(card).read(0x0102)
    assert info.value.file == "DG2" and info.value.offset == 600


def test_tiny_file_answered_6282_or_6cxx_on_the_header_probe() -> None:
    tiny = bytes.fromhex("6103020101")
    card = FileCard({0x0101: tiny})
    assert FileReader(card).read(0x0101) == tiny  # 6282 with the 5 bytes
    strict = FileCard({0x0101: tiny}, limit=5, failure="6C")
    assert FileReader(strict).read(0x0101) == tiny
    assert [le for _, _, le in strict.reads()] == [8, 5]


def test_labels() -> None:
    assert [file_label(f) for f in (0x011E, 0x011D, 0x011C, 0x010D, 0x2F00)] == [
        "EF.COM",
        "EF.SOD",
        "EF.CardAccess",
        "DG13",
        "EF 2F00",
    ]
    with pytest.raises(ValueError):
        dg_file_id(17)


def test_card_repeating_the_same_6cxx_does_not_loop() -> None:
    card = FileCard({0x0101: bytes.fromhex("6103020101")}, limit=0, failure="6C")
    with pytest.raises(StatusWordError):
        FileReader(card).read(0x0101)
    assert len(card.reads()) <= 2
