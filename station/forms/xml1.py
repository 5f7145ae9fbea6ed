"""A filled form as an XML1 fragment (Bảng 1, chỉ tiêu tổng hợp) of QĐ 130/QĐ-BYT, QĐ 4750/QĐ-BYT.

Only fields whose definition carries an ``xml`` spec are written, in definition order, as
elements named by their field id under ``xml_root`` (``TONG_HOP``). Each value is converted
(dates to ``yyyymmdd`` / ``yyyymmddHHMM``, addresses to their text) and then checked against
the element's format and maximum length; anything that does not fit raises ``Xml1Error``
naming every bad element, because BHXH rejects the whole file for one bad element.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from station.forms.errors import Xml1Error
from station.forms.model import FieldDef, FilledForm, FormDefinition, XmlSpec
from station.forms.values import is_empty, parse_date, parse_datetime

__all__ = ["to_xml1", "xml1_value"]

_FORMATS = {
    "digits": re.compile(r"^[0-9]*$"),
    "number": re.compile(r"^[0-9]*$"),
    "yyyymmdd": re.compile(r"^[0-9]{8}$"),
    "yyyymmddHHMM": re.compile(r"^[0-9]{12}$"),
}


def xml1_value(field: FieldDef, spec: XmlSpec, value: Any) -> str:
    """The element text for one value ('' when empty)."""
    if is_empty(value):
        return ""
    if isinstance(value, dict):
        return str(value.get("text") or "")
    text = str(value)
    if spec.format in ("yyyymmdd", "yyyymmddHHMM"):
        moment = parse_datetime(text) if field.type == "datetime" else None
        if moment is not None:
            stamp = moment.strftime("%Y%m%d%H%M")
            return stamp if spec.format == "yyyymmddHHMM" else stamp[:8]
        parts = parse_date(text, partial=True)
        if parts is None:
            return text
        year, month, day = parts
        # A birth date known to the year (or month) only: the unknown parts are zeros.
        stamp = f"{year:04d}{month or 0:02d}{day or 0:02d}"
        return stamp + "0000" if spec.format == "yyyymmddHHMM" else stamp
    return text


def _problems(field: FieldDef, spec: XmlSpec, text: str) -> list[str]:
    problems: list[str] = []
    if len(text) > spec.max_length:
        problems.append(f"{field.id}: dài {len(text)} ký tự, tối đa {spec.max_length}")
    pattern = _FORMATS.get(spec.format)
    if text and pattern is not None and not pattern.match(text):
        problems.append(f"{field.id}: «{text}» không đúng định dạng {spec.format}")
    if text and spec.pattern is not None and not re.fullmatch(spec.pattern, text):
        problems.append(f"{field.id}: «{text}» không đúng mẫu {spec.pattern}")
    return problems


def to_xml1(form: FormDefinition, filled: FilledForm, *, require_complete: bool = False) -> str:
    """The fragment as a string; ``require_complete`` also refuses a form that still has issues."""
    if form.xml_root is None:
        raise Xml1Error([f"biểu mẫu «{form.id}» không xuất được XML1"])
    if filled.form_id != form.id:
        raise Xml1Error([f"tờ khai thuộc biểu mẫu «{filled.form_id}», không phải «{form.id}»"])
    problems: list[str] = []
    if require_complete:
        problems += [f"{i.field_id}: {i.message_vi}" for i in filled.issues]
    root = ET.Element(form.xml_root)
    for field in form.fields:
        if field.xml is None:
            continue
        text = xml1_value(field, field.xml, filled.values.get(field.id))
        problems += _problems(field, field.xml, text)
        ET.SubElement(root, field.id).text = text
    if problems:
        raise Xml1Error(problems)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")
