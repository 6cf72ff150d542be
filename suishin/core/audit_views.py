"""The secretariat's audit pages: read-only (no form writes to AuditEntry exists)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from suishin.accounts.scoping import Perm
from suishin.core.exports import export_response
from suishin.core.models import AuditEntry
from suishin.core.viewmixins import perm_required

ACTION_LABELS = {
    "create": "作成",
    "update": "変更",
    "delete": "削除",
    "import": "取込",
    "rollback": "取消",
    "import_rollback": "取込の取消",
    "copy": "複写",
    "copy_agenda": "議事次第の複写",
    "copy_catalog": "推進項目の複写",
    "move": "移動",
    "order": "並べ替え",
    "load_entries": "エントリーの読込",
    "lottery_commit": "抽選の事前確定",
    "lottery_draw": "抽選",
    "lottery_verify": "抽選の検証",
    "purge_personal_data": "個人情報の消去",
    "api_token_issue": "APIトークンの発行",
    "api_token_revoke": "APIトークンの失効",
    "application.create": "申請の作成",
    "application.update": "申請の変更",
}


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="対象・操作者", required=False)
    action = forms.CharField(label="操作", required=False)
    model = forms.CharField(label="種類", required=False)
    date_from = forms.DateField(
        label="期間（自）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="期間（至）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _filtered(form: AuditFilterForm):
    entries = AuditEntry.objects.all()
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            from django.db.models import Q

            entries = entries.filter(
                Q(object_repr__icontains=d["q"])
                | Q(actor_label__icontains=d["q"])
                | Q(object_pk=d["q"])
            )
        if d["action"]:
            entries = entries.filter(action=d["action"])
        if d["model"]:
            entries = entries.filter(model__icontains=d["model"])
        if d["date_from"]:
            entries = entries.filter(at__date__gte=d["date_from"])
        if d["date_to"]:
            entries = entries.filter(at__date__lte=d["date_to"])
    return entries


@require_GET
@perm_required(Perm.VIEW_AUDIT)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = _filtered(form)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = (
            [
                e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                e.action,
                e.model,
                e.object_pk,
                e.object_repr,
                e.note,
            ]
            for e in entries.iterator()
        )
        return export_response(
            "監査記録", ["日時", "操作者", "操作", "種類", "ID", "対象", "備考"], rows, fmt
        )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "labels": ACTION_LABELS, "query": query.urlencode()},
    )


@require_GET
@perm_required(Perm.VIEW_AUDIT)
def audit_detail(request, pk: int):
    entry = get_object_or_404(AuditEntry, pk=pk)
    keys = sorted(set((entry.before or {}).keys()) | set((entry.after or {}).keys()))
    changes = [
        {
            "field": k,
            "before": (entry.before or {}).get(k),
            "after": (entry.after or {}).get(k),
            "changed": (entry.before or {}).get(k) != (entry.after or {}).get(k),
        }
        for k in keys
    ]
    return render(
        request,
        "core/audit_detail.html",
        {"entry": entry, "changes": changes, "labels": ACTION_LABELS},
    )
