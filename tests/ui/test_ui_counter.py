"""One-stop counter: type the number, tap the card, read, pick ct01, fill, submit, accepted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from ui_helpers import wait_complete

from station.identity import Identity
from station.ui.keys import type_text


def _wait_message(qtbot: Any, window: Any, words: str, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: words in window.message.text(), timeout=timeout)


def test_counter_reads_fills_and_submits(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], backend: Any
) -> None:
    person, face = people[0]
    window = make_window("counter")
    qtbot.waitUntil(lambda: "Virtual PCD" in window.status.text("reader"), timeout=10000)
    qtbot.keyClicks(window.access.number, person.id_number)
    qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Khóa sẵn sàng" in window.access.state.text(), timeout=3000)
    assert person.id_number not in window.access.state.text()
    partials: list[Identity] = []
    window.chip.partial.connect(partials.append)
    with card(person, face):
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)
    panel = window.identity_panel
    # The name was on screen from DG13, before the photo (DG2) and the checks.
    assert partials and partials[0].face_jpeg is None and partials[0].full_name == person.full_name
    assert panel.values["full_name"].text() == person.full_name
    assert panel.photo.pixmap() is not None and not panel.photo.pixmap().isNull()
    badges = panel.badge_texts()
    assert "Dữ liệu chip toàn vẹn" in badges and "Chữ ký số hợp lệ" in badges
    assert "Chưa có chứng thư gốc (CSCA)" in badges  # the test CSCA is not in this station's trust store
    assert "Đã đọc xong chip" in window.step.text()

    # Pick the form from the keyboard and open it.
    window.form_picker.setFocus()
    window.form_picker.setCurrentIndex(window.form_picker.findData("ct01"))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor
    assert editor.form is not None and editor.form.id == "ct01"
    assert editor.origins["ho_ten"].text() == "Chip"
    assert editor.filled is not None and not editor.filled.complete
    assert editor.problems["kinh_gui"].isVisible() and editor.problems["kinh_gui"].text()

    # Submit with fields missing: refused, focus on the first problem.
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Chưa nộp được" in window.message.text()
    first = editor.inputs["kinh_gui"]
    assert isinstance(first, QLineEdit)
    type_text(first, "Công an phường Bến Thành")
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    second = editor.inputs["noi_dung_de_nghi"]
    assert isinstance(second, QLineEdit)
    type_text(second, "Đăng ký tạm trú")
    qtbot.keyClick(second, Qt.Key.Key_Tab)
    wait_complete(qtbot, editor)
    assert editor.origins["kinh_gui"].text() == "Cán bộ nhập"
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_message(qtbot, window, "Đã nộp hồ sơ")
    # Privacy: nothing of the person is left on screen.
    assert window.identity is None and window.editor.form is None
    assert window.identity_panel.values["full_name"].text() == ""
    qtbot.waitUntil(lambda: "Đã tiếp nhận" in window.submissions.item(0).text(), timeout=20000)
    assert "Máy chủ: đã gửi hết" in window.status.text("backend")
