"""The CCCD / căn cước QR payload: parse, validate, and write (for the mocks and round trips).

Layouts (fields separated by ``|``; dates ``ddmmyyyy``):

- CCCD 2021 (Thông tư 06/2021): ``number|old 9-digit number|full name|DOB|sex|address|issue date``;
  the old number may be empty, and some cards carry 6 fields with no old-number field at all.
- Căn cước 2024 (Thông tư 16/2024): ``number|name|DOB|sex|residence|issue date|old number|
  cancelled numbers|father|mother|...``. The public texts list what the QR holds (number, name,
  DOB, sex, residence, issue date, the old 9-digit number, cancelled personal numbers, parents'
  names) but the exact field order on issued cards was not confirmed: we assume the order above,
  accept empty fields anywhere after the sixth, accept several cancelled numbers separated by
  commas, semicolons or spaces, and keep every field after the mother's name verbatim in
  :attr:`QrPayload.extra_fields` instead of rejecting the card.

Validation is strict where a wrong value would travel on: 12-digit number, real dates, "Nam"/"Nữ",
field count, and names/addresses that are valid Vietnamese text (see :mod:`text_repair`).
Errors name the field (in Vietnamese for the clerk) and never carry the value itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from station.identity import Identity, Source
from station.readers.errors import MalformedDataError
from station.readers.text_repair import TextRepairError, decode_qr_bytes, is_vietnamese_text, vietnamese_text

__all__ = [
    "FIELD_LABELS",
    "QrKeyFields",
    "QrLayout",
    "QrPayload",
    "QrPayloadError",
    "extract_key_fields",
    "format_qr_payload",
    "looks_like_cccd_payload",
    "parse_qr",
    "parse_qr_payload",
    "qr_text",
]

SEPARATOR = "|"

FIELD_LABELS: dict[str, str] = {
    "payload": "Nội dung mã QR",
    "field_count": "Số trường dữ liệu",
    "id_number": "Số định danh cá nhân",
    "old_id_number": "Số CMND cũ",
    "full_name": "Họ, chữ đệm và tên",
    "date_of_birth": "Ngày, tháng, năm sinh",
    "sex": "Giới tính",
    "place_of_residence": "Nơi thường trú / nơi cư trú",
    "date_of_issue": "Ngày cấp",
    "cancelled_numbers": "Số định danh đã hủy",
    "father_name": "Họ tên cha",
    "mother_name": "Họ tên mẹ",
}
"""Vietnamese label of each field a QR carries, for messages a clerk reads."""


class QrLayout(StrEnum):
    CCCD_2021 = "cccd-2021"
    CCCD_2021_NO_OLD_NUMBER = "cccd-2021-6"
    CAN_CUOC_2024 = "can-cuoc-2024"


class QrPayloadError(MalformedDataError):
    """A QR payload that is not a valid CCCD / căn cước payload; ``field`` says which part."""

    def __init__(self, field: str, reason_en: str, reason_vi: str) -> None:
        self.field = field
        self.label = FIELD_LABELS.get(field, field)
        super().__init__(f"field {field}: {reason_en}", file="QR")
        self.clerk_message = f"Mã QR không hợp lệ — {self.label}: {reason_vi}."


@dataclass(frozen=True)
class QrPayload:
    """A parsed QR: the identity plus what the QR holds that ``Identity`` has no field for."""

    identity: Identity
    layout: QrLayout
    cancelled_numbers: tuple[str, ...] = ()
    other_numbers: tuple[str, ...] = ()
    """Earlier numbers that are not a 9-digit CMND (e.g. a 12-digit earlier card number)."""
    extra_fields: tuple[str, ...] = ()
    """Fields after the known ones, verbatim (2024 layout; kept, not interpreted)."""


@dataclass(frozen=True)
class QrKeyFields:
    """The digits-only part of a payload: enough to open the chip even when the text is lost."""

    id_number: str
    date_of_birth: dt.date | None
    date_of_issue: dt.date | None

    @property
    def can(self) -> str:
        return self.id_number[-6:]


_DIGITS = re.compile(r"^[0-9]*$")
_ID12 = re.compile(r"^[0-9]{12}$")
_NUMBER_LIST_SPLIT = re.compile(r"[,; ]+")
_NAME_PUNCTUATION = frozenset(" '’-.")


# ------------------------------------------------------------------ text


def qr_text(data: bytes | str) -> str:
    """The payload as NFC Vietnamese text: UTF-8 bytes decoded, mojibake repaired, else an error."""
    try:
        if isinstance(data, bytes):
            text = decode_qr_bytes(data.strip(b"\r\n\t "), also=SEPARATOR)
        else:
            text = vietnamese_text(data.strip("\r\n\t "), also=SEPARATOR)
    except TextRepairError as exc:
        raise QrPayloadError(
            "payload",
            "not valid Vietnamese text (undecodable or unrepairable encoding)",
            "không phải văn bản tiếng Việt hợp lệ (sai bảng mã). Hãy quét lại hoặc đọc chip",
        ) from exc
    return text


def looks_like_cccd_payload(text: str) -> bool:
    """Cheap structural test (12 digits, then ``|``, at least 6 fields) used to tell payloads from noise."""
    fields = text.strip().split(SEPARATOR)
    return len(fields) >= 6 and bool(_ID12.match(fields[0]))


# ------------------------------------------------------------- field checks


def _id_number(value: str) -> str:
    if not _ID12.match(value):
        raise QrPayloadError("id_number", "must be exactly 12 digits", "phải gồm đúng 12 chữ số")
    return value


def _date(value: str, field: str, *, partial: bool) -> str:
    """``ddmmyyyy`` → ISO. Birth dates may be year-only (``yyyy`` or ``0000yyyy``) or month-year."""
    if partial and len(value) == 4 and value.isdigit():
        value = "0000" + value
    if len(value) != 8 or not value.isdigit():
        raise QrPayloadError(field, "must be ddmmyyyy", "phải có dạng ngàythángnăm (8 chữ số)")
    day, month, year = int(value[:2]), int(value[2:4]), int(value[4:])
    if partial and day == 0:
        if month == 0:
            return f"{year:04d}"
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise QrPayloadError(field, "is not a real date", "không phải ngày có thật") from exc
    if year < 1900:
        raise QrPayloadError(field, "is before 1900", "năm không hợp lệ")
    return date.isoformat()


def _sex(value: str) -> str:
    folded = unicodedata.normalize("NFC", value).strip().casefold()
    if folded == "nam":
        return "Nam"
    if folded == "nữ":
        return "Nữ"
    raise QrPayloadError("sex", "must be Nam or Nữ", "phải là “Nam” hoặc “Nữ”")


def _name(value: str, field: str, *, required: bool) -> str | None:
    value = " ".join(value.split())
    if not value:
        if required:
            raise QrPayloadError(field, "is empty", "đang để trống")
        return None
    letters_ok = all(ch.isalpha() or ch in _NAME_PUNCTUATION for ch in value)
    if not letters_ok or not is_vietnamese_text(value) or not any(ch.isalpha() for ch in value):
        raise QrPayloadError(field, "is not a valid Vietnamese name", "không phải họ tên tiếng Việt hợp lệ")
    return value


def _address(value: str) -> str | None:
    value = " ".join(value.split())
    if not value:
        return None
    if not is_vietnamese_text(value):
        raise QrPayloadError("place_of_residence", "is not valid Vietnamese text", "không phải văn bản hợp lệ")
    return value


def _old_number(value: str, field: str = "old_id_number") -> tuple[str | None, tuple[str, ...]]:
    """The old-number field: a 9-digit CMND, or a 12-digit earlier number kept aside, or empty."""
    value = value.strip()
    if not value:
        return None, ()
    if _DIGITS.match(value) and len(value) == 9:
        return value, ()
    if _DIGITS.match(value) and len(value) == 12:
        return None, (value,)
    raise QrPayloadError(field, "must be 9 (or 12) digits", "phải gồm 9 chữ số (hoặc 12 chữ số)")


def _number_list(value: str) -> tuple[str, ...]:
    numbers = tuple(n for n in _NUMBER_LIST_SPLIT.split(value.strip()) if n)
    for number in numbers:
        if not (number.isdigit() and len(number) in (9, 12)):
            raise QrPayloadError(
                "cancelled_numbers", "must be 9- or 12-digit numbers", "phải là các số gồm 9 hoặc 12 chữ số"
            )
    return numbers


def _field_count(count: int, expected: str) -> QrPayloadError:
    return QrPayloadError(
        "field_count",
        f"{count} fields, expected {expected}",
        f"có {count} trường, cần {expected} trường ngăn cách bởi “|”",
    )


# ------------------------------------------------------------------- parse


def parse_qr_payload(data: bytes | str) -> QrPayload:
    """Parse and validate a QR payload (bytes as read, or text), either layout."""
    text = qr_text(data)
    fields = text.split(SEPARATOR)
    if len(fields) < 6:
        raise _field_count(len(fields), "6 hoặc 7")
    _id_number(fields[0].strip())
    if _DIGITS.match(fields[1].strip()):
        # A trailing separator (some encoders end every field with "|") is not a field.
        while len(fields) > 7 and not fields[-1].strip():
            fields.pop()
        if len(fields) != 7:
            raise _field_count(len(fields), "7")
        return _parse_2021(fields)
    if len(fields) == 6:
        return _parse_2021([fields[0], "", *fields[1:]], layout=QrLayout.CCCD_2021_NO_OLD_NUMBER)
    return _parse_2024(fields)


def _identity(**values: object) -> Identity:
    try:
        return Identity.model_validate({**values, "source": Source.QR})
    except ValueError as exc:  # pydantic's ValidationError; every field was checked above
        raise QrPayloadError("payload", "does not form a valid identity", "dữ liệu không nhất quán") from exc


def _parse_2021(fields: list[str], layout: QrLayout = QrLayout.CCCD_2021) -> QrPayload:
    number, old, name, dob, sex, address, issued = (f.strip() for f in fields)
    old_number, others = _old_number(old)
    identity = _identity(
        id_number=_id_number(number),
        old_id_number=old_number,
        full_name=_name(name, "full_name", required=True),
        date_of_birth=_date(dob, "date_of_birth", partial=True),
        sex=_sex(sex),
        place_of_residence=_address(address),
        date_of_issue=_date(issued, "date_of_issue", partial=False),
    )
    return QrPayload(identity=identity, layout=layout, other_numbers=others)


def _parse_2024(fields: list[str]) -> QrPayload:
    padded = [f.strip() for f in fields] + [""] * max(0, 10 - len(fields))
    number, name, dob, sex, residence, issued, old, cancelled, father, mother = padded[:10]
    old_number, others = _old_number(old)
    identity = _identity(
        id_number=_id_number(number),
        old_id_number=old_number,
        full_name=_name(name, "full_name", required=True),
        date_of_birth=_date(dob, "date_of_birth", partial=True),
        sex=_sex(sex),
        place_of_residence=_address(residence),
        date_of_issue=_date(issued, "date_of_issue", partial=False) if issued else None,
        father_name=_name(father, "father_name", required=False),
        mother_name=_name(mother, "mother_name", required=False),
    )
    return QrPayload(
        identity=identity,
        layout=QrLayout.CAN_CUOC_2024,
        cancelled_numbers=_number_list(cancelled),
        other_numbers=others,
        extra_fields=tuple(fields[10:]),
    )


def parse_qr(data: bytes | str) -> Identity:
    """The payload's :class:`Identity` (``source="qr"``); raises :class:`QrPayloadError`."""
    return parse_qr_payload(data).identity


def extract_key_fields(text: str) -> QrKeyFields:
    """Number, DOB and issue date only, ignoring the text fields.

    For payloads whose text was damaged on the way (a keyboard-wedge scanner drops diacritics):
    the digits survive, and they are all the chip's access keys need.
    """
    fields = text.strip().split(SEPARATOR)
    if len(fields) < 6:
        raise _field_count(len(fields), "6 hoặc 7")
    number = _id_number(fields[0].strip())
    if _DIGITS.match(fields[1].strip()):
        dob_raw, issue_raw = fields[3], fields[6] if len(fields) > 6 else ""
    else:
        dob_raw, issue_raw = fields[2], fields[5]
    return QrKeyFields(
        number, _full_date(dob_raw.strip(), "date_of_birth"), _full_date(issue_raw.strip(), "date_of_issue")
    )


def _full_date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    iso = _date(value, field, partial=True)
    return dt.date.fromisoformat(iso) if len(iso) == 10 else None


# ------------------------------------------------------------------- write


def _ddmmyyyy(iso: str | None) -> str:
    if not iso:
        return ""
    parts = [*iso.split("-"), "00", "00"]
    year, month, day = parts[0], parts[1], parts[2]
    return f"{day}{month}{year}"


def format_qr_payload(
    identity: Identity,
    layout: QrLayout = QrLayout.CCCD_2021,
    *,
    cancelled_numbers: tuple[str, ...] = (),
    extra_fields: tuple[str, ...] = (),
) -> str:
    """The payload a card of ``layout`` prints for ``identity`` (the mocks' QR generator uses it)."""
    common = [
        identity.full_name,
        _ddmmyyyy(identity.date_of_birth),
        identity.sex,
        identity.place_of_residence or "",
    ]
    issued = _ddmmyyyy(identity.date_of_issue)
    if layout is QrLayout.CCCD_2021:
        fields = [identity.id_number, identity.old_id_number or "", *common, issued]
    elif layout is QrLayout.CCCD_2021_NO_OLD_NUMBER:
        fields = [identity.id_number, *common, issued]
    else:
        fields = [
            identity.id_number,
            *common,
            issued,
            identity.old_id_number or "",
            ",".join(cancelled_numbers),
            identity.father_name or "",
            identity.mother_name or "",
            *extra_fields,
        ]
    return SEPARATOR.join(fields)
