"""How values are stored in a filled form, how clerk input becomes one, and how each prints.

Storage (what ``FilledForm.values`` and its JSON hold):
- date: ISO ``YYYY-MM-DD``; ``YYYY`` or ``YYYY-MM`` where the field allows a partial date
  (cards of people born before civil registration carry the year only);
- datetime: ``YYYY-MM-DDTHH:MM`` (local time of the counter);
- number: int; table: list of row objects; address: an object (see ``admin_units``);
- everything else: str (choice values are the option's ``value``, e.g. the XML1 code).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from station.forms.admin_units import resolve_address
from station.forms.ethnicity import ETHNIC_GROUPS
from station.forms.model import FieldDef, Option

__all__ = [
    "coerce",
    "display",
    "is_empty",
    "normalise_phone",
    "options_of",
    "parse_date",
    "parse_datetime",
]

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$")
_SPACED_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
_HM_DMY = re.compile(r"^(\d{1,2})[:h](\d{2})\s+(\d{1,2})/(\d{1,2})/(\d{4})$")


def options_of(field: FieldDef) -> list[Option]:
    if field.options_from == "ethnic_groups":
        return [Option(value=code, label=name) for code, name in ETHNIC_GROUPS.items()]
    return list(field.options)


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    if isinstance(value, dict):
        return not str(value.get("text") or "").strip()
    return False


def parse_date(value: str, *, partial: bool = False) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date (partial where allowed), or None when not a real date."""
    match = _ISO_PARTIAL.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if year is None or ((month is None or day is None) and not partial):
        return None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def parse_datetime(value: str) -> dt.datetime | None:
    match = _ISO_DATETIME.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def normalise_phone(value: str) -> str:
    """'+84 912 345 678' → '0912345678': the form and XML1 keep the leading zero."""
    digits = re.sub(r"[\s.()-]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def coerce(field: FieldDef, raw: object) -> object:
    """A clerk's input (CLI text, UI widget) as the stored value; bad input is kept as given
    so validation can name the field and the problem instead of failing here."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFC", raw).strip()
        if not raw:
            return None
    if field.type == "date" and isinstance(raw, str):
        dmy = _DMY.match(raw)
        return f"{int(dmy.group(3)):04d}-{int(dmy.group(2)):02d}-{int(dmy.group(1)):02d}" if dmy else raw
    if field.type == "datetime" and isinstance(raw, str):
        hm = _HM_DMY.match(raw)
        if hm:
            hour, minute, day, month, year = (int(g) for g in hm.groups())
            return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"
        return raw.replace(" ", "T", 1) if _SPACED_DATETIME.match(raw) else raw
    if field.type == "number" and isinstance(raw, str):
        return int(raw) if raw.isdigit() else raw
    if field.type == "phone" and isinstance(raw, str):
        return normalise_phone(raw)
    if field.type == "address" and isinstance(raw, str):
        return resolve_address(raw).to_value()
    if field.type == "choice" and isinstance(raw, str):
        for option in options_of(field):
            if raw.casefold() in (option.value.casefold(), option.label.casefold()):
                return option.value
    if field.type in ("province_code", "commune_code") and isinstance(raw, str) and raw.isdigit():
        return raw.zfill(2 if field.type == "province_code" else 5)
    return raw


def _date_text(value: str) -> str:
    parts = parse_date(value, partial=True)
    if parts is None:
        return value
    year, month, day = parts
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{month:02d}/{year:04d}"
    return f"{day:02d}/{month:02d}/{year:04d}"


def display(field: FieldDef, value: Any) -> str:
    """The value as printed on the paper form."""
    if is_empty(value):
        return ""
    if field.type == "date" and isinstance(value, str):
        return _date_text(value)
    if field.type == "datetime" and isinstance(value, str):
        moment = parse_datetime(value)
        return moment.strftime("%H giờ %M, ngày %d/%m/%Y") if moment else value
    if field.type == "choice":
        for option in options_of(field):
            if option.value == value:
                return option.label if option.label == option.value else f"{option.value} – {option.label}"
        return str(value)
    if field.type == "address" and isinstance(value, dict):
        return str(value.get("text") or "")
    return str(value)
