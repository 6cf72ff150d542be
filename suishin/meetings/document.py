"""The meeting document (議案書): one A4 document in the seed's order.

    cover (表紙)         year, meeting name, 日時 / 場所 / address / phone, organiser
    議事次第              sections, items, presenters, "//", ～質疑～
    body                 every agenda item that has a body, under its section
                         heading and in the agenda's numbering:
                           別添資料 items       "～ 別添資料参照 ～"
                           推進活動総括          the half-year summary (reports app)
                           推進活動方針（案）     the policy text, numbered 1. (1) ① ア.
                           今後の日程            開催日時（予定）／会議名／開催場所
    以上

`build(meeting)` assembles a MeetingDocument (plain data) once; the HTML
(and from it the PDF, through WeasyPrint) and the DOCX renderers only print
it, so every format has the same content in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.fonts import gothic_path
from suishin.core.jpformat import date_ja
from suishin.meetings import queries
from suishin.meetings.markup import to_html
from suishin.meetings.models import ItemKind, Meeting, Policy
from suishin.meetings.numbering import Node

FORMATS = ("html", "pdf", "docx")
MIME = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Cover:
    title: str  # "2024年度 第1回全道推進会議"
    when: str  # "2024年11月14日（木）14:00～"
    place: str  # "札幌ガーデンパレス 2階「丹頂」"
    address: str  # "札幌市中央区北1条西6丁目 (011) 261-5311"
    organiser: str


@dataclass
class Summary:
    """The half-year summary embedded under its agenda item."""

    title: str  # "2024年度上期推進活動総括"
    html: str  # the body (trusted HTML produced by the reports app), or "" for the placeholder
    source: str  # what produced it, for the CLI and the report to the user
    placeholder: bool = False


@dataclass
class BodyItem:
    number: str
    title: str
    kind: str
    attachment_ref: str = ""
    text: str = ""
    summary: Summary | None = None
    policy: Policy | None = None
    policy_intro: str = ""
    policy_nodes: list[Node] = field(default_factory=list)
    policy_missing: str = ""  # the message printed when the half has no policy yet
    schedule: list[queries.ScheduleRow] = field(default_factory=list)

    @property
    def policy_html(self) -> SafeString:
        return policy_html(self.policy_nodes)

    @property
    def intro_html(self) -> SafeString:
        return paragraphs_html(self.policy_intro)

    @property
    def text_html(self) -> SafeString:
        return paragraphs_html(self.text)


@dataclass
class BodySection:
    org_label: str
    label: str
    items: list[BodyItem]


@dataclass
class MeetingDocument:
    meeting: Meeting
    cover: Cover
    agenda: list[queries.AgendaBlock]
    body: list[BodySection]

    @property
    def filename_stem(self) -> str:
        return f"{self.meeting.fiscal_year}年度_{self.meeting.name}_議案書"


# --- assembly ------------------------------------------------------------------


def cover_for(meeting: Meeting) -> Cover:
    start = timezone.localtime(meeting.starts_at)
    when = f"{date_ja(start.date())}{start:%H:%M}～"
    if meeting.ends_at:
        end = timezone.localtime(meeting.ends_at)
        when += (
            f"{end:%H:%M}" if end.date() == start.date() else f"{date_ja(end.date())}{end:%H:%M}"
        )
    place = " ".join(p for p in (meeting.venue, meeting.room) if p)
    address = " ".join(p for p in (meeting.address, meeting.phone) if p)
    return Cover(meeting.title, when, place, address, meeting.organiser)


def summary_for(meeting: Meeting) -> Summary:
    """The 推進活動総括 of the half the meeting reviews, from the reports app.

    Until the reports app offers an HTML body for a half, a labelled
    placeholder is printed instead (and `placeholder` is True).
    """
    from suishin.meetings import integration

    period = meeting.summary_period
    title = f"{fiscal.label(*period)}推進活動総括" if period else "推進活動総括"
    if period is None:
        return Summary(title, "", "なし（会議に総括する期が設定されていません）", placeholder=True)
    try:
        found = integration.summary_body_html(*period)
    except DomainError as exc:  # e.g. no report definition for that half yet
        return Summary(title, "", f"作成できません：{exc.message}", placeholder=True)
    if found is None:
        return Summary(title, "", "仮の表示（推進活動総括の出力機能が未接続）", placeholder=True)
    html, source = found
    return Summary(title, html, source)


def _body_item(meeting: Meeting, line: queries.AgendaLine) -> BodyItem:
    item = line.item
    out = BodyItem(number=line.number, title=line.title, kind=item.kind)
    if item.kind == ItemKind.ATTACHMENT:
        out.attachment_ref = item.attachment_ref
    elif item.kind == ItemKind.TEXT:
        out.text = item.body
    elif item.kind == ItemKind.SUMMARY:
        out.summary = summary_for(meeting)
    elif item.kind == ItemKind.POLICY:
        policy = queries.meeting_policy(meeting)
        if policy is None:
            period = meeting.policy_period
            label = fiscal.label(*period) if period else "次期"
            out.policy_missing = f"（{label}の推進活動方針（案）はまだ作成されていません。）"
        else:
            out.policy = policy
            out.policy_intro = policy.intro
            out.policy_nodes = queries.policy_tree(policy)
    elif item.kind == ItemKind.SCHEDULE:
        out.schedule = queries.upcoming_after(meeting)
    return out


def build(meeting: Meeting) -> MeetingDocument:
    agenda = queries.agenda(meeting)
    body: list[BodySection] = []
    last_org = ""
    for block in agenda:
        lines = [ln for ln in block.lines if ln.kind != ItemKind.NONE]
        if block.inline or not lines:
            continue
        org = block.section.org_label
        body.append(
            BodySection(
                org_label=org if org and org != last_org else "",
                label=block.label,
                items=[_body_item(meeting, ln) for ln in lines],
            )
        )
        last_org = org or last_org
    return MeetingDocument(meeting=meeting, cover=cover_for(meeting), agenda=agenda, body=body)


# --- HTML -----------------------------------------------------------------------


def policy_html(nodes: list[Node]) -> SafeString:
    """The policy tree as nested HTML (numbers in their own column, hanging)."""
    parts: list[str] = []
    for node in nodes:
        children = policy_html(node.children) if node.children else ""
        if node.kind == "heading":
            parts.append(f'<p class="pol-heading">&lt;{escape(node.text)}&gt;</p>{children}')
        elif node.kind == "item":
            # The number sits inside the first line (hanging indent), so a page
            # break can never separate it from its text.
            kids = f'<div class="pol-children">{children}</div>' if children else ""
            parts.append(
                f'<div class="pol-item lvl-{node.depth} sty-{node.style}"><p class="pol-text">'
                f'<span class="pol-num">{escape(node.label)}</span>{to_html(node.text)}</p>{kids}</div>'
            )
        elif node.kind == "box":
            title = f'<p class="pol-box-title">{to_html(node.text)}</p>' if node.text else ""
            parts.append(f'<div class="pol-box">{title}{children}</div>')
        elif node.kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{to_html(cell)}</td>" for cell in row.split("\t")) + "</tr>"
                for row in node.text.split("\n")
            )
            parts.append(f'<table class="pol-table"><tbody>{rows}</tbody></table>{children}')
        else:
            parts.append(f'<p class="pol-para">{to_html(node.text)}</p>{children}')
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def paragraphs_html(text: str) -> SafeString:
    return mark_safe(  # noqa: S308 - to_html escapes
        "".join(
            f'<p class="prose">{to_html(line)}</p>' for line in text.splitlines() if line.strip()
        )
    )


def font_face_css(font_url: str) -> str:
    return (
        f'@font-face {{ font-family: "IPAexGothic"; src: url("{font_url}") format("truetype"); }}'
    )


def render_html(
    doc: MeetingDocument, *, font_url: str | None = None, standalone: bool = True
) -> str:
    """The document as one HTML page. `font_url`: where the page loads
    IPAexGothic from (a file:// URL for WeasyPrint, the static URL on the web)."""
    from suishin.meetings import integration

    has_summary = any(i.summary and not i.summary.placeholder for s in doc.body for i in s.items)
    context: dict[str, Any] = {
        "doc": doc,
        "font_css": font_face_css(font_url or gothic_path().as_uri()),
        "summary_css": integration.summary_css() if has_summary else "",
        "standalone": standalone,
    }
    return render_to_string("meetings/document.html", context)


# --- PDF ------------------------------------------------------------------------


def render_pdf(doc: MeetingDocument) -> bytes:
    """A4 PDF through WeasyPrint with IPAexGothic embedded (subset)."""
    from weasyprint import HTML

    html = render_html(doc, font_url=gothic_path().as_uri())
    return HTML(string=html, base_url=str(gothic_path().parent)).write_pdf()


# --- dispatch ---------------------------------------------------------------------


def render_doc(doc: MeetingDocument, fmt: str, *, font_url: str | None = None) -> bytes:
    """An assembled document in `fmt` ('html', 'pdf' or 'docx') as bytes.
    `font_url` only matters for HTML (the PDF always embeds the font file)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "html":
        return render_html(doc, font_url=font_url).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(doc)
    from suishin.meetings.docx_writer import render_docx

    return render_docx(doc)


def render(meeting: Meeting, fmt: str, *, font_url: str | None = None) -> bytes:
    """The document of `meeting` in `fmt` ('html', 'pdf' or 'docx') as bytes."""
    return render_doc(build(meeting), fmt, font_url=font_url)
