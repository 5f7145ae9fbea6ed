"""What the virtual card is personalised with: MRZ, EF.COM, DG1, DG2, DG13, SOD coverage."""

from __future__ import annotations

import hashlib
import io

from asn1crypto import cms, core
from PIL import Image

from hardware_mocks import lds_builder
from hardware_mocks.citizens import synthetic_face
from hardware_mocks.virtual_cccd import VirtualCCCD
from station.identity import Identity
from station.readers import mrz as station_mrz

PROFILE_MRZ = ("IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", "UNG<<HOANG<HIEP<<<<<<<<<<<<<<<")


def test_mrz_matches_the_profile_example(sample_identity: Identity) -> None:
    assert lds_builder.td1_mrz(sample_identity) == PROFILE_MRZ
    assert lds_builder.mrz_information(sample_identity) == "093047064" + "1" + "930105" + "4" + "330105" + "2"


def test_mrz_is_accepted_by_an_independent_parser(sample_identity: Identity) -> None:
    for identity in (sample_identity, sample_identity.model_copy(update={"date_of_expiry": None})):
        td1 = station_mrz.parse_td1("\n".join(lds_builder.td1_mrz(identity)))
        assert td1.all_checks_ok
        assert td1.id_number == identity.id_number
        assert td1.mrz_information == lds_builder.mrz_information(identity)


def test_mrz_check_digit_icao_example() -> None:
    assert lds_builder.check_digit("L898902C<") == "3"
    assert lds_builder.check_digit("690806") == "1"
    assert lds_builder.check_digit("940623") == "6"


def _tlvs(data: bytes) -> list[tuple[int, bytes]]:
    """(tag, value) pairs at one level, read by hand (ISO 7816-4 BER-TLV) for independence."""
    out = []
    i = 0
    while i < len(data):
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:
            tag = (tag << 8) | data[i]
            i += 1
        first = data[i]
        i += 1
        length = first
        if first & 0x80:
            count = first & 0x7F
            length = int.from_bytes(data[i : i + count], "big")
            i += count
        out.append((tag, data[i : i + length]))
        i += length
    assert i == len(data)
    return out


def _one(data: bytes, tag: int) -> bytes:
    ((got, value),) = _tlvs(data)
    assert got == tag, hex(got)
    return value


def test_com_and_dg1(sample_identity: Identity) -> None:
    com = dict(_tlvs(_one(lds_builder.build_com(), 0x60)))
    assert com[0x5F01] == b"0107" and com[0x5F36] == b"040000"
    assert com[0x5C] == bytes((0x61, 0x75, 0x63, 0x6D, 0x6E, 0x6F))
    dg1 = lds_builder.build_dg1(lds_builder.td1_mrz(sample_identity))
    assert _one(_one(dg1, 0x61), 0x5F1F).decode("ascii") == "".join(PROFILE_MRZ)


def test_dg2_face_record() -> None:
    jpeg = synthetic_face("001093047064", "Nam")
    assert 8_000 < len(jpeg) < 25_000
    group = _one(_one(lds_builder.build_dg2(jpeg, "Nam"), 0x75), 0x7F61)
    (count_tag, count), (template_tag, template) = _tlvs(group)
    assert (count_tag, count, template_tag) == (0x02, b"\x01", 0x7F60)
    (bht_tag, bht), (record_tag, data) = _tlvs(template)
    assert (bht_tag, record_tag) == (0xA1, 0x5F2E)
    header = dict(_tlvs(bht))
    assert header[0x81] == b"\x02" and header[0x87] == bytes.fromhex("0101") and header[0x88] == bytes.fromhex("0008")
    assert data[:8] == b"FAC\x00010\x00"
    assert int.from_bytes(data[8:12], "big") == len(data)
    assert int.from_bytes(data[12:14], "big") == 1
    assert int.from_bytes(data[14:18], "big") == len(data) - 14
    assert data[20] == 1  # gender: male
    assert data[34:36] == b"\x01\x00"  # full frontal, JPEG
    assert data[14 + 20 + 12 :] == jpeg
    width, height = int.from_bytes(data[36:38], "big"), int.from_bytes(data[38:40], "big")
    with Image.open(io.BytesIO(jpeg)) as image:
        assert (width, height) == image.size == (480, 640)


def _dg13_fields(dg13: bytes) -> dict[int, tuple[int, bytes]]:
    version, oid, fields = _tlvs(_one(_one(dg13, 0x6D), 0x30))
    assert version == (0x02, b"\x01")
    assert core.ObjectIdentifier.load(bytes((0x06, len(oid[1]))) + oid[1]).dotted == "1.0.10646.1.0.8"
    assert fields[0] == 0x31
    out: dict[int, tuple[int, bytes]] = {}
    for tag, entry in _tlvs(fields[1]):
        assert tag == 0x30
        (number_tag, number), value = _tlvs(entry)
        assert number_tag == 0x02
        out[int.from_bytes(number, "big")] = value
    return out


def _text(value: tuple[int, bytes]) -> str:
    assert value[0] == 0x0C  # UTF8String
    return value[1].decode("utf-8")


def test_dg13_fields(sample_identity: Identity) -> None:
    fields = _dg13_fields(lds_builder.build_dg13(sample_identity))
    assert _text(fields[1]) == "001093047064"
    assert _text(fields[2]) == "Ứng Hoàng Hiệp"
    assert _text(fields[3]) == "05/01/1993"
    assert _text(fields[4]) == "Nam"
    assert _text(fields[5]) == "Việt Nam"
    assert _text(fields[9]) == "Tổ 5, Phường Ba Đình, Thành phố Hà Nội"
    assert _text(fields[11]) == "10/04/2021"
    assert _text(fields[12]) == "05/01/2033"
    assert fields[13][0] == 0x30 and [_text(p) for p in _tlvs(fields[13][1])] == ["Ứng Văn Hùng", "Trần Thị Lan"]
    assert fields[14][0] == 0x30 and [_text(s) for s in _tlvs(fields[14][1])] == ["Lê Thị Thủy"]
    assert _text(fields[16]) == "123456789"
    assert list(fields) == sorted(fields)


def test_dg13_no_expiry_and_unmarried(sample_identity: Identity) -> None:
    elder = sample_identity.model_copy(update={"date_of_expiry": None, "spouse_name": None, "old_id_number": None})
    fields = _dg13_fields(lds_builder.build_dg13(elder))
    assert _text(fields[12]) == "Không thời hạn"
    assert 14 not in fields and 16 not in fields


def test_sod_covers_every_data_group(card: VirtualCCCD) -> None:
    sod = card.file_content(0x011D)
    assert sod is not None and sod[0] == 0x77
    content = cms.ContentInfo.load(_one(sod, 0x77))
    signed = content["content"]
    assert signed["encap_content_info"]["content_type"].dotted == "2.23.136.1.1.1"
    for number in (1, 2, 3, 13, 14, 15):
        assert hashlib.sha256(card.file_content(0x0100 + number) or b"").digest() in sod, number
    assert card.file_content(0x0100 + 11) is None
