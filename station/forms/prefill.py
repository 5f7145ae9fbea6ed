"""Pre-fill a form from an ``Identity``, apply the clerk's values, compute the rest, validate.

Definitions name their sources with the keys of ``IDENTITY_SOURCES`` and ``COMPUTATIONS``;
a new procedure reuses them without code. Provenance strings are documented in
``station.forms`` (package docstring).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from station.forms.admin_units import AddressResolution, commune_by_code, resolve_address
from station.forms.errors import UnknownFieldError
from station.forms.ethnicity import ethnic_code
from station.forms.ethnicity import fold as _fold
from station.forms.model import FieldDef, FilledForm, FormDefinition
from station.forms.validation import validate
from station.forms.values import coerce, is_empty, parse_date
from station.identity import Identity, Source

__all__ = [
    "COMPUTATIONS",
    "IDENTITY_SOURCES",
    "add_identity_row",
    "prefill",
    "provenance_of",
    "refresh",
    "with_values",
]

# Where an identity's source goes in provenance; a typed-in identity counts as the clerk's.
_SOURCE_NAMES = {Source.CHIP: "chip", Source.QR: "qr", Source.MRZ: "mrz", Source.MANUAL: "clerk"}

# The card issuer: CCCD with chip from 2021 (Cục Cảnh sát QLHC về TTXH), căn cước from 1 July 2024
# (Luật Căn cước 2023: Bộ Công an).
_CAN_CUOC_LAW = dt.date(2024, 7, 1)
_CHIP_CCCD = dt.date(2021, 1, 1)


def provenance_of(identity: Identity, field: str) -> str:
    return _SOURCE_NAMES.get(identity.source_of(field), "clerk")


def _issue_date(identity: Identity) -> dt.date | None:
    return dt.date.fromisoformat(identity.date_of_issue) if identity.date_of_issue else None


class _IdentityReader:
    """Reads sources off one identity; the residence is resolved once per identity."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self._residence: AddressResolution | None = None

    @property
    def residence(self) -> AddressResolution:
        if self._residence is None:
            self._residence = resolve_address(self.identity.place_of_residence, issued=_issue_date(self.identity))
        return self._residence

    def residence_provenance(self) -> str:
        base = provenance_of(self.identity, "place_of_residence")
        return f"{base}+{self.residence.status}"

    def get(self, source: str) -> tuple[object, str]:
        ident = self.identity
        if source in _PLAIN:
            attribute = _PLAIN[source]
            return getattr(ident, attribute), provenance_of(ident, attribute)
        if source == "residence":
            if not ident.place_of_residence:
                return None, ""
            return self.residence.to_value(), self.residence_provenance()
        if source in ("residence.province_code", "residence.commune_code"):
            if not ident.place_of_residence:
                return None, ""
            r = self.residence
            unit = r.province if source == "residence.province_code" else r.commune
            return (unit.code if unit else None), self.residence_provenance()
        if source == "sex.code":
            return {"Nam": "1", "Nữ": "2"}[ident.sex], provenance_of(ident, "sex")
        if source == "ethnicity.code":
            return ethnic_code(ident.ethnicity), provenance_of(ident, "ethnicity")
        if source == "nationality.code":
            # Only Việt Nam is coded from the card; other codes come from the clerk.
            viet = ident.nationality is None or _fold(ident.nationality) in ("vietnam", "vn", "vnm")
            return ("000" if viet else None), provenance_of(ident, "nationality")
        if source == "id_document.type":
            issued = _issue_date(ident)
            if issued is None:
                return None, ""
            kind = "Căn cước" if issued >= _CAN_CUOC_LAW else "Căn cước công dân"
            return kind, provenance_of(ident, "date_of_issue")
        if source == "id_document.issuer":
            issued = _issue_date(ident)
            if issued is None or issued < _CHIP_CCCD:
                return None, ""
            if issued >= _CAN_CUOC_LAW:
                return "Bộ Công an", "computed"
            return "Cục Cảnh sát quản lý hành chính về trật tự xã hội", "computed"
        raise KeyError(source)


_PLAIN = {
    "full_name": "full_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "id_number": "id_number",
    "old_id_number": "old_id_number",
    "nationality": "nationality",
    "ethnicity": "ethnicity",
    "religion": "religion",
    "place_of_origin": "place_of_origin",
    "father_name": "father_name",
    "mother_name": "mother_name",
    "spouse_name": "spouse_name",
    "date_of_issue": "date_of_issue",
    "date_of_expiry": "date_of_expiry",
}

IDENTITY_SOURCES: frozenset[str] = frozenset(
    [
        *_PLAIN,
        "residence",
        "residence.province_code",
        "residence.commune_code",
        "sex.code",
        "ethnicity.code",
        "nationality.code",
        "id_document.type",
        "id_document.issuer",
    ]
)


# ----------------------------------------------------------------------------- computations


def _deadline(form: FormDefinition, values: Mapping[str, Any]) -> str | None:
    """Hạn thông báo lưu trú: before 23:00 of the first day of stay (before 08:00 next day
    for a guest arriving after 23:00)."""
    starts: list[dt.date] = []
    for field in form.fields:
        if field.type != "table":
            continue
        for row in values.get(field.id) or []:
            parts = parse_date(str(row.get("tu_ngay") or ""))
            if parts is not None and parts[1] and parts[2]:
                starts.append(dt.date(parts[0], parts[1], parts[2]))
    if not starts:
        return None
    first = min(starts)
    after = first + dt.timedelta(days=1)
    return f"Trước 23 giờ 00 ngày {first:%d/%m/%Y} (người đến sau 23 giờ: trước 08 giờ 00 ngày {after:%d/%m/%Y})"


def _compute(name: str, form: FormDefinition, values: Mapping[str, Any], now: dt.datetime) -> object:
    if name == "today":
        return now.date().isoformat()
    if name == "now":
        return now.strftime("%Y-%m-%dT%H:%M")
    if name == "luu_tru_deadline":
        return _deadline(form, values)
    raise KeyError(name)


COMPUTATIONS: frozenset[str] = frozenset({"today", "now", "luu_tru_deadline"})


# ----------------------------------------------------------------------------- filling


def _row_from_identity(
    table: FieldDef, reader: _IdentityReader, index: int, ref: str, provenance: dict[str, str], now: dt.datetime
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in table.columns:
        cell = f"{ref}[{index}].{column.id}"
        if column.prefill:
            value, source = reader.get(column.prefill)
            if not is_empty(value):
                row[column.id] = value
                provenance[cell] = source
                continue
        generated = generated_cell(column, now)
        if generated is not None:
            row[column.id], provenance[cell] = generated
    return row


def generated_cell(column: FieldDef, now: dt.datetime) -> tuple[object, str] | None:
    """What the station puts in a table cell nobody read or typed: a computed date, or the default."""
    if column.compute in ("today", "now"):
        return (now.date().isoformat() if column.compute == "today" else now.strftime("%Y-%m-%dT%H:%M")), "computed"
    if column.default is not None:
        return column.default, "default"
    return None


_REF = re.compile(
    r"^(?P<field>[A-Za-z][A-Za-z0-9_]*)(?:\[(?P<row>\d+)\]\.(?P<column>[A-Za-z][A-Za-z0-9_]*)|\.(?P<part>commune_code))?$"
)


def _apply_override(
    form: FormDefinition, values: dict[str, Any], provenance: dict[str, str], ref: str, raw: object, source: str
) -> None:
    match = _REF.match(ref)
    field = form.field(match.group("field")) if match else None
    if match is None or field is None:
        raise UnknownFieldError(form.id, ref)
    if match.group("row") is not None:
        column = field.column(match.group("column")) if field.type == "table" else None
        if column is None:
            raise UnknownFieldError(form.id, ref)
        rows: list[dict[str, Any]] = values.setdefault(field.id, [])
        index = int(match.group("row"))
        while len(rows) <= index:
            rows.append({})
        rows[index][column.id] = coerce(column, raw)
        provenance[f"{field.id}[{index}].{column.id}"] = source
        return
    if match.group("part") is not None:
        if field.type != "address":
            raise UnknownFieldError(form.id, ref)
        _confirm_commune(values, provenance, field.id, str(raw), source)
        return
    if field.type == "table" and not isinstance(raw, list):
        raise UnknownFieldError(form.id, ref)
    values[field.id] = coerce(field, raw)
    provenance[field.id] = source


def _confirm_commune(values: dict[str, Any], provenance: dict[str, str], field_id: str, code: str, source: str) -> bool:
    """The clerk picked the commune of an address: store it with its province, keep the street."""
    address = values.get(field_id)
    commune = commune_by_code(code.strip())
    if not isinstance(address, dict) or commune is None:
        return False
    street = address.get("street") or ""
    confirmed = dict(address)
    confirmed.update(
        {
            "province_code": commune.province_code,
            "province_name": commune.province_name,
            "commune_code": commune.code,
            "commune_name": commune.name,
            "status": "confirmed",
        }
    )
    confirmed.pop("candidates", None)
    if address.get("status") in ("needs_confirmation", "unmapped"):
        confirmed["text"] = ", ".join(p for p in (street, commune.name, commune.province_name) if p)
    values[field_id] = confirmed
    base = provenance.get(field_id, source).split("+", 1)[0]
    provenance[field_id] = f"{base}+confirmed" if base != source else source
    return True


def _sync_address_codes(form: FormDefinition, values: dict[str, Any], provenance: dict[str, str]) -> None:
    """Keep code fields (MATINH_CU_TRU, MAXA_CU_TRU) and their address field in step."""
    for field in form.fields:
        if not field.address_field:
            continue
        address = values.get(field.address_field)
        if not isinstance(address, dict):
            continue
        value = values.get(field.id)
        part = "commune_code" if field.type == "commune_code" else "province_code"
        if is_empty(value) and address.get(part):
            values[field.id] = address[part]
            provenance[field.id] = provenance.get(field.address_field, "clerk")
        elif (
            field.type == "commune_code"
            and isinstance(value, str)
            and not address.get("commune_code")
            and (address.get("candidates") or address.get("status") == "unmapped")
        ):
            _confirm_commune(values, provenance, field.address_field, value, provenance.get(field.id, "clerk"))
    for field in form.fields:  # a confirmed commune fixes its province code too
        if field.address_field and field.type == "province_code":
            address = values.get(field.address_field)
            if isinstance(address, dict) and address.get("status") == "confirmed":
                values[field.id] = address["province_code"]


def _run_computations(
    form: FormDefinition, values: dict[str, Any], provenance: dict[str, str], now: dt.datetime
) -> None:
    for field in form.fields:
        if field.compute and (is_empty(values.get(field.id)) or provenance.get(field.id) == "computed"):
            value = _compute(field.compute, form, values, now)
            if value is None:
                values.pop(field.id, None)
                provenance.pop(field.id, None)
            else:
                values[field.id] = value
                provenance[field.id] = "computed"


def _finish(form: FormDefinition, values: dict[str, Any], provenance: dict[str, str], now: dt.datetime) -> FilledForm:
    _sync_address_codes(form, values, provenance)
    _run_computations(form, values, provenance, now)
    return FilledForm(
        form_id=form.id,
        form_version=form.version,
        values=values,
        provenance=provenance,
        issues=validate(form, values, today=now.date()),
    )


def prefill(
    form: FormDefinition,
    identity: Identity | None,
    *,
    overrides: Mapping[str, object] | None = None,
    override_provenance: str = "clerk",
    now: dt.datetime | None = None,
) -> FilledForm:
    """A filled form: identity values first, then defaults, then ``overrides`` (the clerk's, or
    ``override_provenance="bhxh"`` for values from the BHXH gateway), then computed fields.

    Override keys are field ids, ``table[row].column`` for a cell, and ``address.commune_code``
    for the clerk's choice among an old address's candidate communes. An unknown key raises
    ``UnknownFieldError``; bad values do not raise, they come back as issues.
    """
    now = now or dt.datetime.now()
    values: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    reader = _IdentityReader(identity) if identity is not None else None
    for field in form.fields:
        if field.type == "table":
            rows: list[dict[str, Any]] = []
            if reader is not None and field.identity_rows == "all":
                rows.append(_row_from_identity(field, reader, 0, field.id, provenance, now))
            values[field.id] = rows
            continue
        if reader is not None and field.prefill:
            value, source = reader.get(field.prefill)
            if not is_empty(value):
                values[field.id] = value
                provenance[field.id] = source
                continue
        if field.default is not None:
            values[field.id] = field.default
            provenance[field.id] = "default"
    for ref, raw in (overrides or {}).items():
        _apply_override(form, values, provenance, ref, raw, override_provenance)
    return _finish(form, values, provenance, now)


def add_identity_row(
    form: FormDefinition, filled: FilledForm, identity: Identity, *, now: dt.datetime | None = None
) -> FilledForm:
    """One more card read at the counter: a row in the form's identity table (guests, family members)."""
    now = now or dt.datetime.now()
    table = next((f for f in form.fields if f.type == "table" and f.identity_rows), None)
    if table is None:
        raise UnknownFieldError(form.id, "(bảng nhận thêm thẻ)")
    values = copy.deepcopy(filled.values)
    provenance = dict(filled.provenance)
    rows = list(values.get(table.id) or [])
    rows.append(_row_from_identity(table, _IdentityReader(identity), len(rows), table.id, provenance, now))
    values[table.id] = rows
    return _finish(form, values, provenance, now)


def with_values(
    form: FormDefinition,
    filled: FilledForm,
    updates: Mapping[str, object],
    *,
    provenance: str = "clerk",
    now: dt.datetime | None = None,
) -> FilledForm:
    """The form with more values (the clerk's edits, or ``provenance="bhxh"`` for the gateway's), revalidated."""
    now = now or dt.datetime.now()
    values = copy.deepcopy(filled.values)
    prov = dict(filled.provenance)
    for ref, raw in updates.items():
        _apply_override(form, values, prov, ref, raw, provenance)
    return _finish(form, values, prov, now)


def refresh(form: FormDefinition, filled: FilledForm, *, now: dt.datetime | None = None) -> FilledForm:
    """Recompute and revalidate (e.g. a form read back from JSON)."""
    return _finish(form, copy.deepcopy(filled.values), dict(filled.provenance), now or dt.datetime.now())
