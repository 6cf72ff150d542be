"""Every write to study sessions and activity-expense applications.

Each function takes keyword-only arguments, checks the rules of
`suishin.activities.rules`, writes inside one transaction and leaves an audit
entry (and, for applications, a Transition row) that commits or rolls back
with the change: a broken rule saves nothing.

Concurrency: approvals lock the fiscal year's YearSetting row
(select_for_update) before summing what the year's applications already
hold, so two approvals of the last of the budget queue and the second one
sees the first one's amount. On SQLite select_for_update is a no-op, but the
project opens every transaction with BEGIN IMMEDIATE, so writers queue there
too. Lock order is always YearSetting → Application.

`now` parameters: the moment of the change, default `timezone.now()`. Only
the demo loader and imports of historic records pass it; pages never do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from suishin.accounts.scoping import Perm, can_see_member, has_perm
from suishin.activities import rules
from suishin.activities.models import (
    COMMITTED_STATES,
    Application,
    ApplicationLine,
    Purpose,
    State,
    StudySession,
    Theme,
    Transition,
    YearSetting,
)
from suishin.core import audit
from suishin.core.errors import DomainError
from suishin.core.fiscal import fiscal_year_of
from suishin.core.jpformat import date_ja, yen
from suishin.organisations.models import Member

# --- helpers ------------------------------------------------------------------


def _require(actor: Any, perm: Perm, member: Member | None = None) -> None:
    """Defence in depth behind the views: actor None is the system (demo, imports)."""
    if actor is None:
        return
    if not has_perm(actor, perm) or (member is not None and not can_see_member(actor, member)):
        raise PermissionDenied("この操作を行う権限がありません。")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _today(now: dt.datetime) -> dt.date:
    return timezone.localdate(now) if timezone.is_aware(now) else now.date()


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "システム"
    return str(actor)[:150]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def year_setting(fiscal_year: int, *, lock: bool = False) -> YearSetting:
    qs = YearSetting.objects.select_for_update() if lock else YearSetting.objects
    setting = qs.filter(fiscal_year=fiscal_year).first()
    if setting is None:
        raise DomainError(
            f"{fiscal_year}年度の職域活動費の設定（年度予算・1人当たり上限）が登録されていません。"
            "事務局に設定を依頼してください。",
            field="session_date",
            code="no_setting",
        )
    return setting


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("member", "theme")
        .get(pk=application.pk)
    )


def _transition(
    app: Application, *, to_state: str, actor: Any, now: dt.datetime, comment: str = ""
) -> Transition:
    from_state = app.state if app.pk else ""
    audit.save_audited(
        app,
        actor=actor,
        fields={"state": to_state, "updated_at": now},
        # "before" is the stored row (read again): callers set other fields
        # (approved amount, paid amount, held report) on the instance first.
        action=f"application.{to_state}",
        note=comment,
    )
    return Transition.objects.create(
        application=app,
        from_state=from_state,
        to_state=to_state,
        actor=_user(actor),
        actor_label=_actor_label(actor),
        at=now,
        comment=comment,
    )


# --- settings, themes, purposes -----------------------------------------------


@transaction.atomic
def save_year_setting(
    *, actor: Any, fiscal_year: int, budget_yen: int, cap_per_person_yen: int
) -> YearSetting:
    """Create or change a year's budget and cap. The budget may not drop below
    what the year's applications already hold."""
    _require(actor, Perm.APPROVE_APPLICATIONS)
    if not 2000 <= fiscal_year <= 2100:
        raise DomainError("年度は2000〜2100の範囲で入力してください。", field="fiscal_year")
    if budget_yen < 0:
        raise DomainError("年度予算は0円以上で入力してください。", field="budget_yen")
    if cap_per_person_yen < 1:
        raise DomainError("1人当たり上限は1円以上で入力してください。", field="cap_per_person_yen")
    setting = YearSetting.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
    committed = Application.objects.filter(fiscal_year=fiscal_year).committed_total()
    if budget_yen < committed:
        raise DomainError(
            f"年度予算 {yen(budget_yen)} は{fiscal_year}年度の承認済み合計 {yen(committed)} を下回るため設定できません。",
            field="budget_yen",
        )
    return audit.save_audited(
        setting or YearSetting(fiscal_year=fiscal_year),
        actor=actor,
        fields={"budget_yen": budget_yen, "cap_per_person_yen": cap_per_person_yen},
        before=audit.snapshot(setting) if setting else None,
    )


def _save_named(actor: Any, obj, model, fields: dict[str, Any], label: str):
    name = fields["name"].strip()
    if not name:
        raise DomainError(f"{label}を入力してください。", field="name")
    if model.objects.filter(name=name).exclude(pk=obj.pk).exists():
        raise DomainError(f"{label}「{name}」は既に登録されています。", field="name")
    fields["name"] = name
    return audit.save_audited(obj, actor=actor, fields=fields)


@transaction.atomic
def save_theme(
    *, actor: Any, theme: Theme | None = None, name: str, active: bool = True, sort_order: int = 0
) -> Theme:
    _require(actor, Perm.APPROVE_APPLICATIONS)
    return _save_named(
        actor,
        theme or Theme(),
        Theme,
        {"name": name, "active": active, "sort_order": sort_order},
        "テーマ",
    )


@transaction.atomic
def save_purpose(
    *,
    actor: Any,
    purpose: Purpose | None = None,
    name: str,
    per_site: bool = False,
    description: str = "",
    active: bool = True,
    sort_order: int = 0,
) -> Purpose:
    _require(actor, Perm.APPROVE_APPLICATIONS)
    fields = {
        "name": name,
        "per_site": per_site,
        "description": description.strip(),
        "active": active,
        "sort_order": sort_order,
    }
    return _save_named(actor, purpose or Purpose(), Purpose, fields, "費目")


# --- applications ---------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One purpose line as typed: the amount is computed (quantity × unit price)."""

    purpose: Purpose
    quantity: int
    unit_yen: int
    note: str = ""


def _check_application_fields(
    *,
    session_date: dt.date,
    theme: Theme,
    is_web: bool,
    sites: int,
    planned_participants: int,
    lines: Sequence[LineInput],
    setting: YearSetting,
) -> list[tuple[LineInput, int]]:
    if planned_participants < 1:
        raise DomainError("予定参加者数は1名以上で入力してください。", field="planned_participants")
    if sites < 1:
        raise DomainError("接続拠点数は1以上で入力してください。", field="sites")
    if not is_web and sites != 1:
        raise DomainError(
            f"対面の学習会の接続拠点数は1です（入力: {sites}）。WEB開催の場合は「WEB開催」を選んでください。",
            field="sites",
        )
    if not lines:
        raise DomainError("申請内訳（費目と金額）を1行以上入力してください。", field="lines")
    priced = []
    for line in lines:
        amount = rules.line_amount(
            purpose_name=line.purpose.name,
            per_site=line.purpose.per_site,
            quantity=line.quantity,
            unit_yen=line.unit_yen,
            sites=sites,
        )
        priced.append((line, amount))
    requested = sum(amount for _, amount in priced)
    if requested < 1:
        raise DomainError("申請額が0円です。費目ごとの金額を入力してください。", field="lines")
    rules.check_request_cap(
        requested_yen=requested,
        planned_participants=planned_participants,
        cap_per_person_yen=setting.cap_per_person_yen,
    )
    return priced


def _write_lines(app: Application, priced: list[tuple[LineInput, int]]) -> None:
    app.lines.all().delete()
    ApplicationLine.objects.bulk_create(
        ApplicationLine(
            application=app,
            purpose=line.purpose,
            quantity=line.quantity,
            unit_yen=line.unit_yen,
            amount_yen=amount,
            note=line.note.strip(),
            sort_order=i,
        )
        for i, (line, amount) in enumerate(priced)
    )


def _lines_audit(app: Application) -> list[dict[str, Any]]:
    return [
        {
            "purpose": line.purpose.name,
            "quantity": line.quantity,
            "unit_yen": line.unit_yen,
            "amount_yen": line.amount_yen,
        }
        for line in app.lines.select_related("purpose")
    ]


@transaction.atomic
def create_application(
    *,
    actor: Any,
    member: Member,
    session_date: dt.date,
    theme: Theme,
    is_web: bool,
    sites: int,
    planned_participants: int,
    lines: Sequence[LineInput],
    title: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """A new application in 下書き; numbered "<年度>-<4桁連番>" per fiscal year."""
    _require(actor, Perm.ENTER_ACTIVITIES, member)
    now = _now(now)
    fiscal_year = fiscal_year_of(session_date)
    setting = year_setting(fiscal_year, lock=True)
    priced = _check_application_fields(
        session_date=session_date,
        theme=theme,
        is_web=is_web,
        sites=sites,
        planned_participants=planned_participants,
        lines=lines,
        setting=setting,
    )
    setting.last_number += 1
    setting.save(update_fields=["last_number"])
    app = Application(
        number=f"{fiscal_year}-{setting.last_number:04d}",
        fiscal_year=fiscal_year,
        member=member,
        session_date=session_date,
        theme=theme,
        title=title.strip(),
        is_web=is_web,
        sites=sites,
        planned_participants=planned_participants,
        requested_yen=sum(amount for _, amount in priced),
        note=note.strip(),
        created_by=_user(actor),
        created_at=now,
        updated_at=now,
        state=State.DRAFT,
    )
    app.save()
    _write_lines(app, priced)
    Transition.objects.create(
        application=app,
        from_state="",
        to_state=State.DRAFT,
        actor=_user(actor),
        actor_label=_actor_label(actor),
        at=now,
        comment="作成",
    )
    audit.record(
        actor=actor,
        action="application.create",
        obj=app,
        after={**audit.snapshot(app), "lines": _lines_audit(app)},
    )
    return app


@transaction.atomic
def update_application(
    *,
    actor: Any,
    application: Application,
    session_date: dt.date,
    theme: Theme,
    is_web: bool,
    sites: int,
    planned_participants: int,
    lines: Sequence[LineInput],
    title: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Change a 下書き or 差戻し application (the fiscal year may not change)."""
    _require(actor, Perm.ENTER_ACTIVITIES, application.member)
    now = _now(now)
    app = _locked(application)
    if app.state not in rules.EDITABLE_STATES:
        raise DomainError(
            f"「{app.get_state_display()}」の申請は変更できません。", code="transition"
        )
    if fiscal_year_of(session_date) != app.fiscal_year:
        raise DomainError(
            f"開催予定日を別の年度（{fiscal_year_of(session_date)}年度）に変更することはできません。"
            f"この申請は{app.fiscal_year}年度です。新しい申請を作成してください。",
            field="session_date",
        )
    setting = year_setting(app.fiscal_year)
    priced = _check_application_fields(
        session_date=session_date,
        theme=theme,
        is_web=is_web,
        sites=sites,
        planned_participants=planned_participants,
        lines=lines,
        setting=setting,
    )
    before = {**audit.snapshot(app), "lines": _lines_audit(app)}
    app.session_date = session_date
    app.theme = theme
    app.title = title.strip()
    app.is_web = is_web
    app.sites = sites
    app.planned_participants = planned_participants
    app.requested_yen = sum(amount for _, amount in priced)
    app.note = note.strip()
    app.updated_at = now
    app.save()
    _write_lines(app, priced)
    audit.record(
        actor=actor,
        action="application.update",
        obj=app,
        before=before,
        after={**audit.snapshot(app), "lines": _lines_audit(app)},
    )
    return app


@transaction.atomic
def submit(
    *, actor: Any, application: Application, comment: str = "", now: dt.datetime | None = None
) -> Application:
    """下書き/差戻し → 申請中. A WEB session's application must be submitted before its date."""
    _require(actor, Perm.ENTER_ACTIVITIES, application.member)
    now = _now(now)
    app = _locked(application)
    rules.check_transition(app.state, State.SUBMITTED)
    setting = year_setting(app.fiscal_year)
    rules.check_request_cap(
        requested_yen=app.requested_yen,
        planned_participants=app.planned_participants,
        cap_per_person_yen=setting.cap_per_person_yen,
    )
    rules.check_web_in_advance(
        is_web=app.is_web, session_date=app.session_date, today=_today(now), action="申請"
    )
    _transition(app, to_state=State.SUBMITTED, actor=actor, now=now, comment=comment.strip())
    return app


@transaction.atomic
def approve(
    *,
    actor: Any,
    application: Application,
    approved_yen: int | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """申請中 → 承認済み, for `approved_yen` (default: the requested amount).

    The year's committed total (approved, held and paid applications) plus this
    amount never exceeds the year's budget, even when two approvals race: the
    YearSetting row is locked before the total is read.
    """
    _require(actor, Perm.APPROVE_APPLICATIONS)
    now = _now(now)
    setting = year_setting(application.fiscal_year, lock=True)
    app = _locked(application)
    rules.check_transition(app.state, State.APPROVED)
    amount = app.requested_yen if approved_yen is None else approved_yen
    rules.check_approved_amount(approved_yen=amount, requested_yen=app.requested_yen)
    rules.check_request_cap(
        requested_yen=app.requested_yen,
        planned_participants=app.planned_participants,
        cap_per_person_yen=setting.cap_per_person_yen,
    )
    rules.check_web_in_advance(
        is_web=app.is_web, session_date=app.session_date, today=_today(now), action="承認"
    )
    committed = Application.objects.filter(fiscal_year=app.fiscal_year).committed_total()
    rules.check_budget(
        approved_yen=amount,
        committed_yen=committed,
        budget_yen=setting.budget_yen,
        fiscal_year=app.fiscal_year,
    )
    app.approved_yen = amount
    app.approved_at = now
    _transition(app, to_state=State.APPROVED, actor=actor, now=now, comment=comment.strip())
    return app


@transaction.atomic
def return_application(
    *, actor: Any, application: Application, comment: str, now: dt.datetime | None = None
) -> Application:
    """申請中 → 差戻し, with the reason (required)."""
    _require(actor, Perm.APPROVE_APPLICATIONS)
    if not comment.strip():
        raise DomainError("差戻しの理由をコメントに入力してください。", field="comment")
    now = _now(now)
    app = _locked(application)
    rules.check_transition(app.state, State.RETURNED)
    _transition(app, to_state=State.RETURNED, actor=actor, now=now, comment=comment.strip())
    return app


@transaction.atomic
def withdraw(
    *, actor: Any, application: Application, comment: str, now: dt.datetime | None = None
) -> Application:
    """Any state before the held report → 取下げ (an approved amount returns to the budget)."""
    _require(actor, Perm.ENTER_ACTIVITIES, application.member)
    if not comment.strip():
        raise DomainError("取下げの理由をコメントに入力してください。", field="comment")
    now = _now(now)
    # Lock order YearSetting → Application, like approve(): withdrawing changes the year's total.
    YearSetting.objects.select_for_update().filter(fiscal_year=application.fiscal_year).first()
    app = _locked(application)
    rules.check_transition(app.state, State.WITHDRAWN)
    if hasattr(app, "session"):
        raise DomainError(
            f"申請 {app.number} には学習会（{date_ja(app.session.held_on)}）が紐づいているため取り下げできません。"
            "学習会の紐づけを外してから取り下げてください。",
        )
    _transition(app, to_state=State.WITHDRAWN, actor=actor, now=now, comment=comment.strip())
    return app


def _session_for(app: Application) -> StudySession | None:
    return StudySession.objects.filter(application=app).first()


def _same_key(
    *, member: Member, held_on: dt.date, theme: Theme, title: str, exclude_pk: int | None = None
) -> StudySession | None:
    """The session with the same natural key (member, date, theme, title), if any."""
    qs = StudySession.objects.filter(member=member, held_on=held_on, theme=theme, title=title)
    return qs.exclude(pk=exclude_pk).first() if exclude_pk else qs.first()


def _duplicate_message(member: Member, held_on: dt.date, theme: Theme, title: str) -> str:
    named = f"（学習会名「{title}」）" if title else ""
    return (
        f"会員「{member.name}」の{date_ja(held_on)}のテーマ「{theme.name}」の学習会{named}は既に登録されています。"
        "同じ日に同じテーマで別の学習会を開いた場合は、学習会名を変えて区別してください。"
    )


@transaction.atomic
def report_held(
    *,
    actor: Any,
    application: Application,
    actual_participants: int,
    receipts_total_yen: int,
    held_on: dt.date | None = None,
    receipts_note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """承認済み → 開催報告済み (or a correction while 開催報告済み): the actual
    participants and receipts. Creates (or updates) the linked study session,
    so the session counts include every funded session."""
    _require(actor, Perm.ENTER_ACTIVITIES, application.member)
    now = _now(now)
    app = _locked(application)
    rules.check_transition(app.state, State.HELD)
    held_on = held_on or app.held_on or app.session_date
    rules.check_report(
        held_on=held_on,
        today=_today(now),
        fiscal_year=app.fiscal_year,
        actual_participants=actual_participants,
        receipts_total_yen=receipts_total_yen,
    )
    rules.check_web_prior_approval(
        is_web=app.is_web, held_on=held_on, approved_on=_today(app.approved_at)
    )
    correction = app.state == State.HELD
    app.held_on = held_on
    app.actual_participants = actual_participants
    app.receipts_total_yen = receipts_total_yen
    app.receipts_note = receipts_note.strip()
    session = _session_for(app)
    title = session.title if session else app.title
    twin = _same_key(
        member=app.member,
        held_on=held_on,
        theme=app.theme,
        title=title,
        exclude_pk=getattr(session, "pk", None),
    )
    if twin is not None and session is None and twin.application_id is None:
        session = twin  # the officer already recorded this session: it becomes the funded one
    elif twin is not None:
        raise DomainError(
            _duplicate_message(app.member, held_on, app.theme, title), field="held_on"
        )
    session_before = audit.snapshot(session) if session else None
    _transition(
        app,
        to_state=State.HELD,
        actor=actor,
        now=now,
        comment="開催報告の修正" if correction else "",
    )
    audit.save_audited(
        session or StudySession(created_by=_user(actor)),
        actor=actor,
        fields={
            "application": app,
            "held_on": held_on,
            "member": app.member,
            "theme": app.theme,
            "title": title,
            "participants": actual_participants,
            "is_web": app.is_web,
            "sites": app.sites,
        },
        before=session_before,
    )
    return app


@transaction.atomic
def mark_paid(
    *, actor: Any, application: Application, comment: str = "", now: dt.datetime | None = None
) -> Application:
    """開催報告済み → 支払済み; paid = min(承認額, 上限 × 実参加者数)."""
    _require(actor, Perm.APPROVE_APPLICATIONS)
    now = _now(now)
    setting = year_setting(application.fiscal_year, lock=True)
    app = _locked(application)
    rules.check_transition(app.state, State.PAID)
    app.paid_yen = rules.paid_amount(
        approved_yen=app.approved_yen,
        actual_participants=app.actual_participants,
        cap_per_person_yen=setting.cap_per_person_yen,
    )
    app.paid_at = now
    _transition(app, to_state=State.PAID, actor=actor, now=now, comment=comment.strip())
    return app


# --- study sessions ---------------------------------------------------------------


def _check_session(
    *,
    member: Member,
    held_on: dt.date,
    participants: int,
    is_web: bool,
    sites: int,
    application: Application | None,
    today: dt.date,
    session: StudySession | None = None,
) -> None:
    if held_on > today:
        raise DomainError(
            f"開催日 {date_ja(held_on)} は未来の日付です。学習会は開催後に登録してください（本日 {date_ja(today)}）。",
            field="held_on",
        )
    if participants < 1:
        raise DomainError("参加者数は1名以上で入力してください。", field="participants")
    if sites < 1:
        raise DomainError("接続拠点数は1以上で入力してください。", field="sites")
    if not is_web and sites != 1:
        raise DomainError(f"対面の学習会の接続拠点数は1です（入力: {sites}）。", field="sites")
    if application is not None:
        if application.member_id != member.pk:
            raise DomainError(
                f"申請 {application.number} は会員「{application.member.name}」の申請です。同じ会員の申請を選んでください。",
                field="application",
            )
        if application.state not in COMMITTED_STATES:
            raise DomainError(
                f"申請 {application.number} は承認されていないため学習会に紐づけられません（状態: {application.get_state_display()}）。",
                field="application",
            )
        other = (
            StudySession.objects.filter(application=application)
            .exclude(pk=getattr(session, "pk", None))
            .first()
        )
        if other is not None:
            raise DomainError(
                f"申請 {application.number} には既に学習会（{date_ja(other.held_on)}）が登録されています。",
                field="application",
            )
        if application.is_web != is_web:
            raise DomainError(
                f"申請 {application.number} は{application.format_label}開催の申請です。学習会の形式と合わせてください。",
                field="is_web",
            )
    approved_on = (
        _today(application.approved_at)
        if application is not None and application.approved_at
        else None
    )
    rules.check_web_prior_approval(is_web=is_web, held_on=held_on, approved_on=approved_on)


@transaction.atomic
def record_session(
    *,
    actor: Any,
    member: Member,
    held_on: dt.date,
    theme: Theme,
    participants: int,
    is_web: bool = False,
    sites: int = 1,
    title: str = "",
    note: str = "",
    application: Application | None = None,
    import_batch: Any = None,
    source_row: int | None = None,
    now: dt.datetime | None = None,
) -> StudySession:
    """Record a held study session. A WEB session must link an application of
    the same member approved before the session date."""
    _require(actor, Perm.ENTER_ACTIVITIES, member)
    today = _today(_now(now))
    if application is not None:
        application = _locked(application)
    _check_session(
        member=member,
        held_on=held_on,
        participants=participants,
        is_web=is_web,
        sites=sites,
        application=application,
        today=today,
    )
    title = title.strip()
    if _same_key(member=member, held_on=held_on, theme=theme, title=title) is not None:
        raise DomainError(_duplicate_message(member, held_on, theme, title), field="title")
    session = StudySession(
        held_on=held_on,
        member=member,
        theme=theme,
        title=title,
        participants=participants,
        is_web=is_web,
        sites=sites,
        application=application,
        note=note.strip(),
        created_by=_user(actor),
        import_batch=import_batch,
        source_row=source_row,
    )
    return audit.save_audited(session, actor=actor, before=None)


_REPORTED = (State.HELD, State.PAID)


@transaction.atomic
def update_session(
    *,
    actor: Any,
    session: StudySession,
    member: Member,
    held_on: dt.date,
    theme: Theme,
    participants: int,
    is_web: bool = False,
    sites: int = 1,
    title: str = "",
    note: str = "",
    application: Application | None = None,
    now: dt.datetime | None = None,
) -> StudySession:
    """Change a session. One created by a held report keeps the report's date,
    member, participants and format (correct those through the application)."""
    _require(actor, Perm.ENTER_ACTIVITIES, session.member)
    _require(actor, Perm.ENTER_ACTIVITIES, member)
    today = _today(_now(now))
    session = StudySession.objects.select_for_update().get(pk=session.pk)
    linked = session.application
    if linked is not None and linked.state in _REPORTED:
        governed = (
            session.held_on,
            session.member_id,
            session.participants,
            session.is_web,
            session.sites,
            session.application_id,
        )
        asked = (held_on, member.pk, participants, is_web, sites, getattr(application, "pk", None))
        if governed != asked:
            raise DomainError(
                f"職域活動費の申請 {linked.number} の開催報告に基づく学習会です。開催日・会員・参加者数・形式・申請は、"
                "申請の開催報告から変更してください。",
                field="participants",
            )
    if application is not None:
        application = _locked(application)
    _check_session(
        member=member,
        held_on=held_on,
        participants=participants,
        is_web=is_web,
        sites=sites,
        application=application,
        today=today,
        session=session,
    )
    title = title.strip()
    if (
        _same_key(member=member, held_on=held_on, theme=theme, title=title, exclude_pk=session.pk)
        is not None
    ):
        raise DomainError(_duplicate_message(member, held_on, theme, title), field="title")
    return audit.save_audited(
        session,
        actor=actor,
        fields={
            "member": member,
            "held_on": held_on,
            "theme": theme,
            "participants": participants,
            "is_web": is_web,
            "sites": sites,
            "title": title,
            "note": note.strip(),
            "application": application,
        },
        before=audit.snapshot(session),
        action="update",
    )


@transaction.atomic
def delete_session(*, actor: Any, session: StudySession) -> None:
    _require(actor, Perm.ENTER_ACTIVITIES, session.member)
    session = (
        StudySession.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=session.pk)
    )
    if session.application is not None and session.application.state in _REPORTED:
        raise DomainError(
            f"職域活動費の申請 {session.application.number} の開催報告に基づく学習会は削除できません。"
        )
    before = audit.snapshot(session)
    pk = session.pk
    session.delete()
    audit.record(
        actor=actor,
        action="delete",
        model=StudySession._meta.label,
        object_pk=pk,
        object_repr=str(before["held_on"]),
        before=before,
    )
