"""Rows of table fields (guests, household members): added from cards or blank, removed, reordered."""

from __future__ import annotations

import datetime as dt

from hardware_mocks.citizens import generate
from station.forms import get_form, prefill, reorder_rows, with_blank_row, with_person, with_values
from station.identity import Source


def test_rows_move_their_provenance_and_are_revalidated() -> None:
    form = get_form("thong-bao-luu-tru")
    chip = [p.model_copy(update={"source": Source.CHIP}) for p in generate(3, 77)]
    filled = prefill(form, chip[0])
    for person in chip[1:]:
        filled, _row, replaced = with_person(form, filled, person)
        assert not replaced
    filled = with_values(form, filled, {"khach[2].ly_do": "Công tác"})
    dropped = reorder_rows(form, filled, "khach", [0, 2])
    assert [g["so_giay_to"] for g in dropped.values["khach"]] == [chip[0].id_number, chip[2].id_number]
    assert dropped.provenance["khach[1].ly_do"] == "clerk" and "khach[2].ho_ten" not in dropped.provenance
    assert not any(i.field_id.startswith("khach[2]") for i in dropped.issues)
    assert any(i.field_id == "khach[1].den_ngay" for i in dropped.issues)

    again, row, replaced = with_person(form, dropped, chip[2])  # the same card read again
    assert (row, replaced) == (1, True) and len(again.values["khach"]) == 2
    assert again.values["khach"][1]["ly_do"] == "Công tác" and again.provenance["khach[1].ly_do"] == "clerk"

    blank = with_blank_row(form, again, "khach")
    assert blank.values["khach"][2] == {"tu_ngay": dt.date.today().isoformat()}
    assert blank.provenance["khach[2].tu_ngay"] == "computed"
    assert any(i.field_id == "khach[2].ho_ten" and i.code == "required" for i in blank.issues)
