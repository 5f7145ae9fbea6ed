"""Data model of a form definition (read from ``definitions/*.toml``) and of a filled form.

A definition is data so that a new procedure needs a TOML file, not code; ``extra="forbid"``
makes a typo in a definition fail at load time with the file and key named.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "FieldDef",
    "FieldIssue",
    "FieldType",
    "FilledForm",
    "FormDefinition",
    "Option",
    "Signature",
    "XmlSpec",
]

FieldType = Literal[
    "text",
    "date",
    "datetime",
    "choice",
    "id12",
    "phone",
    "email",
    "address",
    "province_code",
    "commune_code",
    "number",
    "table",
]


class Option(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str
    label: str


class XmlSpec(BaseModel):
    """How a field is written into the XML1 table of QĐ 130/QĐ-BYT (as amended by QĐ 4750)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["text", "digits", "number", "yyyymmdd", "yyyymmddHHMM"] = "text"
    max_length: int
    pattern: str | None = None


class FieldDef(BaseModel):
    """One field (or, inside a table, one column) of a form."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    label: str
    type: FieldType
    required: bool = False
    hint: str | None = None
    prefill: str | None = None
    """Where the value comes from in ``Identity`` (see ``station.forms.prefill.IDENTITY_SOURCES``)."""
    default: str | int | None = None
    compute: str | None = None
    """A named computation (see ``station.forms.prefill.COMPUTATIONS``) run after pre-fill and overrides."""
    options: list[Option] = Field(default_factory=list)
    options_from: Literal["ethnic_groups"] | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    partial_date: bool = False
    not_future: bool = False
    not_before: list[str] = Field(default_factory=list)
    """Ids of date/datetime fields (same row for table columns) this date may not precede."""
    min: int | None = None
    max: int | None = None
    province_field: str | None = None
    """For a commune code: the field holding its province code, which must contain it."""
    address_field: str | None = None
    """For province/commune codes pre-filled from an address field: that field's id."""
    sex_field: str | None = None
    dob_field: str | None = None
    """For a 12-digit number: fields its 4th digit (sex, century) and 5th-6th (birth year) must agree with."""
    columns: list[FieldDef] = Field(default_factory=list)
    identity_rows: Literal["all", "additional"] | None = None
    """Table only: each identity read ("all") or each after the first ("additional") adds a row."""
    min_rows: int = 0
    xml: XmlSpec | None = None
    print_width: float | None = None
    """Table column width on paper, as a fraction of the table width."""

    @model_validator(mode="after")
    def _check_shape(self) -> FieldDef:
        if self.type == "table" and not self.columns:
            raise ValueError(f"table field {self.id!r} has no columns")
        if self.type != "table" and (self.columns or self.identity_rows):
            raise ValueError(f"field {self.id!r} is not a table but has columns/identity_rows")
        if self.type == "choice" and not (self.options or self.options_from):
            raise ValueError(f"choice field {self.id!r} has no options")
        return self

    def column(self, column_id: str) -> FieldDef | None:
        return next((c for c in self.columns if c.id == column_id), None)


class Signature(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    note: str = "(Ký, ghi rõ họ tên)"
    name_field: str | None = None


class FormDefinition(BaseModel):
    """A whole procedure form: what to ask, where it comes from, how it prints."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    title: str
    form_code: str
    legal_basis: str
    description: str = ""
    agency_lines: list[str] = Field(default_factory=list)
    """Top-left block (issuing agency) of forms that carry one, e.g. a hospital reception slip."""
    fields: list[FieldDef]
    signatures: list[Signature] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    xml_root: str | None = None
    """Root element of the XML1 fragment, for forms exportable under QĐ 130."""

    @model_validator(mode="after")
    def _unique_ids(self) -> FormDefinition:
        seen: set[str] = set()
        for f in self.fields:
            if f.id in seen:
                raise ValueError(f"duplicate field id {f.id!r}")
            seen.add(f.id)
        for f in self.fields:
            for ref in (f.province_field, f.address_field, f.sex_field, f.dob_field, *f.not_before):
                if ref is not None and ref not in seen:
                    raise ValueError(f"field {f.id!r} refers to unknown field {ref!r}")
        return self

    def field(self, field_id: str) -> FieldDef | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @property
    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]


class FieldIssue(BaseModel):
    """Something a clerk must fix: which field (``table[row].column`` inside tables), why, in Vietnamese."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field_id: str
    message_vi: str
    code: str

    def to_json_dict(self) -> dict[str, str]:
        return {"field": self.field_id, "code": self.code, "message": self.message_vi}


class FilledForm(BaseModel):
    """Values of one form, where each came from, and what still blocks it.

    ``to_json_dict`` is the document ``station forms fill --json`` prints and ``station submit``
    reads; ``from_json_dict`` takes it back unchanged.
    """

    model_config = ConfigDict(extra="forbid")

    form_id: str
    form_version: str
    values: dict[str, Any]
    provenance: dict[str, str] = Field(default_factory=dict)
    issues: list[FieldIssue] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.issues

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "form_id": self.form_id,
            "form_version": self.form_version,
            "values": self.values,
            "provenance": self.provenance,
            "issues": [issue.to_json_dict() for issue in self.issues],
            "complete": self.complete,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> FilledForm:
        issues = [
            FieldIssue(field_id=str(i["field"]), code=str(i["code"]), message_vi=str(i["message"]))
            for i in d.get("issues", [])
        ]
        return cls(
            form_id=str(d["form_id"]),
            form_version=str(d["form_version"]),
            values=dict(d.get("values", {})),
            provenance={str(k): str(v) for k, v in d.get("provenance", {}).items()},
            issues=issues,
        )
