"""Hospital reception: QR on the webcam → tiep-don-bhyt pre-filled → BHYT check → submit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from ui_helpers import bhyt_holder, wait_complete, write_qr_video

from hardware_mocks.bhxh_gateway import fixture_for_code
from station.readers.qr import format_qr_payload
from station.ui.keys import type_text


def test_hospital_qr_bhyt_check_and_submit(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    holder = bhyt_holder()
    video = write_qr_video(tmp_path / "webcam.avi", format_qr_payload(holder))
    window = make_window("hospital", camera_source=str(video))
    assert window.bhyt.isVisible() and not window.batch_box.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.identity is not None, timeout=30000)
    assert window.identity_panel.values["full_name"].text() == holder.full_name
    assert "Đọc từ mã QR — chưa đối chiếu chip" in window.identity_panel.badge_texts()
    assert "Khóa sẵn sàng" in window.access.state.text()  # the QR gave the chip's CAN
    editor = window.editor
    assert editor.form is not None and editor.form.id == "tiep-don-bhyt"
    # The check by personal number runs by itself: the gateway finds the holder's card by the CCCD.
    qtbot.waitUntil(lambda: window.bhyt.result is not None, timeout=20000)
    assert window.bhyt.result.verdict.value == "valid"
    qtbot.waitUntil(lambda: "Thẻ hợp lệ" in window.bhyt.verdict.text(), timeout=20000)
    assert editor.filled is not None
    assert editor.filled.values["MA_THE_BHYT"] == fixture_for_code("000").card_code
    assert editor.origins["MA_THE_BHYT"].text() == "Cổng BHXH"
    assert editor.origins["HO_TEN"].text() == "Mã QR"
    assert editor.filled.values["MAXA_CU_TRU"] == "26743"
    assert editor.filled.values["MA_QUOCTICH"] == "000"  # a CCCD's QR: Vietnamese
    # The QR has no ethnicity or occupation, and the reason is the patient's: the nurse types them.
    for field_id, text in (("MA_NGHE_NGHIEP", "00000"), ("LY_DO_VV", "Đau đầu, sốt")):
        widget = editor.inputs[field_id]
        assert isinstance(widget, QLineEdit)
        widget.setFocus()
        type_text(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    ethnicity = editor.inputs["MA_DANTOC"]
    assert isinstance(ethnicity, QComboBox)
    ethnicity.setFocus()
    qtbot.keyClick(ethnicity, Qt.Key.Key_Down)  # the first group: 01 Kinh
    wait_complete(qtbot, editor)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Đã nộp hồ sơ tiep-don-bhyt" in window.message.text(), timeout=10000)
    qtbot.waitUntil(lambda: "Đã tiếp nhận" in window.submissions.item(0).text(), timeout=20000)
    assert window.bhyt.result is None and window.identity is None  # cleared after submit
