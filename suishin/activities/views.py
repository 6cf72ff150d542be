"""Pages of study sessions and activity expenses.

Every object is resolved through suishin.accounts.scoping (another union's
application or session answers 404); every write goes through one service
call whose DomainError is shown next to the field it names.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from suishin.accounts.scoping import Perm, get_visible_or_404, has_perm, is_scoped, visible
from suishin.activities import forms as f
from suishin.activities import queries, rules, services
from suishin.activities.models import (
    COMMITTED_STATES,
    Application,
    Purpose,
    State,
    StudySession,
    Theme,
    YearSetting,
)
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import export_response
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.kpis.scope import Scope
from suishin.organisations.models import Member

# --- helpers ------------------------------------------------------------------------


def _ctx(request, tab: str, **extra):
    user = request.user
    return {
        "tab": tab,
        "can_enter": has_perm(user, Perm.ENTER_ACTIVITIES),
        "can_approve": has_perm(user, Perm.APPROVE_APPLICATIONS),
        **extra,
    }


def _members(user):
    return visible(user, Member).filter(active=True).select_related("branch")


def _apps(user):
    return visible(user, Application).select_related(
        "member", "member__branch", "member__branch__block", "theme"
    )


def _year(request, key: str = "fiscal_year") -> int:
    try:
        return int(request.GET.get(key) or fiscal.current_fiscal_year())
    except ValueError:
        return fiscal.current_fiscal_year()


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _domain_error(request, form, exc: DomainError, formset=None) -> str:
    """Attach a DomainError to its field; errors about the purpose lines go above the lines."""
    if exc.field == "lines" and formset is not None:
        messages.error(request, exc.message)
        return exc.message
    domain_error_to_form(request, form, exc)
    return ""


# --- overview -------------------------------------------------------------------------


@perm_required(Perm.VIEW_ACTIVITIES)
def index(request):
    year = _year(request)
    apps = _apps(request.user).filter(fiscal_year=year)
    period = fiscal.fiscal_year_period(year)
    sessions = visible(request.user, StudySession).between(period.start, period.end)
    by_state = {s: apps.filter(state=s).count() for s in State.values}
    context = _ctx(
        request,
        "index",
        year=year,
        years=f.default_years([year]),
        budget=queries.budget_status(year),
        states=[(State(s).label, s, n) for s, n in by_state.items()],
        session_total=sessions.aggregate(n=Sum("participants"))["n"] or 0,
        session_count=sessions.count(),
        queue_count=_apps(request.user).filter(state=State.SUBMITTED).count(),
        unpaid_count=_apps(request.user).filter(state=State.HELD).count(),
        recent=apps.order_by("-updated_at")[:10],
    )
    return render(request, "activities/index.html", context)


# --- applications ----------------------------------------------------------------------

APPLICATION_HEADERS = [
    "申請番号",
    "年度",
    "状態",
    "会員コード",
    "会員名",
    "店番",
    "ブロック",
    "開催予定日",
    "開催日",
    "テーマ",
    "学習会名",
    "形式",
    "接続拠点数",
    "予定参加者数",
    "実参加者数",
    "申請額",
    "承認額",
    "支払額",
    "承認日時",
    "支払日時",
]


def _local(moment):
    """XLSX cells cannot hold aware datetimes: local wall time, naive."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _application_row(a: Application) -> list:
    local = _local
    return [
        a.number,
        a.fiscal_year,
        a.get_state_display(),
        a.member.code,
        a.member.name,
        a.member.branch.code,
        a.member.branch.block.name,
        a.session_date,
        a.held_on,
        a.theme.name,
        a.title,
        a.format_label,
        a.sites,
        a.planned_participants,
        a.actual_participants,
        a.requested_yen,
        a.approved_yen,
        a.paid_yen,
        local(a.approved_at),
        local(a.paid_at),
    ]


@perm_required(Perm.VIEW_ACTIVITIES)
def application_list(request):
    apps = _apps(request.user)
    form = f.ApplicationFilterForm(request.GET or None, years=f.default_years())
    if form.is_valid():
        data = form.cleaned_data
        if data["fiscal_year"]:
            apps = apps.filter(fiscal_year=data["fiscal_year"])
        if data["state"]:
            apps = apps.filter(state=data["state"])
        if data["q"]:
            q = data["q"].strip()
            apps = apps.filter(
                Q(number__icontains=q) | Q(member__code__icontains=q) | Q(member__name__icontains=q)
            )
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export_response(
            "職域活動費申請一覧", APPLICATION_HEADERS, (_application_row(a) for a in apps), fmt
        )
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(apps, 100).get_page(request.GET.get("page"))
    totals = apps.aggregate(
        requested=Sum("requested_yen"), approved=Sum("approved_yen"), paid=Sum("paid_yen")
    )
    return render(
        request,
        "activities/application_list.html",
        _ctx(request, "applications", form=form, page=page, totals=totals, query=query.urlencode()),
    )


def _application_form(request, application: Application | None):
    members = _members(request.user)
    if request.method == "POST":
        form = f.ApplicationForm(request.POST, members=members)
        formset = f.LineFormSet(request.POST, prefix="lines")
    else:
        initial = {"sites": 1}
        if application is not None:
            initial = {
                k: getattr(application, k)
                for k in (
                    "session_date",
                    "title",
                    "is_web",
                    "sites",
                    "planned_participants",
                    "note",
                )
            }
            initial |= {"member": application.member_id, "theme": application.theme_id}
        form = f.ApplicationForm(initial=initial, members=members)
        formset = f.LineFormSet(initial=f.line_initial(application), prefix="lines")
    if application is not None:
        form.fields["member"].disabled = True  # an application stays with its member
        form.fields["member"].initial = application.member_id
    lines_error = ""
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        try:
            if application is None:
                saved = services.create_application(
                    actor=request.user, lines=f.line_inputs(formset), **data
                )
            else:
                data.pop("member")
                saved = services.update_application(
                    actor=request.user,
                    application=application,
                    lines=f.line_inputs(formset),
                    **data,
                )
        except DomainError as exc:
            lines_error = _domain_error(request, form, exc, formset)
        else:
            if request.POST.get("and_submit"):
                messages.info(request, f"申請 {saved.number} を下書きとして保存しました。")
                return _run_action(request, saved, "submit", f.OptionalCommentForm(request.POST))
            messages.success(request, f"申請 {saved.number} を保存しました（下書き）。")
            return redirect("activities:application_detail", pk=saved.pk)
    setting = YearSetting.objects.filter(
        fiscal_year=application.fiscal_year if application else fiscal.current_fiscal_year()
    ).first()
    context = _ctx(
        request,
        "new" if application is None else "applications",
        form=form,
        formset=formset,
        application=application,
        lines_error=lines_error,
        setting=setting,
    )
    return render(request, "activities/application_form.html", context)


@perm_required(Perm.ENTER_ACTIVITIES)
def application_create(request):
    return _application_form(request, None)


@perm_required(Perm.ENTER_ACTIVITIES)
def application_edit(request, pk: int):
    application = get_visible_or_404(request.user, _apps(request.user), pk=pk)
    if application.state not in rules.EDITABLE_STATES:
        messages.error(request, f"「{application.get_state_display()}」の申請は変更できません。")
        return redirect("activities:application_detail", pk=pk)
    return _application_form(request, application)


def _actions(user, app: Application) -> dict[str, bool]:
    enter, approve = (
        has_perm(user, Perm.ENTER_ACTIVITIES),
        has_perm(user, Perm.APPROVE_APPLICATIONS),
    )
    allowed = rules.TRANSITIONS[app.state]
    return {
        "edit": enter and app.state in rules.EDITABLE_STATES,
        "submit": enter and State.SUBMITTED in allowed,
        "withdraw": enter and State.WITHDRAWN in allowed,
        "approve": approve and State.APPROVED in allowed,
        "return": approve and State.RETURNED in allowed,
        "held": enter and State.HELD in allowed,
        "pay": approve and State.PAID in allowed,
    }


def _detail(request, app: Application, forms_: dict | None = None, status: int = 200):
    forms_ = forms_ or {}
    setting = YearSetting.objects.filter(fiscal_year=app.fiscal_year).first()
    expected_paid = None
    if app.state == State.HELD and setting:
        expected_paid = rules.paid_amount(
            approved_yen=app.approved_yen,
            actual_participants=app.actual_participants,
            cap_per_person_yen=setting.cap_per_person_yen,
        )
    context = _ctx(
        request,
        "applications",
        app=app,
        lines=app.lines.select_related("purpose"),
        transitions=app.transitions.select_related("actor"),
        session=StudySession.objects.filter(application=app).first(),
        actions=_actions(request.user, app),
        setting=setting,
        cap_total=setting.cap_per_person_yen * app.planned_participants if setting else None,
        expected_paid=expected_paid,
        budget=queries.budget_status(app.fiscal_year),
        approve_form=forms_.get("approve")
        or f.ApproveForm(initial={"approved_yen": app.requested_yen}),
        return_form=forms_.get("return") or f.CommentForm(),
        withdraw_form=forms_.get("withdraw") or f.CommentForm(),
        submit_form=forms_.get("submit") or f.OptionalCommentForm(),
        pay_form=forms_.get("pay") or f.OptionalCommentForm(),
        held_form=forms_.get("held")
        or f.HeldForm(
            initial={
                "held_on": app.held_on or app.session_date,
                "actual_participants": app.actual_participants or app.planned_participants,
                "receipts_total_yen": app.receipts_total_yen,
                "receipts_note": app.receipts_note,
            }
        ),
    )
    return render(request, "activities/application_detail.html", context, status=status)


@perm_required(Perm.VIEW_ACTIVITIES)
def application_detail(request, pk: int):
    return _detail(request, get_visible_or_404(request.user, _apps(request.user), pk=pk))


ACTIONS = {
    # name: (form class, service call, perm, success message)
    "submit": (
        f.OptionalCommentForm,
        lambda u, a, d: services.submit(actor=u, application=a, **d),
        Perm.ENTER_ACTIVITIES,
        "申請しました。",
    ),
    "approve": (
        f.ApproveForm,
        lambda u, a, d: services.approve(actor=u, application=a, **d),
        Perm.APPROVE_APPLICATIONS,
        "承認しました。",
    ),
    "return": (
        f.CommentForm,
        lambda u, a, d: services.return_application(actor=u, application=a, **d),
        Perm.APPROVE_APPLICATIONS,
        "差し戻しました。",
    ),
    "withdraw": (
        f.CommentForm,
        lambda u, a, d: services.withdraw(actor=u, application=a, **d),
        Perm.ENTER_ACTIVITIES,
        "取り下げました。",
    ),
    "held": (
        f.HeldForm,
        lambda u, a, d: services.report_held(actor=u, application=a, **d),
        Perm.ENTER_ACTIVITIES,
        "開催報告を登録しました。",
    ),
    "pay": (
        f.OptionalCommentForm,
        lambda u, a, d: services.mark_paid(actor=u, application=a, **d),
        Perm.APPROVE_APPLICATIONS,
        "支払済みにしました。",
    ),
}


def _run_action(request, app: Application, action: str, form):
    _, call, _, success = ACTIONS[action]
    back = _next_or(request, reverse("activities:application_detail", args=[app.pk]))
    if form.is_valid():
        try:
            app = call(request.user, app, form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, f"申請 {app.number} を{success}")
            return redirect(back)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if request.POST.get("next"):
        return redirect(back)
    return _detail(request, app, {action: form}, status=400)


@require_POST
@perm_required(Perm.VIEW_ACTIVITIES)
def application_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("見つかりません。")
    form_class, _, perm, _ = ACTIONS[action]
    app = get_visible_or_404(request.user, _apps(request.user), pk=pk)
    if not has_perm(request.user, perm):
        return render(
            request,
            "core/error.html",
            {
                "title": "権限がありません",
                "text": "この操作を行う権限がありません。",
                "status": 403,
            },
            status=403,
        )
    return _run_action(request, app, action, form_class(request.POST))


@perm_required(Perm.APPROVE_APPLICATIONS)
def queue(request):
    submitted = _apps(request.user).filter(state=State.SUBMITTED).order_by("session_date", "id")
    held = _apps(request.user).filter(state=State.HELD).order_by("held_on", "id")
    years = sorted(
        {
            fiscal.current_fiscal_year(),
            *submitted.values_list("fiscal_year", flat=True),
            *held.values_list("fiscal_year", flat=True),
        }
    )
    budgets = [b for b in (queries.budget_status(y) for y in years) if b is not None]
    caps = dict(YearSetting.objects.values_list("fiscal_year", "cap_per_person_yen"))
    for app in held:
        app.expected_paid = rules.paid_amount(
            approved_yen=app.approved_yen,
            actual_participants=app.actual_participants,
            cap_per_person_yen=caps.get(app.fiscal_year, 0),
        )
    return render(
        request,
        "activities/queue.html",
        _ctx(request, "queue", submitted=submitted, held=held, budgets=budgets),
    )


# --- budget -------------------------------------------------------------------------------

BUDGET_HEADERS = {
    "block": ["ブロック", "申請件数", "申請額", "承認額", "支払額"],
    "branch": ["店", "申請件数", "申請額", "承認額", "支払額"],
    "purpose": [
        "費目",
        "申請件数",
        "内訳額（承認済み以降の申請）",
        "内訳額（承認済み以降の申請）",
        "内訳額（支払済み申請）",
    ],
}


@perm_required(Perm.VIEW_ACTIVITIES)
def budget(request):
    year = _year(request)
    visible_apps = visible(request.user, Application)
    fmt, by = request.GET.get("export"), request.GET.get("by", "block")
    if fmt in ("csv", "xlsx") and by in queries.BREAKDOWNS:
        rows = queries.budget_breakdown(year, by, visible_apps)
        headers = BUDGET_HEADERS[by]
        if by == "purpose":
            headers = [h for i, h in enumerate(headers) if i != 3]
            data = ([r.label, r.applications, r.requested_yen, r.paid_yen] for r in rows)
        else:
            data = (
                [r.label, r.applications, r.requested_yen, r.approved_yen, r.paid_yen] for r in rows
            )
        return export_response(
            f"職域活動費_{year}年度_{queries.BREAKDOWNS[by]}", headers, data, fmt
        )
    tables = []
    for key, label in queries.BREAKDOWNS.items():
        rows = queries.budget_breakdown(year, key, visible_apps)
        tables.append((key, label, rows, queries.budget_total(rows)))
    context = _ctx(
        request,
        "budget",
        year=year,
        years=f.default_years([year]),
        status=queries.budget_status(year),
        tables=tables,
        scoped=is_scoped(request.user),
    )
    return render(request, "activities/budget.html", context)


# --- summary (the report section, previewed) ---------------------------------------------


def _scope_for(user, text: str) -> Scope:
    """Scoped users read only their own branch / union; others any scope."""
    if not is_scoped(user):
        return Scope.parse(text)
    own = user.branch.code if user.branch_id else user.member.code
    scope = Scope.parse(text or own)
    if user.branch_id and scope.branch_id == user.branch_id:
        return scope
    if user.member_id and scope.member_id == user.member_id:
        return scope
    raise Http404("見つかりません。")


@perm_required(Perm.VIEW_ACTIVITIES)
def summary(request):
    default_year = fiscal.current_fiscal_year()
    data = {"fiscal_year": default_year, "half": 1, "scope": ""} | request.GET.dict()
    form = f.SummaryForm(data, years=f.default_years([default_year]))
    result = None
    if form.is_valid():
        try:
            scope = _scope_for(request.user, form.cleaned_data["scope"])
        except DomainError as exc:
            form.add_error("scope", exc.message)
        else:
            result = queries.activity_expense_summary(
                form.cleaned_data["fiscal_year"], form.cleaned_data["half"], scope
            )
    return render(request, "activities/summary.html", _ctx(request, "summary", form=form, s=result))


# --- study sessions --------------------------------------------------------------------------

SESSION_HEADERS = [
    "開催日",
    "会員コード",
    "会員名",
    "店番",
    "テーマ",
    "参加者数",
    "形式",
    "接続拠点数",
    "申請番号",
    "学習会名",
    "備考",
]


@perm_required(Perm.VIEW_ACTIVITIES)
def session_list(request):
    sessions = visible(request.user, StudySession).select_related(
        "member", "member__branch", "theme", "application"
    )
    form = f.SessionFilterForm(request.GET or None, years=f.default_years())
    if form.is_valid():
        data = form.cleaned_data
        if data["fiscal_year"]:
            period = fiscal.fiscal_year_period(data["fiscal_year"])
            sessions = sessions.between(period.start, period.end)
        if data["month"]:
            sessions = sessions.between(data["month"], fiscal.month_end(data["month"]))
        if data["theme"]:
            sessions = sessions.filter(theme=data["theme"])
        if data["q"]:
            sessions = sessions.filter(
                Q(member__code__icontains=data["q"]) | Q(member__name__icontains=data["q"])
            )
        if data["fmt"]:
            sessions = sessions.filter(is_web=data["fmt"] == "web")
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = (
            [
                s.held_on,
                s.member.code,
                s.member.name,
                s.member.branch.code,
                s.theme.name,
                s.participants,
                s.format_label,
                s.sites,
                s.application.number if s.application else "",
                s.title,
                s.note,
            ]
            for s in sessions
        )
        return export_response("学習会一覧", SESSION_HEADERS, rows, fmt)
    query = request.GET.copy()
    query.pop("page", None)
    totals = sessions.aggregate(people=Sum("participants"))
    by_theme = queries.sessions_by_theme(sessions)
    page = Paginator(sessions, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/session_list.html",
        _ctx(
            request,
            "sessions",
            form=form,
            page=page,
            totals=totals,
            by_theme=by_theme,
            query=query.urlencode(),
        ),
    )


def _session_applications(user, session: StudySession | None):
    """Approved applications without a session yet (plus the session's own)."""
    apps = _apps(user).filter(state__in=COMMITTED_STATES)
    free = Q(session__isnull=True)
    if session is not None and session.application_id:
        free |= Q(pk=session.application_id)
    return apps.filter(free).order_by("-session_date")


def _session_form(request, session: StudySession | None):
    members, applications = _members(request.user), _session_applications(request.user, session)
    initial = {"sites": 1}
    if session is not None:
        initial = {
            k: getattr(session, k)
            for k in ("held_on", "title", "participants", "is_web", "sites", "note")
        }
        initial |= {
            "member": session.member_id,
            "theme": session.theme_id,
            "application": session.application_id,
        }
    elif request.GET.get("application"):
        app = applications.filter(pk=request.GET["application"]).first()
        if app:
            initial |= {
                "member": app.member_id,
                "theme": app.theme_id,
                "held_on": app.session_date,
                "is_web": app.is_web,
                "sites": app.sites,
                "application": app.pk,
                "participants": app.planned_participants,
            }
    form = f.SessionForm(
        request.POST or None, initial=initial, members=members, applications=applications
    )
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                services.record_session(actor=request.user, **form.cleaned_data)
            else:
                services.update_session(actor=request.user, session=session, **form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, "学習会を保存しました。")
            return redirect("activities:session_list")
    return render(
        request,
        "activities/session_form.html",
        _ctx(request, "sessions", form=form, session=session),
    )


@perm_required(Perm.ENTER_ACTIVITIES)
def session_create(request):
    return _session_form(request, None)


@perm_required(Perm.ENTER_ACTIVITIES)
def session_edit(request, pk: int):
    return _session_form(
        request,
        get_visible_or_404(request.user, StudySession.objects.select_related("application"), pk=pk),
    )


@require_POST
@perm_required(Perm.ENTER_ACTIVITIES)
def session_delete(request, pk: int):
    session = get_visible_or_404(request.user, StudySession, pk=pk)
    try:
        services.delete_session(actor=request.user, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("activities:session_edit", pk=pk)
    messages.success(request, "学習会を削除しました。")
    return redirect("activities:session_list")


# --- settings -------------------------------------------------------------------------------


@perm_required(Perm.APPROVE_APPLICATIONS)
def settings_page(request):
    context = _ctx(
        request,
        "settings",
        year_settings=[
            (s, queries.budget_status(s.fiscal_year)) for s in YearSetting.objects.all()
        ],
        themes=Theme.objects.all(),
        purposes=Purpose.objects.all(),
    )
    return render(request, "activities/settings.html", context)


def _settings_form(request, form, save, title: str, success: str):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, success)
            return redirect("activities:settings")
    return render(
        request, "activities/settings_form.html", _ctx(request, "settings", form=form, title=title)
    )


@perm_required(Perm.APPROVE_APPLICATIONS)
def year_setting_edit(request, fiscal_year: int | None = None):
    setting = YearSetting.objects.filter(fiscal_year=fiscal_year).first() if fiscal_year else None
    if fiscal_year and setting is None:
        raise Http404("見つかりません。")
    initial = (
        {
            "fiscal_year": setting.fiscal_year,
            "budget_yen": setting.budget_yen,
            "cap_per_person_yen": setting.cap_per_person_yen,
        }
        if setting
        else {"fiscal_year": fiscal.current_fiscal_year() + 1, "cap_per_person_yen": 2000}
    )
    form = f.YearSettingForm(request.POST or None, initial=initial)
    title = f"{fiscal_year}年度の予算・上限" if setting else "年度の予算・上限を追加"
    return _settings_form(
        request,
        form,
        lambda d: services.save_year_setting(actor=request.user, **d),
        title,
        "年度設定を保存しました。",
    )


@perm_required(Perm.APPROVE_APPLICATIONS)
def theme_edit(request, pk: int | None = None):
    theme = get_object(Theme, pk)
    initial = (
        {"name": theme.name, "sort_order": theme.sort_order, "active": theme.active}
        if theme
        else None
    )
    form = f.ThemeForm(request.POST or None, initial=initial)
    return _settings_form(
        request,
        form,
        lambda d: services.save_theme(actor=request.user, theme=theme, **d),
        "テーマの編集" if theme else "テーマの追加",
        "テーマを保存しました。",
    )


@perm_required(Perm.APPROVE_APPLICATIONS)
def purpose_edit(request, pk: int | None = None):
    purpose = get_object(Purpose, pk)
    initial = (
        {
            k: getattr(purpose, k)
            for k in ("name", "per_site", "description", "sort_order", "active")
        }
        if purpose
        else None
    )
    form = f.PurposeForm(request.POST or None, initial=initial)
    return _settings_form(
        request,
        form,
        lambda d: services.save_purpose(actor=request.user, purpose=purpose, **d),
        "費目の編集" if purpose else "費目の追加",
        "費目を保存しました。",
    )


def get_object(model, pk):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404("見つかりません。")
    return obj
