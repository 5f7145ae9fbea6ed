"""How the chip is opened: the CAN (or the 12-digit number it comes from), the MRZ as a fallback."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.readers.chip import AccessKey
from station.readers.mrz import MRZError
from station.ui.text import t

__all__ = ["AccessPanel", "parse_number_key"]


def parse_number_key(text: str) -> AccessKey:
    """A typed 12-digit personal number or 6-digit CAN → key; ValueError with a Vietnamese reason."""
    digits = "".join(ch for ch in text if not ch.isspace())
    if not digits.isdigit() or len(digits) not in (6, 12):
        raise ValueError(t("Nhập số định danh 12 chữ số hoặc số CAN 6 chữ số in trên thẻ."))
    return AccessKey(can=digits) if len(digits) == 6 else AccessKey.for_cccd(digits)


class AccessPanel(QGroupBox):
    """Emits ``keyEntered(AccessKey, origin)`` where origin is 'typed', 'mrz' or 'qr'."""

    keyEntered = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("Khóa mở chip"), parent)
        self.number = QLineEdit()
        self.number.setObjectName("canInput")
        self.number.setPlaceholderText(t("Số CCCD 12 số hoặc CAN 6 số"))
        self.number.setMaxLength(14)
        self.use_number = QPushButton(t("&Dùng số này"))
        self.use_number.setObjectName("useNumber")
        self.mrz = QPlainTextEdit()
        self.mrz.setObjectName("mrzInput")
        self.mrz.setPlaceholderText(t("Hoặc 3 dòng MRZ ở mặt sau thẻ"))
        self.mrz.setTabChangesFocus(True)
        self.mrz.setFixedHeight(64)
        self.use_mrz = QPushButton(t("Dùng &MRZ"))
        self.use_mrz.setObjectName("useMrz")
        self.state = QLabel()
        self.state.setObjectName("keyState")
        self.state.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.number, 1)
        row.addWidget(self.use_number)
        form = QFormLayout()
        label = QLabel(t("Số &thẻ:"))
        label.setBuddy(self.number)
        form.addRow(label, row)
        mrz_row = QHBoxLayout()
        mrz_row.addWidget(self.mrz, 1)
        mrz_row.addWidget(self.use_mrz)
        form.addRow(t("MRZ:"), mrz_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.state)
        self.number.returnPressed.connect(self._from_number)
        self.use_number.clicked.connect(self._from_number)
        self.use_mrz.clicked.connect(self._from_mrz)

    def _from_number(self) -> None:
        try:
            key = parse_number_key(self.number.text())
        except ValueError as exc:
            self.state.setText(str(exc))
            self.state.setStyleSheet("color: #b71c1c;")
            return
        self.keyEntered.emit(key, "typed")

    def _from_mrz(self) -> None:
        text = "".join(self.mrz.toPlainText().split())
        try:
            key = AccessKey.from_mrz(text)
        except (MRZError, ValueError) as exc:
            self.state.setText(t("MRZ chưa đúng: ") + str(exc))
            self.state.setStyleSheet("color: #b71c1c;")
            return
        self.keyEntered.emit(key, "mrz")

    def show_key(self, key: AccessKey | None, origin: str) -> None:
        """Say which key is ready without showing the whole personal number."""
        if key is None:
            self.state.setText(t("Chưa có khóa: nhập số thẻ, quét mã QR hoặc nhập MRZ."))
            self.state.setStyleSheet("color: #37474f;")
            return
        where = {"typed": t("số nhập tay"), "mrz": t("MRZ"), "qr": t("mã QR")}.get(origin, origin)
        masked = f"…{key.can[-2:]}" if key.can else "MRZ"
        self.state.setText(t("Khóa sẵn sàng") + f" ({where}, CAN {masked})")
        self.state.setStyleSheet("color: #1b5e20;")

    def set_number(self, digits: str) -> None:
        self.number.setText(digits)

    def clear(self) -> None:
        self.number.clear()
        self.mrz.clear()
        self.show_key(None, "")
