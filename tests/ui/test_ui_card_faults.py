"""What goes wrong at a desk: a wrong key, a card pulled mid-read, a clerk cancelling."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from hardware_mocks.virtual_cccd import CardFaults
from station.identity import Identity
from station.ui.keys import type_text


def _enter_number(qtbot: Any, window: Any, digits: str) -> None:
    type_text(window.access.number, digits)
    qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Khóa sẵn sàng" in window.access.state.text(), timeout=3000)


def test_wrong_key_says_so_and_the_right_one_reads(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]]
) -> None:
    person, face = people[1]
    other = people[2][0]
    window = make_window("counter")
    with card(person, face):
        qtbot.waitUntil(lambda: window.card_reader is not None, timeout=10000)
        assert "Nhập số CCCD" in window.message.text()  # a card, no key: the window asks for one
        _enter_number(qtbot, window, other.id_number)
        qtbot.waitUntil(lambda: "Sai khóa truy cập" in window.step.text(), timeout=20000)
        assert "Thẻ từ chối khóa truy cập" in window.message.text()
        assert window.access.number.hasFocus() and window.identity is None
        assert not window.chip.busy  # no retry loop with the same wrong key
        window.access.number.clear()
        _enter_number(qtbot, window, person.can)  # the 6-digit CAN works too
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)
    assert window.identity_panel.values["id_number"].text() == person.id_number


def test_card_pulled_mid_read_recovers_and_reads(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]]
) -> None:
    person, face = people[0]
    window = make_window("counter")
    messages: list[str] = []
    window.messageShown.connect(messages.append)
    _enter_number(qtbot, window, person.id_number)
    faults = CardFaults(remove_at_apdu=25)  # after access control, in the middle of the files
    with card(person, face, faults=faults):
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=40000)
    assert faults.remove_at_apdu is None, "the pull fault fired"
    assert any("Thẻ bị rút ra khi đang đọc" in m for m in messages)
    assert window.identity_panel.values["full_name"].text() == person.full_name
    assert "Dữ liệu chip toàn vẹn" in window.identity_panel.badge_texts()


def test_cancel_stops_the_read_and_waits_for_the_clerk(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]]
) -> None:
    person, face = people[3]
    window = make_window("counter")
    cancelled: list[bool] = []

    def cancel_once(_event: object) -> None:
        if not cancelled:
            cancelled.append(True)
            assert window.cancel_button.isEnabled()
            window.cancel_button.click()

    window.chip.progress.connect(cancel_once)
    _enter_number(qtbot, window, person.id_number)
    with card(person, face):
        qtbot.waitUntil(lambda: "Đã hủy" in window.step.text(), timeout=20000)
        assert "Đã hủy đọc thẻ" in window.message.text()
        assert window.identity is None and not window.chip.busy
        qtbot.wait(300)
        assert not window.chip.busy  # held: no automatic re-read after a cancel
        qtbot.keyClick(window, Qt.Key.Key_F2)  # the number is still there: F2, Enter reads again
        assert window.access.number.hasFocus()
        qtbot.keyClick(window.access.number, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)


def test_mrz_opens_a_bac_only_card(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]]
) -> None:
    from hardware_mocks.lds_builder import td1_mrz

    person, face = people[2]
    window = make_window("counter")
    with card(person, face, bac_only=True):
        qtbot.waitUntil(lambda: window.card_reader is not None, timeout=10000)
        type_text(window.access.mrz, "\n".join(td1_mrz(person)))
        qtbot.keyClick(window.access.use_mrz, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.face_jpeg is not None, timeout=30000)
    assert "(BAC," in window.step.text()
    assert window.identity_panel.values["full_name"].text() == person.full_name


def test_a_card_whose_data_was_changed_is_flagged(
    qtbot: Any, make_window: Any, card: Any, people: list[tuple[Identity, bytes]]
) -> None:
    person, face = people[3]
    window = make_window("counter")
    _enter_number(qtbot, window, person.id_number)
    with card(person, face, faults=CardFaults(corrupt_dg=13)):
        qtbot.waitUntil(lambda: window.identity is not None and window.identity.verification is not None, timeout=30000)
    labels = window.identity_panel.badges
    texts = window.identity_panel.badge_texts()
    assert texts[0] == "Nghi thẻ giả / sao chép" and labels[0].objectName() == "badge_bad"
    assert "Dữ liệu chip bị thay đổi" in texts and "Dữ liệu chip toàn vẹn" not in texts
