"""Background jobs (suishin.core.jobs): the progress reporter, the status
JSON, the lifecycle of `execute`, and who may see a job."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from suishin.core import jobs
from suishin.core.errors import DomainError
from suishin.core.models import Job, JobStatus


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _job(user=None, **kw) -> Job:
    kw.setdefault("params", {"system": user is None})
    return Job.objects.create(kind="test", created_by=user, **kw)


# --- the progress reporter ------------------------------------------------------------


def test_the_reporter_writes_at_most_every_half_second_and_one_percent(db):
    clock = Clock()
    job = _job()
    p = jobs.ProgressReporter(job.pk, clock=clock)
    p.report(0, 1000, "読込中")
    assert p.writes == 1
    for done in range(1, 200):  # 200 calls within the same instant: none written
        p.report(done, 1000, "読込中")
    assert p.writes == 1
    clock.now += 0.6
    p.report(205, 1000, "読込中")
    assert p.writes == 2
    assert jobs.live_progress(job.pk) == {"done": 205, "total": 1000, "message": "読込中"}
    p.report(212, 1000, "反映中")  # a new message, but within the interval
    assert p.writes == 2
    clock.now += 0.6
    p.report(209, 1000, "読込中")  # the interval passed, but only 0.4% more
    assert p.writes == 2
    p.report(209, 1000, "反映中")  # the interval passed and the message changed
    assert p.writes == 3
    p.phase("仕上げ中")  # a phase is shown at once
    assert p.writes == 4
    assert jobs.live_progress(job.pk)["message"] == "仕上げ中"
    p.clear()
    assert jobs.live_progress(job.pk) is None


def test_with_an_unknown_total_the_count_is_written_once_per_interval(db):
    clock = Clock()
    p = jobs.ProgressReporter(uuid.uuid4(), clock=clock)
    p.report(1, 0, "処理中")
    p.report(2, 0, "処理中")
    assert p.writes == 1
    clock.now += 0.5
    p.report(3, 0, "処理中")
    assert p.writes == 2


def test_a_broken_cache_does_not_stop_the_work(db, monkeypatch, caplog):
    def boom(*a, **kw):
        raise OSError("disk full")

    backend = caches["default"]  # the object itself, not the proxy: undone before settings are
    monkeypatch.setattr(backend, "set", boom)
    monkeypatch.setattr(backend, "get", boom)
    p = jobs.ProgressReporter(uuid.uuid4())
    p.report(1, 2, "読込中")
    assert jobs.live_progress(p.job_id) is None
    assert "could not write progress" in caplog.text


# --- status ---------------------------------------------------------------------------


def test_status_merges_live_progress_while_running(db):
    job = _job(status=JobStatus.RUNNING, message="処理を開始しました。")
    jobs.ProgressReporter(job.pk).report(250, 1000, "検証・反映中（5,000行）")
    s = jobs.job_status(job)
    assert s == {
        "id": str(job.pk),
        "kind": "test",
        "status": "running",
        "status_label": "実行中",
        "finished": False,
        "progress_done": 250,
        "progress_total": 1000,
        "percent": 25,
        "message": "検証・反映中（5,000行）",
        "result": {},
        "urls": {
            "page": f"/jobs/{job.pk}/",
            "status": f"/jobs/{job.pk}/status.json",
        },
        "created_at": job.created_at.isoformat(),
        "started_at": None,
        "finished_at": None,
    }


def test_status_of_a_finished_job_comes_from_the_row(db):
    job = _job(
        status=JobStatus.SUCCEEDED,
        progress_done=7,
        progress_total=7,
        message="完了しました。",
        result={"n": 1, "urls": {"batch": "/imports/batches/1/"}},
        result_file="jobs/x/report.pdf",
    )
    jobs.ProgressReporter(job.pk).report(1, 7, "古い進捗")  # a leftover is ignored
    s = jobs.job_status(job)
    assert (s["status_label"], s["percent"], s["message"], s["finished"]) == (
        "完了",
        100,
        "完了しました。",
        True,
    )
    assert s["result"] == {"n": 1}
    assert s["urls"]["batch"] == "/imports/batches/1/"
    assert s["urls"]["download"] == f"/jobs/{job.pk}/download/"


def test_percent_is_none_while_the_size_is_unknown(db):
    job = _job()
    assert jobs.job_status(job)["percent"] is None
    assert jobs.job_status(job)["status_label"] == "待機中"


# --- execute ---------------------------------------------------------------------------


def test_execute_runs_the_work_once_and_records_the_result(db):
    job = _job()
    calls = []

    def work(j, progress):
        calls.append(j.status)
        progress.report(3, 4, "作業中")
        return jobs.JobResult(result={"answer": 42}, message="終わりました。", links={"x": "/x/"})

    assert jobs.execute(job.pk, work) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert calls == [JobStatus.RUNNING]
    assert (job.status, job.message, job.progress_done, job.progress_total) == (
        "succeeded",
        "終わりました。",
        4,
        4,
    )
    assert job.result == {"answer": 42, "urls": {"x": "/x/"}}
    assert job.started_at and job.finished_at
    assert jobs.live_progress(job.pk) is None
    # a second delivery of the same task does nothing
    assert jobs.execute(job.pk, work) == JobStatus.SUCCEEDED
    assert len(calls) == 1


def test_a_domain_error_fails_the_job_with_its_message(db):
    job = _job()

    def work(j, progress):
        raise DomainError("年度が正しくありません。")

    assert jobs.execute(job.pk, work) == JobStatus.FAILED
    job.refresh_from_db()
    assert (job.status, job.message, job.result) == (
        "failed",
        "年度が正しくありません。",
        {"error": "年度が正しくありません。"},
    )


def test_an_unexpected_error_fails_the_job_logged_with_a_general_message(db, caplog):
    job = _job()

    def work(j, progress):
        progress.report(1, 10, "作業中")
        raise ZeroDivisionError("boom")

    assert jobs.execute(job.pk, work) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.message == jobs.FAILED_MESSAGE
    assert "boom" not in job.message and "Traceback" not in str(job.result)
    assert (job.progress_done, job.progress_total) == (1, 10)  # where it stopped
    assert "ZeroDivisionError" in caplog.text


def test_a_job_whose_user_was_deleted_never_runs_as_the_system(db, users):
    job = _job(users["viewer"])
    users["viewer"].delete()
    job.refresh_from_db()
    assert job.created_by is None
    with pytest.raises(PermissionDenied):
        jobs.actor_of(job)
    assert jobs.actor_of(_job()) is None  # a job the system itself asked for


def test_execute_of_a_missing_job(db):
    assert jobs.execute(uuid.uuid4(), lambda j, p: None) == "missing"


def test_idempotency_keys_are_unique_per_user(db, users):
    job, created = jobs.create(kind="test", actor=users["bank"], params={}, idempotency_key="k1")
    again, created_again = jobs.create(
        kind="test", actor=users["bank"], params={}, idempotency_key="k1"
    )
    assert created and not created_again and again.pk == job.pk
    other, created_other = jobs.create(
        kind="test", actor=users["viewer"], params={}, idempotency_key="k1"
    )
    assert created_other and other.pk != job.pk
    assert jobs.find_by_key(users["bank"], "k1") == job
    with pytest.raises(DomainError, match="100文字以内"):
        jobs.check_key("x" * 101)


# --- who sees a job ---------------------------------------------------------------------


@pytest.fixture
def bank_job(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = _job(users["bank"], status=JobStatus.SUCCEEDED, message="できました。")
    path = jobs.result_dir(job) / "report.pdf"
    path.write_bytes(b"%PDF-1.4 test")
    job.result_file = f"jobs/{job.pk}/report.pdf"
    job.result = {"file_name": "2024年度上期推進活動総括_全体.pdf"}
    job.save()
    return job


@pytest.mark.parametrize(
    "role,seen",
    [
        ("bank", True),
        ("secretariat", True),
        ("viewer", False),
        ("branch", False),
        ("member", False),
    ],
)
def test_only_the_creator_and_the_secretariat_see_a_job(client_for, bank_job, role, seen):
    c = client_for(role)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        response = c.get(reverse(name, args=[bank_job.pk]))
        assert response.status_code == (200 if seen else 404), (name, role)
    if seen:
        response = c.get(reverse("jobs:download", args=[bank_job.pk]))
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert "attachment" in response["Content-Disposition"]


def test_anonymous_is_sent_to_login(client, bank_job):
    response = client.get(reverse("jobs:status", args=[bank_job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_status_json_and_the_page(client_for, users):
    job = _job(users["bank"], status=JobStatus.RUNNING, params={"title": "実績の取込：a.csv"})
    Job.objects.filter(pk=job.pk).update(
        created_at=dt.datetime(2024, 11, 14, 1, 5, tzinfo=dt.UTC)  # 10:05 in Japan
    )
    jobs.ProgressReporter(job.pk).report(30, 120, "検証・反映中（3,000行）")
    c = client_for("bank")
    data = c.get(reverse("jobs:status", args=[job.pk])).json()
    assert (data["status"], data["percent"], data["message"]) == (
        "running",
        25,
        "検証・反映中（3,000行）",
    )
    body = c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<h1>実績の取込：a.csv</h1>" in body
    assert "2024年11月14日（木）10時5分" in body
    assert 'role="progressbar"' in body and 'aria-valuenow="25"' in body
    assert "core/job.js" in body  # the poller
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body


def test_a_failed_job_page_shows_the_message_not_a_trace(client_for, users):
    job = _job(users["bank"], status=JobStatus.FAILED, message=jobs.FAILED_MESSAGE)
    body = client_for("bank").get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert jobs.FAILED_MESSAGE in body and "失敗" in body
    assert "core/job.js" not in body and "refresh" not in body
    # no download for a job without a file
    assert client_for("bank").get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_result_file_outside_the_jobs_directory_is_never_served(
    client_for, users, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "secret.txt").write_text("x")
    job = _job(users["bank"], status=JobStatus.SUCCEEDED, result_file="jobs/../secret.txt")
    assert client_for("bank").get(reverse("jobs:download", args=[job.pk])).status_code == 404


# --- the cache that carries live progress ------------------------------------------------


def _caches(tmp_path, url: str | None) -> subprocess.CompletedProcess:
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='suishin.settings';django.setup();"
        "from django.conf import settings;print(settings.CACHES['default']['BACKEND'],"
        "settings.CACHES['default'].get('LOCATION',''))"
    )
    env = {**os.environ, "SUISHIN_VAR_DIR": str(tmp_path)}
    env.pop("SUISHIN_CACHE_URL", None)
    if url is not None:
        env["SUISHIN_CACHE_URL"] = url
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_progress_is_shared_between_processes_through_a_file_cache_by_default(tmp_path):
    out = _caches(tmp_path, None)
    assert out.stdout.split() == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path / "cache"),
    ]
    bad = _caches(tmp_path, "memcached://x")
    assert bad.returncode != 0 and "SUISHIN_CACHE_URL must be" in bad.stderr
