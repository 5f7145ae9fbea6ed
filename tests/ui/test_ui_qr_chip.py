"""QR first, then the chip: the QR opens the chip, and the two are compared field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from ui_helpers import write_qr_video

from station.identity import Identity
from station.readers.qr import format_qr_payload


def test_qr_gives_the_key_and_matches_the_chip(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], tmp_path: Path
) -> None:
    person, face = people[1]
    video = write_qr_video(tmp_path / "qr.avi", format_qr_payload(person))
    window = make_window("counter", camera_source=str(video))
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.qr_identity is not None, timeout=30000)
    assert "Khóa sẵn sàng (mã QR" in window.access.state.text()
    with card(person, face):  # no typing: the QR's CAN opens the chip
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)
    assert "Mã QR khớp chip" in window.identity_panel.badge_texts()


def test_qr_chip_mismatch_is_named(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], tmp_path: Path
) -> None:
    person, face = people[2]
    forged = person.model_copy(update={"full_name": "Trần Văn Khác"})
    video = write_qr_video(tmp_path / "qr.avi", format_qr_payload(forged))
    window = make_window("counter", camera_source=str(video))
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.qr_identity is not None, timeout=30000)
    with card(person, face):
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)
    badges = window.identity_panel.badges
    mismatch = [b for b in badges if b.property("badge") == "Mã QR không khớp chip"]
    assert mismatch and "Họ, chữ đệm và tên" in mismatch[0].text()  # named on screen, not only on hover
    assert mismatch[0].objectName() == "badge_bad"


def test_chip_after_qr_keeps_what_the_nurse_typed(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], tmp_path: Path
) -> None:
    from station.ui.keys import type_text

    person, face = people[0]
    video = write_qr_video(tmp_path / "qr.avi", format_qr_payload(person))
    window = make_window("hospital", camera_source=str(video))
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.editor.form is not None, timeout=30000)
    editor = window.editor
    assert editor.origins["HO_TEN"].text() == "Mã QR"
    reason = editor.inputs["LY_DO_VV"]
    type_text(reason, "Khám định kỳ")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.filled is not None and editor.filled.values.get("LY_DO_VV") == "Khám định kỳ")
    with card(person, face):
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)
    assert editor.origins["HO_TEN"].text() == "Chip"  # the chip's reading replaces the QR's
    assert editor.filled is not None and editor.filled.values["LY_DO_VV"] == "Khám định kỳ"
    assert editor.origins["LY_DO_VV"].text() == "Cán bộ nhập"
    assert "Mã QR khớp chip" in window.identity_panel.badge_texts()


def test_a_camera_that_does_not_open_is_reported(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window("counter", camera_source=str(tmp_path / "khong-co-camera.avi"))
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.status.text("camera") == "Camera: lỗi", timeout=10000)
    assert "Không mở được camera" in window.message.text()
    assert window.camera is None and window.identity is None
