"""Who is at the desk: photo, the card's fields, and how far the reading can be trusted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from station.identity import FIELD_LABELS, Identity, Source
from station.ui.text import TONE_COLOURS, Badge, Tone, badges_for, date_text, t

__all__ = ["IdentityPanel"]

_DATE_FIELDS = {"date_of_birth", "date_of_issue", "date_of_expiry"}


class IdentityPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityPanel")
        self.photo = QLabel(t("Ảnh"))
        self.photo.setObjectName("photo")
        self.photo.setFixedSize(150, 200)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("border: 1px solid #90a4ae; background: #fafafa;")
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name, label in FIELD_LABELS.items():
            value = QLabel()
            value.setObjectName(f"id_{name}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            form.addRow(t(label) + ":", value)
        top = QHBoxLayout()
        top.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(form, 1)
        self.badge_box = QVBoxLayout()
        self.badge_box.setSpacing(3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.badge_box)
        layout.addStretch(1)
        self.badges: list[QLabel] = []
        self.identity: Identity | None = None

    def show_identity(self, identity: Identity) -> None:
        self.identity = identity
        data = identity.model_dump()
        for name, label in self.values.items():
            value = data.get(name)
            label.setText(date_text(value) if name in _DATE_FIELDS else (str(value) if value else ""))
        if identity.face_jpeg:
            pixmap = QPixmap()
            if pixmap.loadFromData(identity.face_jpeg):
                keep, smooth = Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                self.photo.setPixmap(pixmap.scaled(self.photo.size(), keep, smooth))
            else:
                self.photo.setText(t("Ảnh hỏng"))
        else:
            self.photo.setPixmap(QPixmap())
            reading = identity.source is Source.CHIP and identity.verification is None  # DG2 still to come
            self.photo.setText(t("Đang đọc ảnh…") if reading else t("Không có ảnh"))
        self._set_badges(badges_for(identity))

    def _set_badges(self, badges: list[Badge]) -> None:
        for label in self.badges:
            self.badge_box.removeWidget(label)
            label.deleteLater()
        self.badges = []
        for badge in badges:
            fg, bg = TONE_COLOURS[badge.tone]
            # A QR↔chip mismatch names its fields right on the badge; other details are technical (tooltip).
            inline = badge.detail if badge.tone is Tone.BAD and badge.detail and "QR" in badge.detail else None
            label = QLabel(f"{badge.text}\n{inline}" if inline else badge.text)
            label.setProperty("badge", badge.text)
            label.setObjectName(f"badge_{badge.tone.value}")
            label.setWordWrap(True)
            label.setToolTip(badge.detail or "")
            label.setStyleSheet(
                f"color: {fg}; background: {bg}; border: 1px solid {fg}; border-radius: 4px;"
                " padding: 3px 6px; font-weight: bold;"
            )
            self.badge_box.addWidget(label)
            self.badges.append(label)

    def badge_texts(self) -> list[str]:
        return [str(label.property("badge")) for label in self.badges]

    def clear(self) -> None:
        self.identity = None
        for label in self.values.values():
            label.clear()
        self.photo.setPixmap(QPixmap())
        self.photo.setText(t("Ảnh"))
        self._set_badges([])
