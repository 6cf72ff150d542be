"""Programmes pages. Scopes and records are resolved through the scoping layer:
a branch committee sees its own branch (and its members), a member officer its
own union; another organisation's scope or record answers 404."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suishin.accounts.models import Role
from suishin.accounts.scoping import Perm, get_visible_or_404, has_perm, is_scoped, visible
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import export_response
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.kpis.periods import working_fiscal_year
from suishin.kpis.scope import Scope, default_scope_for, visible_scope
from suishin.organisations.models import Branch
from suishin.programmes import queries, services
from suishin.programmes import refinancing as calc
from suishin.programmes.forms import (
    CalculatorForm,
    CopyChoicesForm,
    PeriodScopeForm,
    RecipientChoiceForm,
    RecipientForm,
    RefinancingForm,
    YearSettingForm,
)
from suishin.programmes.models import (
    DonationRecipient,
    ProgrammeYearSetting,
    RecipientChoice,
    Refinancing,
)


def _selection(request) -> tuple[PeriodScopeForm, int, int, Scope]:
    """The 年度・期・対象 of a page. Unscoped roles get a message for an unknown
    scope; scoped roles get 404 for anything outside their organisation."""
    data = request.GET.copy()
    data.setdefault("fy", str(working_fiscal_year()))
    data.setdefault("half", "1")
    form = PeriodScopeForm(data)  # bound, so the page shows the year and half it uses
    fy, half, text = form.values()
    if is_scoped(request.user):
        return form, fy, half, visible_scope(request.user, text)
    try:
        scope = Scope.parse(text) if text else default_scope_for(request.user)
    except DomainError as exc:
        form.add_error("scope", exc.message)
        scope = Scope.council()
    return form, fy, half, scope


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def _context(request, form, fy, half, scope, **extra):
    return {
        "form": form, "fiscal_year": fy, "half": half, "scope": scope, "query": _query(request),
        "half_label": "上期" if half == 1 else "下期", **extra,
    }


# --- overview ------------------------------------------------------------------------------


@perm_required(Perm.VIEW_FIGURES)
def index(request):
    form, fy, half, scope = _selection(request)
    donation = queries.donation_summary(fy, half, scope)
    disposable = queries.disposable_income(fy, half, scope)
    loans = queries.loan_programmes(fy, half, scope)
    lenders = queries.improvement_by_lender(disposable.period, scope)
    if request.GET.get("export") in ("csv", "xlsx") and request.GET.get("list") == "lenders":
        return export_response(
            f"旧借入先種別_{fy}年度{scope.label}", ["旧借入先種別", "件数", "可処分所得向上額（円）"],
            ([row.label, row.count, row.yen] for row in lenders), request.GET["export"],
        )
    if request.GET.get("export") in ("csv", "xlsx"):
        return export_response(
            f"寄付・可処分所得_{fy}年度{scope.label}", ["区分", "項目", "件数", "金額（円）", "前年同期 件数", "前年同期 金額（円）"],
            _overview_rows(donation, disposable, loans), request.GET["export"],
        )
    return render(request, "programmes/index.html", _context(
        request, form, fy, half, scope, donation=donation, disposable=disposable, loans=loans, lenders=lenders,
        as_of=queries.as_of_label(disposable.period),
    ))


def _overview_rows(donation, disposable, loans):
    for line in donation.lines:
        yield ["寄付見込額", f"{line.name}（{line.rate:,}円／{line.unit}）", line.figure, line.yen, None, None]
    yield ["寄付見込額", "合計", None, donation.yen, None, donation.prev_yen]
    yield ["可処分所得向上", "可処分所得向上額", disposable.count, disposable.amount_yen, disposable.prev_count,
           disposable.prev_amount_yen]
    if disposable.study_sessions is not None:
        yield ["可処分所得向上", "学習会（件数／参加者数）", disposable.study_sessions, disposable.study_participants,
               disposable.prev_study_sessions, disposable.prev_study_participants]
    for p in loans:
        yield ["ローン商品", f"{p.label} 新規", p.count, p.amount if p.show_amount else None, p.prev_count,
               p.prev_amount if p.show_amount else None]
        if p.cumulative_count is not None:
            yield ["ローン商品", f"{p.label} 累計（{queries.date_plain(p.cumulative_since)}～）", p.cumulative_count,
                   p.cumulative_amount if p.show_amount else None, None, None]


@perm_required(Perm.VIEW_FIGURES)
def loans(request):
    form, fy, half, scope = _selection(request)
    rows = queries.loan_programmes(fy, half, scope)
    if request.GET.get("export") in ("csv", "xlsx"):
        headers = ["項目コード", "商品", "新規件数", "新規金額（円）", "前年同期 件数", "前年同期 金額（円）", "累計起算日",
                   "累計件数", "累計金額（円）"]
        data = ([p.code, p.label, p.count, p.amount, p.prev_count, p.prev_amount, p.cumulative_since,
                 p.cumulative_count, p.cumulative_amount] for p in rows)
        return export_response(f"ローン商品実績_{fy}年度{scope.label}", headers, data, request.GET["export"])
    period = queries.report_period(fy, half)
    return render(request, "programmes/loans.html", _context(
        request, form, fy, half, scope, rows=rows, as_of=queries.as_of_label(period)
    ))


# --- refinancing records ------------------------------------------------------------------------

REFINANCING_HEADERS = [
    "年月", "会員コード", "会員名", "店番", "借換商品", "旧借入先種別", "旧残高", "旧金利（%）", "旧残存期間",
    "新金利（%）", "新期間", "向上額（ろうきん提供）", "向上額（計算）", "可処分所得向上額", "住きっと！500カードローン",
    "算入", "取込行",
]


def _pct(mp: int | None) -> Decimal | None:
    return None if mp is None else Decimal(mp) / 1000


def _explicit_period(request) -> fiscal.Period | None:
    """`?from=2024-10&to=2025-03` (the report's trace links) overrides 年度・期."""
    import datetime as dt

    try:
        first = dt.datetime.strptime(request.GET.get("from", ""), "%Y-%m").date()
        last = dt.datetime.strptime(request.GET.get("to", ""), "%Y-%m").date()
        return fiscal.Period(first, last)
    except ValueError:
        return None


@perm_required(Perm.VIEW_FIGURES)
def refinancing_list(request):
    form, fy, half, scope = _selection(request)
    period = _explicit_period(request) or queries.report_period(fy, half)
    records = visible(request.user, Refinancing).in_period(period).filter(scope.q()).select_related("member", "branch")
    counted = set(Refinancing.objects.counted().filter(pk__in=records.values("pk")).values_list("pk", flat=True))
    if request.GET.get("export") in ("csv", "xlsx"):
        data = ([r.month, r.member.code if r.member else "", r.member.name if r.member else "",
                 r.branch.code if r.branch else "", r.product, r.get_previous_lender_type_display(), r.previous_balance,
                 _pct(r.previous_rate_millipercent), r.previous_months, _pct(r.new_rate_millipercent), r.new_months,
                 r.bank_improvement_yen, r.computed_improvement_yen, r.improvement_yen,
                 "はい" if r.is_card_loan_in_sumikitto else "", "算入" if r.pk in counted else "算入しない",
                 r.source_row] for r in records.iterator())
        return export_response(f"借換実績_{fy}年度{scope.label}", REFINANCING_HEADERS, data, request.GET["export"])
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    return render(request, "programmes/refinancing_list.html", _context(
        request, form, fy, half, scope, page=page, counted=counted, totals=queries.refinancing_totals(period, scope),
        can_edit=has_perm(request.user, Perm.IMPORT_ALL), period=period,
    ))


@perm_required(Perm.IMPORT_ALL)
def refinancing_create(request):
    form = RefinancingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.create_refinancing(actor=request.user, member=data.pop("member_code"), **data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, "借換実績を登録しました。")
            return redirect(reverse("programmes:refinancing_list") + f"?fy={fiscal.fiscal_year_of(data['month'])}")
    return render(request, "programmes/edit.html", {"form": form, "title": "借換実績の登録",
                                                   "back_url": reverse("programmes:refinancing_list")})


@require_POST
@perm_required(Perm.IMPORT_ALL)
def refinancing_delete(request, pk: int):
    record = get_visible_or_404(request.user, Refinancing, pk=pk)
    services.delete_refinancing(actor=request.user, record=record)
    messages.success(request, "借換実績を削除しました。")
    return redirect(request.POST.get("next") or reverse("programmes:refinancing_list"))


@perm_required(Perm.VIEW_FIGURES)
def calculator(request):
    form = CalculatorForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        old, new = form.terms()
        result = calc.breakdown(old, new)
    return render(request, "programmes/calculator.html", {"form": form, "result": result})


# --- donations by recipient ----------------------------------------------------------------------


@perm_required(Perm.VIEW_FIGURES)
def donation_list(request):
    if request.user.role == Role.MEMBER:
        raise PermissionDenied("寄付先一覧は、店推進委員会・事務局などが閲覧できます。")
    form, fy, _half, _scope = _selection(request)
    branches = None if not is_scoped(request.user) else visible(request.user, Branch).filter(pk=request.user.branch_id)
    allocation = queries.donation_allocation(fy, branches=branches)
    if request.GET.get("export") in ("csv", "xlsx") and request.GET.get("list") == "committees":
        headers = ["店番", "店推進委員会", "寄付見込額（円）", "配分済み（円）", "寄付先未選定（円）"]
        data = ([c.branch_code, c.branch_name, c.generated_yen, c.allocated_yen, c.unallocated_yen]
                for c in allocation.committees)
        return export_response(f"店推進委員会別寄付額_{fy}年度", headers, data, request.GET["export"])
    if request.GET.get("export") in ("csv", "xlsx"):
        headers = ["寄付先", "種別", "店番", "店推進委員会", "配分比率", "寄付額（円）"]
        data = ([r.recipient_name, r.recipient_kind, r.branch_code, r.branch_name, r.weight, r.yen]
                for r in allocation.rows)
        return export_response(f"寄付先別寄付額_{fy}年度", headers, data, request.GET["export"])
    return render(request, "programmes/donation_list.html", {
        "form": form, "fiscal_year": fy, "allocation": allocation, "query": _query(request),
        "can_edit": has_perm(request.user, Perm.EDIT_CATALOG),
    })


@perm_required(Perm.EDIT_CATALOG)
def recipients(request):
    fy = _fy_param(request.GET.get("fy"))
    choices = RecipientChoice.objects.filter(fiscal_year=fy).select_related("branch", "recipient")
    all_recipients = DonationRecipient.objects.all()
    if request.GET.get("export") in ("csv", "xlsx") and request.GET.get("list") == "choices":
        data = ([c.branch.code, c.branch.name, c.recipient.name, c.weight] for c in choices)
        return export_response(f"各店推進委員会の寄付先_{fy}年度", ["店番", "店推進委員会", "寄付先", "配分比率"],
                               data, request.GET["export"])
    if request.GET.get("export") in ("csv", "xlsx"):
        data = ([r.name, r.get_kind_display(), r.address, "有効" if r.active else "無効"] for r in all_recipients)
        return export_response("寄付先一覧", ["寄付先名", "種別", "所在地", "状態"], data, request.GET["export"])
    return render(request, "programmes/recipients.html", {
        "fiscal_year": fy, "choices": choices, "recipients": all_recipients,
        "choice_form": RecipientChoiceForm(branches=Branch.objects.filter(active=True)),
        "recipient_form": RecipientForm(initial={"active": True, "kind": "npo"}),
        "copy_form": CopyChoicesForm(initial={"from_year": fy - 1}),
    })


def _fy_param(value: str | None) -> int:
    text = (value or "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else working_fiscal_year()


def _back_to_recipients(fy) -> str:
    return reverse("programmes:recipients") + f"?fy={fy}"


@perm_required(Perm.EDIT_CATALOG)
def recipient_save(request, pk: int | None = None):
    """POST from the recipients page's card (new) or the edit page (pk); a rejected
    form is shown again on the edit page with the message next to the field."""
    recipient = get_visible_or_404(request.user, DonationRecipient, pk=pk) if pk else None
    fy = _fy_param(request.GET.get("fy") or request.POST.get("fy"))
    initial = {"name": recipient.name, "kind": recipient.kind, "address": recipient.address,
               "active": recipient.active} if recipient else None
    form = RecipientForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_recipient(actor=request.user, recipient=recipient, **form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, "寄付先を保存しました。")
            return redirect(_back_to_recipients(fy))
    return render(request, "programmes/edit.html", {"form": form, "title": "寄付先の編集" if recipient else "寄付先の登録",
                                                   "back_url": _back_to_recipients(fy)})


@require_POST
@perm_required(Perm.EDIT_CATALOG)
def choice_add(request):
    fy = _fy_param(request.POST.get("fy"))
    form = RecipientChoiceForm(request.POST, branches=Branch.objects.filter(active=True))
    if form.is_valid():
        try:
            services.add_recipient_choice(actor=request.user, fiscal_year=fy, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "寄付先の選定を保存しました。")
    else:
        messages.error(request, "寄付先の選定を保存できません: " + " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_back_to_recipients(fy))


@require_POST
@perm_required(Perm.EDIT_CATALOG)
def choice_delete(request, pk: int):
    choice = get_visible_or_404(request.user, RecipientChoice, pk=pk)
    services.remove_recipient_choice(actor=request.user, choice=choice)
    messages.success(request, "寄付先の選定を取り消しました。")
    return redirect(_back_to_recipients(choice.fiscal_year))


@require_POST
@perm_required(Perm.EDIT_CATALOG)
def choices_copy(request):
    fy = _fy_param(request.POST.get("fy"))
    form = CopyChoicesForm(request.POST)
    if form.is_valid():
        try:
            n = services.copy_recipient_choices(actor=request.user, from_year=form.cleaned_data["from_year"], to_year=fy)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['from_year']}年度の選定から {n}件をコピーしました。")
    return redirect(_back_to_recipients(fy))


# --- yearly settings -----------------------------------------------------------------------------


@perm_required(Perm.VIEW_FIGURES)
def settings_page(request):
    can_edit = has_perm(request.user, Perm.EDIT_CATALOG)
    fy = _fy_param(request.GET.get("fy"))
    current = ProgrammeYearSetting.objects.filter(fiscal_year=fy).first()
    form = YearSettingForm(request.POST or None, initial={
        "fiscal_year": fy, "include_sumikitto_card_loans": bool(current and current.include_sumikitto_card_loans),
        "disposable_target_yen": current.disposable_target_yen if current else None,
        "note": current.note if current else "",
    })
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("この操作を行う権限がありません。")
        if form.is_valid():
            try:
                services.save_year_setting(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                domain_error_to_form(request, form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['fiscal_year']}年度の設定を保存しました。")
                return redirect("programmes:settings")
    return render(request, "programmes/settings.html", {
        "form": form, "can_edit": can_edit, "settings": ProgrammeYearSetting.objects.all(),
        "rates": queries.rated_items(fy), "fiscal_year": fy,
    })
