"""Keyboard use with the scanner's keyboard-wedge filter installed, as in the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from station.readers.scanner import ScanResult, make_wedge_filter
from station.ui.keys import type_text


def test_space_clicks_a_button_and_typing_is_not_doubled(qtbot: Any, qapp: Any) -> None:
    scans: list[ScanResult] = []
    wedge = make_wedge_filter(scans.append)
    qapp.installEventFilter(wedge)
    try:
        top = QWidget()
        layout = QVBoxLayout(top)
        field, button = QLineEdit(), QPushButton("Nộp")
        layout.addWidget(field)
        layout.addWidget(button)
        qtbot.addWidget(top)
        top.show()
        qtbot.waitExposed(top)
        clicks: list[bool] = []
        button.clicked.connect(lambda: clicks.append(True))
        type_text(field, "Nguyễn Văn Bình")
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: clicks == [True], timeout=2000)
        qtbot.waitUntil(lambda: field.text() == "Nguyễn Văn Bình", timeout=2000)
        assert scans == []  # a person typing is not a scan
    finally:
        qapp.removeEventFilter(wedge)
