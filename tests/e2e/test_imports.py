"""File import in a real browser: upload with the progress script, preview,
apply as a background job whose page follows its progress."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from suishin.core.models import Job
from suishin.imports.models import ImportBatch
from suishin.kpis.models import Item, Result


@pytest.fixture
def results_file(tmp_path):
    path = tmp_path / "実績_2024年9月.csv"
    path.write_bytes(
        '年月,会員コード,店番,項目コード,件数,金額\r\n2024-09,A0001,101,SVC_MAIN,１２,"3,500,000"\r\n'
        "令和6年9月,A0002,,SVC_MAIN,▲1,0\r\n".encode("cp932")
    )
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_upload_preview_and_apply_in_the_browser(
    users, login, page, live_server, results_file, media, shot
):
    Item.objects.create(fiscal_year=2024, code="SVC_MAIN", name="メイン化")
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.headers.get("x-requested-with")) if r.method == "POST" else None,
    )
    login("alice")
    page.goto(f"{live_server.url}/imports/results/")
    page.set_input_files("#id_file", str(results_file))
    page.locator("#upload-form button[type=submit]").click()
    page.get_by_role("heading", name="実績の取込 — 確認").wait_for()
    assert "XMLHttpRequest" in posts  # the upload went through upload.js (progress bar)
    assert page.locator(".stat-value").first.inner_text() == "2"
    assert not Result.objects.exists()
    shot("imports-preview")
    page.get_by_role("button", name="取り込む").click()
    page.get_by_role("heading", name="実績の取込：実績_2024年9月.csv").wait_for()
    # The import ran as a job (the ImmediateBackend here): the job page shows
    # the finished bar, the outcome and the link to the batch.
    batch = ImportBatch.objects.get()
    job = Job.objects.get()
    assert page.url.endswith(f"/jobs/{job.pk}/")
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert "取り込みました" in page.content()
    assert sorted(Result.objects.values_list("count", flat=True)) == [-1, 12]
    shot("imports-job-done")
    page.get_by_role("link", name=f"取込番号 #{batch.pk} を開く").click()
    page.wait_for_url(f"**/imports/batches/{batch.pk}/")
    shot("imports-batch")


def test_apply_queues_a_job_and_the_page_follows_it_to_the_end(
    users, login, page, live_server, results_file, media, settings, shot
):
    """With the database queue (as `make demo` runs it) the apply step only
    queues the import; the job page polls status.json (core/job.js) and shows
    the outcome once the worker has run it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Item.objects.create(fiscal_year=2024, code="SVC_MAIN", name="メイン化")
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/status.json") else None)
    login("alice")
    page.goto(f"{live_server.url}/imports/results/")
    page.set_input_files("#id_file", str(results_file))
    page.locator("#upload-form button[type=submit]").click()
    page.get_by_role("button", name="取り込む").click()
    page.get_by_role("heading", name="実績の取込：実績_2024年9月.csv").wait_for()
    job = Job.objects.get()
    assert job.status == "queued" and not Result.objects.exists()
    assert page.locator("[data-job-status]").inner_text() == "待機中"
    # Waits for the page's stylesheet (an empty bar has no height without it).
    page.get_by_role("progressbar").wait_for(state="visible", timeout=10000)
    shot("imports-job-queued")
    # Hold the browser's polls while the worker runs in this thread (the live
    # server shares the in-memory test database connection).
    page.route("**/status.json", lambda route: route.abort())
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    page.unroute("**/status.json")
    page.locator(".job-status-succeeded").wait_for(timeout=20000)
    batch = ImportBatch.objects.get()
    assert page.get_by_role("link", name=f"取込番号 #{batch.pk} を開く").is_visible()
    assert "取り込みました" in page.locator("[data-job-message]").inner_text()
    assert polls, "the page polled status.json"
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert page.locator("[data-job-status]").inner_text() == "完了"
    assert sorted(Result.objects.values_list("count", flat=True)) == [-1, 12]
    shot("imports-job-finished")


def test_a_bad_file_is_listed_row_by_row(users, login, page, live_server, tmp_path, media):
    Item.objects.create(fiscal_year=2024, code="SVC_MAIN", name="メイン化")
    bad = tmp_path / "bad.csv"
    bad.write_text("年月,会員コード,項目コード,件数\n2024-09,X999,SVC_MAIN,1\n", encoding="utf-8")
    login("alice")
    page.goto(f"{live_server.url}/imports/results/")
    page.set_input_files("#id_file", str(bad))
    page.locator("#upload-form button[type=submit]").click()
    page.get_by_text("問題が 1件あります。").wait_for()
    assert (
        page.locator("tr.error-row").inner_text().split("\t")[-1]
        == "会員コード「X999」は登録されていません。"
    )
