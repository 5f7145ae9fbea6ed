"""The screen forgets the person when nobody works; the form prints and saves as PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from station.identity import Identity
from station.readers.qr import format_qr_payload
from station.ui.keys import type_text


def _scan_with_keyboard_wedge(qtbot: Any, window: Any, person: Identity) -> None:
    """A handheld scanner in keyboard mode types the payload in one fast burst, then Enter."""
    target = window.access.number
    type_text(target, format_qr_payload(person))
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.identity is not None, timeout=5000)
    assert target.text() == ""  # the burst went to the scanner handler, not into the field


def test_idle_timeout_clears_the_screen(qtbot: Any, make_window: Any, people: list[tuple[Identity, bytes]]) -> None:
    person = people[1][0]
    window = make_window("counter", idle_timeout_s=1.0)
    _scan_with_keyboard_wedge(qtbot, window, person)
    assert window.identity_panel.values["full_name"].text() == person.full_name
    window.open_selected_form()
    assert window.editor.form is not None
    qtbot.waitUntil(lambda: window.identity is None, timeout=5000)
    assert "tự xóa" in window.message.text()
    assert window.identity_panel.values["full_name"].text() == "" and window.editor.form is None
    assert window.access.number.text() == ""


def test_save_pdf_and_print(qtbot: Any, make_window: Any, people: list[tuple[Identity, bytes]], tmp_path: Path) -> None:
    person = people[2][0]
    window = make_window("counter")
    _scan_with_keyboard_wedge(qtbot, window, person)
    window.open_selected_form()
    target = tmp_path / "ct01.pdf"
    window.save_pdf_to(target)
    qtbot.waitUntil(lambda: "Đã lưu PDF" in window.message.text(), timeout=20000)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 2000

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    window.print_to(printer)
    assert printed.read_bytes().startswith(b"%PDF")
    html = window._document_html()
    assert "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ" in html and person.full_name in html


def test_an_old_ward_split_in_two_lets_the_clerk_pick_the_commune(
    qtbot: Any, make_window: Any, people: list[tuple[Identity, bytes]]
) -> None:
    person = people[0][0].model_copy(
        update={
            "place_of_residence": "Thôn Tân Thành, Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội",
            "date_of_issue": "2022-03-10",
        }
    )
    window = make_window("hospital")
    _scan_with_keyboard_wedge(qtbot, window, person)
    editor = window.editor
    assert editor.form is not None and editor.form.id == "tiep-don-bhyt"
    picker = editor.communes["DIA_CHI"]
    assert picker.isVisible() and picker.count() == 3  # the prompt and two communes
    assert "cần chọn xã/phường" in editor.origins["DIA_CHI"].text()
    assert editor.filled is not None and not editor.filled.values.get("MAXA_CU_TRU")
    expected = picker.itemData(1)
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: not editor.communes["DIA_CHI"].isVisible(), timeout=3000)
    assert editor.filled is not None
    assert editor.filled.values["DIA_CHI"]["status"] == "confirmed"
    assert editor.filled.values["MAXA_CU_TRU"] == editor.filled.values["DIA_CHI"]["commune_code"]
    assert editor.filled.values["MAXA_CU_TRU"] == expected
    assert "đã xác nhận" in editor.origins["DIA_CHI"].text()


def test_bhxh_gateway_unreachable_says_not_checked(
    qtbot: Any, qapp: Any, make_services: Any, people: list[tuple[Identity, bytes]], vpcd_reader: str
) -> None:
    from procedure_backend.testing import free_port
    from station.ui.main_window import MainWindow
    from station.ui.profiles import profile

    services = make_services(STATION_BHXH_URL=f"http://127.0.0.1:{free_port()}")
    window = MainWindow(services, profile("hospital"), reader=vpcd_reader, idle_timeout_s=0, monitor_cards=False)
    qtbot.addWidget(window)
    window.show()
    try:
        window.qr_read(people[0][0])
        qtbot.waitUntil(lambda: window.bhyt.result is not None, timeout=20000)
        assert window.bhyt.verdict.text().startswith("Chưa kiểm tra")
        assert window.status.text("bhxh") == "Cổng BHXH: mất kết nối (chưa kiểm tra)"
        assert window.editor.form is not None  # the intake goes on without the check
    finally:
        window.shutdown()
