"""A filled form as a print-ready A4 PDF laid out like the official paper forms.

National motto header, form code and legal basis, numbered fields, twelve boxes for a
personal number, tables with blank rows for hand completion, signature blocks. Empty
fields print as dotted lines so the citizen can complete them by hand. DejaVu Sans (Debian
``fonts-dejavu-core``) is embedded: it covers every Vietnamese letter and tone mark, so the
printout and the PDF's text read the same as the card.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from station.forms.errors import FontMissingError
from station.forms.model import FieldDef, FilledForm, FormDefinition
from station.forms.values import display, is_empty

__all__ = ["FONT_DIRS", "render_pdf", "write_pdf"]

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_FONTS = {"Regular": "DejaVuSans.ttf", "Bold": "DejaVuSans-Bold.ttf", "Italic": "DejaVuSans-Oblique.ttf"}
REGULAR, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
BODY = 10.0
LINE = 15.0


def _font_dir() -> Path:
    override = os.environ.get("STATION_FONT_DIR")
    for directory in ([Path(override)] if override else []) + list(FONT_DIRS):
        if all((directory / name).is_file() for name in _FONTS.values()):
            return directory
    raise FontMissingError(
        "không tìm thấy phông DejaVu Sans (DejaVuSans.ttf, -Bold, -Oblique) để in tiếng Việt: "
        "cài gói Debian «fonts-dejavu-core» (apt-get install fonts-dejavu-core)"
    )


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    directory = _font_dir()
    for name, file in ((REGULAR, _FONTS["Regular"]), (BOLD, _FONTS["Bold"]), (ITALIC, _FONTS["Italic"])):
        pdfmetrics.registerFont(TTFont(name, str(directory / file)))


class _Writer:
    """A cursor down the page that starts a new page when the next block does not fit."""

    def __init__(self, canvas: Canvas, form: FormDefinition) -> None:
        self.c = canvas
        self.form = form
        self.y = PAGE_H - MARGIN_TOP
        self.page = 1

    def need(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self._footer()
            self.c.showPage()
            self.page += 1
            self.y = PAGE_H - MARGIN_TOP

    def _footer(self) -> None:
        self.c.setFont(ITALIC, 7)
        self.c.drawRightString(PAGE_W - MARGIN_X, MARGIN_BOTTOM / 2, f"{self.form.form_code} — trang {self.page}")

    def finish(self) -> None:
        self._footer()

    def centred(
        self, text: str, font: str, size: float, *, x_mid: float | None = None, width: float = CONTENT_W
    ) -> None:
        mid = PAGE_W / 2 if x_mid is None else x_mid
        for line in simpleSplit(text, font, size, width):
            self.need(size * 1.4)
            self.c.setFont(font, size)
            self.c.drawCentredString(mid, self.y - size, line)
            self.y -= size * 1.4

    def paragraph(self, text: str, font: str, size: float, *, indent: float = 0.0) -> None:
        for line in simpleSplit(text, font, size, CONTENT_W - indent):
            self.need(size * 1.45)
            self.c.setFont(font, size)
            self.c.drawString(MARGIN_X + indent, self.y - size, line)
            self.y -= size * 1.45


def _dots(c: Canvas, x: float, y: float, x_end: float) -> None:
    c.setFont(REGULAR, BODY)
    dot_w = pdfmetrics.stringWidth(".", REGULAR, BODY)
    if x_end - x > dot_w:
        c.drawString(x, y, "." * int((x_end - x) / dot_w))


def _header(w: _Writer, form: FormDefinition) -> None:
    c = w.c
    c.setFont(BOLD, 9)
    c.drawRightString(PAGE_W - MARGIN_X, w.y - 9, form.form_code)
    w.y -= 12
    c.setFont(ITALIC, 7.5)
    for line in simpleSplit(form.legal_basis, ITALIC, 7.5, 95 * mm):
        c.drawRightString(PAGE_W - MARGIN_X, w.y - 7.5, line)
        w.y -= 10
    w.y -= 6
    top = w.y
    motto_mid = PAGE_W / 2
    if form.agency_lines:
        agency_mid = MARGIN_X + 35 * mm
        motto_mid = PAGE_W - MARGIN_X - 55 * mm
        for line in form.agency_lines:
            c.setFont(BOLD, 9.5)
            c.drawCentredString(agency_mid, w.y - 9.5, line)
            w.y -= 13
        w.y = top
    c.setFont(BOLD, 11)
    c.drawCentredString(motto_mid, w.y - 11, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    w.y -= 15
    c.setFont(BOLD, 11)
    motto = "Độc lập - Tự do - Hạnh phúc"
    c.drawCentredString(motto_mid, w.y - 11, motto)
    half = pdfmetrics.stringWidth(motto, BOLD, 11) / 2
    c.setLineWidth(0.7)
    c.line(motto_mid - half, w.y - 14, motto_mid + half, w.y - 14)
    w.y = min(w.y - 30, top - 13 * len(form.agency_lines) - 10)
    w.centred(form.title, BOLD, 14)
    w.y -= 8


def _label_value(w: _Writer, number: int, field: FieldDef, value: Any) -> None:
    """'N. Label: value' wrapped to the page, or a dotted line to be completed by hand."""
    c = w.c
    label = f"{number}. {field.label}: "
    text = display(field, value)
    label_w = pdfmetrics.stringWidth(label, REGULAR, BODY)
    w.need(LINE)
    c.setFont(REGULAR, BODY)
    c.drawString(MARGIN_X, w.y - BODY, label)
    x = MARGIN_X + label_w
    if not text:
        _dots(c, x, w.y - BODY, PAGE_W - MARGIN_X)
        w.y -= LINE
        if field.type == "address":  # an address needs a second line by hand
            _dots(c, MARGIN_X, w.y - BODY, PAGE_W - MARGIN_X)
            w.y -= LINE
        return
    font = BOLD if field.compute == "luu_tru_deadline" else REGULAR
    first = simpleSplit(text, font, BODY, PAGE_W - MARGIN_X - x)
    head = first[0] if first else ""
    c.setFont(font, BODY)
    c.drawString(x, w.y - BODY, head)
    w.y -= LINE
    rest = text[len(head) :].strip()
    for line in simpleSplit(rest, font, BODY, CONTENT_W) if rest else []:
        w.need(LINE)
        c.setFont(font, BODY)
        c.drawString(MARGIN_X, w.y - BODY, line)
        w.y -= LINE


def _digit_boxes(w: _Writer, number: int, field: FieldDef, value: Any) -> None:
    c = w.c
    label = f"{number}. {field.label}: "
    w.need(LINE + 4)
    c.setFont(REGULAR, BODY)
    c.drawString(MARGIN_X, w.y - BODY, label)
    x = MARGIN_X + pdfmetrics.stringWidth(label, REGULAR, BODY) + 2
    box = 5.6 * mm
    if x + 12 * box > PAGE_W - MARGIN_X:
        w.y -= LINE
        x = MARGIN_X + 8 * mm
    digits = str(value) if isinstance(value, str) else ""
    c.setLineWidth(0.6)
    for i in range(12):
        c.rect(x + i * box, w.y - box + 1, box, box)
    if digits:
        # One text run spaced into the boxes, so the number reads (and extracts) as one word.
        digit_w = pdfmetrics.stringWidth("0", REGULAR, 11)
        c.setFont(REGULAR, 11)
        c.drawString(x + (box - digit_w) / 2, w.y - box + 4.5, digits, charSpace=box - digit_w)
    w.y -= box + 6


def _table(w: _Writer, number: int, field: FieldDef, rows: list[dict[str, Any]]) -> None:
    c = w.c
    w.need(LINE * 3)
    c.setFont(REGULAR, BODY)
    c.drawString(MARGIN_X, w.y - BODY, f"{number}. {field.label}:")
    w.y -= LINE + 2
    tt_w = 8 * mm
    free = CONTENT_W - tt_w
    declared = [col.print_width for col in field.columns]
    share = (1.0 - sum(d for d in declared if d)) / max(1, sum(1 for d in declared if not d))
    widths = [tt_w] + [free * (d or share) for d in declared]
    size = 8.0

    def row_lines(cells: list[str], font: str) -> list[list[str]]:
        return [simpleSplit(text, font, size, width - 4) or [""] for text, width in zip(cells, widths, strict=True)]

    def draw_row(cells: list[str], font: str) -> None:
        lines = row_lines(cells, font)
        height = max(len(ls) for ls in lines) * (size * 1.3) + 6
        w.need(height)
        x = MARGIN_X
        c.setLineWidth(0.5)
        for width, cell_lines in zip(widths, lines, strict=True):
            c.rect(x, w.y - height, width, height)
            c.setFont(font, size)
            for i, line in enumerate(cell_lines):
                c.drawCentredString(x + width / 2, w.y - 4 - size - i * size * 1.3, line)
            x += width
        w.y -= height

    draw_row(["TT", *(col.label for col in field.columns)], BOLD)
    for index, row in enumerate(rows):
        draw_row([str(index + 1), *(display(col, row.get(col.id)) for col in field.columns)], REGULAR)
    for index in range(len(rows), max(len(rows) + 1, 3)):
        draw_row([str(index + 1), *("" for _ in field.columns)], REGULAR)
    w.y -= 6


def _signatures(w: _Writer, form: FormDefinition, filled: FilledForm) -> None:
    c = w.c
    w.need(LINE * 2)
    w.y -= 6
    c.setFont(ITALIC, BODY)
    c.drawRightString(PAGE_W - MARGIN_X, w.y - BODY, "......................, ngày ...... tháng ...... năm ..........")
    w.y -= LINE + 6
    blocks = form.signatures
    per_row = 2 if len(blocks) > 1 else 1
    col_w = CONTENT_W / per_row
    for start in range(0, len(blocks), per_row):
        chunk = blocks[start : start + per_row]
        # A lone last block goes right, where the declarant signs.
        slots = [1] if len(chunk) == 1 and per_row == 2 else list(range(len(chunk)))
        w.need(34 * mm)
        top = w.y
        low = top
        for slot, block in zip(slots, chunk, strict=True):
            mid = MARGIN_X + col_w * slot + col_w / 2
            w.y = top
            w.centred(block.title, BOLD, 9.5, x_mid=mid, width=col_w - 6 * mm)
            w.centred(block.note, ITALIC, 8.5, x_mid=mid, width=col_w - 6 * mm)
            name = filled.values.get(block.name_field) if block.name_field else None
            if isinstance(name, str) and name:
                c.setFont(BOLD, BODY)
                c.drawCentredString(mid, w.y - 22 * mm, name)
            low = min(low, w.y - 24 * mm)
        w.y = low - 4


def render_pdf(form: FormDefinition, filled: FilledForm) -> bytes:
    """The PDF bytes; the same document goes to the Qt print dialog and to ``--out``."""
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{form.title} ({form.form_code})")
    canvas.setAuthor("Trạm CCCD")
    canvas.setSubject(form.legal_basis)
    w = _Writer(canvas, form)
    _header(w, form)
    for number, field in enumerate(form.fields, start=1):
        value = filled.values.get(field.id)
        if field.type == "table":
            _table(w, number, field, value if isinstance(value, list) else [])
        elif field.type == "id12" and (is_empty(value) or (isinstance(value, str) and len(value) == 12)):
            _digit_boxes(w, number, field, value)
        else:
            _label_value(w, number, field, value)
    if form.signatures:
        _signatures(w, form, filled)
    if form.notes:
        w.need(LINE)
        w.y -= 4
        for note in form.notes:
            w.paragraph(f"• {note}", ITALIC, 7.5)
    w.finish()
    canvas.save()
    return buffer.getvalue()


def write_pdf(form: FormDefinition, filled: FilledForm, path: Path) -> None:
    path.write_bytes(render_pdf(form, filled))
