"""BER-TLV reader: values, offsets of every malformation, and never another exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.readers.errors import MalformedDataError
from station.readers.icao.tlv import encode_length, encode_tag, encode_tlv, parse_all, read_header, read_tlv

# EF.COM of ICAO 9303-11 Appendix D.4, written out by hand.
EF_COM = bytes.fromhex("60145F0104303130365F36063034303030305C026175")


def test_ef_com_structure() -> None:
    outer = read_tlv(EF_COM, file="EF.COM")
    assert (outer.tag, outer.length, outer.offset, outer.value_offset) == (0x60, 0x14, 0, 2)
    children = outer.children()
    assert [(c.tag, c.offset, c.value) for c in children] == [
        (0x5F01, 2, b"0106"),
        (0x5F36, 9, b"040000"),
        (0x5C, 18, b"\x61\x75"),
    ]
    assert outer.constructed and not children[0].constructed


def test_header_only_from_first_bytes() -> None:
    big = b"\x75\x82\x3a\x98"  # DG2 of 15000 value bytes: only the first 4 bytes are known
    header = read_header(big + b"\x7f\x61", file="DG2")
    assert (header.tag, header.length, header.header_length, header.total_length) == (0x75, 15000, 4, 15004)
    assert read_header(b"\x5f\x1f\x5a").header_length == 3
    assert read_header(b"\x7f\x2e\x83\x01\x00\x00").length == 65536
    assert read_header(b"\x01\x84\x01\x00\x00\x00").length == 1 << 24


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b"", 0, "truncated tag"),
        (b"\x5f", 1, "truncated tag"),  # multi-byte tag cut after its first byte
        (b"\x7f\x81", 2, "truncated tag"),  # continuation bit set, nothing follows
        (b"\x61", 1, "truncated length"),
        (b"\x61\x82\x01", 1, "truncated length"),
        (b"\x61\x80\x00\x00", 1, "indefinite length"),
        (b"\x61\x85\x00\x00\x00\x00\x01", 1, "length of 5 bytes"),
        (b"\x61\x05\x01\x02", 0, "needs 5 bytes"),
        (b"\x5f\x81\x82\x83\x04\x00", 0, "tag longer than 4 bytes"),
    ],
)
def test_malformations_name_their_offset(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(MalformedDataError) as info:
        read_tlv(data, file="DG1")
    assert info.value.offset == offset
    assert info.value.file == "DG1"
    assert message in str(info.value)


def test_nested_malformation_reports_absolute_offset() -> None:
    # 6D 08 { 30 06 { 02 01 01 0C 05 <only 1 byte> } }: the UTF8String at offset 7 overruns its parent.
    data = bytes.fromhex("6D0830060201010C0541")
    inner = read_tlv(data).children()[0]
    with pytest.raises(MalformedDataError) as info:
        inner.children()
    assert info.value.offset == 7


def test_base_offset_is_added() -> None:
    with pytest.raises(MalformedDataError) as info:
        parse_all(b"\x02\x01\x01\x04\x80", base=100)
    assert info.value.offset == 104


def test_require_names_missing_tag() -> None:
    outer = read_tlv(EF_COM, file="EF.COM")
    assert outer.require(0x5C).value == b"\x61\x75"
    with pytest.raises(MalformedDataError) as info:
        outer.require(0x5F1F, "MRZ")
    assert info.value.offset == 0 and "5F1F" in str(info.value)


@pytest.mark.parametrize(("tag", "length"), [(0x61, 0), (0x5F1F, 90), (0x7F2E, 200), (0x75, 300), (0x77, 70000)])
def test_encode_round_trip(tag: int, length: int) -> None:
    value = bytes(range(256)) * (length // 256) + bytes(length % 256)
    encoded = encode_tlv(tag, value)
    parsed = read_tlv(encoded)
    assert (parsed.tag, parsed.value) == (tag, value)
    assert (
        encode_tag(0x5F1F) == b"\x5f\x1f"
        and encode_length(128) == b"\x81\x80"
        and encode_length(256) == b"\x82\x01\x00"
    )


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_parse_or_raise_malformed(data: bytes) -> None:
    try:
        items = parse_all(data, file="X")
    except MalformedDataError as exc:
        assert exc.offset is not None and 0 <= exc.offset <= len(data)
        return
    assert sum(i.end - i.offset for i in items) == len(data)
    for item in items:
        if item.constructed:
            try:
                item.children()
            except MalformedDataError as exc:
                assert exc.offset is not None and item.value_offset <= exc.offset <= item.end
