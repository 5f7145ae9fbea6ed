"""A table field on screen (guests, household members): a row per person, cells edited in place.

Rows come from card reads (``station.forms.add_identity_row``) or from the clerk; every cell
edit goes through ``with_values`` like the rest of the form, so validation stays the forms
room's. That room has no call that drops a row or adds an empty one: :func:`reorder_rows` and
:func:`with_blank_row` do it here, moving each cell's provenance with its row and revalidating
through ``refresh``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.forms import FieldDef, FilledForm
from station.forms.rows import identity_table, parse_cell, reorder_rows, with_blank_row, with_person
from station.forms.values import display, options_of
from station.ui.text import provenance_text, t

__all__ = [
    "TableEditor",
    "identity_table",
    "parse_cell",
    "reorder_rows",
    "row_origin",
    "with_blank_row",
    "with_person",
]

_CELL = re.compile(r"^(?P<table>[A-Za-z][A-Za-z0-9_]*)\[(?P<row>\d+)\]\.(?P<column>[A-Za-z][A-Za-z0-9_]*)$")
_CARD_SOURCES = ("chip", "mrz", "qr")  # most trusted first
_RAW = Qt.ItemDataRole.UserRole  # the stored value behind a cell's shown text
_FIRST = 1  # view column of the first field column; column 0 says where the row came from
_BAD_CELL = QColor("#ffebee")
_VISIBLE_ROWS = (3, 8)


# ----------------------------------------------------------------------------- rows of a FilledForm


def row_origin(table: FieldDef, index: int, provenance: dict[str, str]) -> str:
    """Where a row came from, in words: the card it was read from (saying so when the clerk
    changed a value read from it), else the clerk."""
    bases = {c.id: provenance.get(f"{table.id}[{index}].{c.id}", "").split("+", 1)[0] for c in table.columns}
    card = next((source for source in _CARD_SOURCES if source in bases.values()), None)
    if card is not None:
        text = provenance_text(card)
        if any(c.prefill and bases[c.id] == "clerk" for c in table.columns):
            text += " · " + t("cán bộ đã sửa")
        return text
    return provenance_text("clerk") if "clerk" in bases.values() else ""


# ----------------------------------------------------------------------------- widgets


class _CellDelegate(QStyledItemDelegate):
    """Choice columns (sex) edit in a list of the definition's options; the rest as text."""

    def __init__(self, columns: Sequence[FieldDef], parent: QWidget) -> None:
        super().__init__(parent)
        self._columns = list(columns)

    def _choice(self, index: QModelIndex | QPersistentModelIndex) -> FieldDef | None:
        at = index.column() - _FIRST
        column = self._columns[at] if 0 <= at < len(self._columns) else None
        return column if column is not None and column.type == "choice" else None

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        column = self._choice(index)
        if column is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItem("", "")
        for choice in options_of(column):
            text = choice.label if choice.label == choice.value else f"{choice.value} – {choice.label}"
            combo.addItem(text, choice.value)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(str(index.data(_RAW) or ""))))
            return
        super().setEditorData(editor, index)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, str(editor.currentData() or ""), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class TableEditor(QWidget):
    """One table field. It shows what it is given and asks for changes through signals; the
    form editor owns the ``FilledForm`` and applies them."""

    cellEdited = Signal(str, str)  # cell ref (``khach[1].ho_ten``), text as typed
    addRequested = Signal(str)  # table id
    removeRequested = Signal(str, int)  # table id, row index

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.columns = list(field.columns)
        self._filling = False
        self._forwarding = False
        self._messages: dict[tuple[int, int], tuple[list[str], str]] = {}
        """(view row, view column) → the cell's problems (they name row and column) and its source."""
        self.table = QTableWidget(0, _FIRST + len(self.columns))
        self.table.setObjectName(f"table_{field.id}")
        self.table.setHorizontalHeaderLabels(
            [t("Nguồn")] + [column.label + (" *" if column.required else "") for column in self.columns]
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move between cells
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setItemDelegate(_CellDelegate(self.columns, self.table))
        self.table.setAccessibleName(field.label)
        self.table.resizeColumnsToContents()
        self.table.installEventFilter(self)
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(lambda row, column, _r, _c: self._show_cell(row, column))
        self.add_button = QPushButton(t("Thêm dòn&g"))
        self.add_button.setObjectName(f"addRow_{field.id}")
        self.remove_button = QPushButton(t("Xó&a dòng"))
        self.remove_button.setObjectName(f"removeRow_{field.id}")
        self.from_card: QPushButton | None = None
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        if field.identity_rows:
            self.from_card = QPushButton(t("Thêm người từ thẻ tiế&p theo"))
            self.from_card.setObjectName(f"fromCard_{field.id}")
            self.from_card.setCheckable(True)
            self.from_card.setToolTip(
                t("Khi bật: mỗi thẻ đọc tiếp theo (chip hoặc mã QR) thêm một dòng, không thay người trên biểu mẫu.")
            )
            self.from_card.toggled.connect(self._from_card_toggled)
            buttons.addWidget(self.from_card)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.info = QLabel()
        self.info.setObjectName(f"cellInfo_{field.id}")
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #37474f; font-size: 9pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.info)
        self.add_button.clicked.connect(lambda: self.addRequested.emit(field.id))
        self.remove_button.clicked.connect(self._remove_clicked)
        self._fit_height(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """F2 in the table edits the cell (as in a spreadsheet), not the window's F2 (key entry).

        Keys still addressed to the table once a cell editor is open go on to that editor: the
        scanner filter replays quick typing to the widget that had focus at the first key, the
        table, which would drop all but the first letter of a name typed straight into a cell.
        """
        if watched is not self.table or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_F2
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()
            return True
        editor = self._open_editor()
        typed = event.type() == QEvent.Type.KeyPress and bool(event.text()) and event.text().isprintable()
        if typed and editor is not None and not self._forwarding:
            # Letters only: Enter, Esc and arrows, which the editor passes up to the table on
            # purpose, must not go round again.
            self._forwarding = True
            try:
                copy = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(), event.isAutoRepeat())
                QCoreApplication.sendEvent(editor, copy)
            finally:
                self._forwarding = False
            return True
        return super().eventFilter(watched, event)

    def _open_editor(self) -> QWidget | None:
        """The cell editor being typed in, if any (it has the focus, inside the table's viewport)."""
        editor = QApplication.focusWidget()
        if editor is None or editor is self.table or not self.table.viewport().isAncestorOf(editor):
            return None
        return editor

    # ------------------------------------------------------------------ state

    def takes_next_card(self) -> bool:
        return self.from_card is not None and self.from_card.isChecked()

    def row_count(self) -> int:
        return self.table.rowCount()

    def view_column(self, column_id: str) -> int:
        return _FIRST + next(i for i, c in enumerate(self.columns) if c.id == column_id)

    def cell(self, row: int, column_id: str) -> QTableWidgetItem | None:
        return self.table.item(row, self.view_column(column_id))

    def cell_text(self, row: int, column_id: str) -> str:
        item = self.cell(row, column_id)
        return item.text() if item is not None else ""

    def origin_text(self, row: int) -> str:
        item = self.table.item(row, 0)
        return item.text() if item is not None else ""

    def focus_cell(self, row: int, column_id: str | None = None) -> None:
        """Make a cell current (the first field's when none is named) and focus the table: typing
        then edits that cell."""
        if 0 <= row < self.table.rowCount():
            self.table.setCurrentCell(row, self.view_column(column_id or self.columns[0].id))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def commit_editing(self) -> None:
        """Take a cell that is being typed in now (Submit pressed mid-edit)."""
        editor = self._open_editor()
        if editor is not None:
            self.table.commitData(editor)

    # ------------------------------------------------------------------ showing

    def show_values(self, filled: FilledForm) -> None:
        rows = filled.values.get(self.field.id)
        rows = rows if isinstance(rows, list) else []
        problems: dict[tuple[int, str], list[str]] = {}
        for issue in filled.issues:
            cell = parse_cell(issue.field_id)
            if cell is not None and cell[0] == self.field.id:
                problems.setdefault((cell[1], cell[2]), []).append(issue.message_vi)
        self._messages.clear()
        self._filling = True
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                values = row if isinstance(row, dict) else {}
                for c, column in enumerate(self.columns):
                    self._show_item(r, c, column, values.get(column.id), filled, problems.get((r, column.id), []))
                origin = self.table.item(r, 0)
                if origin is None:
                    origin = QTableWidgetItem()
                    origin.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    self.table.setItem(r, 0, origin)
                origin.setText(row_origin(self.field, r, filled.provenance))
        finally:
            self.table.blockSignals(False)
            self._filling = False
        for view_column in range(self.table.columnCount()):  # grow to the content, never shrink
            wanted = max(self.table.sizeHintForColumn(view_column), 0)
            if wanted > self.table.columnWidth(view_column):
                self.table.setColumnWidth(view_column, wanted)
        self.remove_button.setEnabled(bool(rows))
        self._fit_height(len(rows))
        self._show_cell(self.table.currentRow(), self.table.currentColumn())

    def _show_item(
        self, r: int, c: int, column: FieldDef, value: object, filled: FilledForm, problems: list[str]
    ) -> None:
        item = self.table.item(r, _FIRST + c)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(r, _FIRST + c, item)
        text = display(column, value)
        if item.text() != text:
            item.setText(text)
        item.setData(_RAW, value)
        source = provenance_text(filled.provenance.get(f"{self.field.id}[{r}].{column.id}"))
        lines = [*problems, *([t("Nguồn:") + " " + source] if source else [])]
        item.setToolTip("\n".join(lines))
        item.setBackground(QBrush(_BAD_CELL) if problems else QBrush())
        self._messages[(r, _FIRST + c)] = (problems, lines[-1] if source else "")

    def _fit_height(self, rows: int) -> None:
        shown = min(max(rows, _VISIBLE_ROWS[0]), _VISIBLE_ROWS[1])
        row_height = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        scrollbar = self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(header + shown * row_height + scrollbar + 2 * self.table.frameWidth() + 4)

    def _show_cell(self, row: int, column: int) -> None:
        """What a keyboard user cannot hover for: the current cell's problem and source."""
        if self.takes_next_card():
            self.info.setText(t("Đang chờ thẻ: mỗi thẻ đọc tiếp theo (chip hoặc mã QR) được thêm thành một dòng."))
            return
        if row < 0 or column < _FIRST:
            self.info.clear()
            return
        problems, source = self._messages.get((row, column), ([], ""))
        head = " ".join(problems) if problems else t("Dòng") + f" {row + 1}, «{self.columns[column - _FIRST].label}»"
        self.info.setText(f"{head} · {source}" if source else head)

    # ------------------------------------------------------------------ clerk's actions

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() < _FIRST:
            return
        column = self.columns[item.column() - _FIRST]
        raw = item.data(_RAW)
        text = item.text()
        if text.strip() in (display(column, raw).strip(), "" if raw is None else str(raw)):
            return  # the editor closed on what was already there: not a clerk's change
        self.cellEdited.emit(f"{self.field.id}[{item.row()}].{column.id}", text)

    def _remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.info.setText(t("Chọn một dòng (phím mũi tên) rồi nhấn Xóa dòng."))
            self.table.setFocus()
            return
        self.removeRequested.emit(self.field.id, row)

    def _from_card_toggled(self, on: bool) -> None:
        if self.from_card is not None:
            self.from_card.setStyleSheet("background: #fff3e0; font-weight: bold;" if on else "")
        self._show_cell(self.table.currentRow(), self.table.currentColumn())
