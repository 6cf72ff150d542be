"""Read side of the meetings app: the agenda as printed, the policy tree with
its numbers, block sessions and the schedule. Plain functions returning
dataclasses; the web pages, the document, the calendar and the summary
report all read through here.

Everything here is council-wide public information (see apps.py), so these
functions take no user: callers check Perm.VIEW_MEETINGS.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from suishin.core.jpformat import datetime_hour_ja, month_day_ja
from suishin.meetings.markup import spaced
from suishin.meetings.models import (
    AgendaItem,
    AgendaSection,
    BlockSession,
    Meeting,
    Policy,
    PolicyNode,
    ScheduleEntry,
)
from suishin.meetings.numbering import Node, agenda_label, number_tree

DITTO = "//"


# --- the agenda --------------------------------------------------------------


@dataclass
class AgendaLine:
    """One item as the 議事次第 prints it."""

    item: AgendaItem
    number: str  # "I." or "" when the section is not numbered
    title: str
    presenter: str  # "石川専務理事", or "//" when the same as the item above
    presenter_org: str  # "地域共生推進室" ("" when ditto)

    @property
    def kind(self) -> str:
        return self.item.kind


@dataclass
class AgendaBlock:
    """One section as printed: its heading, the org label when it changes, its lines."""

    section: AgendaSection
    label: str
    inline: bool
    org_label: str  # "" when the same organisation as the section above
    presenter: str
    questions: bool
    lines: list[AgendaLine] = field(default_factory=list)

    @property
    def printed_label(self) -> str:
        """'開　会' for a two-character inline heading, else the label."""
        return spaced(self.label) if self.inline else self.label


def agenda_parts(
    meetings: list[Meeting],
) -> tuple[dict[int, list[AgendaSection]], dict[int, list[AgendaItem]]]:
    """({meeting id: sections in order}, {section id: items in order}) of
    several meetings in two queries (a calendar of a whole year)."""
    by_id = {m.pk: m for m in meetings}
    sections: dict[int, list[AgendaSection]] = defaultdict(list)
    for section in AgendaSection.objects.filter(meeting__in=meetings).order_by("meeting_id", "order"):
        section.meeting = by_id[section.meeting_id]  # as meeting.sections would set it
        sections[section.meeting_id].append(section)
    items: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in AgendaItem.objects.filter(section__meeting__in=meetings).order_by("section_id", "order"):
        items[item.section_id].append(item)
    return sections, items


def agenda(
    meeting: Meeting,
    *,
    sections: list[AgendaSection] | None = None,
    items: dict[int, list[AgendaItem]] | None = None,
) -> list[AgendaBlock]:
    """The 議事次第 of a meeting with numbers, org labels and "//" applied.

    "//" replaces a presenter (name + role) equal to the previous item's in the
    same section, as the seed prints it; across sections the name is repeated.
    An org label prints only when it differs from the last one printed.
    `sections` (in order) and `items` ({section id: items in order}), when
    given, were read for many meetings at once (`agenda_parts`).
    """
    if sections is None or items is None:
        sections = list(meeting.sections.order_by("order"))
        items = defaultdict(list)
        for item in AgendaItem.objects.filter(section__meeting=meeting).order_by("section_id", "order"):
            items[item.section_id].append(item)
    blocks: list[AgendaBlock] = []
    last_org = ""
    for section in sections:
        org = section.org_label if section.org_label and section.org_label != last_org else ""
        if section.org_label:
            last_org = section.org_label
        block = AgendaBlock(
            section=section,
            label=section.label,
            inline=section.inline,
            org_label=org,
            presenter=f"{section.presenter_name}{section.presenter_role}",
            questions=section.questions,
        )
        previous = ""
        for position, item in enumerate(items[section.pk], start=1):
            same = bool(item.presenter) and item.presenter == previous
            block.lines.append(
                AgendaLine(
                    item=item,
                    number=agenda_label(position) if section.numbering == "roman" else "",
                    title=item.title,
                    presenter=DITTO if same else item.presenter,
                    presenter_org="" if same else item.presenter_org,
                )
            )
            previous = item.presenter
        blocks.append(block)
    return blocks


# --- the policy ------------------------------------------------------------------


def policy_tree(policy: Policy) -> list[Node]:
    """The policy's nodes as a numbered tree (labels 1. (1) ① ア. computed)."""
    by_parent: dict[int | None, list[PolicyNode]] = defaultdict(list)
    for row in PolicyNode.objects.filter(policy=policy).order_by("order", "pk"):
        by_parent[row.parent_id].append(row)

    def build(parent_id: int | None) -> list[Node]:
        return [
            Node(
                kind=row.kind,
                text=row.text,
                child_numbering=row.child_numbering,
                children=build(row.pk),
            )
            for row in by_parent[parent_id]
        ]

    return number_tree(build(None))


def policy_for(fiscal_year: int, half: int) -> Policy | None:
    return Policy.objects.filter(fiscal_year=fiscal_year, half=half).first()


def meeting_policy(meeting: Meeting) -> Policy | None:
    """The policy a meeting deliberates: the half after the one it reviews."""
    period = meeting.policy_period
    return policy_for(*period) if period else None


# --- block sessions ----------------------------------------------------------------


@dataclass(frozen=True)
class BlockSessionRow:
    pk: int
    block: str
    date: dt.date
    date_label: str  # "9月28日（土）"
    city: str
    note: str


def block_sessions(fiscal_year: int) -> list[BlockSessionRow]:
    """ブロック別研修会 of a fiscal year in date order (the seed's 開催日・開催地一覧)."""
    rows = (
        BlockSession.objects.filter(fiscal_year=fiscal_year)
        .select_related("block")
        .order_by("date", "block__sort_order")
    )
    return [
        BlockSessionRow(s.pk, s.block.name, s.date, month_day_ja(s.date), s.city, s.note)
        for s in rows
    ]


# --- the schedule ------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    """A line of 今後の日程: a meeting of this system or a schedule entry."""

    kind: str  # "meeting" | "entry"
    pk: int
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime | None
    name: str
    venue: str
    label: str  # "2025年2月3日（月）15時"

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.pk}"


def _meeting_row(m: Meeting) -> ScheduleRow:
    return ScheduleRow(
        "meeting",
        m.pk,
        m.starts_at,
        m.ends_at,
        m.name,
        m.venue,
        datetime_hour_ja(timezone.localtime(m.starts_at)),
    )


def _entry_row(e: ScheduleEntry) -> ScheduleRow:
    return ScheduleRow(
        "entry",
        e.pk,
        e.starts_at,
        e.ends_at,
        e.name,
        e.venue,
        datetime_hour_ja(timezone.localtime(e.starts_at)),
    )


def _merged(meetings, entries) -> list[ScheduleRow]:
    rows = [_meeting_row(m) for m in meetings] + [_entry_row(e) for e in entries]
    return sorted(rows, key=lambda r: (r.starts_at, r.kind, r.pk))


def schedule(fiscal_year: int, after: dt.date | dt.datetime | None = None) -> list[ScheduleRow]:
    """今後の日程 of a fiscal year: meetings and schedule entries, in time order.

    `after`: a date keeps events on later days only; a datetime keeps events
    starting after that moment.
    """
    meetings = Meeting.objects.filter(fiscal_year=fiscal_year)
    entries = ScheduleEntry.objects.filter(fiscal_year=fiscal_year)
    if isinstance(after, dt.datetime):
        meetings, entries = (
            meetings.filter(starts_at__gt=after),
            entries.filter(starts_at__gt=after),
        )
    elif isinstance(after, dt.date):
        meetings = meetings.filter(starts_at__date__gt=after)
        entries = entries.filter(starts_at__date__gt=after)
    return _merged(meetings, entries)


UPCOMING_WINDOW = dt.timedelta(days=366)


def upcoming_after(meeting: Meeting) -> list[ScheduleRow]:
    """今後の日程 as a meeting's document prints it: every meeting and entry that
    starts after this meeting and within a year of it (so an old document
    printed again shows what it showed then, not everything added since)."""
    start, until = meeting.starts_at, meeting.starts_at + UPCOMING_WINDOW
    meetings = Meeting.objects.filter(starts_at__gt=start, starts_at__lte=until).exclude(
        pk=meeting.pk
    )
    entries = ScheduleEntry.objects.filter(starts_at__gt=start, starts_at__lte=until)
    return _merged(meetings, entries)


def fiscal_years() -> list[int]:
    """Fiscal years that have any meeting, session, entry or policy, newest first."""
    years: set[int] = set()
    for model in (Meeting, BlockSession, ScheduleEntry, Policy):
        years.update(model.objects.values_list("fiscal_year", flat=True).distinct())
    return sorted(years, reverse=True)
