from __future__ import annotations

from django.urls import reverse

from suishin.core import audit
from suishin.core.models import AuditEntry


def test_the_audit_page_lists_and_details_changes(client_for, users, org):
    audit.record(
        actor=users["secretariat"],
        action="update",
        obj=org.member_a,
        before={"name": "旧名"},
        after={"name": "新名"},
    )
    c = client_for("secretariat")
    body = c.get(reverse("audit:index")).content.decode()
    assert "札幌市職員労働組合" in body and "変更" in body
    entry = AuditEntry.objects.get()
    detail = c.get(reverse("audit:detail", args=[entry.pk])).content.decode()
    assert "旧名" in detail and "新名" in detail


def test_the_audit_trail_has_no_write_paths_in_the_ui(client_for, users, org):
    entry = audit.record(actor=users["secretariat"], action="create", obj=org.member_a)
    c = client_for("secretariat")
    assert c.post(reverse("audit:detail", args=[entry.pk]), {"note": "x"}).status_code == 405
    assert c.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert c.post(f"/admin/core/auditentry/{entry.pk}/change/", {"note": "x"}).status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


def test_the_audit_export_neutralises_formulas(client_for, users, org):
    audit.record(actor=users["secretariat"], action="update", obj=org.member_a, note="=HYPERLINK(\"x\")")
    csv = client_for("secretariat").get(reverse("audit:index") + "?export=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
