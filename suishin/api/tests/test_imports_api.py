"""Submitting an import through the API: a job with an idempotency key, the
engine's validation and atomicity, row numbers in problem details; history."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suishin.core.models import AuditEntry, Job
from suishin.imports.models import ImportBatch
from suishin.kpis import factories as kf
from suishin.kpis.models import Result

pytestmark = pytest.mark.django_db

GOOD = "年月,会員コード,項目コード,件数\r\n2024-06,A0001,ATM,5\r\n2024-06,A0002,ATM,7\r\n"
BAD = "年月,会員コード,項目コード,件数\r\n2024-06,A0001,ATM,5\r\n2024-13,NOSUCH,ATM,abc\r\n"


@pytest.fixture
def atm(org):
    return kf.item("ATM", name="ATM利用件数")


def upload(client, text: str, *, kind="results", key="k-1", name="results.csv", **data):
    headers = {"Idempotency-Key": key} if key is not None else {}
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(f"/api/v1/imports/{kind}", {"file": file, **data}, headers=headers)


def test_a_good_file_is_accepted_as_a_job_and_applied(api, atm):
    client = api("bank")
    response = upload(client, GOOD)
    assert response.status_code == 202, response.content.decode()
    job = response.json()
    assert response["Location"] == f"/api/v1/jobs/{job['id']}"
    # The default task backend runs the job in the request: it has finished.
    polled = client.get(response["Location"])
    assert polled.status_code == 200
    body = polled.json()
    assert (body["status"], body["finished"], body["problem"]) == ("succeeded", True, None)
    assert body["result"]["counts"]["added"] == 2
    batch = ImportBatch.objects.get(pk=body["result"]["batch_id"])
    assert batch.uploaded_by.username == "bank"
    assert sorted(Result.objects.values_list("count", flat=True)) == [5, 7]
    assert body["urls"]["api"] == response["Location"]


def test_the_same_key_and_file_again_returns_the_same_job(api, atm):
    client = api("bank")
    first = upload(client, GOOD, key="same")
    again = upload(client, GOOD, key="same")
    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Job.objects.count() == 1
    assert ImportBatch.objects.count() == 1


def test_another_file_under_a_used_key_is_409(api, atm):
    client = api("bank")
    upload(client, GOOD, key="used")
    response = upload(client, GOOD.replace(",5", ",6"), key="used")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:suishin:problem:idempotency-conflict"
    assert "「used」は別のファイルまたは別の取込ですでに使われています" in response.json()["detail"]


def test_a_rejected_file_writes_nothing_and_names_rows_and_columns(api, atm):
    client = api("bank")
    response = upload(client, BAD, key="bad")
    assert response.status_code == 202
    body = client.get(response["Location"]).json()
    assert body["status"] == "rejected"
    problem = body["problem"]
    assert problem["type"] == "urn:suishin:problem:import-rejected"
    assert problem["status"] == 422
    assert problem["title"] == "ファイルに誤りがあるため取り込めませんでした"
    lines = {(e["line"], e["column"]) for e in problem["errors"]}
    assert {line for line, _ in lines} == {3}
    assert all(e["message"].startswith("行 3 列 ") for e in problem["errors"])
    assert Result.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_a_missing_key_or_file_is_a_400_problem(api, atm):
    client = api("bank")
    no_key = upload(client, GOOD, key=None)
    assert no_key.status_code == 400
    assert no_key.json()["errors"] == [
        {"message": "Idempotency-Key: 必須です。", "location": "header.Idempotency-Key"}
    ]
    no_file = client.post("/api/v1/imports/results", {}, headers={"Idempotency-Key": "x"})
    assert no_file.status_code == 400
    assert [e["location"] for e in no_file.json()["errors"]] == ["file.file"]
    assert Job.objects.count() == 0


def test_who_may_submit_what(api, atm):
    assert upload(api("viewer"), GOOD).status_code == 403
    assert upload(api("member"), GOOD).status_code == 403
    read_only = upload(api("bank", scopes=("read",)), GOOD)
    assert read_only.status_code == 403
    assert read_only.json()["detail"] == "このトークンには「ファイル取込」のスコープがありません。"
    blocks = upload(api("branch"), "ブロック名\r\n道南\r\n", kind="blocks")
    assert blocks.status_code == 403
    assert blocks.json()["detail"] == "ブロックのファイルを取り込む権限がありません。"
    unknown = upload(api("bank"), GOOD, kind="nosuch")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "取込の種類「nosuch」はありません。"
    assert Job.objects.count() == 0


def test_a_branch_committee_imports_its_own_members_only(api, atm):
    client = api("branch")
    ok = upload(client, GOOD, key="own")
    assert client.get(ok["Location"]).json()["status"] == "succeeded"
    other = upload(
        client, "年月,会員コード,項目コード,件数\r\n2024-06,B0001,ATM,5\r\n", key="other"
    )
    assert client.get(other["Location"]).json()["status"] == "rejected"


def test_jobs_are_seen_by_their_creator_and_the_secretariat_only(api, atm):
    response = upload(api("bank"), GOOD)
    url = response["Location"]
    assert api("secretariat").get(url).status_code == 200
    assert api("branch").get(url).status_code == 404
    assert api("viewer").get(url).status_code == 404
    assert api("bank").get("/api/v1/jobs/not-a-uuid").status_code == 400
    assert api("bank").get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_history_is_scoped_like_the_history_page(api, atm):
    upload(api("branch"), GOOD, key="a")
    upload(api("bank"), "年月,会員コード,項目コード,件数\r\n2024-07,B0001,ATM,1\r\n", key="b")
    assert api("secretariat").get("/api/v1/imports").json()["count"] == 2
    branch_view = api("branch").get("/api/v1/imports").json()
    assert [b["uploaded_by"] for b in branch_view["results"]] == ["bob"]
    assert branch_view["results"][0]["kind_label"] == "実績"
    batch_id = ImportBatch.objects.get(uploaded_by__username="bank").pk
    assert api("other_branch").get(f"/api/v1/imports/batches/{batch_id}").status_code == 404
    assert api("bank").get(f"/api/v1/imports/batches/{batch_id}").json()["rows_added"] == 1
    assert api("bank").get("/api/v1/imports?kind=blocks").json()["count"] == 0


def test_an_import_through_the_api_is_audited_as_its_user(api, atm):
    upload(api("bank"), GOOD)
    assert AuditEntry.objects.filter(actor__username="bank").exists()


def test_an_empty_or_too_large_file_is_refused_with_the_engines_message(api, atm, settings):
    client = api("bank")
    empty = upload(client, "", key="empty")
    assert empty.status_code == 400
    assert empty.json()["detail"] == "ファイルが空です（0バイト）。"
    assert empty.json()["errors"] == [
        {"location": "body.file", "message": "ファイルが空です（0バイト）。"}
    ]
    settings.SUISHIN_MAX_UPLOAD_BYTES = 10
    large = upload(client, GOOD, key="large")
    assert large.status_code == 413
    assert large.json()["detail"].startswith("ファイルが大きすぎます（上限 ")
    assert Job.objects.count() == 0
