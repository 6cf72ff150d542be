"""Campaign pages. Campaign definitions are council-wide metadata (like the
item catalog) and readable by every VIEW_CAMPAIGNS role; entries, draws and
winners are council-level records that scoped roles never see (they are
registered in scoping with no branch/member path, and these views also
refuse them outright); personal data only with VIEW_PERSONAL_DATA."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from suishin.accounts.scoping import Perm, has_perm, is_scoped, visible
from suishin.campaigns import eligibility, exports, queries, services
from suishin.campaigns.forms import CampaignForm, CommitForm, DrawForm, EntryFilterForm, ScopeForm
from suishin.campaigns.models import Campaign, Draw, Entry
from suishin.core.errors import DomainError
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.kpis.scope import visible_scope


def _campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign, code=code)


def _month(campaign: Campaign, text: str) -> dt.date:
    try:
        month = services.parse_month(text)
    except DomainError:
        raise Http404("見つかりません。") from None
    if not campaign.month_in_campaign(month):
        raise Http404("見つかりません。")
    return month


def _require_entrant_access(user) -> None:
    if is_scoped(user):
        raise PermissionDenied(
            "応募者と抽選の記録は、事務局・ろうきん担当・閲覧者だけが閲覧できます。"
        )


def _wants_personal(request) -> bool:
    return request.GET.get("personal") == "1" and has_perm(request.user, Perm.VIEW_PERSONAL_DATA)


@perm_required(Perm.VIEW_CAMPAIGNS)
def index(request):
    overviews = queries.campaign_overviews(Campaign.objects.all())
    show_entrants = not is_scoped(request.user)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return exports.campaign_list(overviews, fmt, with_draws=show_entrants)
    return render(
        request,
        "campaigns/index.html",
        {
            "overviews": overviews,
            "can_manage": has_perm(request.user, Perm.MANAGE_CAMPAIGNS),
            "show_entrants": show_entrants,
        },
    )


@perm_required(Perm.MANAGE_CAMPAIGNS)
def edit(request, code: str | None = None):
    campaign = _campaign(code) if code else None
    initial = CampaignForm.initial_for(campaign) if campaign else {}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.save_campaign(
                actor=request.user, campaign=campaign, **form.service_kwargs()
            )
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, "キャンペーンを保存しました。")
            return redirect("campaigns:detail", code=campaign.code)
    return render(request, "campaigns/edit.html", {"form": form, "campaign": campaign})


@perm_required(Perm.VIEW_CAMPAIGNS)
def detail(request, code: str):
    campaign = _campaign(code)
    scope = visible_scope(request.user, request.GET.get("scope"))
    results = queries.campaign_results(campaign, scope)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return exports.results(results, fmt)
    show_entrants = not is_scoped(request.user)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "results": results,
            "scope_form": ScopeForm(initial={"scope": scope.text}),
            "rules": eligibility.describe(eligibility.parse_rules(campaign.conditions)),
            "summaries": queries.month_summaries(campaign) if show_entrants else [],
            "show_entrants": show_entrants,
            "can_manage": has_perm(request.user, Perm.MANAGE_CAMPAIGNS),
        },
    )


@perm_required(Perm.VIEW_CAMPAIGNS)
def entries(request, code: str):
    _require_entrant_access(request.user)
    campaign = _campaign(code)
    form = EntryFilterForm(request.GET or None, months=campaign.months())
    qs = visible(request.user, Entry).filter(campaign=campaign).order_by("month", "entrant_id")
    if form.is_valid():
        if form.cleaned_data["month"]:
            qs = qs.filter(month=_month(campaign, form.cleaned_data["month"]))
        if form.cleaned_data["q"]:
            qs = qs.filter(entrant_id__icontains=form.cleaned_data["q"].strip())
    evaluated = queries.evaluate_entries(campaign, queries.entry_facts(qs))
    status = form.cleaned_data.get("status") if form.is_valid() else ""
    if status:
        evaluated = [e for e in evaluated if e.eligible == (status == "eligible")]
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return exports.entries(campaign, evaluated, fmt, personal=_wants_personal(request))
    page = Paginator(evaluated, 100).get_page(request.GET.get("page"))
    show_personal = has_perm(request.user, Perm.VIEW_PERSONAL_DATA)
    people = (
        exports.personal_data(campaign, [e.entry.entrant_id for e in page]) if show_personal else {}
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/entries.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "show_personal": show_personal,
            "rows": [(e, people.get(e.entry.entrant_id)) for e in page],
        },
    )


@perm_required(Perm.VIEW_CAMPAIGNS)
def draw(request, code: str, month: str):
    _require_entrant_access(request.user)
    campaign = _campaign(code)
    month_date = _month(campaign, month)
    draw_obj = visible(request.user, Draw).filter(campaign=campaign, month=month_date).first()
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx", "json"):
        if draw_obj is None or not draw_obj.is_drawn:
            raise Http404("見つかりません。")
        if fmt == "json":
            return exports.draw_record(draw_obj)
        return exports.winners(draw_obj, fmt, personal=_wants_personal(request))
    ctx = {"commit_form": CommitForm(), "draw_form": DrawForm()}
    if request.method == "POST":
        outcome = _draw_action(request, campaign, month_date, draw_obj)
        if outcome.get("redirect"):
            return redirect(outcome["redirect"])
        ctx.update(outcome)
        draw_obj = Draw.objects.filter(campaign=campaign, month=month_date).first()
    return render(
        request, "campaigns/draw.html", _draw_context(request, campaign, month_date, draw_obj, ctx)
    )


def _draw_action(request, campaign: Campaign, month: dt.date, draw_obj: Draw | None) -> dict:
    """Run the posted step (commit / draw / verify); return extra template context."""
    action = request.POST.get("action")
    here = reverse("campaigns:draw", kwargs={"code": campaign.code, "month": f"{month:%Y-%m}"})
    if action == "verify":
        if draw_obj is None:
            raise Http404("見つかりません。")
        try:
            return {"verify_report": services.verify_draw(actor=request.user, draw=draw_obj)}
        except DomainError as exc:
            messages.error(request, exc.message)
            return {"redirect": here}
    if not has_perm(request.user, Perm.MANAGE_CAMPAIGNS):
        raise PermissionDenied("抽選を行う権限がありません。")
    if action == "commit":
        form = CommitForm(request.POST)
        if form.is_valid():
            try:
                result = services.commit_draw(
                    actor=request.user, campaign=campaign, month=month, **form.cleaned_data
                )
            except DomainError as exc:
                domain_error_to_form(request, form, exc)
            else:
                messages.success(request, "コミットメントを登録しました。")
                return {"generated_seed": result.seed} if result.seed else {"redirect": here}
        return {"commit_form": form}
    if action == "draw":
        form = DrawForm(request.POST)
        if form.is_valid():
            try:
                report = services.run_draw(
                    actor=request.user,
                    campaign=campaign,
                    month=month,
                    seed=form.cleaned_data["seed"],
                )
            except DomainError as exc:
                domain_error_to_form(request, form, exc)
            else:
                messages.success(request, f"抽選しました。当選 {len(report.winners):,}名。")
                return {"draw_report": report}
        return {"draw_form": form}
    raise Http404("見つかりません。")


def _draw_context(
    request, campaign: Campaign, month: dt.date, draw_obj: Draw | None, ctx: dict
) -> dict:
    quota, earlier = services.month_quota(campaign, month)
    pool = (
        None
        if draw_obj is not None and draw_obj.is_drawn
        else queries.eligible_pool(campaign, month)
    )
    winners = list(draw_obj.winners.order_by("rank")) if draw_obj is not None else []
    show_personal = has_perm(request.user, Perm.VIEW_PERSONAL_DATA)
    people = (
        exports.personal_data(campaign, [w.entrant_id for w in winners]) if show_personal else {}
    )
    return {
        **ctx,
        "campaign": campaign,
        "month": month,
        "month_key": f"{month:%Y-%m}",
        "draw": draw_obj,
        "quota": draw_obj.quota if draw_obj is not None and draw_obj.is_drawn else quota,
        "earlier_winners": earlier,
        "pool": pool,
        "winners": [(w, people.get(w.entrant_id)) for w in winners],
        "show_personal": show_personal,
        "can_manage": has_perm(request.user, Perm.MANAGE_CAMPAIGNS),
    }
