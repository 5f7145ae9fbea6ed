"""TD1 machine-readable zone (3 × 30) of the CCCD, its check digits, the BAC access key and the expiry rule.

The CCCD puts the LAST 9 digits of the 12-digit personal number in the document-number field
and the full 12 digits in the optional data, followed by a check digit over those 12 (line 1,
position 30). The card's expiry is not printed anywhere a camera reads easily except the MRZ,
so :func:`cccd_expiry` recomputes it from the date of birth and the date of issue (QR data).

Cards that never expire (issued from about age 58): this module writes the MRZ expiry field as
six fillers ``<<<<<<`` (check digit ``0``), the ICAO 9303-3 convention for a date that is not
given, also used by other states' ID cards without expiry. When parsing, both ``<<<<<<`` and a
far-future ``991231`` read as "no expiry" (``expiry is None``); the BAC key is always built
from the field exactly as printed (:attr:`TD1.expiry_field`), so either form opens the chip.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CCCD_LAW_2014_AGES",
    "CCCD_LAW_2023_AGES",
    "LAW_2023_EFFECTIVE",
    "NO_EXPIRY_FIELD",
    "TD1",
    "MRZError",
    "PartialDate",
    "birthday_at",
    "cccd_document_number",
    "cccd_expiry",
    "cccd_mrz_information",
    "check_digit",
    "format_mrz_date",
    "mrz_information",
    "parse_td1",
]

NO_EXPIRY_FIELD = "<<<<<<"
_FAR_FUTURE_FIELDS = frozenset({"991231", "999999"})

# Luật Căn cước công dân 2014, Điều 21: đổi thẻ khi đủ 25, 40, 60 tuổi.
CCCD_LAW_2014_AGES: tuple[int, ...] = (25, 40, 60)
# Luật Căn cước 2023 (26/2023/QH15), Điều 21, in force 2024-07-01: cấp đổi khi đủ 14, 25, 40, 60 tuổi.
CCCD_LAW_2023_AGES: tuple[int, ...] = (14, 25, 40, 60)
LAW_2023_EFFECTIVE = dt.date(2024, 7, 1)
_GRACE_YEARS = 2  # "được cấp ... trong thời hạn 02 năm trước tuổi ... có giá trị đến tuổi ... tiếp theo"

_VALUES = {**{str(d): d for d in range(10)}, **{chr(ord("A") + i): 10 + i for i in range(26)}, "<": 0}
_WEIGHTS = (7, 3, 1)
_LINE = re.compile(r"^[A-Z0-9<]{30}$")


_FIELD_LABELS_VI = {
    "document number": "số giấy tờ",
    "id number": "số định danh cá nhân",
    "date of birth": "ngày sinh",
    "expiry": "ngày hết hạn",
    "composite": "chữ số kiểm tra tổng hợp",
    "date of issue": "ngày cấp",
    "layout": "bố cục (3 dòng × 30 ký tự)",
    "check digit": "ký tự",
}


class MRZError(ValueError):
    """An MRZ (or the data to build one) that does not hold together; ``field`` names the culprit.

    Messages never repeat the offending value: they may reach logs, and the value is personal data.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")

    @property
    def clerk_message(self) -> str:
        label = _FIELD_LABELS_VI.get(self.field) or self.field.replace("line", "dòng")
        return f"Dãy MRZ không hợp lệ ở {label}. Kiểm tra lại các ký tự đã nhập hoặc quét lại."


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of birth with unknown day or month (written ``<<`` in the MRZ)."""

    year: int
    month: int | None
    day: int | None

    def to_iso(self) -> str:
        """YYYY or YYYY-MM, the partial form :class:`station.identity.Identity` accepts."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True, repr=False)
class TD1:
    """A parsed TD1 MRZ. ``*_check_ok`` say whether each printed check digit matched."""

    document_code: str
    issuing_state: str
    document_number: str
    document_number_check: str
    document_check_ok: bool
    optional_data_1: str
    id_number: str | None
    id_number_check_ok: bool | None
    date_of_birth: dt.date | PartialDate | None
    date_of_birth_field: str
    date_of_birth_check_ok: bool
    sex: str
    expiry: dt.date | None
    expiry_field: str
    expiry_check_ok: bool
    nationality: str
    optional_data_2: str
    composite_check_ok: bool
    surname: str
    given_names: str
    lines: tuple[str, str, str]

    def __repr__(self) -> str:  # personal data stays out of logs and tracebacks
        return f"TD1({self.document_code}/{self.issuing_state}, checks_ok={self.all_checks_ok})"

    @property
    def name(self) -> tuple[str, str]:
        return (self.surname, self.given_names)

    @property
    def all_checks_ok(self) -> bool:
        return (
            self.document_check_ok
            and self.date_of_birth_check_ok
            and self.expiry_check_ok
            and self.composite_check_ok
            and self.id_number_check_ok is not False
        )

    @property
    def mrz_information(self) -> str:
        """The BAC key input, from the fields exactly as printed."""
        return self.lines[0][5:15] + self.date_of_birth_field + self.lines[1][6] + self.expiry_field + self.lines[1][14]


def check_digit(s: str) -> str:
    """ICAO 9303-3 §4.9 check digit (weights 7-3-1, A=10…Z=35, < = 0)."""
    total = 0
    for i, ch in enumerate(s):
        try:
            total += _VALUES[ch] * _WEIGHTS[i % 3]
        except KeyError:
            raise MRZError("check digit", f"character {ch!r} is not allowed in an MRZ") from None
    return str(total % 10)


def format_mrz_date(value: dt.date | None) -> str:
    """YYMMDD, or the no-expiry fillers for None."""
    return NO_EXPIRY_FIELD if value is None else value.strftime("%y%m%d")


def _pad_document_number(document_number: str) -> str:
    number = document_number.upper().replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9<]{1,9}", number):
        raise MRZError("document number", "must be 1 to 9 letters or digits for a TD1 MRZ")
    return number.ljust(9, "<")


def mrz_information(document_number: str, dob: dt.date, expiry: dt.date | None) -> str:
    """The BAC MRZ information: number + check, DOB + check, expiry + check (ICAO 9303-11 §9.7.2).

    ``expiry=None`` writes the no-expiry fillers (see the module docstring).
    """
    number = _pad_document_number(document_number)
    birth = format_mrz_date(dob)
    end = format_mrz_date(expiry)
    return number + check_digit(number) + birth + check_digit(birth) + end + check_digit(end)


def cccd_document_number(id_number: str) -> str:
    """The CCCD's MRZ document number: the last 9 digits of the 12-digit personal number."""
    if not re.fullmatch(r"\d{12}", id_number):
        raise MRZError("id number", "a CCCD personal number has exactly 12 digits")
    return id_number[-9:]


def cccd_mrz_information(id_number: str, dob: dt.date, expiry: dt.date | None) -> str:
    """BAC MRZ information of a CCCD from its 12-digit number, DOB and expiry (None: never expires)."""
    return mrz_information(cccd_document_number(id_number), dob, expiry)


def birthday_at(date_of_birth: dt.date, age: int) -> dt.date:
    """The day one turns ``age``; someone born on 29 February turns it on 28 February in common years."""
    year = date_of_birth.year + age
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def cccd_expiry(
    date_of_birth: dt.date,
    date_of_issue: dt.date,
    renewal_ages: Sequence[int] | None = None,
) -> dt.date | None:
    """Expiry of a CCCD / căn cước card: the birthday at the next renewal age, None after the last.

    ``renewal_ages`` defaults to the 2023 law (14, 25, 40, 60) for cards issued from
    2024-07-01 and to the 2014 law (25, 40, 60) before. A card issued within two years
    before a renewal age stays valid until the following one (None past the last age).
    """
    if date_of_issue < date_of_birth:
        raise MRZError("date of issue", "is before the date of birth")
    if renewal_ages is None:
        renewal_ages = CCCD_LAW_2023_AGES if date_of_issue >= LAW_2023_EFFECTIVE else CCCD_LAW_2014_AGES
    ages = sorted(renewal_ages)
    for index, age in enumerate(ages):
        due = birthday_at(date_of_birth, age)
        if date_of_issue >= due:
            continue
        if date_of_issue >= birthday_at(date_of_birth, age - _GRACE_YEARS):
            return birthday_at(date_of_birth, ages[index + 1]) if index + 1 < len(ages) else None
        return due
    return None


def _century(year2: int, pivot_year: int) -> int:
    """Birth years: 20yy unless that is after the pivot (today's year), then 19yy."""
    return 2000 + year2 if 2000 + year2 <= pivot_year else 1900 + year2


def _parse_two_digit_date(field: str, *, name: str, pivot_year: int, future: bool) -> dt.date:
    year2, month, day = int(field[:2]), int(field[2:4]), int(field[4:6])
    year = 2000 + year2 if future else _century(year2, pivot_year)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise MRZError(name, "is not a real date") from None


def _parse_birth(field: str, pivot_year: int) -> dt.date | PartialDate | None:
    if field == "<<<<<<":
        return None
    if not field[:2].isdigit():
        raise MRZError("date of birth", "has no year")
    year = _century(int(field[:2]), pivot_year)
    month_part, day_part = field[2:4], field[4:6]
    if month_part == "<<":
        if day_part != "<<":
            raise MRZError("date of birth", "has a day without a month")
        return PartialDate(year, None, None)
    if not month_part.isdigit() or not 1 <= int(month_part) <= 12:
        raise MRZError("date of birth", "has no valid month")
    if day_part == "<<":
        return PartialDate(year, int(month_part), None)
    if not day_part.isdigit():
        raise MRZError("date of birth", "has no valid day")
    return _parse_two_digit_date(field, name="date of birth", pivot_year=pivot_year, future=False)


def _parse_expiry(field: str) -> dt.date | None:
    if field == NO_EXPIRY_FIELD or field in _FAR_FUTURE_FIELDS:
        return None
    if not field.isdigit():
        raise MRZError("expiry", "is not a date")
    return _parse_two_digit_date(field, name="expiry", pivot_year=0, future=True)


def _split_lines(text: str) -> tuple[str, str, str]:
    stripped = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(stripped) == 1:
        joined = stripped[0].replace(" ", "")
        stripped = [joined[:30], joined[30:60], joined[60:]] if len(joined) == 90 else stripped
    if len(stripped) != 3:
        raise MRZError("layout", "a TD1 MRZ has 3 lines of 30 characters (or 90 characters in one)")
    lines = tuple(line.upper().replace(" ", "") for line in stripped)
    for number, line in enumerate(lines, 1):
        if not _LINE.match(line):
            raise MRZError(f"line {number}", "must be 30 characters of A-Z, 0-9 and <")
    return lines[0], lines[1], lines[2]


def _digit_ok(value: str, check: str) -> bool:
    return check.isdigit() and check_digit(value) == check


def parse_td1(text: str, *, strict: bool = True, today: dt.date | None = None) -> TD1:
    """Parse a TD1 MRZ given as 90 characters or 3 lines.

    With ``strict`` (the default) the first wrong check digit raises :class:`MRZError` naming its
    field; otherwise the result carries the ``*_check_ok`` flags. ``today`` sets the century
    pivot for two-digit birth years (default: the current date).
    """
    l1, l2, l3 = _split_lines(text)
    pivot_year = (today or dt.date.today()).year

    number_field, number_check = l1[5:14], l1[14]
    optional_1 = l1[15:30]
    # ICAO long document numbers (number check '<') continue in the optional data; the CCCD never uses it.
    document_number = number_field.rstrip("<")
    document_check_ok = _digit_ok(number_field, number_check)

    id_number: str | None = None
    id_check_ok: bool | None = None
    if re.fullmatch(r"\d{12}", optional_1[:12]):
        id_number = optional_1[:12]
        id_check_ok = _digit_ok(id_number, l1[29])

    birth_field, expiry_field = l2[0:6], l2[8:14]
    birth_ok = _digit_ok(birth_field, l2[6])
    expiry_ok = _digit_ok(expiry_field, l2[14])
    composite_ok = _digit_ok(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])

    checks = (
        ("document number", document_check_ok),
        ("id number", id_check_ok is not False),
        ("date of birth", birth_ok),
        ("expiry", expiry_ok),
        ("composite", composite_ok),
    )
    if strict:
        for name, ok in checks:
            if not ok:
                raise MRZError(name, "check digit does not match")

    names = l3.rstrip("<").split("<<", 1)
    surname = names[0].replace("<", " ").strip()
    given = names[1].replace("<", " ").strip() if len(names) > 1 else ""

    return TD1(
        document_code=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5].rstrip("<"),
        document_number=document_number,
        document_number_check=number_check,
        document_check_ok=document_check_ok,
        optional_data_1=optional_1,
        id_number=id_number,
        id_number_check_ok=id_check_ok,
        date_of_birth=_parse_birth(birth_field, pivot_year),
        date_of_birth_field=birth_field,
        date_of_birth_check_ok=birth_ok,
        sex=l2[7].replace("<", "X"),
        expiry=_parse_expiry(expiry_field),
        expiry_field=expiry_field,
        expiry_check_ok=expiry_ok,
        nationality=l2[15:18].rstrip("<"),
        optional_data_2=l2[18:29],
        composite_check_ok=composite_ok,
        surname=surname,
        given_names=given,
        lines=(l1, l2, l3),
    )
