"""A small HTML → DOCX converter for the summary report's body.

The half-year summary comes from the reports app as HTML (headings,
paragraphs, tables, lists). The meeting document's DOCX must contain it as
real Word paragraphs and tables, so that the secretariat can edit it. This
converter understands the subset that report bodies use — h1–h6, p, div,
section, br, strong/b, em/i, u, ul/ol/li, table/thead/tbody/tr/th/td
(colspan), and the classes "num" (right-aligned) and "total" (bold row) —
and prints anything else as its text. Scripts and styles are dropped; an image
(the report's SVG charts, which python-docx cannot place) becomes a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "li",
    "caption",
    "figcaption",
    "dt",
    "dd",
    "blockquote",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
_SKIP = {"script", "style", "head", "title", "template", "svg"}
IMAGE_NOTE = "（グラフはPDF版・画面表示を参照してください）"
_VOID = {"br", "img", "hr", "input", "meta", "link", "col", "wbr"}


@dataclass
class _Cell:
    runs: list[tuple[str, bool, bool, bool]] = field(
        default_factory=list
    )  # text, bold, italic, underline
    header: bool = False
    colspan: int = 1
    num: bool = False


@dataclass
class _Table:
    rows: list[tuple[list[_Cell], bool]] = field(default_factory=list)  # cells, is_total
    caption: str = ""


class _Converter(HTMLParser):
    def __init__(self, container: Any, skip_classes: frozenset[str] = frozenset()):
        super().__init__(convert_charrefs=True)
        self.container = container
        self.skip_classes = skip_classes
        self.skip_tag: str | None = None  # inside an element whose class is skipped
        self.skip_depth = 0
        self.paragraph: Any = None
        self.heading_level: int | None = None
        self.bold = self.italic = self.underline = 0
        self.skip = 0
        self.list_depth = 0
        self.tables: list[_Table] = []
        self.cell: _Cell | None = None
        self.row: list[_Cell] | None = None
        self.row_total = False
        self.align_right = False
        self.caption: list[str] | None = None

    # --- paragraphs ---
    def _close_paragraph(self) -> None:
        self.paragraph = None

    def _ensure_paragraph(self) -> Any:
        if self.paragraph is None:
            if self.heading_level is not None and hasattr(self.container, "add_heading"):
                self.paragraph = self.container.add_heading("", level=self.heading_level)
            else:
                self.paragraph = self.container.add_paragraph()
                if self.list_depth:
                    self.paragraph.paragraph_format.left_indent = Pt(12 * self.list_depth)
                    self.paragraph.add_run("・")
                if self.align_right:
                    self.paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return self.paragraph

    # --- parser callbacks ---
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if classes & self.skip_classes and tag not in _VOID:
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "u":
            self.underline += 1
        elif tag == "br":
            if self.cell is not None:
                self.cell.runs.append(("\n", False, False, False))
            elif self.paragraph is not None:
                self.paragraph.add_run().add_break()
        elif tag == "img" and self.cell is None and not self.tables:
            # python-docx cannot place the SVG charts: say where to find them.
            self._close_paragraph()
            self.container.add_paragraph().add_run(IMAGE_NOTE).italic = True
        elif tag == "table":
            self._close_paragraph()
            self.tables.append(_Table())
        elif tag == "caption" and self.tables:
            self.caption = []
        elif tag == "tr" and self.tables:
            self.row, self.row_total = [], "total" in classes
        elif tag in ("td", "th") and self.row is not None:
            colspan = dict(attrs).get("colspan") or "1"
            self.cell = _Cell(
                header=tag == "th",
                colspan=int(colspan) if colspan.isdigit() else 1,
                num="num" in classes,
            )
        elif tag in _HEADINGS and self.cell is None:
            self._close_paragraph()
            self.heading_level = _HEADINGS[tag] + 1  # the summary sits under the item's Heading 2
            self.heading_level = min(self.heading_level, 4)
        elif tag in ("ul", "ol"):
            self._close_paragraph()
            self.list_depth += 1
        elif tag in _BLOCKS and self.cell is None:
            self._close_paragraph()
            self.align_right = "num" in classes or "right" in classes

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "u":
            self.underline = max(0, self.underline - 1)
        elif tag == "caption" and self.tables and self.caption is not None:
            self.tables[-1].caption = "".join(self.caption).strip()
            self.caption = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None and self.tables:
            if self.row:
                self.tables[-1].rows.append((self.row, self.row_total))
            self.row = None
        elif tag == "table" and self.tables:
            self._write_table(self.tables.pop())
        elif tag in _HEADINGS and self.cell is None:
            self._close_paragraph()
            self.heading_level = None
        elif tag in ("ul", "ol"):
            self._close_paragraph()
            self.list_depth = max(0, self.list_depth - 1)
        elif tag in _BLOCKS and self.cell is None:
            self._close_paragraph()
            self.align_right = False

    def handle_data(self, data: str) -> None:
        if self.skip or self.skip_tag is not None:
            return
        text = re.sub(r"\s+", " ", data)
        if self.cell is None and self.paragraph is None:
            text = text.lstrip()  # no leading blank at the start of a paragraph
        if not text or (self.cell is not None and not text.strip() and not self.cell.runs):
            return
        style = (text, bool(self.bold), bool(self.italic), bool(self.underline))
        if self.cell is not None:
            self.cell.runs.append(style)
            return
        if self.caption is not None:
            self.caption.append(text)
            return
        if self.tables:  # text between cells
            return
        run = self._ensure_paragraph().add_run(text)
        run.bold = style[1] or None
        run.italic = style[2] or None
        run.underline = style[3] or None

    # --- tables ---
    def _write_table(self, table: _Table) -> None:
        if table.caption:
            self.container.add_paragraph().add_run(table.caption).bold = True
        if not table.rows:
            return
        width = max(sum(c.colspan for c in cells) for cells, _ in table.rows)
        out = self.container.add_table(rows=len(table.rows), cols=width)
        out.style = "Table Grid"
        _fit_columns(out, table, width)
        for r, (cells, total) in enumerate(table.rows):
            c = 0
            for cell in cells:
                if c >= width:
                    break
                target = out.cell(r, c)
                if cell.colspan > 1:
                    target = target.merge(out.cell(r, min(width - 1, c + cell.colspan - 1)))
                paragraph = target.paragraphs[0]
                if cell.runs:  # no blank at either end of a cell
                    first, last = cell.runs[0], cell.runs[-1]
                    cell.runs[0] = (first[0].lstrip(), *first[1:])
                    cell.runs[-1] = (cell.runs[-1][0].rstrip(), *last[1:])
                for text, bold, italic, underline in cell.runs:
                    if text == "\n":
                        paragraph.add_run().add_break()
                        continue
                    run = paragraph.add_run(text)
                    run.bold = (bold or cell.header or total) or None
                    run.italic = italic or None
                    run.underline = underline or None
                if cell.num:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if cell.header:
                    shading = OxmlElement("w:shd")
                    shading.set(qn("w:val"), "clear")
                    shading.set(qn("w:color"), "auto")
                    shading.set(qn("w:fill"), "EEEEEE")
                    target._tc.get_or_add_tcPr().append(shading)
                c += cell.colspan
        self.container.add_paragraph()


def _text_width(text: str) -> int:
    """Width in half-width character units (a Japanese character counts 2)."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def _fit_columns(
    out: Any, table: _Table, width: int, *, max_mm: float = 170, mm_per_unit: float = 2.1
) -> None:
    """Column widths from the longest text of each column (Word and LibreOffice
    would otherwise split the page evenly), scaled down to fit the page."""
    need = [4] * width
    for cells, _ in table.rows:
        c = 0
        for cell in cells:
            if cell.colspan == 1 and c < width:
                text = "".join(t for t, *_ in cell.runs).strip()
                longest = max((_text_width(line) for line in text.split("\n")), default=0)
                need[c] = max(need[c], min(longest, 60))
            c += cell.colspan
    widths = [max(10.0, units * mm_per_unit + 6) for units in need]
    scale = min(1.0, max_mm / sum(widths))
    out.autofit = False
    for column, mm in zip(out.columns, widths, strict=True):
        column.width = Mm(mm * scale)
        for cell in column.cells:
            cell.width = Mm(mm * scale)


def append_html(container: Any, html: str, *, skip_classes: frozenset[str] = frozenset()) -> None:
    """Append the HTML fragment's content to a python-docx Document or table cell,
    leaving out elements that carry one of `skip_classes`."""
    converter = _Converter(container, skip_classes)
    converter.feed(html)
    converter.close()
