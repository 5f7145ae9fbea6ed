"""Intake forms: declarative definitions, pre-fill from ``Identity``, validation, A4 PDF, XML1.

Each procedure is a TOML file in ``definitions/`` (field ids, Vietnamese labels, types,
where each value comes from in ``Identity``, checks, print layout); adding a procedure
adds a file. The flow is ``get_form`` → ``prefill`` (→ ``add_identity_row`` per extra card,
``with_values`` per clerk edit) → ``render_pdf`` / ``to_xml1`` / ``FilledForm.to_json_dict``.

Provenance (``FilledForm.provenance``, keyed by field id, ``table[row].column`` for cells):

- ``chip``, ``qr``, ``mrz``: read from the card (chip, printed QR code, MRZ);
- ``clerk``: typed or chosen by the clerk (also an identity entered by hand);
- ``bhxh``: returned by the BHXH gateway (card check);
- ``computed``: derived by the station (today's date, admission time, a deadline, the card's
  issuing authority from its issue date);
- ``default``: the definition's default value, still to be checked by the clerk.

Address fields, and the province/commune codes taken from them, add how the units were
found: ``<source>+current`` (a post-1 July 2025 address, codes looked up),
``<source>+mapped`` (an old ward that went whole into one new commune),
``<source>+needs_confirmation`` (an old ward divided among several communes: candidates
offered, the clerk picks one — an issue says so), ``<source>+unmapped`` (units not
recognised: the clerk enters them), ``<source>+confirmed`` (the clerk picked the commune).
"""

from __future__ import annotations

from station.forms.errors import (
    AddressDataError,
    DefinitionError,
    FontMissingError,
    FormsError,
    UnknownFieldError,
    UnknownFormError,
    Xml1Error,
)
from station.forms.model import FieldDef, FieldIssue, FilledForm, FormDefinition
from station.forms.prefill import add_identity_row, prefill, refresh, with_values
from station.forms.registry import get_form, list_forms
from station.forms.rows import reorder_rows, with_blank_row, with_person
from station.forms.validation import validate

__all__ = [
    "AddressDataError",
    "DefinitionError",
    "FieldDef",
    "FieldIssue",
    "FilledForm",
    "FontMissingError",
    "FormDefinition",
    "FormsError",
    "UnknownFieldError",
    "UnknownFormError",
    "Xml1Error",
    "add_identity_row",
    "get_form",
    "list_forms",
    "prefill",
    "refresh",
    "render_pdf",
    "reorder_rows",
    "to_xml1",
    "validate",
    "with_blank_row",
    "with_person",
    "with_values",
]


def render_pdf(form: FormDefinition, filled: FilledForm) -> bytes:
    """The filled form as a print-ready A4 PDF (DejaVu Sans embedded)."""
    from station.forms.pdf import render_pdf as _render

    return _render(form, filled)


def to_xml1(form: FormDefinition, filled: FilledForm, *, require_complete: bool = False) -> str:
    """The filled form as an XML1 fragment (QĐ 130/QĐ-BYT, QĐ 4750); raises ``Xml1Error``."""
    from station.forms.xml1 import to_xml1 as _to_xml1

    return _to_xml1(form, filled, require_complete=require_complete)
