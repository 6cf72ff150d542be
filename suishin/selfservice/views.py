"""Member self-service pages. Objects resolve through accounts.scoping
(another organisation's union answers 404); writes need `can_act_for`
(the union's own officer or the secretariat) and go through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suishin.accounts.models import Role
from suishin.accounts.scoping import Perm, get_visible_or_404, visible
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import export_response
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.kpis.periods import working_fiscal_year
from suishin.organisations.models import Member
from suishin.selfservice import queries, services
from suishin.selfservice.forms import MovementFilterForm, MovementForm
from suishin.selfservice.models import MovementReport


def _fy(request: HttpRequest) -> int:
    try:
        fy = int(request.GET.get("fy") or request.POST.get("fy") or 0)
    except ValueError:
        fy = 0
    return fy if 2000 <= fy <= 2100 else working_fiscal_year()


def _years(fy: int) -> list[int]:
    return sorted({*queries.fiscal_years(), fy, fiscal.current_fiscal_year()}, reverse=True)


@perm_required(Perm.VIEW_FIGURES)
def index(request: HttpRequest) -> HttpResponse:
    """A member officer goes straight to its union; others pick a member."""
    if request.user.role == Role.MEMBER and request.user.member_id:
        return redirect("selfservice:targets", code=request.user.member.code)
    fy = _fy(request)
    members = (
        visible(request.user, Member)
        .filter(active=True)
        .select_related("branch")
        .annotate(
            self_targets=Count(
                "targets", filter=Q(targets__kind="self", targets__fiscal_year=fy), distinct=True
            ),
            reports=Count(
                "movement_reports", filter=Q(movement_reports__fiscal_year=fy), distinct=True
            ),
        )
        .order_by("branch__code", "code")
    )
    if request.GET.get("export") in ("csv", "xlsx"):
        rows = [
            [m.code, m.name, m.branch.code, m.branch.name, m.self_targets, m.reports]
            for m in members
        ]
        headers = ["会員コード", "会員名", "店番", "店名", "自主目標の項目数", "運動報告の件数"]
        return export_response(f"会員自主目標_{fy}年度", headers, rows, request.GET["export"])
    return render(
        request, "selfservice/index.html", {"fy": fy, "years": _years(fy), "members": members}
    )


@perm_required(Perm.VIEW_FIGURES)
def targets(request: HttpRequest, code: str) -> HttpResponse:
    member = get_visible_or_404(request.user, Member.objects.select_related("branch"), code=code)
    fy = _fy(request)
    can_edit = services.can_act_for(request.user, member)
    error_field, error = None, None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("この操作を行う権限がありません。")
        values = {
            int(k[5:]): v
            for k, v in request.POST.items()
            if k.startswith("item_") and k[5:].isdigit()
        }
        try:
            done = services.save_self_targets(
                actor=request.user, member=member, fiscal_year=fy, values=values
            )
        except DomainError as exc:
            error_field, error = exc.field, exc.message
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"自主目標を保存しました（更新 {done['saved']}件・削除 {done['removed']}件）。",
            )
            return redirect(f"{reverse('selfservice:targets', args=[member.code])}?fy={fy}")
    rows = queries.self_target_rows(member, fy)
    if request.GET.get("export") in ("csv", "xlsx"):
        data = queries.self_target_export_rows(rows)
        return export_response(
            f"自主目標_{member.code}_{fy}年度",
            queries.SELF_TARGET_HEADERS,
            data,
            request.GET["export"],
        )
    entries = []
    for row in rows:
        key = f"item_{row.item.pk}"
        value = (
            request.POST.get(key, "")
            if request.method == "POST"
            else ("" if row.self_target is None else row.self_target)
        )
        entries.append((row, key, value, error if error_field == key else None))
    return render(
        request,
        "selfservice/targets.html",
        {
            "member": member,
            "fy": fy,
            "years": _years(fy),
            "entries": entries,
            "can_edit": can_edit,
            "error": error if error_field not in {k for _, k, _, _ in entries} else None,
            "counts": queries.movement_counts(
                queries.movement_reports(request.user, fiscal_year=fy, member=member)
            ),
        },
    )


@perm_required(Perm.VIEW_FIGURES)
def movement_list(request: HttpRequest) -> HttpResponse:
    fy = _fy(request)
    form = MovementFilterForm(request.GET or None, years=_years(fy), initial={"fy": fy})
    kind, member = "", None
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        if form.cleaned_data["member"]:
            member = get_visible_or_404(
                request.user, Member, code=form.cleaned_data["member"].strip()
            )
    reports = queries.movement_reports(request.user, fiscal_year=fy, kind=kind, member=member)
    if request.GET.get("export") in ("csv", "xlsx"):
        return export_response(
            f"運動報告_{fy}年度",
            queries.MOVEMENT_HEADERS,
            queries.movement_rows(reports),
            request.GET["export"],
        )
    own = (
        request.user.member if request.user.role == Role.MEMBER and request.user.member_id else None
    )
    return render(
        request,
        "selfservice/movement_list.html",
        {
            "fy": fy,
            "form": form,
            "reports": reports[:500],
            "total": reports.count(),
            "counts": queries.movement_counts(reports),
            "query": request.GET.urlencode(),
            "own": own,
            "can_delete": request.user.role in (Role.MEMBER, Role.SECRETARIAT),
        },
    )


@perm_required(Perm.SELF_SERVICE)
def movement_create(request: HttpRequest, code: str) -> HttpResponse:
    member = get_visible_or_404(request.user, Member.objects.select_related("branch"), code=code)
    if not services.can_act_for(request.user, member):
        raise PermissionDenied("この操作を行う権限がありません。")
    form = MovementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.record_movement(
                actor=request.user, member=member, **form.cleaned_data
            )
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, f"運動報告「{report.get_kind_display()}」を登録しました。")
            return redirect(
                f"{reverse('selfservice:movement_list')}?fy={report.fiscal_year}&member={member.code}"
            )
    return render(request, "selfservice/movement_form.html", {"form": form, "member": member})


@require_POST
@perm_required(Perm.SELF_SERVICE)
def movement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(
        request.user, MovementReport.objects.select_related("member"), pk=pk
    )
    try:
        services.delete_movement(actor=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "運動報告を削除しました。")
    return redirect(f"{reverse('selfservice:movement_list')}?fy={report.fiscal_year}")
