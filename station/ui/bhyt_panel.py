"""The BHYT card check at the hospital desk: what the BHXH gateway said and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from station.submit import BhytCheckResult, BhytVerdict
from station.ui.text import TONE_COLOURS, Tone, t

__all__ = ["BhytPanel", "form_values_from_check"]

_TONES = {
    BhytVerdict.VALID: Tone.GOOD,
    BhytVerdict.CHECK_DOCUMENTS: Tone.WARN,
    BhytVerdict.DATA_MISMATCH: Tone.BAD,
    BhytVerdict.INVALID: Tone.BAD,
    BhytVerdict.GATEWAY_ERROR: Tone.WARN,
    BhytVerdict.NOT_CHECKED: Tone.INFO,
}


def form_values_from_check(result: BhytCheckResult, field_ids: list[str]) -> dict[str, object]:
    """The card facts the gateway returned, as ``tiep-don-bhyt`` values (provenance ``bhxh``).

    A replacement card (codes 003/004) is the one to use from its start date; only verdicts
    that let the desk use a card fill anything.
    """
    if result.verdict not in (BhytVerdict.VALID, BhytVerdict.CHECK_DOCUMENTS) or result.card is None:
        return {}
    card, facility = result.card, result.registered_facility
    valid_from, valid_to = result.valid_from, result.valid_to
    if result.new_card is not None and result.new_card.card is not None:
        card = result.new_card.card
        facility = result.new_card.registered_facility or facility
        valid_from, valid_to = result.new_card.valid_from or valid_from, result.new_card.valid_to or valid_to
    values: dict[str, object] = {
        "MA_THE_BHYT": card.code,
        "MA_DKBD": facility,
        "GT_THE_TU": valid_from.isoformat() if valid_from else None,
        "GT_THE_DEN": valid_to.isoformat() if valid_to else None,
        "NGAY_DU_5_NAM": result.five_years_from.isoformat() if result.five_years_from else None,
    }
    return {k: v for k, v in values.items() if v and k in field_ids}


class BhytPanel(QGroupBox):
    checkRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("Kiểm tra thẻ BHYT (cổng BHXH)"), parent)
        self.setObjectName("bhytPanel")
        self.code = QLineEdit()
        self.code.setObjectName("bhytCode")
        self.code.setPlaceholderText(t("Mã thẻ BHYT 15 ký tự (để trống: dùng số CCCD)"))
        self.check = QPushButton(t("&Kiểm tra (F5)"))
        self.check.setObjectName("bhytCheck")
        self.verdict = QLabel(t("Chưa kiểm tra"))
        self.verdict.setObjectName("bhytVerdict")
        self.verdict.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("bhytDetail")
        self.detail.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.check)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.detail)
        self.check.clicked.connect(lambda: self.checkRequested.emit(self.code.text().strip()))
        self.code.returnPressed.connect(lambda: self.checkRequested.emit(self.code.text().strip()))
        self.result: BhytCheckResult | None = None

    def busy(self) -> None:
        self.verdict.setText(t("Đang hỏi cổng BHXH…"))
        self.verdict.setStyleSheet("")
        self.detail.clear()

    def show_result(self, result: BhytCheckResult) -> None:
        self.result = result
        fg, bg = TONE_COLOURS[_TONES[result.verdict]]
        self.verdict.setText(f"{t(result.verdict_vi)} — {result.explanation_vi}")
        self.verdict.setStyleSheet(f"color: {fg}; background: {bg}; font-weight: bold; padding: 4px;")
        lines = [result.action_vi]
        if result.card is not None:
            lines.append(t("Mã thẻ") + f": {result.card.code} ({result.card.group_vi}, {result.card.benefit_vi})")
        if result.valid_from or result.valid_to:
            start = result.valid_from.strftime("%d/%m/%Y") if result.valid_from else "?"
            end = result.valid_to.strftime("%d/%m/%Y") if result.valid_to else "?"
            lines.append(t("Giá trị") + f": {start} – {end}")
        if result.registered_facility:
            lines.append(t("Nơi ĐKKCB ban đầu") + f": {result.registered_facility}")
        if result.new_card is not None and result.new_card.card is not None:
            lines.append(t("Thẻ mới") + f": {result.new_card.card.code}")
        if result.assumed_meaning:
            lines.append(t("(Diễn giải mã kết quả này chưa có văn bản chính thức.)"))
        self.detail.setText("\n".join(lines))

    def clear(self) -> None:
        self.result = None
        self.code.clear()
        self.verdict.setText(t("Chưa kiểm tra"))
        self.verdict.setStyleSheet("")
        self.detail.clear()
