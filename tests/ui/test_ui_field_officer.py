"""Field officer in a commune hall: card after card into a queue, submit later, network down."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from ui_helpers import wait_complete

from station.identity import Identity
from station.ui.keys import type_text


def test_batch_queue_and_backend_down_then_back(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]], backend: Any
) -> None:
    window = make_window("field")
    assert window.batch_box.isVisible() and not window.bhyt.isVisible()
    backend.stop()  # no network in the hall
    for count, (person, face) in enumerate(people[:2], start=1):
        type_text(window.access.number, person.id_number)
        qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
        with card(person, face):
            qtbot.waitUntil(lambda n=count: len(window.batch) == n, timeout=30000)
        assert "Đã thêm vào hàng đợi" in window.message.text()
    assert window.batch_list.count() == 2
    listed = window.batch_list.item(0).text()
    assert people[0][0].id_number[-4:] in listed and people[0][0].id_number not in listed  # masked

    window.batch_list.setFocus()
    window.batch_list.setCurrentRow(0)
    qtbot.keyClick(window.batch_list, Qt.Key.Key_Return)
    editor = window.editor
    assert editor.form is not None and editor.form.id == "ct01"
    assert editor.filled is not None and editor.filled.values["so_dinh_danh"] == people[0][0].id_number
    type_text(editor.inputs["kinh_gui"], "Công an xã")
    type_text(editor.inputs["noi_dung_de_nghi"], "Khai báo tạm vắng")
    qtbot.keyClick(editor.inputs["noi_dung_de_nghi"], Qt.Key.Key_Return)
    wait_complete(qtbot, editor)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.submissions.count() == 1, timeout=10000)
    assert window.batch_list.count() == 1 and len(window.batch) == 1  # the submitted card left the queue
    qtbot.waitUntil(lambda: "mất kết nối" in window.status.text("backend"), timeout=15000)
    assert "1 hồ sơ chờ gửi" in window.status.text("backend")
    assert "Đang chờ gửi" in window.submissions.item(0).text()

    backend.start()  # back in town
    qtbot.waitUntil(lambda: "Đã tiếp nhận" in window.submissions.item(0).text(), timeout=60000)
    qtbot.waitUntil(lambda: "đã gửi hết" in window.status.text("backend"), timeout=10000)


def test_a_qr_scan_queues_and_the_chip_read_replaces_it(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]]
) -> None:
    from station.readers.qr import format_qr_payload

    person, face = people[3]
    window = make_window("field")
    type_text(window.access.number, format_qr_payload(person))  # a keyboard-wedge scanner's burst
    qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.batch) == 1, timeout=5000)
    assert window.batch_list.item(0).text().endswith("(mã QR)")
    with card(person, face):  # the QR's CAN opens it without typing
        qtbot.waitUntil(lambda: window.batch[0].verification is not None, timeout=30000)
    assert len(window.batch) == 1 and window.batch_list.count() == 1
    assert window.batch_list.item(0).text().endswith("(chip)")
    assert "Mã QR khớp chip" in window.identity_panel.badge_texts()
