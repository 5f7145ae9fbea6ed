"""The status bar: one plain sentence per device or service, coloured by whether it works."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from station.ui.text import TONE_COLOURS, Tone

__all__ = ["StationStatusBar"]


class StationStatusBar(QStatusBar):
    PARTS = ("reader", "camera", "scanner", "backend", "bhxh")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: dict[str, QLabel] = {}
        for part in self.PARTS:
            label = QLabel()
            label.setObjectName(f"status_{part}")
            self.labels[part] = label
            self.addPermanentWidget(label)

    def set(self, part: str, text: str, tone: Tone = Tone.INFO) -> None:
        fg, _bg = TONE_COLOURS[tone]
        label = self.labels[part]
        label.setText(text)
        label.setStyleSheet(f"color: {fg}; padding: 0 6px;")

    def text(self, part: str) -> str:
        return self.labels[part].text()
