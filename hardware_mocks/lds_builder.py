"""Encoders for the data a CCCD chip is personalised with: TD1 MRZ, EF.COM, DG1, DG2, DG13.

Written from ICAO 9303 parts 3/5/10, ISO/IEC 19794-5 and the CCCD profile
(``shared/vectors/cccd-profile.md``), independently of the station's parsers, so that a
parser which only agrees with itself is caught.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto.core import ObjectIdentifier

from hardware_mocks import card_security
from hardware_mocks.card_sm import encode_tlv
from station.identity import Identity, parse_partial_date

__all__ = [
    "CARD_ACCESS",
    "DG13_OID",
    "NO_EXPIRY_MRZ",
    "NO_EXPIRY_TEXT",
    "Personalisation",
    "build_com",
    "build_dg1",
    "build_dg2",
    "build_dg13",
    "check_digit",
    "face_record",
    "mrz_information",
    "personalise",
    "td1_mrz",
]

log = logging.getLogger(__name__)

# The real card's EF.CardAccess (cccd-profile.md): TA v1, CA ECDH-AES-128 v1, PACE ECDH-GM-AES-128 v2 param 13.
CARD_ACCESS = bytes.fromhex(
    "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"
)
DG13_OID = "1.0.10646.1.0.8"
NO_EXPIRY_TEXT = "Không thời hạn"
NO_EXPIRY_MRZ = "<<<<<<"
"""Expiry field of the MRZ of a card that never expires (ICAO 9303-3: an absent date is filled with '<')."""

LDS_VERSION = b"0107"
UNICODE_VERSION = b"040000"
COM_TAGS = bytes((0x61, 0x75, 0x63, 0x6D, 0x6E, 0x6F))  # DG1, DG2, DG3, DG13, DG14, DG15


# ------------------------------------------------------------------------------------ MRZ


def check_digit(field: str) -> str:
    """ICAO 9303-3 §4.9: weights 7, 3, 1; digits as is, A-Z as 10-35, '<' as 0."""
    total = 0
    for i, ch in enumerate(field):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - ord("A") + 10
        elif ch == "<":
            value = 0
        else:
            raise ValueError(f"character {ch!r} is not allowed in an MRZ")
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def _mrz_text(text: str) -> str:
    """Vietnamese text as MRZ characters: diacritics dropped, Đ → D, anything else → '<'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    return "".join(ch if "A" <= ch <= "Z" or ch.isdigit() else "<" for ch in plain)


def _mrz_date(value: str | None) -> str:
    """YYMMDD with '<' for an unknown month/day (9303-3 §4.6 for partial dates)."""
    if value is None:
        return NO_EXPIRY_MRZ
    year, month, day = parse_partial_date(value)
    return f"{year % 100:02d}" + (f"{month:02d}" if month else "<<") + (f"{day:02d}" if day else "<<")


def _mrz_name(full_name: str) -> str:
    words = [_mrz_text(w) for w in full_name.split()]
    if not words:
        return "<" * 30
    name = words[0] + "<<" + "<".join(words[1:])
    return (name + "<" * 30)[:30]


def td1_mrz(identity: Identity) -> tuple[str, str, str]:
    """The three 30-character lines printed on the back of the card (layout of cccd-profile.md)."""
    number = identity.id_number
    document = number[-9:]
    line1 = f"IDVNM{document}{check_digit(document)}{number}<<{check_digit(number)}"
    dob = _mrz_date(identity.date_of_birth)
    expiry = _mrz_date(identity.date_of_expiry)
    sex = "M" if identity.sex == "Nam" else "F"
    line2_head = f"{dob}{check_digit(dob)}{sex}{expiry}{check_digit(expiry)}VNM" + "<" * 11
    composite = line1[5:30] + line2_head[0:7] + line2_head[8:15] + line2_head[18:29]
    line2 = line2_head + check_digit(composite)
    line3 = _mrz_name(identity.full_name)
    assert len(line1) == len(line2) == len(line3) == 30
    return line1, line2, line3


def mrz_information(identity: Identity) -> str:
    """The BAC key seed input: document number, DOB and expiry, each with its check digit."""
    line1, line2, _ = td1_mrz(identity)
    return line1[5:15] + line2[0:7] + line2[8:15]


# ---------------------------------------------------------------------------- data groups


def build_com() -> bytes:
    """EF.COM: LDS version 1.7, Unicode 4.0.0, and the data groups a CCCD carries."""
    return encode_tlv(
        0x60,
        encode_tlv(0x5F01, LDS_VERSION) + encode_tlv(0x5F36, UNICODE_VERSION) + encode_tlv(0x5C, COM_TAGS),
    )


def build_dg1(mrz: tuple[str, str, str]) -> bytes:
    return encode_tlv(0x61, encode_tlv(0x5F1F, "".join(mrz).encode("ascii")))


def _jpeg_size(jpeg: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as image:
        return image.size


def face_record(jpeg: bytes, sex: str | None) -> bytes:
    """ISO/IEC 19794-5:2005 facial record: header, one facial information block, image info, JPEG."""
    width, height = _jpeg_size(jpeg)
    image_info = bytes((0x01, 0x00)) + width.to_bytes(2, "big") + height.to_bytes(2, "big")
    image_info += bytes((0x01, 0x02)) + b"\x00\x00" + b"\x00\x00"  # sRGB, digital camera, device, quality
    gender = {"Nam": 1, "Nữ": 2}.get(sex or "", 0)
    block_length = 20 + len(image_info) + len(jpeg)
    info = block_length.to_bytes(4, "big") + b"\x00\x00"  # no feature points
    info += bytes((gender, 0x00, 0x00)) + b"\x00\x00\x00" + b"\x00\x00" + b"\x00\x00\x00" + b"\x00\x00\x00"
    assert len(info) == 20
    record_length = 14 + block_length
    header = b"FAC\x00" + b"010\x00" + record_length.to_bytes(4, "big") + (1).to_bytes(2, "big")
    return header + info + image_info + jpeg


def build_dg2(jpeg: bytes, sex: str | None = None) -> bytes:
    """DG2 (9303-10 §4.7.2): 75 { 7F61 { 02 count, 7F60 { A1 BHT, 5F2E record } } }."""
    bht = encode_tlv(0x80, b"\x01\x01")  # ICAO header version 1.1
    bht += encode_tlv(0x81, b"\x02")  # biometric type: facial features
    bht += encode_tlv(0x87, b"\x01\x01")  # format owner: ISO/IEC JTC 1/SC 37
    bht += encode_tlv(0x88, b"\x00\x08")  # format type: face image (19794-5)
    template = encode_tlv(0xA1, bht) + encode_tlv(0x5F2E, face_record(jpeg, sex))
    group = encode_tlv(0x02, b"\x01") + encode_tlv(0x7F60, template)
    return encode_tlv(0x75, encode_tlv(0x7F61, group))


def _card_date(value: str | None) -> str:
    """dd/mm/yyyy as printed on the card; a year-only or month-only date keeps what is known."""
    if value is None:
        return ""
    year, month, day = parse_partial_date(value)
    if month and day:
        return f"{day:02d}/{month:02d}/{year:04d}"
    if month:
        return f"{month:02d}/{year:04d}"
    return f"{year:04d}"


def _utf8(text: str | None) -> bytes:
    return encode_tlv(0x0C, unicodedata.normalize("NFC", text or "").encode("utf-8"))


def build_dg13(identity: Identity) -> bytes:
    """The Vietnamese DG13: 6D { 30 { 02 version, 06 OID, 31 { 30 { 02 fieldNo, value } ... } } }.

    Fields are written in field-number order (as real cards do, not DER SET-sorted): parsers must
    go by field number.
    """
    fields: list[tuple[int, bytes]] = [
        (1, _utf8(identity.id_number)),
        (2, _utf8(identity.full_name)),
        (3, _utf8(_card_date(identity.date_of_birth))),
        (4, _utf8(identity.sex)),
        (5, _utf8(identity.nationality or "Việt Nam")),
        (6, _utf8(identity.ethnicity)),
        (7, _utf8(identity.religion)),
        (8, _utf8(identity.place_of_origin)),
        (9, _utf8(identity.place_of_residence)),
        (10, _utf8(identity.identifying_marks)),
        (11, _utf8(_card_date(identity.date_of_issue))),
        (12, _utf8(_card_date(identity.date_of_expiry) if identity.date_of_expiry else NO_EXPIRY_TEXT)),
    ]
    if identity.father_name or identity.mother_name:
        fields.append((13, encode_tlv(0x30, _utf8(identity.father_name) + _utf8(identity.mother_name))))
    if identity.spouse_name:
        fields.append((14, encode_tlv(0x30, _utf8(identity.spouse_name))))
    if identity.old_id_number:
        fields.append((16, _utf8(identity.old_id_number)))
    entries = b"".join(encode_tlv(0x30, encode_tlv(0x02, bytes((n,))) + value) for n, value in fields)
    body = encode_tlv(0x02, b"\x01") + ObjectIdentifier(DG13_OID).dump() + encode_tlv(0x31, entries)
    return encode_tlv(0x6D, encode_tlv(0x30, body))


# ------------------------------------------------------------------------ personalisation


@dataclass(frozen=True)
class Personalisation:
    """Everything written into a chip at issuance: LDS1 files by file id, the BAC input, EF.CardAccess."""

    files: dict[int, bytes]
    mrz: tuple[str, str, str]
    mrz_information: str
    card_access: bytes
    sod_signed: bool
    chip_auth_key: Any  # ec.EllipticCurvePrivateKey published in DG14
    aa_key: Any  # rsa.RSAPrivateKey published in DG15


def _face_for(identity: Identity, face_jpeg: bytes | None) -> bytes:
    if face_jpeg is not None:
        return face_jpeg
    if identity.face_jpeg is not None:
        return identity.face_jpeg
    from hardware_mocks.citizens import synthetic_face

    return synthetic_face(identity.id_number, identity.sex)


def personalise(
    identity: Identity,
    face_jpeg: bytes | None = None,
    pki: Any | None = None,
    *,
    pki_directory: Path | None = None,
    forge_sod: bool = False,
    clone: bool = False,
    pace: bool = True,
) -> Personalisation:
    """Build all files of a card for ``identity``; EF.SOD is signed with the test PKI's DS key.

    ``forge_sod`` signs with the forger's Document Signer (its CSCA is in no master list), as a
    card made outside the issuing authority would be. ``clone`` gives the chip other private keys
    than DG14/DG15 publish, as a copy of a genuine card's files onto a blank chip would.
    ``pace=False`` is an older chip: DG14 then lists no PACEInfo (9303-11 §9.2).
    """
    mrz = td1_mrz(identity)
    dgs: dict[int, bytes] = {
        1: build_dg1(mrz),
        2: build_dg2(_face_for(identity, face_jpeg), identity.sex),
        3: encode_tlv(0x63, encode_tlv(0x02, b"\x00")),  # fingerprints: present but EAC-protected
        13: build_dg13(identity),
    }
    chip_auth_key = card_security.generate_chip_auth_key()
    aa_key = card_security.generate_aa_rsa_key(1024)
    dgs[14] = card_security.build_dg14(chip_auth_key, include_pace=pace)
    dgs[15] = card_security.build_dg15(aa_key.public_key())
    if clone:
        chip_auth_key = card_security.generate_chip_auth_key()
        aa_key = card_security.generate_aa_rsa_key(1024)
    files = {0x0100 + n: content for n, content in dgs.items()}
    files[0x011E] = build_com()
    sod = _sign(dgs, pki, pki_directory, forged=forge_sod)
    if sod is not None:
        files[0x011D] = sod
    return Personalisation(
        files,
        mrz,
        mrz[0][5:15] + mrz[1][0:7] + mrz[1][8:15],
        CARD_ACCESS,
        sod is not None,
        chip_auth_key,
        aa_key,
    )


def _sign(dgs: dict[int, bytes], pki: Any | None, directory: Path | None, *, forged: bool = False) -> bytes | None:
    try:
        from hardware_mocks import pki as test_pki
    except ImportError:
        log.warning("hardware_mocks.pki is missing: the card has no EF.SOD (6A82)")
        return None
    if pki is None:
        pki = test_pki.load_or_create(directory)
    if forged:
        forged_sod: bytes = test_pki.build_sod(dgs, pki.forger_ds_key, pki.forger_ds_cert)
        return forged_sod
    sod: bytes = test_pki.build_sod(dgs, pki.ds_key, pki.ds_cert)
    return sod
