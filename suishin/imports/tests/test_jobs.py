"""Imports as background jobs (suishin.imports.jobs): lifecycle, idempotency,
rejected files, failures, progress, and a real queue run by the database
worker."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from suishin.core import jobs
from suishin.core.errors import DomainError
from suishin.core.models import Job, JobStatus
from suishin.imports import engine, services
from suishin.imports import jobs as import_jobs
from suishin.imports.models import ImportBatch
from suishin.imports.readers import open_table
from suishin.kpis.models import Result

H = "年月,会員コード,店番,項目コード,件数,金額\r\n"
GOOD = H + "2024-09,A0001,,SVC_MAIN,12,\r\n2024-09,A0002,,SVC_MAIN,3,\r\n"
BAD = H + "2024-09,X999,,SVC_MAIN,12,\r\n2024-09,A0001,,SVC_MAIN,▲x,\r\n"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker(monkeypatch):
    """`suishin db_worker --batch`: runs what is queued, then exits. The worker
    closes stale connections between tasks; inside the test's transaction
    (PostgreSQL) that would close it, so that one call is a no-op here."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    return run


def submit(actor, text: str = GOOD, **kw) -> Job:
    return import_jobs.submit_import(
        kind=kw.pop("kind", "results"),
        file=io.BytesIO(text.encode("utf-8")),
        file_name=kw.pop("file_name", "実績.csv"),
        actor=actor,
        **kw,
    )


def padded_rows() -> str:
    """12 rows spread over ~24 KB by blank lines (which the engine skips), so
    that reading the file visibly moves through it."""
    return H + "".join(
        f"2024-{m:02d},A0001,,SVC_MAIN,{m},\r\n" + "\r\n" * 1000 for m in range(1, 13)
    )


def test_an_import_job_runs_and_records_the_outcome(catalog, users):
    job = submit(users["bank"])
    assert (job.kind, job.status, job.created_by) == ("import", JobStatus.SUCCEEDED, users["bank"])
    batch = ImportBatch.objects.get()
    assert sorted(Result.objects.values_list("count", flat=True)) == [3, 12]
    assert job.params["import_kind"] == "results" and job.params["sha256"] == batch.sha256
    assert job.task_id
    r = job.result
    assert r["status"] == "ok" and r["batch_id"] == batch.pk and r["written"] is True
    assert r["counts"] == {"rows_total": 2, "added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    assert r["errors"] == [] and r["error_count"] == 0
    assert r["urls"] == {"batch": reverse("imports:batch_detail", args=[batch.pk])}
    assert (
        job.message == f"取り込みました: 追加 2行・変更 0行・変更なし 0行（取込番号 #{batch.pk}）"
    )
    s = jobs.job_status(job)
    assert s["percent"] == 100 and s["urls"]["batch"].endswith(f"/{batch.pk}/")
    assert (job.progress_done, job.progress_total) == (len(GOOD.encode()), len(GOOD.encode()))


def test_a_rejected_file_ends_rejected_with_its_errors_and_writes_nothing(catalog, users):
    job = submit(users["secretariat"], BAD)
    assert job.status == JobStatus.REJECTED
    assert not ImportBatch.objects.exists() and not Result.objects.exists()
    assert job.result["status"] == "rejected" and job.result["batch_id"] is None
    assert job.result["error_count"] == 2
    assert job.result["errors"] == [
        {
            "line": 2,
            "column": "会員コード",
            "value": "X999",
            "message": "会員コード「X999」は登録されていません。",
        },
        {"line": 3, "column": "件数", "value": "▲x", "message": "数値で入力してください（▲x）。"},
    ]
    assert job.message.startswith("取り込めません: 問題が 2件あります")


def test_a_dry_run_job_writes_nothing(catalog, users):
    job = submit(users["bank"], dry_run=True)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["dry_run"] is True and job.result["written"] is False
    assert job.result["counts"]["added"] == 2
    assert not ImportBatch.objects.exists() and not Result.objects.exists()


def test_permission_is_checked_before_anything_is_stored_or_queued(catalog, users, settings):
    with pytest.raises(PermissionDenied):
        submit(users["viewer"])
    with pytest.raises(PermissionDenied):  # a branch committee may not import blocks
        submit(users["branch"], "ブロック名\r\n石狩\r\n", kind="blocks")
    assert not Job.objects.exists()
    stored = settings.MEDIA_ROOT / "imports"
    assert not stored.exists() or not any(stored.iterdir())


def test_an_oversized_file_is_a_domain_error(catalog, users, settings):
    settings.SUISHIN_MAX_UPLOAD_BYTES = 10
    with pytest.raises(DomainError, match="ファイルが大きすぎます") as info:
        submit(users["bank"])
    assert info.value.code == "file_rejected"
    assert not Job.objects.exists()


def test_the_same_key_and_file_return_the_same_job(catalog, users):
    first = submit(users["bank"], idempotency_key="upload-1")
    again = submit(users["bank"], idempotency_key="upload-1")
    assert again.pk == first.pk
    assert Job.objects.count() == 1 and ImportBatch.objects.count() == 1
    # another user's key is its own
    other = submit(users["secretariat"], idempotency_key="upload-1")
    assert other.pk != first.pk and Job.objects.count() == 2


def test_a_reused_key_with_another_file_is_refused(catalog, users):
    submit(users["bank"], idempotency_key="upload-1")
    other_file = H + "2024-09,A0001,,SVC_MAIN,99,\r\n"
    with pytest.raises(DomainError, match="冪等キー") as info:
        submit(users["bank"], other_file, idempotency_key="upload-1")
    assert info.value.code == "idempotency_conflict"
    assert Job.objects.count() == 1
    assert sorted(Result.objects.values_list("count", flat=True)) == [3, 12]


def test_an_unexpected_error_fails_the_job_and_the_page_explains_it(
    client_for, catalog, users, monkeypatch, caplog
):
    def boom(**kw):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(services, "import_stored", boom)
    job = submit(users["bank"])
    assert job.status == JobStatus.FAILED
    assert job.message == jobs.FAILED_MESSAGE
    assert "database exploded" in caplog.text  # logged for the administrator
    assert not ImportBatch.objects.exists()
    response = client_for("bank").get(reverse("jobs:detail", args=[job.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert jobs.FAILED_MESSAGE in body and "database exploded" not in body
    assert "何も書き込んでいません。" in body


def test_a_user_who_lost_the_right_before_the_run_gets_a_failed_job(catalog, users, run_worker):
    with override_settings(TASKS=DB_TASKS):
        job = submit(users["branch"])
        users["branch"].role = "viewer"
        users["branch"].save()
        run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "実績のファイルを取り込む権限がありません。"
    assert not Result.objects.exists()


def test_progress_is_visible_while_the_import_transaction_is_open(catalog, users, monkeypatch):
    """Every progress write is read back through job_status() from a fresh
    Job row: the row itself says only "running" (nothing is written to the
    database during the run), the live figures come from the cache."""
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 1)
    seen: list[dict] = []
    original = jobs.ProgressReporter._write

    def spy(self, now, fraction):
        original(self, now, fraction)
        seen.append(jobs.job_status(Job.objects.get(pk=self.job_id)))

    monkeypatch.setattr(jobs.ProgressReporter, "_write", spy)
    monkeypatch.setattr(jobs.ProgressReporter, "__init__", _unthrottled(jobs.ProgressReporter))
    job = submit(users["bank"], padded_rows())
    assert job.status == JobStatus.SUCCEEDED
    running = [s for s in seen if s["status"] == "running"]
    messages = [s["message"] for s in running]
    assert "読込中（ファイルを確認しています）" in messages
    assert any(m.startswith("検証・反映中（") for m in messages)
    assert "反映中（取込履歴と監査記録を書き込んでいます）" in messages
    middle = [s["percent"] for s in running if s["percent"] is not None and 0 < s["percent"] < 100]
    assert middle, running
    assert all(s["progress_total"] in (0, job.params["size"]) for s in running)
    # the row was never written with progress during the run
    assert all(s["status_label"] == "実行中" for s in running)


def _unthrottled(cls):
    original = cls.__init__

    def init(self, job_id, **kw):
        original(self, job_id, min_interval=0, min_step=0)

    return init


def test_the_database_backend_queues_the_job_for_the_worker(client_for, catalog, users, run_worker):
    """`make demo` runs the DatabaseBackend with `suishin db_worker`: the
    request only queues; the worker imports."""
    with override_settings(TASKS=DB_TASKS):
        job = submit(users["bank"], idempotency_key="k")
        assert job.status == JobStatus.QUEUED
        task = DBTaskResult.objects.get()
        assert str(task.id) == job.task_id
        assert task.task_path == "suishin.imports.jobs.import_task"
        assert not Result.objects.exists()
        c = client_for("bank")
        body = c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        assert "待機中" in body and 'http-equiv="refresh"' in body and "core/job.js" in body
        assert c.get(reverse("jobs:status", args=[job.pk])).json()["finished"] is False
        run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert sorted(Result.objects.values_list("count", flat=True)) == [3, 12]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    body = client_for("bank").get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "取り込みました" in body and "core/job.js" not in body


def test_the_web_apply_step_runs_a_job_and_shows_a_rejection_on_the_job_page(
    client_for, catalog, users
):
    """A file that passed the preview but fails when applied (a member removed
    in between) ends rejected: the job page lists the rows."""
    c = client_for("secretariat")
    preview = c.post(
        reverse("imports:upload", args=["results"]),
        {"file": SimpleUploadedFile("r.csv", GOOD.encode()), "sheet": ""},
    )
    outcome = preview.context["outcome"]
    from suishin.organisations.models import Member

    Member.objects.filter(code="A0002").update(code="Z0002")
    response = c.post(
        reverse("imports:apply", args=["results"]),
        {"sha256": outcome.sha256, "file_name": outcome.file_name, "sheet": ""},
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.REJECTED
    body = c.get(response["Location"]).content.decode()
    assert "差し戻し" in body and "問題が 1件あります。" in body
    assert "会員コード「A0002」は登録されていません。" in body
    assert 'class="error-row"' in body
    assert not Result.objects.exists()


def test_readers_report_their_position(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(GOOD, encoding="utf-8")
    with open_table(path) as source:
        assert source.position()[1] == path.stat().st_size
        list(source.rows)
        assert source.position() == (path.stat().st_size, path.stat().st_size)


def test_an_xlsx_reports_rows_read_against_the_sheets_size(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["年月", "会員コード", "項目コード", "件数"])
    for m in range(1, 10):
        ws.append([f"2024-{m:02d}", "A0001", "SVC_MAIN", m])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    with open_table(path) as source:
        assert source.position() == (1, 10)
        rows = iter(source.rows)
        next(rows)
        next(rows)
        assert source.position() == (3, 10)
        list(rows)
        assert source.position() == (10, 10)
