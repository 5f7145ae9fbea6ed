"""Checks on a form's values; every message is Vietnamese and names the field's label.

The 12-digit personal number has no check digit; what it does carry is structure
(Thông tư 07/2016/TT-BCA, amended by TT 59/2021): digits 1-3 the province code of birth
registration, digit 4 sex and century (0/1 male/female born 1900-1999, 2/3 2000-2099, ...),
digits 5-6 the last two digits of the birth year. Those are checked, and checked against the
form's sex and date-of-birth fields when the definition links them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from station.forms.admin_units import commune_by_code, province_by_code
from station.forms.model import FieldDef, FieldIssue, FormDefinition
from station.forms.values import is_empty, options_of, parse_date, parse_datetime

__all__ = ["ID_PROVINCE_CODES", "validate", "validate_field"]

# Province codes of birth registration (the 63 provinces before 1 July 2025; the 34
# provinces since kept codes from this list).
_ID_PROVINCES = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096"
)
ID_PROVINCE_CODES = frozenset(_ID_PROVINCES.split())

_PHONE = re.compile(r"^0(?:[35789][0-9]{8}|2[0-9]{9})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

Today = Callable[[], dt.date]


def _issue(ref: str, code: str, message: str) -> FieldIssue:
    return FieldIssue(field_id=ref, code=code, message_vi=message)


def _check_id12(field: FieldDef, ref: str, value: str, row: dict[str, Any]) -> list[FieldIssue]:
    label = field.label
    if not re.fullmatch(r"[0-9]{12}", value):
        return [_issue(ref, "invalid_format", f"«{label}» phải gồm đúng 12 chữ số.")]
    issues: list[FieldIssue] = []
    if value[:3] not in ID_PROVINCE_CODES:
        issues.append(
            _issue(ref, "id_structure", f"«{label}»: 3 chữ số đầu ({value[:3]}) không phải mã tỉnh đăng ký khai sinh.")
        )
    digit = int(value[3])
    century = 1900 + 100 * (digit // 2) if digit < 8 else 2300 + 100 * ((digit - 8) // 2)
    id_sex = "Nam" if digit % 2 == 0 else "Nữ"
    sex = row.get(field.sex_field) if field.sex_field else None
    if isinstance(sex, str) and sex in ("Nam", "Nữ", "1", "2"):
        given = {"1": "Nam", "2": "Nữ"}.get(sex, sex)
        if given != id_sex:
            issues.append(
                _issue(
                    ref,
                    "id_mismatch",
                    f"«{label}»: chữ số thứ 4 ({digit}) ứng với giới tính {id_sex}, không khớp với giới tính đã khai.",
                )
            )
    dob = row.get(field.dob_field) if field.dob_field else None
    parts = parse_date(dob, partial=True) if isinstance(dob, str) else None
    if parts is not None and century + int(value[4:6]) != parts[0]:
        issues.append(
            _issue(
                ref,
                "id_mismatch",
                f"«{label}»: chữ số thứ 4-6 ({value[3:6]}) ứng với năm sinh {century + int(value[4:6])}, "
                f"không khớp với năm sinh đã khai ({parts[0]}).",
            )
        )
    return issues


def _check_date(
    field: FieldDef, ref: str, value: str, row: dict[str, Any], today: dt.date, labels: dict[str, str]
) -> list[FieldIssue]:
    parts = parse_date(value, partial=field.partial_date)
    if parts is None:
        form = "dd/mm/yyyy, hoặc chỉ năm" if field.partial_date else "dd/mm/yyyy"
        return [_issue(ref, "invalid_date", f"«{field.label}» không phải ngày hợp lệ ({form}).")]
    year, month, day = parts
    earliest = dt.date(year, month or 1, day or 1)
    if field.not_future and earliest > today:
        return [_issue(ref, "future_date", f"«{field.label}» là ngày trong tương lai.")]
    if not (month and day):
        return []
    for other_id in field.not_before:
        other = row.get(other_id)
        # A datetime sibling (admission time) compares by its date.
        other_parts = parse_date(other[:10], partial=True) if isinstance(other, str) else None
        if other_parts is None:
            continue
        start = dt.date(other_parts[0], other_parts[1] or 1, other_parts[2] or 1)
        if earliest < start:
            other_label = labels.get(other_id, other_id)
            return [_issue(ref, "date_order", f"«{field.label}» không được trước «{other_label}».")]
    return []


def _check_address(field: FieldDef, ref: str, value: object) -> list[FieldIssue]:
    if not isinstance(value, dict):
        return [_issue(ref, "invalid_format", f"«{field.label}» phải là một địa chỉ.")]
    status = value.get("status")
    if status == "needs_confirmation" and not value.get("commune_code"):
        names = ", ".join(f"{c['name']} ({c['code']})" for c in value.get("candidates", []))
        return [
            _issue(
                ref,
                "needs_confirmation",
                f"«{field.label}»: địa chỉ cũ (trước 01/07/2025) nay thuộc nhiều xã/phường — "
                f"cán bộ xác nhận một trong: {names}.",
            )
        ]
    if status == "unmapped" and not value.get("commune_code"):
        return [
            _issue(
                ref,
                "unmapped_address",
                f"«{field.label}»: không nhận ra xã/phường, tỉnh/thành phố (danh mục từ 01/07/2025) — cán bộ nhập.",
            )
        ]
    return []


def _check_code(field: FieldDef, ref: str, value: str, row: dict[str, Any]) -> list[FieldIssue]:
    if field.type == "province_code":
        if province_by_code(value) is None or len(value) != 2:
            return [
                _issue(ref, "unknown_code", f"«{field.label}»: mã {value} không có trong danh mục 34 tỉnh, thành phố.")
            ]
        return []
    commune = commune_by_code(value) if len(value) == 5 else None
    if commune is None:
        return [_issue(ref, "unknown_code", f"«{field.label}»: mã {value} không có trong danh mục xã, phường 2025.")]
    province = row.get(field.province_field) if field.province_field else None
    if isinstance(province, str) and province and province != commune.province_code:
        return [
            _issue(
                ref,
                "code_mismatch",
                f"«{field.label}»: {commune.name} ({value}) không thuộc tỉnh có mã {province}.",
            )
        ]
    return []


def validate_field(
    field: FieldDef,
    ref: str,
    value: object,
    row: dict[str, Any],
    *,
    today: dt.date | None = None,
    labels: dict[str, str] | None = None,
) -> list[FieldIssue]:
    """Issues of one value; ``row`` holds its siblings (the form's values, or the table row),
    ``labels`` their labels (for messages that name a sibling)."""
    today = today or dt.date.today()
    labels = labels or {}
    if field.type == "table":
        return _check_table(field, ref, value if value is not None else [], today)
    if is_empty(value) and field.type != "address":
        if field.required:
            return [_issue(ref, "required", f"Chưa điền «{field.label}» (bắt buộc).")]
        return []
    if field.type == "address":
        if is_empty(value):
            return [_issue(ref, "required", f"Chưa điền «{field.label}» (bắt buộc).")] if field.required else []
        return _check_address(field, ref, value)
    if field.type == "number":
        if not isinstance(value, int) or isinstance(value, bool):
            return [_issue(ref, "invalid_format", f"«{field.label}» phải là số nguyên.")]
        low, high = field.min, field.max
        if (low is not None and value < low) or (high is not None and value > high):
            return [_issue(ref, "out_of_range", f"«{field.label}» phải từ {low} đến {high}.")]
        return []
    if not isinstance(value, str):
        return [_issue(ref, "invalid_format", f"«{field.label}» phải là chữ.")]
    issues: list[FieldIssue] = []
    if field.max_length is not None and len(value) > field.max_length:
        issues.append(_issue(ref, "too_long", f"«{field.label}» dài quá {field.max_length} ký tự."))
    if field.pattern is not None and not re.fullmatch(field.pattern, value):
        detail = field.pattern_message or "không đúng định dạng"
        issues.append(_issue(ref, "invalid_format", f"«{field.label}» {detail}."))
    if field.type == "date":
        issues += _check_date(field, ref, value, row, today, labels)
    elif field.type == "datetime":
        moment = parse_datetime(value)
        if moment is None:
            issues.append(_issue(ref, "invalid_date", f"«{field.label}» không phải thời điểm hợp lệ (giờ:phút ngày)."))
        elif field.not_future and moment.date() > today:
            issues.append(_issue(ref, "future_date", f"«{field.label}» là thời điểm trong tương lai."))
    elif field.type == "choice":
        if value not in {o.value for o in options_of(field)}:
            issues.append(_issue(ref, "not_in_list", f"«{field.label}»: «{value}» không có trong danh mục."))
    elif field.type == "id12":
        issues += _check_id12(field, ref, value, row)
    elif field.type == "phone":
        if not _PHONE.match(value):
            issues.append(
                _issue(
                    ref,
                    "invalid_phone",
                    f"«{field.label}» không phải số điện thoại Việt Nam hợp lệ "
                    "(di động 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09; cố định 11 chữ số bắt đầu bằng 02).",
                )
            )
    elif field.type == "email":
        if not _EMAIL.match(value):
            issues.append(_issue(ref, "invalid_email", f"«{field.label}» không phải địa chỉ email hợp lệ."))
    elif field.type in ("province_code", "commune_code"):
        issues += _check_code(field, ref, value, row)
    return issues


def _check_table(field: FieldDef, ref: str, value: object, today: dt.date) -> list[FieldIssue]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        return [_issue(ref, "invalid_format", f"«{field.label}» phải là một bảng (danh sách dòng).")]
    issues: list[FieldIssue] = []
    labels = {c.id: c.label for c in field.columns}
    if len(value) < field.min_rows:
        issues.append(_issue(ref, "required", f"«{field.label}» cần ít nhất {field.min_rows} dòng."))
    for index, row in enumerate(value):
        for column in field.columns:
            cell_ref = f"{ref}[{index}].{column.id}"
            for issue in validate_field(column, cell_ref, row.get(column.id), row, today=today, labels=labels):
                message = issue.message_vi.replace(
                    f"«{column.label}»", f"«{field.label}», dòng {index + 1}, «{column.label}»"
                )
                issues.append(issue.model_copy(update={"message_vi": message}))
    return issues


def _linked_address_issue(form: FormDefinition, field: FieldDef, values: dict[str, Any]) -> FieldIssue | None:
    """A code pre-filled from an address the clerk must confirm: say so rather than 'missing'."""
    address = values.get(field.address_field) if field.address_field else None
    if not isinstance(address, dict) or address.get("commune_code"):
        return None
    source = form.field(field.address_field or "")
    label = source.label if source else field.address_field
    if address.get("status") == "needs_confirmation" and field.type == "commune_code":
        names = ", ".join(f"{c['name']} ({c['code']})" for c in address.get("candidates", []))
        return _issue(
            field.id,
            "needs_confirmation",
            f"«{field.label}»: «{label}» là địa chỉ cũ, nay thuộc nhiều xã/phường — cán bộ chọn: {names}.",
        )
    if address.get("status") == "unmapped":
        return _issue(
            field.id, "unmapped_address", f"«{field.label}»: không xác định được từ «{label}» — cán bộ nhập mã."
        )
    return None


def validate(form: FormDefinition, values: dict[str, Any], *, today: dt.date | None = None) -> list[FieldIssue]:
    """Every issue of a form's values, in the form's field order."""
    issues: list[FieldIssue] = []
    labels = {f.id: f.label for f in form.fields}
    for field in form.fields:
        value = values.get(field.id)
        if is_empty(value) and field.address_field:
            linked = _linked_address_issue(form, field, values)
            if linked is not None:
                issues.append(linked)
                continue
        issues += validate_field(field, field.id, value, values, today=today, labels=labels)
    return issues
