"""The one record every reader produces and every form consumes.

Mirrors ``shared/identity.schema.json``: the JSON produced by :meth:`Identity.to_json`
validates against it, and :meth:`Identity.from_json` accepts what it describes.
Text is normalised to Unicode NFC on the way in, so a name read from the chip, from a
QR code and typed by a clerk compare equal byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import unicodedata
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

__all__ = [
    "FIELD_LABELS",
    "Check",
    "CheckName",
    "CheckStatus",
    "Identity",
    "IdentityError",
    "Source",
    "Verification",
    "parse_partial_date",
]


FIELD_LABELS: dict[str, str] = {
    "id_number": "Số định danh cá nhân",
    "old_id_number": "Số CMND cũ",
    "full_name": "Họ, chữ đệm và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú",
    "identifying_marks": "Đặc điểm nhận dạng",
    "date_of_issue": "Ngày cấp",
    "date_of_expiry": "Có giá trị đến",
    "father_name": "Họ tên cha",
    "mother_name": "Họ tên mẹ",
    "spouse_name": "Họ tên vợ/chồng",
}
"""The Vietnamese label of each personal field, as the card prints it: one wording everywhere."""


class IdentityError(ValueError):
    """An identity record that does not hold together (bad number, impossible date...)."""


class Source(StrEnum):
    """Where a value came from; forms show it next to each pre-filled field."""

    CHIP = "chip"
    QR = "qr"
    MRZ = "mrz"
    MANUAL = "manual"


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_SUPPORTED = "not_supported"
    NOT_RUN = "not_run"
    UNKNOWN_TRUST_ANCHOR = "unknown_trust_anchor"


CheckName = Literal[
    "data_group_hashes",
    "sod_signature",
    "certificate_chain",
    "chip_authentication",
    "active_authentication",
    "qr_matches_chip",
]


class Check(BaseModel):
    """Outcome of one verification step, with a detail a clerk can read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: CheckStatus
    detail: str | None = None

    @classmethod
    def passed(cls, detail: str | None = None) -> Check:
        return cls(status=CheckStatus.PASSED, detail=detail)

    @classmethod
    def failed(cls, detail: str) -> Check:
        return cls(status=CheckStatus.FAILED, detail=detail)

    @classmethod
    def not_run(cls, detail: str | None = None) -> Check:
        return cls(status=CheckStatus.NOT_RUN, detail=detail)

    @classmethod
    def not_supported(cls, detail: str | None = None) -> Check:
        return cls(status=CheckStatus.NOT_SUPPORTED, detail=detail)


class Verification(BaseModel):
    """Which checks ran on a reading and how each ended. Absent means never attempted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_group_hashes: Check | None = None
    sod_signature: Check | None = None
    certificate_chain: Check | None = None
    chip_authentication: Check | None = None
    active_authentication: Check | None = None
    qr_matches_chip: Check | None = None

    def with_check(self, name: CheckName, check: Check) -> Verification:
        return self.model_copy(update={name: check})

    def checks(self) -> dict[str, Check]:
        return {name: value for name, value in self if isinstance(value, Check)}

    @property
    def any_failed(self) -> bool:
        return any(c.status is CheckStatus.FAILED for c in self.checks().values())


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_partial_date(value: str) -> tuple[int, int | None, int | None]:
    """Check a YYYY, YYYY-MM or YYYY-MM-DD date is real; return its parts.

    Cards of people born before civil registration often carry the year only.
    """
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise IdentityError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise IdentityError(f"date {value!r} does not exist") from exc
    return year, month, day


_TEXT_FIELDS = (
    "full_name",
    "nationality",
    "ethnicity",
    "religion",
    "place_of_origin",
    "place_of_residence",
    "identifying_marks",
    "father_name",
    "mother_name",
    "spouse_name",
)


class Identity(BaseModel):
    """A citizen as read from one card (chip, QR, MRZ) or typed by a clerk. Immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id_number: str = Field(pattern=r"^[0-9]{12}$")
    old_id_number: str | None = Field(default=None, pattern=r"^[0-9]{9}$")
    full_name: str = Field(min_length=1)
    date_of_birth: str
    sex: Literal["Nam", "Nữ"]
    nationality: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    place_of_origin: str | None = None
    place_of_residence: str | None = None
    identifying_marks: str | None = None
    date_of_issue: str | None = None
    date_of_expiry: str | None = None
    father_name: str | None = None
    mother_name: str | None = None
    spouse_name: str | None = None
    face_jpeg: bytes | None = Field(default=None, alias="face_jpeg_base64", repr=False)
    source: Source
    verification: Verification | None = None
    field_sources: dict[str, Source] = Field(default_factory=dict)
    """Per-field origin where it differs from ``source`` (e.g. a chip read completed from the QR)."""

    @field_validator("sex", mode="before")
    @classmethod
    def _nfc_sex(cls, value: object) -> object:
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value

    @field_validator(*_TEXT_FIELDS, mode="before")
    @classmethod
    def _nfc_text(cls, value: object) -> object:
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value).strip()
            return value or None
        return value

    @field_validator("date_of_birth")
    @classmethod
    def _check_dob(cls, value: str) -> str:
        try:
            parse_partial_date(value)
        except IdentityError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("date_of_issue", "date_of_expiry")
    @classmethod
    def _check_full_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _FULL_DATE.match(value):
            raise ValueError(f"date {value!r} is not YYYY-MM-DD")
        try:
            parse_partial_date(value)
        except IdentityError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("face_jpeg", mode="before")
    @classmethod
    def _decode_face(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error as exc:
                raise ValueError("face_jpeg_base64 is not valid base64") from exc
        return value

    @field_serializer("face_jpeg")
    def _encode_face(self, value: bytes | None) -> str | None:
        return base64.b64encode(value).decode("ascii") if value is not None else None

    # ---------------------------------------------------------------- helpers

    @property
    def can(self) -> str:
        """PACE card access number of a CCCD: the last six digits of the personal number."""
        return self.id_number[-6:]

    @property
    def birth_date(self) -> dt.date | None:
        """The date of birth when fully known, else None."""
        year, month, day = parse_partial_date(self.date_of_birth)
        return dt.date(year, month, day) if month and day else None

    def source_of(self, field: str) -> Source:
        return self.field_sources.get(field, self.source)

    def masked_id(self) -> str:
        """For logs and screens that must not show the whole number."""
        return "********" + self.id_number[-4:]

    # ------------------------------------------------------------- JSON I/O

    def to_dict(self, *, include_face: bool = True) -> dict[str, Any]:
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        if not self.field_sources:
            data.pop("field_sources", None)
        if not include_face:
            data.pop("face_jpeg_base64", None)
        return data

    def to_json(self, *, include_face: bool = True, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(include_face=include_face), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        try:
            return cls.model_validate(data)
        except ValueError as exc:
            raise IdentityError(str(exc)) from exc

    @classmethod
    def from_json(cls, text: str | bytes) -> Identity:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IdentityError(f"not JSON: {exc.msg} at position {exc.pos}") from exc
        if not isinstance(data, dict):
            raise IdentityError("an identity must be a JSON object")
        return cls.from_dict(data)
