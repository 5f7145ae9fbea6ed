"""Rows of a filled form's tables (guests, household members): add, remove, reorder, read a card in.

Pure operations on a :class:`FilledForm`, like ``with_values``: each returns a new form, with
every cell's provenance following its row, recomputed and revalidated.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from station.forms.model import FieldDef, FilledForm, FormDefinition
from station.forms.prefill import add_identity_row, generated_cell, refresh, with_values
from station.identity import Identity

__all__ = ["identity_table", "parse_cell", "reorder_rows", "with_blank_row", "with_person"]

_CELL = re.compile(r"^(?P<table>[A-Za-z][A-Za-z0-9_]*)\[(?P<row>\d+)\]\.(?P<column>[A-Za-z][A-Za-z0-9_]*)$")


def parse_cell(ref: str) -> tuple[str, int, str] | None:
    """``khach[1].ho_ten`` → ("khach", 1, "ho_ten"); None for a field that is not a cell."""
    match = _CELL.match(ref)
    return (match["table"], int(match["row"]), match["column"]) if match else None


def identity_table(form: FormDefinition) -> FieldDef | None:
    """The table a further card read goes into (the one ``add_identity_row`` fills)."""
    return next((f for f in form.fields if f.type == "table" and f.identity_rows), None)


def reorder_rows(
    form: FormDefinition, filled: FilledForm, table_id: str, order: Sequence[int], *, now: dt.datetime | None = None
) -> FilledForm:
    """The table's rows in ``order`` (indices of current rows; rows left out are dropped), each
    cell's provenance following its row; recomputed (the stay deadline) and revalidated."""
    rows = list(filled.values.get(table_id) or [])
    values = copy.deepcopy(filled.values)
    values[table_id] = [copy.deepcopy(rows[i]) for i in order]
    new_index = {old: new for new, old in enumerate(order)}
    provenance: dict[str, str] = {}
    for ref, source in filled.provenance.items():
        cell = parse_cell(ref)
        if cell is None or cell[0] != table_id:
            provenance[ref] = source
        elif cell[1] in new_index:
            provenance[f"{table_id}[{new_index[cell[1]]}].{cell[2]}"] = source
    return refresh(form, filled.model_copy(update={"values": values, "provenance": provenance}), now=now)


def with_blank_row(
    form: FormDefinition, filled: FilledForm, table_id: str, *, now: dt.datetime | None = None
) -> FilledForm:
    """One more row for the clerk to type (a guest without a card): only what the station fills
    for a card row too (today's date, the definition's defaults) is in it."""
    table = form.field(table_id)
    if table is None or table.type != "table":
        raise KeyError(table_id)
    now = now or dt.datetime.now()
    values = copy.deepcopy(filled.values)
    provenance = dict(filled.provenance)
    rows = list(values.get(table_id) or [])
    row: dict[str, Any] = {}
    for column in table.columns:
        generated = generated_cell(column, now)
        if generated is not None:
            row[column.id], provenance[f"{table_id}[{len(rows)}].{column.id}"] = generated
    values[table_id] = [*rows, row]
    return refresh(form, filled.model_copy(update={"values": values, "provenance": provenance}), now=now)


def _row_of_person(table: FieldDef, rows: Sequence[dict[str, Any]], id_number: str) -> int | None:
    column = next((c.id for c in table.columns if c.prefill == "id_number"), None)
    if column is None:
        return None
    return next((i for i, row in enumerate(rows) if row.get(column) == id_number), None)


def with_person(form: FormDefinition, filled: FilledForm, identity: Identity) -> tuple[FilledForm, int, bool]:
    """A card read into the form's identity table: (form, row index, whether it replaced a row).

    The same person again (the chip read that follows their QR) replaces their row rather than
    adding a second one, and keeps what the clerk typed in it.
    """
    table = identity_table(form)
    if table is None:
        raise KeyError(form.id)
    rows = list(filled.values.get(table.id) or [])
    added = add_identity_row(form, filled, identity)
    same = _row_of_person(table, rows, identity.id_number)
    if same is None:
        return added, len(rows), False
    order = [len(rows) if i == same else i for i in range(len(rows))]
    replaced = reorder_rows(form, added, table.id, order)
    typed: dict[str, object] = {}
    for column in table.columns:
        ref = f"{table.id}[{same}].{column.id}"
        if filled.provenance.get(ref) == "clerk":
            typed[ref] = rows[same].get(column.id)
    if typed:
        replaced = with_values(form, replaced, typed, provenance="clerk")
    return replaced, same, True
