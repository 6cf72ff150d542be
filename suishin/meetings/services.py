"""Every write of the meetings app. Keyword-only arguments → checks that raise
DomainError with a Japanese message → one transaction → save → audit entry.

Saving an event on a public holiday or a weekend is allowed; the service
returns the warnings (dates.day_warnings) next to the saved object so that
the page can show them (`Saved.warnings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from suishin.core import audit, fiscal
from suishin.core.errors import DomainError
from suishin.core.jpformat import date_ja
from suishin.meetings import outline as outline_mod
from suishin.meetings.dates import day_warnings
from suishin.meetings.models import (
    DEFAULT_ATTACHMENT_REF,
    DEFAULT_ORGANISER,
    AgendaItem,
    AgendaSection,
    BlockSession,
    ItemKind,
    Meeting,
    Numbering,
    Policy,
    PolicyNode,
    ScheduleEntry,
    SectionKind,
)
from suishin.meetings.numbering import MAX_DEPTH, Node
from suishin.organisations.models import Block


@dataclass(frozen=True)
class Saved[T]:
    """A saved object and the warnings to show (holidays, weekends)."""

    obj: T
    warnings: list[str] = field(default_factory=list)


# --- helpers -----------------------------------------------------------------


def _aware(moment: dt.datetime) -> dt.datetime:
    """Naive datetimes are read as Asia/Tokyo wall-clock time (settings.TIME_ZONE)."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _required(value: str, field_name: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"{label}を入力してください。", field=field_name)
    return value


def _check_end(starts_at: dt.datetime, ends_at: dt.datetime | None) -> None:
    if ends_at is not None and ends_at < starts_at:
        raise DomainError(
            f"終了予定日時（{_moment_ja(ends_at)}）が開催日時（{_moment_ja(starts_at)}）より前です。",
            field="ends_at",
        )


def _moment_ja(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_ja(local.date())}{local:%H:%M}"


def _save(actor: Any, obj: models.Model, fields: dict[str, Any]) -> models.Model:
    """Set fields, validate field-level rules, save and audit (create or update)."""
    try:
        return audit.save_audited(
            obj, actor=actor, fields=fields, clean=True, validate_constraints=False
        )
    except ValidationError as exc:
        name, errors = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(name).verbose_name if name != "__all__" else ""
        raise DomainError(f"{label}：{errors[0]}" if label else errors[0], field=name) from exc


def _delete(actor: Any, obj: models.Model) -> None:
    audit.delete_audited(obj, actor=actor)


def _renumber(queryset: models.QuerySet) -> None:
    """Make `order` 1..n again after a delete (keeps the no-gaps invariant)."""
    for position, obj in enumerate(queryset.order_by("order", "pk"), start=1):
        if obj.order != position:
            type(obj)._default_manager.filter(pk=obj.pk).update(order=position)


def _swap(obj: models.Model, siblings: models.QuerySet, offset: int) -> bool:
    """Swap `obj` with its neighbour `offset` (-1 up, +1 down); False at an end."""
    neighbour = siblings.filter(order=obj.order + offset).first()
    if neighbour is None:
        return False
    manager = type(obj)._default_manager
    mine, theirs = obj.order, neighbour.order
    # Through a free value, because (parent, order) is unique.
    manager.filter(pk=obj.pk).update(order=0)
    manager.filter(pk=neighbour.pk).update(order=mine)
    manager.filter(pk=obj.pk).update(order=theirs)
    obj.order = theirs
    return True


# --- meetings ----------------------------------------------------------------


@transaction.atomic
def save_meeting(
    *,
    actor: Any,
    meeting: Meeting | None = None,
    name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    half: int | None = None,
    review_year: int | None = None,
    venue: str = "",
    room: str = "",
    address: str = "",
    phone: str = "",
    organiser: str = DEFAULT_ORGANISER,
) -> Saved[Meeting]:
    """Create or change a meeting. Its fiscal year is the fiscal year of its date;
    the reviewed year defaults to it and is dropped when no half is reviewed."""
    name = _required(name, "name", "会議名")
    starts_at = _aware(starts_at)
    ends_at = _aware(ends_at) if ends_at else None
    _check_end(starts_at, ends_at)
    day = _local_date(starts_at)
    fiscal_year = fiscal.fiscal_year_of(day)
    clash = Meeting.objects.filter(fiscal_year=fiscal_year, name=name).exclude(
        pk=getattr(meeting, "pk", None)
    )
    if clash.exists():
        raise DomainError(f"{fiscal_year}年度の「{name}」は既に登録されています。", field="name")
    if half is None:
        review_year = None
    elif review_year is None:
        review_year = fiscal_year
    elif review_year > fiscal_year:
        raise DomainError(
            f"総括する年度（{review_year}年度）が会議の年度（{fiscal_year}年度）より後です。",
            field="review_year",
        )
    obj = _save(
        actor,
        meeting or Meeting(),
        {
            "fiscal_year": fiscal_year,
            "half": half,
            "review_year": review_year,
            "name": name,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": venue.strip(),
            "room": room.strip(),
            "address": address.strip(),
            "phone": phone.strip(),
            "organiser": organiser.strip() or DEFAULT_ORGANISER,
        },
    )
    return Saved(obj, day_warnings(day))


@transaction.atomic
def delete_meeting(*, actor: Any, meeting: Meeting) -> None:
    """Deletes the meeting with its agenda (sections and items)."""
    _delete(actor, meeting)


# --- agenda ------------------------------------------------------------------


@transaction.atomic
def save_section(
    *,
    actor: Any,
    meeting: Meeting,
    section: AgendaSection | None = None,
    kind: str,
    heading: str = "",
    org_label: str = "",
    presenter_name: str = "",
    presenter_role: str = "",
    questions: bool = False,
    numbering: str = Numbering.ROMAN,
) -> AgendaSection:
    """Create (appended at the end) or change a section of the agenda."""
    if kind not in SectionKind.values:
        raise DomainError(f"区分「{kind}」は選べません。", field="kind")
    heading = heading.strip()
    if kind == SectionKind.OTHER and not heading:
        raise DomainError("区分が「その他」のときは見出しを入力してください。", field="heading")
    if section is not None and section.meeting_id != meeting.pk:
        raise DomainError("この区分は別の会議のものです。")
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # serialise order assignment
    order = section.order if section else (meeting.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    return _save(
        actor,
        section or AgendaSection(meeting=meeting),
        {
            "order": order,
            "kind": kind,
            "heading": heading,
            "org_label": org_label.strip(),
            "presenter_name": presenter_name.strip(),
            "presenter_role": presenter_role.strip(),
            "questions": questions,
            "numbering": numbering,
        },
    )


@transaction.atomic
def delete_section(*, actor: Any, section: AgendaSection) -> None:
    meeting = section.meeting
    _delete(actor, section)
    _renumber(meeting.sections.all())


@transaction.atomic
def move_section(*, actor: Any, section: AgendaSection, offset: int) -> bool:
    """Move one place up (offset -1) or down (+1). False when already at that end."""
    moved = _swap(section, section.meeting.sections.all(), offset)
    if moved:
        audit.record(actor=actor, action="move", obj=section, after={"order": section.order})
    return moved


def _check_item_kind(section: AgendaSection, kind: str, body: str) -> None:
    if kind not in ItemKind.values:
        raise DomainError(f"本文の種類「{kind}」は選べません。", field="kind")
    if kind in (ItemKind.SUMMARY, ItemKind.POLICY) and section.meeting.half is None:
        label = ItemKind(kind).label
        raise DomainError(
            f"「{label}」を選ぶには、会議の「総括する期」を設定してください。", field="kind"
        )
    if kind == ItemKind.TEXT and not body.strip():
        raise DomainError("本文を選んだときは本文を入力してください。", field="body")


@transaction.atomic
def save_item(
    *,
    actor: Any,
    section: AgendaSection,
    item: AgendaItem | None = None,
    title: str,
    presenter_name: str = "",
    presenter_role: str = "",
    presenter_org: str = "",
    kind: str = ItemKind.ATTACHMENT,
    attachment_ref: str = DEFAULT_ATTACHMENT_REF,
    body: str = "",
) -> AgendaItem:
    """Create (appended at the end of the section) or change an agenda item."""
    title = _required(title, "title", "議題")
    _check_item_kind(section, kind, body)
    if item is not None and item.section_id != section.pk:
        raise DomainError("この議題は別の区分のものです。")
    AgendaSection.objects.select_for_update().get(pk=section.pk)
    order = item.order if item else (section.items.aggregate(m=Max("order"))["m"] or 0) + 1
    return _save(
        actor,
        item or AgendaItem(section=section),
        {
            "order": order,
            "title": title,
            "presenter_name": presenter_name.strip(),
            "presenter_role": presenter_role.strip(),
            "presenter_org": presenter_org.strip(),
            "kind": kind,
            "attachment_ref": attachment_ref.strip() or DEFAULT_ATTACHMENT_REF,
            "body": body.strip(),
        },
    )


@transaction.atomic
def delete_item(*, actor: Any, item: AgendaItem) -> None:
    section = item.section
    _delete(actor, item)
    _renumber(section.items.all())


@transaction.atomic
def move_item(*, actor: Any, item: AgendaItem, offset: int) -> bool:
    moved = _swap(item, item.section.items.all(), offset)
    if moved:
        audit.record(actor=actor, action="move", obj=item, after={"order": item.order})
    return moved


@transaction.atomic
def copy_agenda(*, actor: Any, source: Meeting, target: Meeting) -> int:
    """Copy every section and item of `source` into `target` (which must have no
    agenda yet): the usual start for the next meeting. Returns the item count."""
    if source.pk == target.pk:
        raise DomainError("同じ会議からは複写できません。", field="source")
    if target.sections.exists():
        raise DomainError(f"「{target.title}」には既に議事次第があります。", field="source")
    copied = 0
    for section in source.sections.prefetch_related("items").order_by("order"):
        items = list(section.items.order_by("order"))
        section.pk = None
        section.meeting = target
        section.save()
        for item in items:
            item.pk = None
            item.section = section
            if item.kind in (ItemKind.SUMMARY, ItemKind.POLICY) and target.half is None:
                item.kind = ItemKind.NONE
            item.save()
            copied += 1
    audit.record(
        actor=actor,
        action="copy_agenda",
        obj=target,
        note=f"複写元: {source.title}（{copied}議題）",
    )
    return copied


# --- block sessions and the schedule --------------------------------------------


@transaction.atomic
def save_block_session(
    *,
    actor: Any,
    session: BlockSession | None = None,
    block: Block,
    date: dt.date,
    city: str,
    note: str = "",
) -> Saved[BlockSession]:
    city = _required(city, "city", "開催地")
    clash = BlockSession.objects.filter(block=block, date=date).exclude(
        pk=getattr(session, "pk", None)
    )
    if clash.exists():
        raise DomainError(
            f"{block.name}ブロックの{date_ja(date)}の研修会は既に登録されています。", field="date"
        )
    obj = _save(
        actor,
        session or BlockSession(),
        {
            "fiscal_year": fiscal.fiscal_year_of(date),
            "block": block,
            "date": date,
            "city": city,
            "note": note.strip(),
        },
    )
    return Saved(obj, day_warnings(date))


@transaction.atomic
def delete_block_session(*, actor: Any, session: BlockSession) -> None:
    _delete(actor, session)


@transaction.atomic
def save_schedule_entry(
    *,
    actor: Any,
    entry: ScheduleEntry | None = None,
    name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    venue: str = "",
    note: str = "",
) -> Saved[ScheduleEntry]:
    name = _required(name, "name", "会議名")
    starts_at = _aware(starts_at)
    ends_at = _aware(ends_at) if ends_at else None
    _check_end(starts_at, ends_at)
    day = _local_date(starts_at)
    obj = _save(
        actor,
        entry or ScheduleEntry(),
        {
            "fiscal_year": fiscal.fiscal_year_of(day),
            "name": name,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": venue.strip(),
            "note": note.strip(),
        },
    )
    return Saved(obj, day_warnings(day))


@transaction.atomic
def delete_schedule_entry(*, actor: Any, entry: ScheduleEntry) -> None:
    _delete(actor, entry)


# --- policy --------------------------------------------------------------------


def _check_depth(nodes: list[Node], depth: int = 1, styled: bool = False) -> None:
    for node in nodes:
        if node.kind == "item":
            if depth > MAX_DEPTH and not styled:
                raise DomainError(
                    f"「{node.text[:20]}」は{depth}階層目の番号付き項目です。番号付き項目は{MAX_DEPTH}階層までです。",
                    field="outline",
                )
            _check_depth(node.children, depth + 1, False)
        elif node.kind == "box":
            _check_depth(node.children, depth, bool(node.child_numbering))
        else:
            _check_depth(node.children, depth, styled)


def parse_outline(text: str) -> list[Node]:
    """The outline as a tree, or DomainError naming the line and the rule."""
    try:
        nodes = outline_mod.parse(text)
    except outline_mod.OutlineError as exc:
        raise DomainError(f"方針の本文 {exc}", field="outline") from exc
    _check_depth(nodes)
    return nodes


def _write_nodes(policy: Policy, nodes: list[Node], parent: PolicyNode | None = None) -> int:
    written = 0
    for position, node in enumerate(nodes, start=1):
        row = PolicyNode.objects.create(
            policy=policy,
            parent=parent,
            order=position,
            kind=node.kind,
            text=node.text,
            child_numbering=node.child_numbering,
        )
        written += 1 + _write_nodes(policy, node.children, row)
    return written


def _policy_state(policy: Policy) -> dict[str, Any]:
    from suishin.meetings.queries import policy_tree

    return {
        "fiscal_year": policy.fiscal_year,
        "half": policy.half,
        "title": policy.title,
        "intro": policy.intro,
        "outline": outline_mod.dump(policy_tree(policy)),
    }


@transaction.atomic
def save_policy(
    *,
    actor: Any,
    policy: Policy | None = None,
    fiscal_year: int,
    half: int,
    title: str = "",
    intro: str = "",
    outline: str = "",
) -> Policy:
    """Create or replace a half's policy: title, intro and the whole node tree
    (written from the outline text; numbers are computed when printed)."""
    if half not in (1, 2):
        raise DomainError("期は上期（1）か下期（2）を選んでください。", field="half")
    nodes = parse_outline(outline)
    clash = Policy.objects.filter(fiscal_year=fiscal_year, half=half).exclude(
        pk=getattr(policy, "pk", None)
    )
    if clash.exists():
        raise DomainError(
            f"{fiscal.label(fiscal_year, half)}の推進活動方針は既に登録されています。", field="half"
        )
    is_new = policy is None
    if policy is not None:
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = None if is_new else _policy_state(policy)
    policy = policy or Policy()
    policy.fiscal_year, policy.half = fiscal_year, half
    policy.title, policy.intro = title.strip(), intro.strip()
    policy.save()
    policy.nodes.all().delete()
    _write_nodes(policy, nodes)
    audit.record(
        actor=actor,
        action="create" if is_new else "update",
        obj=policy,
        before=before,
        after=_policy_state(policy),
    )
    return policy


def previous_half(fiscal_year: int, half: int) -> tuple[int, int]:
    return (fiscal_year, 1) if half == 2 else (fiscal_year - 1, 2)


@transaction.atomic
def copy_policy_from_previous(*, actor: Any, fiscal_year: int, half: int) -> Policy:
    """Start a half's policy from the previous half's text (intro and tree);
    the title is the default one for the new half."""
    if Policy.objects.filter(fiscal_year=fiscal_year, half=half).exists():
        raise DomainError(
            f"{fiscal.label(fiscal_year, half)}の推進活動方針は既に作成されています。", field="half"
        )
    prev_year, prev_half = previous_half(fiscal_year, half)
    source = Policy.objects.filter(fiscal_year=prev_year, half=prev_half).first()
    if source is None:
        raise DomainError(
            f"前期（{fiscal.label(prev_year, prev_half)}）の推進活動方針がありません。",
            field="half",
        )
    from suishin.meetings.queries import policy_tree

    return save_policy(
        actor=actor,
        fiscal_year=fiscal_year,
        half=half,
        title="",
        intro=source.intro,
        outline=outline_mod.dump(policy_tree(source)),
    )


@transaction.atomic
def delete_policy(*, actor: Any, policy: Policy) -> None:
    audit.delete_audited(policy, actor=actor, before=_policy_state(policy))
