"""Table fields on the real window: guests and household members added by reading card after card,
rows added and removed by hand, cells typed, and the form submitted to the backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import select
from ui_helpers import wait_complete

from procedure_backend.models import Submission
from station.identity import Identity
from station.readers.qr import format_qr_payload
from station.ui.keys import type_text

ALT = Qt.KeyboardModifier.AltModifier


def _open_form(qtbot: Any, window: Any, form_id: str) -> None:
    window.form_picker.setFocus()
    window.form_picker.setCurrentIndex(window.form_picker.findData(form_id))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.form is not None and window.editor.form.id == form_id


def _read_card(qtbot: Any, window: Any, card: Any, person: Identity, face: bytes, until: Any) -> None:
    """Type the number printed on the card (the chip's key), put the card on the reader."""
    type_text(window.access.number, person.id_number)
    qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
    with card(person, face):
        qtbot.waitUntil(until, timeout=30000)


def _type_cell(qtbot: Any, window: Any, table_id: str, row: int, column: str, text: str, stored: str) -> None:
    """Arrow to the cell, F2, type, Enter — as a clerk does — and wait for the form to take it."""
    table = window.editor.tables[table_id]
    table.focus_cell(row, column)
    qtbot.keyClick(table.table, Qt.Key.Key_F2)
    cell_editor = QApplication.focusWidget()
    assert isinstance(cell_editor, QLineEdit) and table.table.viewport().isAncestorOf(cell_editor)
    type_text(cell_editor, text)
    qtbot.keyClick(cell_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.editor.filled.values[table_id][row].get(column) == stored, timeout=5000)
    assert window.editor.filled.provenance[f"{table_id}[{row}].{column}"] == "clerk"


def _fill(qtbot: Any, window: Any, field_id: str, text: str) -> None:
    widget = window.editor.inputs[field_id]
    assert isinstance(widget, QLineEdit)
    type_text(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _submit_and_wait_accepted(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Đã nộp hồ sơ" in window.message.text(), timeout=10000)
    assert window.editor.form is None  # the screen cleared
    qtbot.waitUntil(lambda: "Đã tiếp nhận" in window.submissions.item(0).text(), timeout=20000)


def _stored_values(backend: Any, form_id: str) -> dict[str, Any]:
    with backend.db.sessions() as session:
        rows = session.execute(select(Submission).where(Submission.form_id == form_id)).scalars().all()
    assert len(rows) == 1
    values: dict[str, Any] = rows[0].values
    return values


def test_guests_from_cards_in_a_row_then_by_hand_and_submitted(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], backend: Any
) -> None:
    window = make_window("counter")
    qtbot.waitUntil(lambda: "Virtual PCD" in window.status.text("reader"), timeout=10000)
    _open_form(qtbot, window, "thong-bao-luu-tru")
    editor = window.editor
    guests = editor.tables["khach"]
    assert guests.row_count() == 0
    assert "cần ít nhất 1 dòng" in editor.problems["khach"].text()
    assert guests.from_card is not None and not guests.from_card.isChecked()

    qtbot.keyClick(window, Qt.Key.Key_P, ALT)  # "Thêm người từ thẻ tiế&p theo"
    qtbot.waitUntil(editor.takes_next_card, timeout=2000)  # a mnemonic clicks after a short animation
    for count, (person, face) in enumerate(people[:2], start=1):
        _read_card(qtbot, window, card, person, face, lambda n=count: guests.row_count() == n)
        assert f"dòng {count}" in window.message.text()
    for row, (person, _face) in enumerate(people[:2]):
        assert guests.cell_text(row, "ho_ten") == person.full_name
        assert guests.cell_text(row, "so_giay_to") == person.id_number
        assert guests.origin_text(row) == "Chip"
        assert editor.filled.provenance[f"khach[{row}].ho_ten"] == "chip"
    assert window.identity is None  # the guests did not replace the form's person
    assert window.identity_panel.values["full_name"].text() == people[1][0].full_name  # the card just read
    assert "Chip" in guests.cell(0, "ho_ten").toolTip()
    missing_reason = guests.cell(0, "ly_do").toolTip()  # «Lý do lưu trú» is the clerk's
    assert "dòng 1" in missing_reason and "Lý do lưu trú" in missing_reason
    printed = window._document_html()  # what Print (Ctrl+P) lays out: the guests as a table of their own
    assert "<th>Họ, chữ đệm và tên" in printed and "[{" not in printed
    assert all(f"<td>{person.full_name}</td>" in printed for person, _face in people[:2])
    qtbot.keyClick(window, Qt.Key.Key_P, ALT)
    qtbot.waitUntil(lambda: not editor.takes_next_card(), timeout=2000)

    # A guest without a card: a row by hand, its first cell typed; then the row deleted.
    qtbot.keyClick(window, Qt.Key.Key_G, ALT)  # "Thêm dòn&g"
    qtbot.waitUntil(lambda: guests.row_count() == 3, timeout=2000)
    assert guests.table.currentRow() == 2 and guests.table.hasFocus()
    assert editor.filled.provenance["khach[2].tu_ngay"] == "computed"
    type_text(guests.table, "Lê Văn Tay")  # straight onto the current cell: the first letter opens it
    qtbot.waitUntil(lambda: getattr(QApplication.focusWidget(), "text", str)() == "Lê Văn Tay", timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.filled.values["khach"][2].get("ho_ten") == "Lê Văn Tay", timeout=5000)
    assert guests.cell_text(2, "ho_ten") == "Lê Văn Tay" and guests.origin_text(2) == "Cán bộ nhập"
    guests.focus_cell(2, "so_giay_to")
    info = guests.info.text()  # the current cell's problem, for the keyboard user who cannot hover
    assert "dòng 3" in info and "Chưa điền" in info and "Số định danh" in info
    qtbot.keyClick(window, Qt.Key.Key_A, ALT)  # "Xó&a dòng"
    qtbot.waitUntil(lambda: guests.row_count() == 2, timeout=2000)
    assert len(editor.filled.values["khach"]) == 2
    assert "khach[2].ho_ten" not in editor.filled.provenance
    assert [g["so_giay_to"] for g in editor.filled.values["khach"]] == [p.id_number for p, _ in people[:2]]

    leave = dt.date.today() + dt.timedelta(days=3)
    for row in range(2):
        _type_cell(qtbot, window, "khach", row, "ly_do", "Du lịch", "Du lịch")
        _type_cell(qtbot, window, "khach", row, "den_ngay", f"{leave:%d/%m/%Y}", leave.isoformat())
    assert guests.cell(0, "ly_do").toolTip() == "Nguồn: Cán bộ nhập"
    _fill(qtbot, window, "kinh_gui", "Công an phường Bến Thành")
    _fill(qtbot, window, "ten_co_so", "Nhà nghỉ Hoa Sen")
    _fill(qtbot, window, "nguoi_thong_bao", "Phạm Thị Chủ")
    _fill(qtbot, window, "so_dien_thoai", "0912345678")
    _fill(qtbot, window, "dia_chi_luu_tru", "Số 5 đường Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh")
    wait_complete(qtbot, editor)
    assert not editor.problems["khach"].isVisible()
    _submit_and_wait_accepted(qtbot, window)
    stored = _stored_values(backend, "thong-bao-luu-tru")
    assert [g["ho_ten"] for g in stored["khach"]] == [p.full_name for p, _ in people[:2]]
    assert stored["khach"][1]["den_ngay"] == leave.isoformat()


def test_household_member_from_a_qr_then_its_chip_and_submitted(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], backend: Any
) -> None:
    declarant, member = people[2][0], people[3]
    window = make_window("counter")
    type_text(window.access.number, format_qr_payload(declarant))  # a keyboard-wedge scanner's burst
    qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.identity is not None, timeout=5000)
    _open_form(qtbot, window, "ct01")
    editor = window.editor
    members = editor.tables["thanh_vien"]
    assert editor.filled.values["so_dinh_danh"] == declarant.id_number  # the first read is the declarant
    assert members.row_count() == 0

    assert members.from_card is not None
    members.from_card.setFocus()
    qtbot.keyClick(members.from_card, Qt.Key.Key_Space)  # keyboard, without the mnemonic
    qtbot.waitUntil(editor.takes_next_card, timeout=2000)
    type_text(window.access.number, format_qr_payload(member[0]))
    qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: members.row_count() == 1, timeout=5000)
    assert members.origin_text(0) == "Mã QR"
    assert editor.filled.values["so_dinh_danh"] == declarant.id_number  # the declarant stays
    _type_cell(qtbot, window, "thanh_vien", 0, "quan_he_voi_chu_ho", "Con", "Con")

    with card(*member):  # the QR's key opens the chip: the chip read replaces the QR row
        qtbot.waitUntil(lambda: members.origin_text(0) == "Chip", timeout=30000)
    assert members.row_count() == 1
    assert members.cell_text(0, "so_dinh_danh") == member[0].id_number
    assert members.cell_text(0, "quan_he_voi_chu_ho") == "Con"  # what the clerk typed stays
    assert "dòng 1" in window.message.text()

    _fill(qtbot, window, "kinh_gui", "Công an xã Sơn Điền")
    _fill(qtbot, window, "noi_dung_de_nghi", "Đăng ký thường trú cho hộ")
    wait_complete(qtbot, editor)
    _submit_and_wait_accepted(qtbot, window)
    stored = _stored_values(backend, "ct01")
    assert stored["thanh_vien"][0]["so_dinh_danh"] == member[0].id_number
    assert stored["thanh_vien"][0]["quan_he_voi_chu_ho"] == "Con"
