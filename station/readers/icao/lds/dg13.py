"""DG13 of the Vietnamese CCCD: the citizen's particulars as (field number, value) pairs.

6D { SEQUENCE { INTEGER version, OID, SET OF SEQUENCE { INTEGER fieldNo, value … } } }
with UTF8String values (PrintableString accepted); field 13 is SEQUENCE {father, mother}
and 14 SEQUENCE {spouse}. Cards differ in details, so the spec is deliberately loose where
real cards vary — a value may be a bare string, a string inside another SEQUENCE / SET /
context tag, several strings in a row, or absent — and fields are found by number only.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from asn1crypto import core, parser

from station.readers.errors import MalformedDataError
from station.readers.icao.lds.common import DataGroup, dg_tag
from station.readers.icao.tlv import TLV

__all__ = [
    "DG13",
    "FIELD_NAMES",
    "NO_EXPIRY_TEXT",
    "DG13Content",
    "DG13Value",
    "dg13_date_to_iso",
]

DG13Value = str | tuple[str, ...]

NO_EXPIRY_TEXT = "Không thời hạn"

FIELD_NAMES: Mapping[int, str] = {
    1: "id_number",
    2: "full_name",
    3: "date_of_birth",
    4: "sex",
    5: "nationality",
    6: "ethnicity",
    7: "religion",
    8: "place_of_origin",
    9: "place_of_residence",
    10: "identifying_marks",
    11: "date_of_issue",
    12: "date_of_expiry",
    13: "parents",
    14: "spouse",
    15: "other_document_number",
    16: "old_id_number",
}
_TUPLE_FIELDS = frozenset({13, 14})

# Universal string tags and how their contents decode.
_STRING_CODECS = {12: "utf-8", 19: "ascii", 22: "ascii", 26: "ascii", 4: "utf-8", 30: "utf-16-be"}


class DG13FieldSet(core.SetOf):  # type: ignore[misc]
    """SET OF field. Each field is SEQUENCE { INTEGER fieldNo, value … }, kept as Any here and
    walked with asn1crypto's parser: asn1crypto's Any cannot hold the context-tagged values
    some cards use, and the number of values per field varies."""

    _child_spec = core.Any


class DG13FieldSequence(core.SequenceOf):  # type: ignore[misc]
    _child_spec = core.Any


class DG13Fields(core.Choice):  # type: ignore[misc]
    """A SET OF as specified; some personalisations write a SEQUENCE OF."""

    _alternatives = [("set", DG13FieldSet), ("sequence", DG13FieldSequence)]  # noqa: RUF012


class DG13Content(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012
        ("version", core.Integer),
        ("oid", core.ObjectIdentifier),
        ("fields", DG13Fields),
    ]


def _parse_element(encoded: bytes) -> tuple[int, int, int, bytes, int]:
    """(class, method, tag, contents, encoded size) of the first element of ``encoded``."""
    class_, method, tag, header, contents, trailer = parser.parse(encoded, strict=False)
    return class_, method, tag, contents, len(header) + len(contents) + len(trailer)


def _split(contents: bytes) -> list[bytes]:
    """The encoded elements, one after the other, inside a constructed value's contents."""
    out = []
    position = 0
    while position < len(contents):
        size = _parse_element(contents[position:])[4]
        out.append(contents[position : position + size])
        position += size
    return out


def _strings(encoded: bytes) -> list[str]:
    """Every string inside one element, in order, through any SEQUENCE / SET / context wrapping."""
    class_, method, tag, contents, _ = _parse_element(encoded)
    if class_ == 0 and tag in _STRING_CODECS and method == 0:
        return [contents.decode(_STRING_CODECS[tag])]
    if class_ == 2 and method == 0:  # IMPLICIT context tag over a UTF8String
        return [contents.decode("utf-8")]
    if method == 1:  # constructed: SEQUENCE, SET or an explicit tag around the real value
        return [text for element in _split(contents) for text in _strings(element)]
    if class_ == 0 and tag == 5:  # NULL: an empty value
        return [""]
    raise ValueError(f"value with ASN.1 tag {tag} (class {class_}) is not text")


def _field_value(number: int, values: list[bytes]) -> DG13Value:
    texts: list[str] = []
    for value in values:
        texts.extend(_strings(value))
    if number in _TUPLE_FIELDS:
        return tuple(texts)
    if not texts:
        return ""
    return texts[0] if len(texts) == 1 else tuple(texts)


def dg13_date_to_iso(text: str) -> str | None:
    """'05/01/1993' → '1993-01-05'; '01/1950' → '1950-01'; '1950' → '1950'; 'Không thời hạn' → None.

    Raises ValueError for anything else (including dates that do not exist).
    """
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned or cleaned.casefold() == NO_EXPIRY_TEXT.casefold():
        return None
    match = re.fullmatch(r"(?:(?:(\d{1,2})[/.-])?(\d{1,2})[/.-])?(\d{4})", cleaned)
    if not match:
        raise ValueError("date is not dd/mm/yyyy")
    day, month, year = (int(g) if g else None for g in match.groups())
    assert year is not None
    dt.date(year, month or 1, day or 1)  # raises ValueError for a date that does not exist
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


class DG13(DataGroup):
    """``fields``: field number → text (a tuple for 13 and 14), in card order, unknown numbers kept."""

    tag = dg_tag(13)
    label = "DG13"

    version: int
    oid: str
    fields: dict[int, DG13Value]

    def _parse(self, outer: TLV) -> None:
        body = outer.children()
        if len(body) != 1 or body[0].tag != 0x30:
            raise self._error("content is not one SEQUENCE", outer.value_offset)
        sequence = body[0]
        parts = sequence.children()
        if len(parts) != 3 or parts[2].tag not in (0x30, 0x31):
            raise self._error("SEQUENCE is not {version, OID, fields}", sequence.offset)
        field_tlvs = parts[2].children()  # structure checked here, with offsets
        try:
            content = DG13Content.load(outer.value)
            self.version = int(content["version"].native)
            self.oid = str(content["oid"].dotted)
            items = list(content["fields"].chosen)
        except (ValueError, TypeError) as exc:
            raise self._error(f"header does not decode: {exc}", sequence.offset) from None
        self.fields = {}
        for item, where in zip(items, field_tlvs, strict=True):
            self._add_field(item, where)

    def _add_field(self, item: core.Any, where: TLV) -> None:
        try:
            encoded = item.dump()
            class_, method, tag, contents, _ = _parse_element(encoded)
            if (class_, method, tag) != (0, 1, 16):
                raise ValueError("field is not a SEQUENCE")
            elements = _split(contents)
            if not elements or _parse_element(elements[0])[:3] != (0, 0, 2):
                raise ValueError("field does not start with its INTEGER number")
            number = int(core.Integer.load(elements[0]).native)
            value = _field_value(number, elements[1:])
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise MalformedDataError(f"field does not decode: {exc}", file=self.label, offset=where.offset) from None
        self.fields.setdefault(number, value)

    def text(self, number: int) -> str | None:
        """A single-text field, or None when absent (a tuple is joined with ', ')."""
        value = self.fields.get(number)
        if value is None or isinstance(value, str):
            return value
        return ", ".join(value)

    def _pair(self, number: int, index: int) -> str | None:
        value = self.fields.get(number)
        if value is None:
            return None
        items = (value,) if isinstance(value, str) else value
        return items[index] if index < len(items) and items[index] else None

    @property
    def id_number(self) -> str | None:
        return self.text(1)

    @property
    def full_name(self) -> str | None:
        return self.text(2)

    @property
    def date_of_birth(self) -> str | None:
        return self.text(3)

    @property
    def sex(self) -> str | None:
        return self.text(4)

    @property
    def nationality(self) -> str | None:
        return self.text(5)

    @property
    def ethnicity(self) -> str | None:
        return self.text(6)

    @property
    def religion(self) -> str | None:
        return self.text(7)

    @property
    def place_of_origin(self) -> str | None:
        return self.text(8)

    @property
    def place_of_residence(self) -> str | None:
        return self.text(9)

    @property
    def identifying_marks(self) -> str | None:
        return self.text(10)

    @property
    def date_of_issue(self) -> str | None:
        return self.text(11)

    @property
    def date_of_expiry(self) -> str | None:
        return self.text(12)

    @property
    def father_name(self) -> str | None:
        return self._pair(13, 0)

    @property
    def mother_name(self) -> str | None:
        return self._pair(13, 1)

    @property
    def spouse_name(self) -> str | None:
        return self._pair(14, 0)

    @property
    def other_document_number(self) -> str | None:
        return self.text(15)

    @property
    def old_id_number(self) -> str | None:
        return self.text(16)
