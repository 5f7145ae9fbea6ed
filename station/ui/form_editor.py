"""One procedure form on screen: a widget per field, where each value came from, what is wrong.

Every edit goes through ``station.forms.with_values`` so the window validates exactly as
``station forms fill`` and the backend do; nothing here re-implements a rule. Table fields
(guests, household members) are a ``TableEditor`` each; further card reads go into the
form's identity table when the clerk asks for it (``takes_next_card``/``add_person``).
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
from station.forms.rows import parse_cell, reorder_rows, with_blank_row, with_person
from station.forms.values import display, options_of
from station.identity import Identity
from station.ui.table_editor import TableEditor
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
        self.tables: dict[str, TableEditor] = {}
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
            self.origins[field.id] = origin
            self.problems[field.id] = problem
            if field.type == "table":
                row = self._add_table(field, label, origin, problem, row)
                continue
            widget = self._input_for(field)
            label.setBuddy(widget)
            self._grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(widget, row, 1)
            self._grid.addWidget(origin, row, 2)
            self._grid.addWidget(problem, row + 1, 1, 1, 2)
            for shown in (label, widget, origin):
                shown.show()  # at once, not on the next event-loop turn: focus can go there now
            self.inputs[field.id] = widget
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

    def _add_table(self, field: FieldDef, label: QLabel, origin: QLabel, problem: QLabel, row: int) -> int:
        """A table takes the editor's whole width, under its label: rows are wide."""
        table = TableEditor(field)
        label.setBuddy(table.table)
        table.cellEdited.connect(lambda ref, text: self.apply({ref: text}, provenance="clerk"))
        table.addRequested.connect(self.add_row)
        table.removeRequested.connect(self.remove_row)
        self._grid.addWidget(label, row, 0, 1, 2, Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(origin, row, 2)
        self._grid.addWidget(table, row + 1, 0, 1, 3)
        self._grid.addWidget(problem, row + 2, 0, 1, 3)
        for shown in (label, origin, table):
            shown.show()
        self.tables[field.id] = table
        return row + 3

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
            if field is None or field_id not in self.inputs:
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

    # ------------------------------------------------------------------ tables

    def takes_next_card(self) -> bool:
        """The clerk switched on "add a person from the next card" in this form's table."""
        return any(table.takes_next_card() for table in self.tables.values())

    def add_person(self, identity: Identity) -> tuple[str, int, bool]:
        """A card read as one more row of the identity table: (table id, row index, whether the
        row replaced the same person's, e.g. the chip after their QR)."""
        if self.form is None or self.filled is None:
            raise RuntimeError("no form open")
        self.commit()
        self.filled, index, replaced = with_person(self.form, self.filled, identity)
        table_id = next(t_id for t_id, table in self.tables.items() if table.field.identity_rows)
        self._refresh(force=True)
        self.tables[table_id].table.setCurrentCell(index, 0)
        return table_id, index, replaced

    def add_row(self, table_id: str) -> None:
        """An empty row for a person without a card; the cursor goes to its first cell."""
        if self.form is None or self.filled is None:
            return
        self.commit()
        self.filled = with_blank_row(self.form, self.filled, table_id)
        self._refresh(force=True)
        table = self.tables[table_id]
        table.focus_cell(table.row_count() - 1)

    def remove_row(self, table_id: str, index: int) -> None:
        if self.form is None or self.filled is None:
            return
        self.commit()
        rows = self.filled.values.get(table_id) or []
        if not 0 <= index < len(rows):
            return
        order = [i for i in range(len(rows)) if i != index]
        self.filled = reorder_rows(self.form, self.filled, table_id, order)
        self._refresh(force=True)
        table = self.tables[table_id]
        table.focus_cell(min(index, table.row_count() - 1))

    def commit(self) -> FilledForm | None:
        """Take what is being typed now (Submit pressed mid-edit)."""
        for table in self.tables.values():
            table.commit_editing()
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
            value = self.filled.values.get(field.id)
            if field.id in self.tables:
                self.tables[field.id].show_values(self.filled)
                self._show_problems(field.id, issues.get(field.id, []), None)
                continue
            widget = self.inputs[field.id]
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
            self._show_problems(field.id, issues.get(field.id, []), widget)
        count = len(self.filled.issues)
        if count:
            self.summary.setText(t("Còn %n chỗ cần sửa trước khi nộp.").replace("%n", str(count)))
            self.summary.setStyleSheet("color: #b71c1c; font-weight: bold;")
        else:
            self.summary.setText(t("Biểu mẫu đã đủ và hợp lệ: có thể nộp."))
            self.summary.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.changed.emit()

    def _show_problems(self, field_id: str, messages: list[str], widget: QWidget | None) -> None:
        problem = self.problems[field_id]
        problem.setText("\n".join(messages))
        problem.setVisible(bool(messages))
        if widget is not None:
            widget.setStyleSheet("border: 1px solid #c62828;" if messages else "")

    def first_problem(self) -> QWidget | None:
        """The widget of the first issue; for a table, its table with the first bad cell current."""
        if self.form is None or self.filled is None:
            return None
        bad = {issue.field_id.split("[", 1)[0].split(".", 1)[0] for issue in self.filled.issues}
        for field in self.form.fields:
            if field.id not in bad:
                continue
            if field.id in self.tables:
                table = self.tables[field.id]
                cells = [parse_cell(issue.field_id) for issue in self.filled.issues]
                first = next((cell for cell in cells if cell is not None and cell[0] == field.id), None)
                if first is not None:
                    table.focus_cell(first[1], first[2])
                return table.table
            return self.inputs[field.id]
        return None

    def clear(self) -> None:
        self._debounce.stop()
        self._pending.clear()
        for table in self.tables.values():  # a cell editor closing with them must not edit a form that is gone
            table.blockSignals(True)
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.inputs.clear()
        self.tables.clear()
        self.communes.clear()
        self.origins.clear()
        self.problems.clear()
        self.form = None
        self.filled = None
        self.title.clear()
        self.summary.clear()
