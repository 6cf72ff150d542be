"""Pages of 会議・日程. Reading needs Perm.VIEW_MEETINGS (every role has it),
changing needs Perm.EDIT_MEETINGS (the secretariat).

These objects are council-wide public information with no branch or member,
so they are looked up with get_object_or_404 and not through
scoping.visible() (which would hide them from branch and member users; see
apps.py). Every write goes through services.py; a DomainError is shown next
to its field; holiday and weekend warnings are shown as messages after saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from suishin.accounts.scoping import Perm, has_perm
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import content_disposition, export_response
from suishin.core.jpformat import datetime_hour_ja
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.kpis.periods import working_fiscal_year
from suishin.meetings import document, ics, outline, queries, services
from suishin.meetings.forms import (
    BlockSessionForm,
    CopyAgendaForm,
    ItemForm,
    MeetingForm,
    PolicyCopyForm,
    PolicyForm,
    ScheduleEntryForm,
    SectionForm,
)
from suishin.meetings.models import (
    AgendaItem,
    AgendaSection,
    BlockSession,
    Meeting,
    Policy,
    ScheduleEntry,
)
from suishin.meetings.services import Saved


def _fiscal_year(request) -> int:
    """The year asked for, else the council's working year (that of its latest
    results: suishin.kpis.periods), not the calendar's."""
    try:
        fy = int(request.GET.get("fy", ""))
    except ValueError:
        return working_fiscal_year()
    return fy if 2000 <= fy <= 2100 else working_fiscal_year()


def _warn(request, saved: Saved) -> Any:
    for warning in saved.warnings:
        messages.warning(request, f"{warning}（保存しました）")
    return saved.obj


def _form_page(
    request,
    *,
    form,
    save: Callable[[dict], Any],
    title: str,
    back_url: str,
    success: str,
    next_url: Callable[[Any], str] | None = None,
    template: str = "meetings/form.html",
    extra: dict | None = None,
):
    """Validate `form`, call `save(cleaned_data)`; DomainError → next to the field."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, success)
            return redirect(next_url(obj) if next_url else back_url)
    return render(
        request, template, {"form": form, "title": title, "back_url": back_url, **(extra or {})}
    )


def _confirm_delete(
    request,
    *,
    obj_label: str,
    delete: Callable[[], None],
    back_url: str,
    done_url: str,
    success: str,
):
    if request.method == "POST":
        delete()
        messages.success(request, success)
        return redirect(done_url)
    return render(
        request, "meetings/confirm_delete.html", {"label": obj_label, "back_url": back_url}
    )


def _saved_edit(
    request,
    *,
    obj: Any,
    form_class,
    initial: dict,
    save: Callable[[Any, dict], Saved],
    noun: str,
    back_url: str,
    next_url: Callable[[Any], str],
):
    """The edit page of a dated object (meeting, block session, schedule
    entry): "<noun>の登録" for a new one, "<noun>の編集" otherwise. `save(form,
    cleaned_data)` calls the service, which returns Saved; its holiday and
    weekend warnings are shown as messages after saving."""
    form = form_class(request.POST or None, initial=initial)
    return _form_page(
        request,
        form=form,
        save=lambda d: _warn(request, save(form, d)),
        title=f"{noun}の{'編集' if obj else '登録'}",
        back_url=back_url,
        success=f"{noun}を保存しました。",
        next_url=next_url,
    )


# --- index ------------------------------------------------------------------------

EXPORTS = {
    "meetings": ("会議一覧", ["年度", "会議名", "開催日時", "会場", "部屋", "所在地", "電話番号"]),
    "sessions": ("ブロック別研修会", ["年度", "対象ブロック", "開催日", "開催地", "備考"]),
    "schedule": ("今後の日程", ["開催日時（予定）", "会議名", "開催場所"]),
}


def _export_rows(kind: str, fy: int) -> list[list]:
    if kind == "meetings":
        return [
            [
                m.fiscal_year,
                m.name,
                datetime_hour_ja(timezone.localtime(m.starts_at)),
                m.venue,
                m.room,
                m.address,
                m.phone,
            ]
            for m in Meeting.objects.filter(fiscal_year=fy).order_by("starts_at")
        ]
    if kind == "sessions":
        return [[fy, r.block, r.date, r.city, r.note] for r in queries.block_sessions(fy)]
    return [[r.label, r.name, r.venue] for r in queries.schedule(fy)]


@perm_required(Perm.VIEW_MEETINGS)
def index(request):
    fy = _fiscal_year(request)
    kind = request.GET.get("list")
    fmt = request.GET.get("export")
    if kind in EXPORTS and fmt in ("csv", "xlsx"):
        stem, headers = EXPORTS[kind]
        return export_response(f"{fy}年度_{stem}", headers, _export_rows(kind, fy), fmt)
    years = sorted(set(queries.fiscal_years()) | {fy, fiscal.current_fiscal_year()}, reverse=True)
    context = {
        "fy": fy,
        "years": years,
        "meetings": Meeting.objects.filter(fiscal_year=fy).order_by("starts_at"),
        "sessions": queries.block_sessions(fy),
        "entries": ScheduleEntry.objects.filter(fiscal_year=fy).order_by("starts_at"),
        "schedule": queries.schedule(fy),
        "policies": Policy.objects.filter(fiscal_year__in=[fy, fy + 1]).order_by(
            "fiscal_year", "half"
        ),
        "can_edit": has_perm(request.user, Perm.EDIT_MEETINGS),
    }
    return render(request, "meetings/index.html", context)


# --- meetings ---------------------------------------------------------------------


@perm_required(Perm.VIEW_MEETINGS)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    context = {
        "meeting": meeting,
        "cover": document.cover_for(meeting),
        "agenda": queries.agenda(meeting),
        "policy": queries.meeting_policy(meeting),
        "schedule": queries.upcoming_after(meeting),
        "can_edit": has_perm(request.user, Perm.EDIT_MEETINGS),
    }
    return render(request, "meetings/meeting_detail.html", context)


@perm_required(Perm.EDIT_MEETINGS)
def meeting_edit(request, pk: int | None = None):
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    return _saved_edit(
        request,
        obj=meeting,
        form_class=MeetingForm,
        initial=MeetingForm.initial_for(meeting),
        save=lambda form, d: services.save_meeting(
            actor=request.user, meeting=meeting, **form.service_kwargs()
        ),
        noun="会議",
        back_url=meeting.get_absolute_url() if meeting else reverse("meetings:index"),
        next_url=lambda m: m.get_absolute_url(),
    )


@perm_required(Perm.EDIT_MEETINGS)
def meeting_delete(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _confirm_delete(
        request,
        obj_label=f"会議「{meeting.title}」と議事次第",
        delete=lambda: services.delete_meeting(actor=request.user, meeting=meeting),
        back_url=meeting.get_absolute_url(),
        done_url=reverse("meetings:index") + f"?fy={meeting.fiscal_year}",
        success="会議を削除しました。",
    )


@perm_required(Perm.EDIT_MEETINGS)
def agenda_copy(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = CopyAgendaForm(request.POST or None, target=meeting)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.copy_agenda(actor=request.user, source=d["source"], target=meeting),
        title=f"{meeting.title}：議事次第を複写",
        back_url=meeting.get_absolute_url(),
        success="議事次第を複写しました。内容を確認して直してください。",
    )


@perm_required(Perm.VIEW_MEETINGS)
def meeting_document(request, pk: int, fmt: str):
    meeting = get_object_or_404(Meeting, pk=pk)
    doc = document.build(meeting)
    # On the web the HTML loads the font from the static files (a file:// URL would not load).
    body = document.render_doc(doc, fmt, font_url=static("fonts/ipaexg.ttf"))
    response = HttpResponse(body, content_type=document.MIME[fmt])
    if fmt != "html":
        response["Content-Disposition"] = content_disposition(f"{doc.filename_stem}.{fmt}")
    return response


@perm_required(Perm.VIEW_MEETINGS)
def meeting_ics(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    response = HttpResponse(ics.meeting_calendar(meeting), content_type=ics.MIME)
    response["Content-Disposition"] = content_disposition(
        f"{meeting.fiscal_year}年度_{meeting.name}.ics"
    )
    return response


@perm_required(Perm.VIEW_MEETINGS)
def fiscal_year_ics(request, fiscal_year: int):
    response = HttpResponse(ics.fiscal_year_calendar(fiscal_year), content_type=ics.MIME)
    response["Content-Disposition"] = content_disposition(f"{fiscal_year}年度_推進会議の日程.ics")
    return response


# --- agenda -----------------------------------------------------------------------------


@perm_required(Perm.EDIT_MEETINGS)
def section_edit(request, meeting_pk: int | None = None, pk: int | None = None):
    section = (
        get_object_or_404(AgendaSection.objects.select_related("meeting"), pk=pk) if pk else None
    )
    meeting = section.meeting if section else get_object_or_404(Meeting, pk=meeting_pk)
    form = SectionForm(request.POST or None, instance=section)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.save_section(
            actor=request.user, meeting=meeting, section=section, **d
        ),
        title=f"{meeting.title}：{'区分の編集' if section else '区分の追加'}",
        back_url=meeting.get_absolute_url(),
        success="議事次第の区分を保存しました。",
    )


@perm_required(Perm.EDIT_MEETINGS)
def section_delete(request, pk: int):
    section = get_object_or_404(AgendaSection.objects.select_related("meeting"), pk=pk)
    back = section.meeting.get_absolute_url()
    return _confirm_delete(
        request,
        obj_label=f"区分「{section.label}」とその議題",
        delete=lambda: services.delete_section(actor=request.user, section=section),
        back_url=back,
        done_url=back,
        success="区分を削除しました。",
    )


@require_POST
@perm_required(Perm.EDIT_MEETINGS)
def section_move(request, pk: int, direction: str):
    section = get_object_or_404(AgendaSection.objects.select_related("meeting"), pk=pk)
    services.move_section(
        actor=request.user, section=section, offset=-1 if direction == "up" else 1
    )
    return redirect(section.meeting.get_absolute_url() + f"#section-{section.pk}")


@perm_required(Perm.EDIT_MEETINGS)
def item_edit(request, section_pk: int | None = None, pk: int | None = None):
    item = (
        get_object_or_404(AgendaItem.objects.select_related("section__meeting"), pk=pk)
        if pk
        else None
    )
    section = (
        item.section
        if item
        else get_object_or_404(AgendaSection.objects.select_related("meeting"), pk=section_pk)
    )
    form = ItemForm(request.POST or None, instance=item)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.save_item(actor=request.user, section=section, item=item, **d),
        title=f"{section.meeting.title}：<{section.label}> {'議題の編集' if item else '議題の追加'}",
        back_url=section.meeting.get_absolute_url(),
        success="議題を保存しました。",
    )


@perm_required(Perm.EDIT_MEETINGS)
def item_delete(request, pk: int):
    item = get_object_or_404(AgendaItem.objects.select_related("section__meeting"), pk=pk)
    back = item.section.meeting.get_absolute_url()
    return _confirm_delete(
        request,
        obj_label=f"議題「{item.title}」",
        delete=lambda: services.delete_item(actor=request.user, item=item),
        back_url=back,
        done_url=back,
        success="議題を削除しました。",
    )


@require_POST
@perm_required(Perm.EDIT_MEETINGS)
def item_move(request, pk: int, direction: str):
    item = get_object_or_404(AgendaItem.objects.select_related("section__meeting"), pk=pk)
    services.move_item(actor=request.user, item=item, offset=-1 if direction == "up" else 1)
    return redirect(item.section.meeting.get_absolute_url() + f"#section-{item.section_id}")


# --- block sessions and schedule entries ---------------------------------------------------


def _year_url(fy: int) -> str:
    return reverse("meetings:index") + f"?fy={fy}"


@perm_required(Perm.EDIT_MEETINGS)
def session_edit(request, pk: int | None = None):
    session = get_object_or_404(BlockSession, pk=pk) if pk else None
    initial = (
        {
            "block": session.block_id,
            "date": session.date,
            "city": session.city,
            "note": session.note,
        }
        if session
        else {}
    )
    return _saved_edit(
        request,
        obj=session,
        form_class=BlockSessionForm,
        initial=initial,
        save=lambda form, d: services.save_block_session(actor=request.user, session=session, **d),
        noun="ブロック別研修会",
        back_url=_year_url(session.fiscal_year if session else working_fiscal_year()),
        next_url=lambda s: _year_url(s.fiscal_year),
    )


@perm_required(Perm.EDIT_MEETINGS)
def session_delete(request, pk: int):
    session = get_object_or_404(BlockSession.objects.select_related("block"), pk=pk)
    return _confirm_delete(
        request,
        obj_label=f"ブロック別研修会（{session.block.name} {session.date:%Y-%m-%d}）",
        delete=lambda: services.delete_block_session(actor=request.user, session=session),
        back_url=_year_url(session.fiscal_year),
        done_url=_year_url(session.fiscal_year),
        success="ブロック別研修会を削除しました。",
    )


@perm_required(Perm.EDIT_MEETINGS)
def entry_edit(request, pk: int | None = None):
    entry = get_object_or_404(ScheduleEntry, pk=pk) if pk else None
    initial = (
        {
            "name": entry.name,
            "venue": entry.venue,
            "note": entry.note,
            **ScheduleEntryForm.initial_when(entry.starts_at, entry.ends_at),
        }
        if entry
        else {}
    )
    return _saved_edit(
        request,
        obj=entry,
        form_class=ScheduleEntryForm,
        initial=initial,
        save=lambda form, d: services.save_schedule_entry(
            actor=request.user, entry=entry, **form.service_kwargs()
        ),
        noun="日程",
        back_url=_year_url(entry.fiscal_year if entry else working_fiscal_year()),
        next_url=lambda e: _year_url(e.fiscal_year),
    )


@perm_required(Perm.EDIT_MEETINGS)
def entry_delete(request, pk: int):
    entry = get_object_or_404(ScheduleEntry, pk=pk)
    return _confirm_delete(
        request,
        obj_label=f"日程「{entry.name}」",
        delete=lambda: services.delete_schedule_entry(actor=request.user, entry=entry),
        back_url=_year_url(entry.fiscal_year),
        done_url=_year_url(entry.fiscal_year),
        success="日程を削除しました。",
    )


# --- policy ------------------------------------------------------------------------------


@perm_required(Perm.VIEW_MEETINGS)
def policy_detail(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    context = {
        "policy": policy,
        "policy_html": document.policy_html(queries.policy_tree(policy)),
        "intro_html": document.paragraphs_html(policy.intro),
        "can_edit": has_perm(request.user, Perm.EDIT_MEETINGS),
        "copy_form": PolicyCopyForm(initial=PolicyCopyForm.next_half()),
    }
    return render(request, "meetings/policy_detail.html", context)


@perm_required(Perm.EDIT_MEETINGS)
def policy_edit(request, pk: int | None = None):
    policy = get_object_or_404(Policy, pk=pk) if pk else None
    initial = (
        {
            "fiscal_year": policy.fiscal_year,
            "half": policy.half,
            "title": policy.title,
            "intro": policy.intro,
            "outline": outline.dump(queries.policy_tree(policy)),
        }
        if policy
        else PolicyCopyForm.next_half()
    )
    form = PolicyForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.save_policy(actor=request.user, policy=policy, **d),
        title="推進活動方針（案）の編集" if policy else "推進活動方針（案）の作成",
        back_url=reverse("meetings:policy_detail", args=[policy.pk])
        if policy
        else reverse("meetings:index"),
        success="推進活動方針（案）を保存しました。",
        next_url=lambda p: reverse("meetings:policy_detail", args=[p.pk]),
        template="meetings/policy_form.html",
    )


@require_POST
@perm_required(Perm.EDIT_MEETINGS)
def policy_copy(request):
    form = PolicyCopyForm(request.POST)
    if form.is_valid():
        try:
            policy = services.copy_policy_from_previous(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"前期の方針から{policy.display_title}を作成しました。")
            return redirect("meetings:policy_edit", pk=policy.pk)
        return redirect(_year_url(form.cleaned_data["fiscal_year"]))
    messages.error(request, "年度と期を正しく入力してください。")
    return redirect("meetings:index")


@perm_required(Perm.EDIT_MEETINGS)
def policy_delete(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    return _confirm_delete(
        request,
        obj_label=policy.display_title,
        delete=lambda: services.delete_policy(actor=request.user, policy=policy),
        back_url=reverse("meetings:policy_detail", args=[policy.pk]),
        done_url=_year_url(policy.fiscal_year),
        success="推進活動方針（案）を削除しました。",
    )
