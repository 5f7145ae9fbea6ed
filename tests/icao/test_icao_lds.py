"""EF.COM, DG1, DG2 and DG13, built in the tests from the specifications (asn1crypto / bytes)."""

from __future__ import annotations

import io
import struct

import pytest
from asn1crypto import core
from PIL import Image

from station.readers.errors import MalformedDataError
from station.readers.icao.lds import DG1, DG2, DG13, EFCom, ImageType, dg13_date_to_iso


def der(tag: bytes | int, content: bytes) -> bytes:
    """Definite-length TLV, written here independently of station.readers.icao.tlv."""
    tag_bytes = bytes((tag,)) if isinstance(tag, int) else tag
    n = len(content)
    if n < 0x80:
        length = bytes((n,))
    elif n < 0x100:
        length = b"\x81" + bytes((n,))
    elif n < 0x10000:
        length = b"\x82" + n.to_bytes(2, "big")
    else:
        length = b"\x83" + n.to_bytes(3, "big")
    return tag_bytes + length + content


# ---------------------------------------------------------------- EF.COM


def test_ef_com_appendix_d() -> None:
    com = EFCom(bytes.fromhex("60145F0104303130365F36063034303030305C026175"))
    assert (com.lds_version, com.unicode_version) == ("1.6", "4.0.0")
    assert com.tags == (0x61, 0x75) and com.data_groups == (1, 2)


def test_ef_com_cccd_profile_with_unknown_tag_kept() -> None:
    raw = der(
        0x60, der(b"\x5f\x01", b"0107") + der(b"\x5f\x36", b"040000") + der(0x5C, bytes.fromhex("6175636D6E6F99"))
    )
    com = EFCom(raw)
    assert com.lds_version == "1.7"
    assert com.data_groups == (1, 2, 3, 13, 14, 15)
    assert 0x99 in com.tags


def test_ef_com_errors() -> None:
    with pytest.raises(MalformedDataError) as info:
        EFCom(der(0x60, der(b"\x5f\x01", b"0107") + der(b"\x5f\x36", b"040000")))
    assert info.value.file == "EF.COM" and info.value.offset == 0 and "5C" in str(info.value)
    with pytest.raises(MalformedDataError) as info:
        EFCom(der(0x61, b""))
    assert info.value.offset == 0
    with pytest.raises(MalformedDataError) as info:
        EFCom(der(0x60, der(b"\x5f\x01", b"01x7") + der(b"\x5f\x36", b"040000") + der(0x5C, b"\x61")))
    assert info.value.offset == 2
    with pytest.raises(MalformedDataError) as info:
        EFCom(der(0x60, der(0x5C, b"\x61")) + b"\x61\x00")
    assert info.value.offset == 5


# ---------------------------------------------------------------- DG1

MRZ = "IDVNM0930470641001093047064<<2" + "9301054M3301052VNM<<<<<<<<<<<8" + "UNG<<HOANG<HIEP<<<<<<<<<<<<<<<"


def test_dg1_td1() -> None:
    dg1 = DG1(der(0x61, der(b"\x5f\x1f", MRZ.encode())))
    assert dg1.mrz == MRZ
    assert dg1.td1 is not None and dg1.td1.id_number == "001093047064" and dg1.td1.all_checks_ok
    assert dg1.raw.startswith(b"\x61\x5d\x5f\x1f\x5a")


def test_dg1_errors() -> None:
    with pytest.raises(MalformedDataError) as info:
        DG1(der(0x61, der(b"\x5f\x1f", b"\xff" * 90)))
    assert info.value.file == "DG1" and info.value.offset == 5
    with pytest.raises(MalformedDataError) as info:
        DG1(der(0x61, der(b"\x5f\x1f", MRZ[:60].encode() + b"#" * 30)))
    assert info.value.offset == 5
    with pytest.raises(MalformedDataError) as info:
        DG1(der(0x61, der(b"\x5f\x1f", MRZ.encode()))[:50])
    assert info.value.offset == 0


# ---------------------------------------------------------------- DG2


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 16), (200, 120, 40)).save(out, format=fmt)
    return out.getvalue()


def _iso19794_record(image: bytes, data_type: int, points: int = 1) -> bytes:
    face = struct.pack(">HBBB3sH3s3s", points, 1, 1, 1, b"\x00\x00\x01", 0, b"\x00\x00\x00", b"\x00\x00\x00")
    face += b"\x01\x01\x00\x10\x00\x20\x00\x00" * points
    face += struct.pack(">BBHHBBHH", 1, data_type, 12, 16, 1, 2, 0, 0)
    face += image
    block = struct.pack(">I", 4 + len(face)) + face
    return b"FAC\x00010\x00" + struct.pack(">IH", 14 + len(block), 1) + block


def _dg2(block_tag: bytes, block: bytes) -> bytes:
    header = der(0xA1, der(0x80, b"\x01\x01") + der(0x87, b"\x01\x01") + der(0x88, b"\x00\x08"))
    template = der(b"\x7f\x60", header + der(block_tag, block))
    return der(0x75, der(b"\x7f\x61", der(0x02, b"\x01") + template))


@pytest.mark.parametrize(
    ("fmt", "data_type", "kind"), [("JPEG", 0, ImageType.JPEG), ("JPEG2000", 1, ImageType.JPEG2000)]
)
def test_dg2_iso19794_5(fmt: str, data_type: int, kind: ImageType) -> None:
    image = _image(fmt)
    raw = _dg2(b"\x5f\x2e", _iso19794_record(image, data_type, points=2))
    face = DG2(raw).face
    assert face.data == image and face.type is kind
    assert (face.width, face.height) == (12, 16)
    assert raw[face.offset : face.offset + len(image)] == image
    jpeg = face.to_jpeg()
    assert jpeg.startswith(b"\xff\xd8")
    with Image.open(io.BytesIO(jpeg)) as decoded:
        assert decoded.size == (12, 16)


def test_jp2_box_and_codestream_signatures() -> None:
    jp2 = _image("JPEG2000")
    assert jp2.startswith(bytes.fromhex("0000000C6A502020")) or jp2.startswith(bytes.fromhex("FF4FFF51"))
    codestream = io.BytesIO()
    Image.new("L", (8, 8)).save(codestream, format="JPEG2000", no_jp2=True)
    assert codestream.getvalue().startswith(bytes.fromhex("FF4FFF51"))
    face = DG2(_dg2(b"\x5f\x2e", _iso19794_record(codestream.getvalue(), 1))).face
    assert face.type is ImageType.JPEG2000
    assert face.to_jpeg().startswith(b"\xff\xd8")


class _Representation(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012
        ("version", core.Integer, {"explicit": 0}),
        ("image", core.OctetString, {"implicit": 1}),
        ("width", core.Integer, {"implicit": 2}),
    ]


@pytest.mark.parametrize(("fmt", "kind"), [("JPEG", ImageType.JPEG), ("JPEG2000", ImageType.JPEG2000)])
def test_dg2_iso39794_5(fmt: str, kind: ImageType) -> None:
    image = _image(fmt)
    representation = _Representation({"version": 1, "image": image, "width": 12}).dump()
    block = der(0xA0, der(0x30, der(0x80, b"\x00\x03") + der(0xA1, representation)))
    face = DG2(_dg2(b"\x7f\x2e", block)).face
    assert face.data == image and face.type is kind and face.source_format == "ISO/IEC 39794-5"


def test_dg2_errors_name_offsets() -> None:
    record = _iso19794_record(_image("JPEG"), 0)
    raw = _dg2(b"\x5f\x2e", b"XAC" + record[3:])
    with pytest.raises(MalformedDataError) as info:
        DG2(raw)
    assert info.value.file == "DG2" and raw[info.value.offset : info.value.offset + 3] == b"XAC"
    not_image = _dg2(b"\x5f\x2e", _iso19794_record(b"GIF89a" + bytes(20), 0))
    with pytest.raises(MalformedDataError, match="neither JPEG"):
        DG2(not_image)
    oversize = bytearray(record)
    oversize[14:18] = (len(record) + 50).to_bytes(4, "big")
    with pytest.raises(MalformedDataError, match="block length"):
        DG2(_dg2(b"\x5f\x2e", bytes(oversize)))
    with pytest.raises(MalformedDataError, match="no JPEG"):
        DG2(_dg2(b"\x7f\x2e", der(0xA0, der(0x80, b"\x01\x02"))))
    with pytest.raises(MalformedDataError, match="announces 2"):
        DG2(_dg2(b"\x5f\x2e", record).replace(b"\x02\x01\x01", b"\x02\x01\x02", 1))


# ---------------------------------------------------------------- DG13

OID = core.ObjectIdentifier("1.0.10646.1.0.8").dump()


def u(text: str) -> bytes:
    return core.UTF8String(text).dump()


def field(number: int, *values: bytes) -> bytes:
    return der(0x30, core.Integer(number).dump() + b"".join(values))


def dg13(*fields: bytes, container: int = 0x31) -> bytes:
    return der(0x6D, der(0x30, core.Integer(1).dump() + OID + der(container, b"".join(fields))))


FULL_FIELDS = [
    field(1, u("001093047064")),
    field(2, u("Ưng Hoàng Hiệp")),
    field(3, u("05/01/1993")),
    field(4, u("Nam")),
    field(5, u("Việt Nam")),
    field(6, u("Kinh")),
    field(7, u("Không")),
    field(8, u("Xã Tân Thạnh, Huyện Thạnh Phú, Bến Tre")),
    field(9, u("12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh")),
    field(10, u("Nốt ruồi C:2cm trên trước đầu mày phải")),
    field(11, u("10/03/2021")),
    field(12, u("05/01/2033")),
    field(13, der(0x30, u("Ưng Văn Bình") + u("Trần Thị Hoa"))),
    field(14, der(0x30, u("Lê Thị Mai"))),
    field(15, u("")),
    field(16, u("123456789")),
    field(20, u("trường mới")),
]


def test_dg13_every_field() -> None:
    parsed = DG13(dg13(*FULL_FIELDS))
    assert parsed.version == 1 and parsed.oid == "1.0.10646.1.0.8"
    assert list(parsed.fields) == [*range(1, 17), 20]
    assert parsed.id_number == "001093047064"
    assert parsed.full_name == "Ưng Hoàng Hiệp"
    assert parsed.date_of_birth == "05/01/1993" and parsed.sex == "Nam"
    assert (parsed.nationality, parsed.ethnicity, parsed.religion) == ("Việt Nam", "Kinh", "Không")
    assert parsed.place_of_origin == "Xã Tân Thạnh, Huyện Thạnh Phú, Bến Tre"
    assert parsed.place_of_residence is not None and parsed.place_of_residence.startswith("12 Lê Lợi")
    assert parsed.identifying_marks is not None and parsed.identifying_marks.startswith("Nốt ruồi")
    assert (parsed.date_of_issue, parsed.date_of_expiry) == ("10/03/2021", "05/01/2033")
    assert parsed.fields[13] == ("Ưng Văn Bình", "Trần Thị Hoa")
    assert (parsed.father_name, parsed.mother_name) == ("Ưng Văn Bình", "Trần Thị Hoa")
    assert parsed.fields[14] == ("Lê Thị Mai",) and parsed.spouse_name == "Lê Thị Mai"
    assert parsed.other_document_number == "" and parsed.old_id_number == "123456789"
    assert parsed.fields[20] == "trường mới"


def test_dg13_real_card_variants() -> None:
    parsed = DG13(
        dg13(
            field(1, core.PrintableString("001093047064").dump()),
            field(2, der(0x30, u("Ưng Hoàng Hiệp"))),  # value wrapped in a SEQUENCE
            field(12, u("Không thời hạn")),
            field(13, u("Ưng Văn Bình"), u("Trần Thị Hoa")),  # parents as two values in a row
            field(9, der(0xA0, u("Thôn 3"))),  # explicit context tag around the value
            field(10),  # no value at all
            container=0x30,  # SEQUENCE OF instead of SET OF
        )
    )
    assert parsed.id_number == "001093047064"
    assert parsed.full_name == "Ưng Hoàng Hiệp"
    assert parsed.date_of_expiry == "Không thời hạn"
    assert (parsed.father_name, parsed.mother_name) == ("Ưng Văn Bình", "Trần Thị Hoa")
    assert parsed.place_of_residence == "Thôn 3"
    assert parsed.identifying_marks == ""
    assert parsed.spouse_name is None and 14 not in parsed.fields  # unmarried: field absent


def test_dg13_parents_with_unknown_mother() -> None:
    parsed = DG13(dg13(field(13, der(0x30, u("Ưng Văn Bình") + u("")))))
    assert parsed.father_name == "Ưng Văn Bình" and parsed.mother_name is None


def test_dg13_bad_utf8_names_the_field_offset() -> None:
    bad = field(6, der(0x0C, b"\xc3\x28"))
    raw = dg13(FULL_FIELDS[0], FULL_FIELDS[1], bad, FULL_FIELDS[3])
    with pytest.raises(MalformedDataError) as info:
        DG13(raw)
    assert info.value.file == "DG13" and info.value.offset == raw.index(bad)


def test_dg13_field_without_number() -> None:
    bad = der(0x30, u("no number"))
    raw = dg13(FULL_FIELDS[0], bad)
    with pytest.raises(MalformedDataError) as info:
        DG13(raw)
    assert info.value.offset == raw.index(bad)


def test_dg13_non_text_value() -> None:
    bad = field(3, core.Integer(19930105).dump())
    raw = dg13(bad)
    with pytest.raises(MalformedDataError) as info:
        DG13(raw)
    assert info.value.offset == raw.index(bad)


def test_dg13_truncated_and_wrong_structure() -> None:
    raw = dg13(*FULL_FIELDS)
    with pytest.raises(MalformedDataError) as info:
        DG13(raw[:-5])
    assert info.value.file == "DG13" and info.value.offset == 0  # outer length runs past the data
    lying = bytearray(raw)
    position = raw.index(FULL_FIELDS[-1])
    lying[position + 1] += 40  # the last field claims more bytes than its SET holds
    with pytest.raises(MalformedDataError) as info:
        DG13(bytes(lying))
    assert info.value.offset == position
    with pytest.raises(MalformedDataError):
        DG13(der(0x6D, der(0x30, core.Integer(1).dump() + OID)))
    with pytest.raises(MalformedDataError):
        DG13(der(0x6D, der(0x31, b"")))


def test_dg13_dates() -> None:
    assert dg13_date_to_iso("05/01/1993") == "1993-01-05"
    assert dg13_date_to_iso("01/1950") == "1950-01"
    assert dg13_date_to_iso("1950") == "1950"
    assert dg13_date_to_iso("Không thời hạn") is None
    for bad in ("30/02/1993", "1993-01-05x", "hôm qua"):
        with pytest.raises(ValueError):
            dg13_date_to_iso(bad)
