"""The meeting document as DOCX (python-docx), for the secretariat's last edits
in a word processor. It prints the same MeetingDocument as the HTML/PDF:
cover, 議事次第, body, 以上 — with Word heading styles (the navigation pane
lists the sections and items), real tables, framed boxes and hanging-indent
numbered paragraphs.

Numbers (I. / 1. (1) ① ア.) are written as text followed by a tab, not as
Word auto-numbering: the printed numbers are then exactly the computed ones,
and a secretary who deletes an item in Word sees what will print.

Fonts: every run uses IPAexGothic, set as ascii/hAnsi and as the East Asian
font (w:eastAsia) so Word applies it to Japanese text; the font table names
"ＭＳ 明朝" as its altName, which Word uses where IPAexGothic is not installed.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from suishin.meetings.document import MeetingDocument
from suishin.meetings.markup import spans
from suishin.meetings.numbering import Node

FONT = "IPAexGothic"
FALLBACK_FONT = "ＭＳ 明朝"
BASE_PT = 10.5
# The summary's own header repeats the agenda item's title (as in the HTML/PDF).
SUMMARY_SKIP = frozenset({"report-head"})
TEXT_WIDTH_MM = 170  # A4 210 mm minus 20 mm margins
# Width of the number column by numbering style (same as the HTML's CSS).
NUM_WIDTH_MM = {"arabic": 7, "paren": 9, "circled": 6, "katakana": 8, "roman_lower": 8}


# --- fonts and page --------------------------------------------------------------


def _set_fonts(rpr_parent: Any) -> None:
    """Set ascii/hAnsi/eastAsia fonts on an element that has (or can get) w:rPr."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _font_table_fallback(document: Any) -> None:
    """Declare IPAexGothic in word/fontTable.xml with altName ＭＳ 明朝."""
    for part in document.part.package.iter_parts():
        if str(part.partname) != "/word/fontTable.xml":
            continue
        root = etree.fromstring(part.blob)
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), FONT)
        for tag, value in (
            ("w:altName", FALLBACK_FONT),
            ("w:charset", "80"),
            ("w:family", "modern"),
            ("w:pitch", "variable"),
        ):
            child = etree.SubElement(font, qn(tag))
            child.set(qn("w:val"), value)
        # python-docx keeps unknown parts as bytes; replacing them is the only way in.
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(20)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(BASE_PT)
    _set_fonts(normal.element)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.25
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.insert(0, fonts)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), FONT)
    for name, size in (
        ("Title", 22),
        ("Heading 1", 13),
        ("Heading 2", 12),
        ("Heading 3", 11),
        ("Heading 4", 10.5),
    ):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element)
        style.paragraph_format.space_before = Pt(8)
        style.paragraph_format.space_after = Pt(4)
        ppr = style.element.pPr
        if ppr is not None:  # the template's Title has a blue rule under it
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)
    _font_table_fallback(document)
    _page_numbers(section)


def _page_numbers(section: Any) -> None:
    """'－ 2 －' centred in the footer; none on the cover (different first page)."""
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("－ ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" －")


# --- small writers -----------------------------------------------------------------


def add_runs(paragraph: Any, text: str, *, bold: bool = False, size: float | None = None) -> Any:
    """Text with **bold** / __underline__ marks as runs."""
    for span in spans(text):
        run = paragraph.add_run(span.text)
        run.bold = bold or span.bold or None
        if span.underline:
            run.underline = True
        if size:
            run.font.size = Pt(size)
    return paragraph


def _para(
    container: Any,
    text: str = "",
    *,
    style: str | None = None,
    align: Any = None,
    bold: bool = False,
    size: float | None = None,
    indent_mm: float = 0,
    first_line_mm: float | None = None,
    space_before: float | None = None,
) -> Any:
    paragraph = container.add_paragraph(style=style) if style else container.add_paragraph()
    if text:
        add_runs(paragraph, text, bold=bold, size=size)
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent_mm:
        fmt.left_indent = Mm(indent_mm)
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    if space_before is not None:
        fmt.space_before = Pt(space_before)
    return paragraph


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table: Any, widths: tuple) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _indent_table(table: Any, mm: float) -> None:
    if not mm:
        return
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(int(mm * 56.7)))  # twentieths of a point
    ind.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(ind)


def _shade(cell: Any, fill: str = "EEEEEE") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_text(
    cell: Any, text: str, *, bold: bool = False, align: Any = None, size: float | None = None
) -> Any:
    paragraph = cell.paragraphs[0]
    add_runs(paragraph, text, bold=bold, size=size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _grid_table(container: Any, rows: int, cols: int) -> Any:
    table = container.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def _page_break(document: Any) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- parts of the document ------------------------------------------------------------


def _cover(document: Any, doc: MeetingDocument) -> None:
    _para(
        document, doc.cover.title, style="Title", align=WD_ALIGN_PARAGRAPH.CENTER, space_before=150
    )
    _para(document, "", space_before=110)
    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, (Mm(22), Mm(100)))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_text(table.cell(0, 0), "日　時", size=12)
    _cell_text(table.cell(0, 1), doc.cover.when, size=12)
    _cell_text(table.cell(1, 0), "場　所", size=12)
    place = _cell_text(table.cell(1, 1), doc.cover.place, size=12)
    if doc.cover.address:
        place.add_run().add_break()
        place.add_run(doc.cover.address).font.size = Pt(12)
    _para(
        document,
        doc.cover.organiser,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
        size=15,
        space_before=150,
    )
    _page_break(document)


def _agenda(document: Any, doc: MeetingDocument) -> None:
    _para(
        document, "議　事　次　第", style="Title", align=WD_ALIGN_PARAGRAPH.CENTER, space_before=0
    )
    table = document.add_table(rows=0, cols=3)
    _no_borders(table)
    widths = (Mm(14), Mm(118), Mm(38))
    _widths(table, widths)

    def row(
        num: str,
        title: str,
        presenter: str = "",
        *,
        span: bool = False,
        align: Any = None,
        bold: bool = False,
        org: str = "",
    ) -> None:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        for cell in cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(5)
        if span:
            merged = cells[0].merge(cells[2]) if not presenter else cells[0].merge(cells[1])
            _cell_text(merged, title, bold=bold, align=align)
            if presenter:
                _cell_text(cells[2], presenter, align=WD_ALIGN_PARAGRAPH.RIGHT)
            return
        _cell_text(cells[0], num, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _cell_text(cells[1], title)
        paragraph = _cell_text(cells[2], presenter, align=WD_ALIGN_PARAGRAPH.RIGHT)
        if org:
            paragraph.add_run().add_break()
            paragraph.add_run(f"({org})").font.size = Pt(9)

    for block in doc.agenda:
        if block.org_label:
            row("", block.org_label, span=True, bold=True)
        if block.inline:
            row("", block.printed_label, block.presenter, span=True)
        else:
            row("", f"<{block.label}>", span=True)
        for line in block.lines:
            row(line.number, line.title, line.presenter, org=line.presenter_org)
        if block.questions:
            row("", "～質　疑～", span=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _page_break(document)


def _policy_nodes(container: Any, nodes: list[Node], indent: float = 0) -> None:
    for node in nodes:
        if node.kind == "heading":
            _para(container, f"<{node.text}>", bold=True, indent_mm=indent, space_before=6)
            _policy_nodes(container, node.children, indent)
        elif node.kind == "item":
            width = NUM_WIDTH_MM.get(node.style, 8)
            paragraph = container.add_paragraph()
            fmt = paragraph.paragraph_format
            fmt.left_indent = Mm(indent + width)
            fmt.first_line_indent = Mm(-width)
            fmt.tab_stops.add_tab_stop(Mm(indent + width))
            paragraph.add_run(f"{node.label}\t").bold = node.depth == 1 or None
            add_runs(paragraph, node.text, bold=node.depth == 1)
            _policy_nodes(container, node.children, indent + width)
        elif node.kind == "box":
            table = _grid_table(container, 1, 1)
            _indent_table(table, indent)
            _widths(table, (Mm(TEXT_WIDTH_MM - indent),))
            cell = table.cell(0, 0)
            first = cell.paragraphs[0]
            if node.text:
                add_runs(first, node.text, bold=True)
            else:
                first._p.getparent().remove(first._p)
            _policy_nodes(cell, node.children, 0)
            container.add_paragraph()  # Word needs a paragraph between a table and what follows
        elif node.kind == "table":
            rows = [r.split("\t") for r in node.text.split("\n")]
            cols = max(len(r) for r in rows)
            table = _grid_table(container, len(rows), cols)
            _indent_table(table, indent)
            available = TEXT_WIDTH_MM - indent
            first = (
                available / 3 if cols == 2 else available / cols
            )  # label | value, as the seed prints
            _widths(
                table,
                (Mm(first),) + tuple(Mm((available - first) / (cols - 1)) for _ in range(cols - 1)),
            )
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    _cell_text(table.cell(r, c), text)
            container.add_paragraph()
            _policy_nodes(container, node.children, indent)
        else:
            _para(container, node.text, indent_mm=indent)
            _policy_nodes(container, node.children, indent)


def _schedule(document: Any, rows: list) -> None:
    table = _grid_table(document, 1, 3)
    for cell, text in zip(
        table.rows[0].cells, ("開催日時（予定）", "会議名", "開催場所"), strict=True
    ):
        _cell_text(cell, text, bold=True)
        _shade(cell)
    for entry in rows:
        cells = table.add_row().cells
        _cell_text(cells[0], entry.label)
        _cell_text(cells[1], entry.name)
        _cell_text(cells[2], entry.venue)
    if not rows:
        cells = table.add_row().cells
        _cell_text(cells[0].merge(cells[2]), "予定はありません。")


def _body(document: Any, doc: MeetingDocument) -> None:
    from suishin.meetings.htmldocx import append_html

    for section in doc.body:
        if section.org_label:
            _para(document, section.org_label, bold=True, size=13, space_before=10)
        document.add_heading(f"<{section.label}>", level=1)
        for item in section.items:
            document.add_heading(f"{item.number} {item.title}".strip(), level=2)
            if item.kind == "attachment":
                _para(document, f"～ {item.attachment_ref} ～", align=WD_ALIGN_PARAGRAPH.CENTER)
            elif item.kind == "text":
                for line in item.text.splitlines():
                    if line.strip():
                        _para(document, line, first_line_mm=3.7)
            elif item.kind == "summary" and item.summary is not None:
                if item.summary.placeholder:
                    table = _grid_table(document, 1, 1)
                    _cell_text(
                        table.cell(0, 0),
                        f"【{item.summary.title}】",
                        align=WD_ALIGN_PARAGRAPH.CENTER,
                    )
                    _para(table.cell(0, 0), item.summary.source, align=WD_ALIGN_PARAGRAPH.CENTER)
                    document.add_paragraph()
                else:
                    append_html(document, item.summary.html, skip_classes=SUMMARY_SKIP)
            elif item.kind == "policy":
                if item.policy is None:
                    _para(document, item.policy_missing)
                else:
                    for line in item.policy_intro.splitlines():
                        if line.strip():
                            _para(document, line, first_line_mm=3.7)
                    _policy_nodes(document, item.policy_nodes)
            elif item.kind == "schedule":
                _schedule(document, item.schedule)
    _para(document, "以上", align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=12)


def render_docx(doc: MeetingDocument) -> bytes:
    document = Document()
    _setup(document)
    core = document.core_properties
    core.title = f"{doc.cover.title} 議案書"
    core.author = doc.cover.organiser
    core.language = "ja-JP"
    _cover(document, doc)
    _agenda(document, doc)
    _body(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
