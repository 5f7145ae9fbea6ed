"""One procedure form on screen: a widget per field, where each value came from, what is wrong.

Every edit goes through ``station.forms.with_values`` so the window validates exactly as
``station forms fill`` and the backend do; nothing here re-implements a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.forms import FieldDef, FilledForm, FormDefinition, with_values
from station.forms.values import display, options_of
from station.ui.text import provenance_text, t

__all__ = ["FormEditor"]


class FormEditor(QWidget):
    changed = Signal()  # after each revalidation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form: FormDefinition | None = None
        self.filled: FilledForm | None = None
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.origins: dict[str, QLabel] = {}
        self.problems: dict[str, QLabel] = {}
        self.communes: dict[str, QComboBox] = {}
        """Address fields: the communes an old ward was divided among, for the clerk to pick."""
        self.title = QLabel()
        self.title.setObjectName("formTitle")
        self.title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("formSummary")
        self.summary.setWordWrap(True)
        self._body = QWidget()
        self._grid = QGridLayout(self._body)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnMinimumWidth(0, 210)  # Vietnamese labels are long: wrap them in a readable column
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        self._pending: set[str] = set()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self._commit_pending)

    # ------------------------------------------------------------------ building

    def load(self, form: FormDefinition, filled: FilledForm) -> None:
        self.clear()
        self.form = form
        self.filled = filled
        self.title.setText(f"{form.title} — {form.form_code}")
        row = 0
        for field in form.fields:
            label = QLabel(field.label + (" *" if field.required else ""))
            label.setWordWrap(True)
            widget = self._input_for(field)
            label.setBuddy(widget)
            label.setMinimumWidth(210)
            origin = QLabel()
            origin.setObjectName(f"origin_{field.id}")
            origin.setWordWrap(True)
            origin.setFixedWidth(170)
            origin.setStyleSheet("color: #546e7a; font-size: 9pt;")
            problem = QLabel()
            problem.setObjectName(f"issue_{field.id}")
            problem.setStyleSheet("color: #b71c1c;")
            problem.setWordWrap(True)
            problem.hide()
            self._grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(widget, row, 1)
            self._grid.addWidget(origin, row, 2)
            self._grid.addWidget(problem, row + 1, 1, 1, 2)
            for shown in (label, widget, origin):
                shown.show()  # at once, not on the next event-loop turn: focus can go there now
            self.inputs[field.id] = widget
            self.origins[field.id] = origin
            self.problems[field.id] = problem
            row += 2
            if field.type == "address":
                picker = QComboBox()
                picker.setObjectName(f"commune_{field.id}")
                picker.activated.connect(lambda _i, fid=field.id: self._commune_chosen(fid))
                picker.hide()
                self._grid.addWidget(picker, row, 1)
                self.communes[field.id] = picker
                row += 1
        self._grid.setRowStretch(row, 1)
        self._refresh(force=True)

    def _input_for(self, field: FieldDef) -> QLineEdit | QComboBox:
        if field.type == "choice":
            combo = QComboBox()
            # Option labels run long (KCB types, 54 ethnic groups): the list is wide, the box is not.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.addItem("", "")
            for option in options_of(field):
                text = option.label if option.label == option.value else f"{option.value} – {option.label}"
                combo.addItem(text, option.value)
            combo.setObjectName(f"field_{field.id}")
            combo.activated.connect(lambda _i, fid=field.id: self._edited(fid, immediate=True))
            return combo
        edit = QLineEdit()
        edit.setObjectName(f"field_{field.id}")
        if field.hint:
            edit.setPlaceholderText(field.hint)
        elif field.type == "date":
            edit.setPlaceholderText(t("dd/mm/yyyy"))
        if field.type == "table":
            edit.setReadOnly(True)  # rows come from the cards read; shown as a summary
        else:
            edit.textEdited.connect(lambda _s, fid=field.id: self._edited(fid))
            edit.editingFinished.connect(lambda fid=field.id: self._edited(fid, immediate=True))
        return edit

    # ------------------------------------------------------------------ values

    def _widget_text(self, field_id: str) -> str:
        widget = self.inputs[field_id]
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        return widget.text()

    def _shown(self, field: FieldDef, value: Any) -> str:
        if field.type == "table":
            rows = value if isinstance(value, list) else []
            return t("%n dòng").replace("%n", str(len(rows))) if rows else ""
        if field.type == "datetime" and isinstance(value, str):
            return value.replace("T", " ")
        return display(field, value)

    def _edited(self, field_id: str, *, immediate: bool = False) -> None:
        self._pending.add(field_id)
        if immediate:
            self._commit_pending()
        else:
            self._debounce.start()

    def _commit_pending(self) -> None:
        self._debounce.stop()
        if self.form is None or self.filled is None or not self._pending:
            return
        updates: dict[str, object] = {}
        for field_id in sorted(self._pending):
            field = self.form.field(field_id)
            if field is None:
                continue
            current = self._shown(field, self.filled.values.get(field_id))
            text = self._widget_text(field_id)
            if field.type == "choice":
                if text != str(self.filled.values.get(field_id) or ""):
                    updates[field_id] = text or None
            elif text.strip() != current.strip():
                updates[field_id] = text
        self._pending.clear()
        if updates:
            self.apply(updates, provenance="clerk")

    def _commune_chosen(self, field_id: str) -> None:
        code = self.communes[field_id].currentData()
        if code:
            self.apply({f"{field_id}.commune_code": str(code)}, provenance="clerk")

    def _show_candidates(self, field_id: str, value: Any) -> None:
        picker = self.communes[field_id]
        candidates = value.get("candidates") if isinstance(value, dict) else None
        if not candidates:
            picker.hide()
            return
        picker.clear()
        picker.addItem(t("Chọn xã/phường mới của địa chỉ này…"), "")
        for candidate in candidates:
            picker.addItem(f"{candidate['name']} ({candidate['code']})", candidate["code"])
        picker.show()

    def apply(self, updates: Mapping[str, object], *, provenance: str = "clerk") -> None:
        """Values from the clerk, or ``provenance="bhxh"`` from the gateway; revalidates everything."""
        if self.form is None or self.filled is None:
            return
        self.filled = with_values(self.form, self.filled, updates, provenance=provenance)
        self._refresh(force=provenance != "clerk")

    def commit(self) -> FilledForm | None:
        """Take what is being typed now (Submit pressed mid-edit)."""
        for field_id in self.inputs:
            self._pending.add(field_id)
        self._commit_pending()
        return self.filled

    def _refresh(self, *, force: bool = False) -> None:
        assert self.form is not None and self.filled is not None
        focused = self.focusWidget()
        issues: dict[str, list[str]] = {}
        for issue in self.filled.issues:
            top = issue.field_id.split("[", 1)[0].split(".", 1)[0]
            issues.setdefault(top, []).append(issue.message_vi)
        for field in self.form.fields:
            widget = self.inputs[field.id]
            value = self.filled.values.get(field.id)
            if force or widget is not focused:
                if isinstance(widget, QComboBox):
                    index = widget.findData(str(value) if value is not None else "")
                    widget.setCurrentIndex(max(0, index))
                else:
                    text = self._shown(field, value)
                    if widget.text() != text:
                        widget.setText(text)
                        widget.setCursorPosition(0)
            self.origins[field.id].setText(provenance_text(self.filled.provenance.get(field.id)))
            if field.id in self.communes:
                self._show_candidates(field.id, value)
            messages = issues.get(field.id, [])
            problem = self.problems[field.id]
            problem.setText("\n".join(messages))
            problem.setVisible(bool(messages))
            widget.setStyleSheet("border: 1px solid #c62828;" if messages else "")
        count = len(self.filled.issues)
        if count:
            self.summary.setText(t("Còn %n chỗ cần sửa trước khi nộp.").replace("%n", str(count)))
            self.summary.setStyleSheet("color: #b71c1c; font-weight: bold;")
        else:
            self.summary.setText(t("Biểu mẫu đã đủ và hợp lệ: có thể nộp."))
            self.summary.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.changed.emit()

    def first_problem(self) -> QWidget | None:
        if self.form is None or self.filled is None:
            return None
        bad = {issue.field_id.split("[", 1)[0].split(".", 1)[0] for issue in self.filled.issues}
        for field in self.form.fields:
            if field.id in bad:
                return self.inputs[field.id]
        return None

    def clear(self) -> None:
        self._debounce.stop()
        self._pending.clear()
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.inputs.clear()
        self.communes.clear()
        self.origins.clear()
        self.problems.clear()
        self.form = None
        self.filled = None
        self.title.clear()
        self.summary.clear()
