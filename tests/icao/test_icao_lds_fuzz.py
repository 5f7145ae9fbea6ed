"""LDS parsers on damaged input: a parsed result or MalformedDataError, never another exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_icao_lds import FULL_FIELDS, MRZ, _dg2, _image, _iso19794_record, der, dg13

from station.readers.errors import MalformedDataError
from station.readers.icao.lds import DG1, DG2, DG13, EFCom
from station.readers.icao.lds.common import DataGroup

VALID: list[tuple[type[DataGroup], bytes]] = [
    (EFCom, bytes.fromhex("60145F0104303130365F36063034303030305C026175")),
    (DG1, der(0x61, der(b"\x5f\x1f", MRZ.encode()))),
    (DG2, _dg2(b"\x5f\x2e", _iso19794_record(_image("JPEG"), 0))),
    (DG13, dg13(*FULL_FIELDS)),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALID), st.data())
def test_damaged_files(case: tuple[type[DataGroup], bytes], data: st.DataObject) -> None:
    parser, valid = case
    raw = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    try:
        parser(bytes(raw[:cut]))
    except MalformedDataError as exc:
        assert exc.file == parser.label
        assert exc.offset is not None and 0 <= exc.offset <= len(valid)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([EFCom, DG1, DG2, DG13]), st.binary(max_size=80))
def test_random_content_inside_the_right_tag(parser: type[DataGroup], body: bytes) -> None:
    try:
        parser(der(parser.tag, body))
    except MalformedDataError as exc:
        assert exc.offset is not None
