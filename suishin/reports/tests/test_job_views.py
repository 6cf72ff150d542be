"""The summary's PDF/XLSX built as a background job: "作成" → job page with
progress by section → the file, for its creator (and the secretariat) only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suishin.core import jobs
from suishin.core.models import Job, JobStatus

BUILD = reverse("reports:summary_job")


def build(client, **params):
    return client.post(BUILD, {"fy": 2024, "half": 1, "scope": "", "format": "pdf", **params})


def test_the_summary_page_offers_the_build_buttons(client_for, seed_catalog):
    body = client_for("viewer").get(reverse("reports:summary"), {"fy": 2024, "half": 1}).content
    body = body.decode()
    assert f'action="{BUILD}"' in body
    assert "PDF（A4）を作成" in body and "XLSXを作成" in body
    assert "format=pdf" in body  # the direct download stays


def test_a_pdf_job_builds_the_file_and_offers_it(client_for, seed_catalog, users):
    c = client_for("viewer")
    response = build(c)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.created_by) == (
        "report",
        JobStatus.SUCCEEDED,
        users["viewer"],
    )
    assert job.params["scope"] == "全体"
    assert job.result["file_name"] == "2024年度上期推進活動総括_全体.pdf"
    assert job.progress_done == job.progress_total > 2
    page = c.get(response["Location"]).content.decode()
    assert "2024年度上期推進活動総括（全道推進会議）のPDF（A4）作成" in page
    assert "2024年度上期推進活動総括_全体.pdf（" in page
    download = c.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "filename*=UTF-8''2024%E5%B9%B4%E5%BA%A6" in download["Content-Disposition"]


def test_an_xlsx_job_for_a_scope(client_for, seed_catalog):
    c = client_for("bank")
    build(c, format="xlsx", scope="石狩")
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.params["scope"] == "石狩"
    data = b"".join(c.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert data[:2] == b"PK"


def test_progress_is_reported_section_by_section(client_for, seed_catalog, monkeypatch):
    seen: list[tuple[int, int, str]] = []
    original = jobs.ProgressReporter._write

    def spy(self, now, fraction):
        original(self, now, fraction)
        seen.append((self.done, self.total, self.message))

    def init(self, job_id, **kw):
        original_init(self, job_id, min_interval=0, min_step=0)

    original_init = jobs.ProgressReporter.__init__
    monkeypatch.setattr(jobs.ProgressReporter, "_write", spy)
    monkeypatch.setattr(jobs.ProgressReporter, "__init__", init)
    build(client_for("viewer"))
    messages = [m for _, _, m in seen]
    assert "数値を集計しています" in messages
    sections = [m for m in messages if "節目を作成しています" in m]
    total = seen[-1][1]
    assert sections and sections[0].startswith("1/") and len(sections) == total - 2
    assert messages[-1] == "PDF（A4）を作成しています"
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)  # only ever forward


@pytest.mark.parametrize(
    "role,status", [("secretariat", 200), ("viewer", 200), ("bank", 404), ("branch", 404)]
)
def test_only_the_creator_and_the_secretariat_get_the_file(client_for, seed_catalog, role, status):
    build(client_for("viewer"))
    job = Job.objects.get()
    assert client_for(role).get(reverse("jobs:download", args=[job.pk])).status_code == status


def test_a_scoped_user_cannot_build_another_organisations_report(client_for, seed_catalog):
    c = client_for("branch")
    assert build(c, scope="201").status_code == 404
    assert build(c, scope="101").status_code == 302
    member = client_for("member")
    assert build(member, scope="A0002").status_code == 404
    assert build(member).status_code == 302  # the own union by default
    assert [j.params["scope"] for j in Job.objects.order_by("created_at")] == ["101", "A0001"]


def test_bad_parameters_get_a_message_not_an_error(client_for, seed_catalog):
    c = client_for("viewer")
    response = build(c, format="docx")
    assert response.status_code == 302
    assert "形式は PDF か XLSX を選んでください。" in c.get(response["Location"]).content.decode()
    response = build(c, half=3)
    assert (
        "年度と上期・下期の指定が正しくありません。" in c.get(response["Location"]).content.decode()
    )
    assert not Job.objects.exists()


def test_get_is_not_allowed(client_for, seed_catalog):
    assert client_for("viewer").get(BUILD).status_code == 405
