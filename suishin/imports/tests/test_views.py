"""The import pages: upload → preview → apply, history, batch detail, rollback, roles."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suishin.core.models import Job
from suishin.imports.models import BatchStatus, ImportBatch
from suishin.kpis.models import Result

H = "年月,会員コード,店番,項目コード,件数,金額\r\n"


def _file(text: str, name: str = "results.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _upload(client, kind: str, text: str, **kw):
    return client.post(
        reverse("imports:upload", args=[kind]), {"file": _file(text, **kw), "sheet": ""}
    )


def _apply(client, kind: str, response):
    outcome = response.context["outcome"]
    return client.post(
        reverse("imports:apply", args=[kind]),
        {"sha256": outcome.sha256, "file_name": outcome.file_name, "sheet": ""},
    )


# --- roles -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "viewer", "other_member"])
@pytest.mark.parametrize(
    "name,args", [("imports:index", []), ("imports:history", []), ("imports:upload", ["results"])]
)
def test_members_and_viewers_get_403(client_for, role, name, args):
    assert client_for(role).get(reverse(name, args=args)).status_code == 403


def test_a_branch_committee_sees_only_the_kinds_it_may_import(client_for, catalog):
    c = client_for("branch")
    body = c.get(reverse("imports:index")).content.decode()
    assert "実績を取り込む" in body and "目標を取り込む" in body and "会員を取り込む" not in body
    assert c.get(reverse("imports:upload", args=["members"])).status_code == 403
    assert c.get(reverse("imports:sample", args=["members", "csv"])).status_code == 403


def test_an_unknown_kind_is_404(client_for):
    assert (
        client_for("secretariat").get(reverse("imports:upload", args=["nope"])).status_code == 404
    )


def test_the_index_lists_kinds_columns_and_sample_files(client_for, catalog):
    c = client_for("bank")
    body = c.get(reverse("imports:index")).content.decode()
    assert "年月＊、会員コード、店番、項目コード＊、件数、金額" in body
    assert reverse("imports:sample", args=["results", "xlsx"]) in body
    upload = c.get(reverse("imports:upload", args=["results"])).content.decode()
    assert "<code>member_code</code>" in upload


# --- upload → preview → apply ---------------------------------------------------------


def test_upload_shows_a_preview_and_writes_nothing(client_for, catalog):
    c = client_for("secretariat")
    response = _upload(
        c, "results", H + "2024-09,A0001,,SVC_MAIN,12,\r\n2024-09,A0002,,SVC_MAIN,3,\r\n"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "実績の取込 — 確認" in body and "取り込む" in body
    assert "2024年9月 A0001 SVC_MAIN" in body
    assert response.context["outcome"].added == 2
    assert not Result.objects.exists() and not ImportBatch.objects.exists()


def test_apply_imports_the_previewed_file_and_shows_the_batch(client_for, catalog, users):
    c = client_for("secretariat")
    preview = _upload(c, "results", H + "2024-09,A0001,,SVC_MAIN,12,\r\n")
    response = _apply(c, "results", preview)
    batch = ImportBatch.objects.get()
    job = Job.objects.get()
    # "取り込む" runs a background job (ImmediateBackend here: finished on return)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.created_by) == ("import", "succeeded", users["secretariat"])
    assert batch.uploaded_by == users["secretariat"]
    assert Result.objects.get().count == 12
    body = c.get(response["Location"]).content.decode()
    assert f"取り込みました: 追加 1行・変更 0行・変更なし 0行（取込番号 #{batch.pk}）" in body
    assert reverse("imports:batch_detail", args=[batch.pk]) in body
    assert 'role="progressbar"' in body and 'aria-valuenow="100"' in body
    body = c.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert batch.sha256 in body


def test_a_second_click_on_apply_finds_the_first_job(client_for, catalog):
    c = client_for("secretariat")
    preview = _upload(c, "results", H + "2024-09,A0001,,SVC_MAIN,12,\r\n")
    form = {f.name: f.value() for f in preview.context["apply_form"]}
    assert len(form["nonce"]) == 32
    first = c.post(reverse("imports:apply", args=["results"]), form)
    second = c.post(reverse("imports:apply", args=["results"]), form)
    job = Job.objects.get()
    assert first["Location"] == second["Location"] == reverse("jobs:detail", args=[job.pk])
    assert ImportBatch.objects.count() == 1
    # A new preview of the same file is a new import request.
    again = _upload(c, "results", H + "2024-09,A0001,,SVC_MAIN,12,\r\n")
    again_form = {f.name: f.value() for f in again.context["apply_form"]}
    assert again_form["nonce"] != form["nonce"]


def test_apply_refuses_a_file_this_session_did_not_preview(client_for, catalog):
    c = client_for("secretariat")
    response = c.post(
        reverse("imports:apply", args=["results"]),
        {"sha256": "a" * 64, "file_name": "x.csv", "sheet": ""},
    )
    assert response.status_code == 302
    body = c.get(response["Location"]).content.decode()
    assert "確認したファイルが見つかりません。もう一度アップロードしてください。" in body
    assert not ImportBatch.objects.exists()


def test_errors_are_listed_and_highlighted_and_nothing_can_be_applied(client_for, catalog):
    c = client_for("secretariat")
    body = _upload(
        c, "results", H + "2024-09,X999,,SVC_MAIN,12,\r\n2024-09,A0001,,SVC_MAIN,▲x,\r\n"
    ).content.decode()
    assert "問題が 2件あります。" in body
    assert 'class="error-row"' in body
    assert "会員コード「X999」は登録されていません。" in body
    assert "数値で入力してください（▲x）。" in body
    assert reverse("imports:apply", args=["results"]) not in body


def test_a_cp932_upload_is_read(client_for, org):
    c = client_for("secretariat")
    response = _upload(
        c,
        "members",
        "会員コード,会員名,店番\r\nC0001,㈱髙﨑労働組合①,101\r\n",
        name="m.csv",
        encoding="cp932",
    )
    assert response.context["outcome"].ok
    assert "CSV（Shift_JIS（CP932））" in response.content.decode()


def test_a_hostile_file_gets_a_clear_message(client_for, org):
    c = client_for("secretariat")
    response = c.post(
        reverse("imports:upload", args=["blocks"]),
        {"file": SimpleUploadedFile("x.xlsx", b"not a zip"), "sheet": ""},
    )
    assert "XLSX ファイルとして開けません（ZIP 形式ではありません）。" in response.content.decode()


def test_a_too_large_request_is_refused_before_it_is_read(client_for, org, settings):
    settings.SUISHIN_MAX_UPLOAD_BYTES = 10
    c = client_for("secretariat")
    response = c.post(
        reverse("imports:upload", args=["blocks"]),
        {"file": SimpleUploadedFile("b.csv", b"x" * (2 << 20)), "sheet": ""},
    )
    assert response.status_code == 413
    assert "ファイルが大きすぎます（上限 10バイト）。" in response.content.decode()


def test_a_missing_file_is_reported_next_to_the_field(client_for, org):
    response = client_for("secretariat").post(
        reverse("imports:upload", args=["blocks"]), {"sheet": ""}
    )
    assert "このフィールドは必須です。" in response.content.decode()


def test_the_upload_page_has_labels_and_the_progress_script(client_for, org):
    body = client_for("bank").get(reverse("imports:upload", args=["results"])).content.decode()
    assert '<label for="id_file">ファイル' in body and '<label for="id_sheet">' in body
    assert "imports/upload.js" in body and "<progress" in body
    assert "確認（ドライラン）" in body


def test_a_branch_committee_uploads_results_for_its_members(client_for, catalog, users, org):
    c = client_for("branch")
    preview = _upload(c, "results", H + "2024-09,A0001,,SVC_MAIN,12,\r\n")
    _apply(c, "results", preview)
    batch = ImportBatch.objects.get()
    assert (batch.branch, batch.uploaded_by) == (org.branch_a, users["branch"])


# --- samples ------------------------------------------------------------------------------


def test_sample_files_carry_the_headers_and_import_back(client_for, org, catalog):
    c = client_for("secretariat")
    csv_body = c.get(reverse("imports:sample", args=["blocks", "csv"])).content
    assert csv_body.decode("utf-8-sig").splitlines()[0] == "ブロック名,表示順"
    xlsx = c.get(reverse("imports:sample", args=["branches", "xlsx"]))
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in ws[1]] == ["店番", "店名", "ブロック名", "表示順"]
    assert ws["A2"].value == "007"


# --- history and detail ----------------------------------------------------------------------


@pytest.fixture
def two_batches(client_for, catalog, users, org):
    """A council-wide batch by the bank and a branch-101 batch by its committee."""
    from suishin.imports.services import import_file

    bank = import_file(
        kind="results",
        file=io.BytesIO(
            (H + "2024-09,B0001,,ATM_USE,5,\r\n2024-09,A0001,,ATM_USE,6,\r\n").encode()
        ),
        file_name="bank.csv",
        actor=users["bank"],
    ).batch
    branch = import_file(
        kind="results",
        file=io.BytesIO((H + "2024-08,A0002,,ATM_USE,1,\r\n").encode()),
        file_name="branch.csv",
        actor=users["branch"],
    ).batch
    return bank, branch


def test_history_is_scoped_filtered_and_exportable(client_for, two_batches):
    bank, branch = two_batches
    body = client_for("secretariat").get(reverse("imports:history")).content.decode()
    assert "bank.csv" in body and "branch.csv" in body
    mine = client_for("branch").get(reverse("imports:history")).content.decode()
    assert "branch.csv" in mine and "bank.csv" not in mine
    assert (
        "bank.csv"
        not in client_for("other_branch").get(reverse("imports:history")).content.decode()
    )
    filtered = (
        client_for("secretariat").get(reverse("imports:history") + "?kind=members").content.decode()
    )
    assert "bank.csv" not in filtered
    exported = (
        client_for("secretariat")
        .get(reverse("imports:history") + "?export=csv")
        .content.decode("utf-8-sig")
    )
    assert exported.splitlines()[0].startswith("取込番号,種類,ファイル名,取込日時")
    assert "bank.csv" in exported


def test_batch_detail_shows_provenance_and_the_source_row(client_for, two_batches):
    bank, _ = two_batches
    c = client_for("secretariat")
    body = c.get(reverse("imports:batch_detail", args=[bank.pk])).content.decode()
    assert bank.sha256 in body and "bank.csv" in body and "この取込を取り消す" in body
    traced = c.get(reverse("imports:batch_detail", args=[bank.pk]) + "?row=3").content.decode()
    assert "ファイルの行 3" in traced
    assert "<td>A0001</td>" in traced  # the original cells
    assert "6" in traced and "member:A0001" in traced
    download = c.get(reverse("imports:download", args=[bank.pk]))
    assert b"".join(download.streaming_content).decode().startswith("年月,会員コード")


def test_other_branches_batches_are_404(client_for, two_batches):
    _, branch = two_batches
    assert (
        client_for("other_branch")
        .get(reverse("imports:batch_detail", args=[branch.pk]))
        .status_code
        == 404
    )
    assert (
        client_for("other_branch").get(reverse("imports:download", args=[branch.pk])).status_code
        == 404
    )


def test_a_branch_committee_may_trace_its_own_figure_in_a_council_batch(client_for, two_batches):
    bank, _ = two_batches
    c = client_for("branch")
    url = reverse("imports:batch_detail", args=[bank.pk])
    assert c.get(url).status_code == 404
    assert c.get(url + "?row=2").status_code == 404  # B0001 belongs to another branch
    body = c.get(url + "?row=3").content.decode()
    assert "ファイルの行 3" in body and "A0001" in body
    assert "B0001" not in body and "この取込を取り消す" not in body and "元のファイル" not in body


def test_rollback_from_the_history_page(client_for, two_batches):
    bank, _ = two_batches
    c = client_for("bank")
    url = reverse("imports:rollback", args=[bank.pk])
    assert "取込番号 #" in c.get(url).content.decode()
    response = c.post(url)
    assert response.status_code == 302
    bank.refresh_from_db()
    assert bank.status == BatchStatus.ROLLED_BACK
    assert not Result.objects.filter(import_batch=bank).exists()
    assert "を取り消し、取込前の状態に戻しました。" in c.get(response["Location"]).content.decode()
    again = c.post(url).content.decode()
    assert f"取込番号 #{bank.pk} は取消済みのため、取り消せません。" in again


@pytest.mark.parametrize("role", ["branch", "viewer"])
def test_only_secretariat_and_bank_see_the_rollback_page(client_for, two_batches, role):
    _, branch = two_batches
    assert client_for(role).post(reverse("imports:rollback", args=[branch.pk])).status_code == 403


def test_trace_url_builds_the_report_link(db):
    from suishin.imports.views import trace_url

    assert trace_url(5, 12) == "/imports/batches/5/?row=12"


def test_exports_do_not_turn_file_names_into_formulas(client_for, org):
    from suishin.imports.services import import_file

    import_file(
        kind="blocks",
        file=io.BytesIO("ブロック名\r\n=1+1\r\n".encode()),
        file_name="=cmd.csv",
        actor=None,
    )
    exported = (
        client_for("secretariat")
        .get(reverse("imports:history") + "?export=csv")
        .content.decode("utf-8-sig")
    )
    assert ",'=cmd.csv," in exported
    from suishin.organisations.models import Block

    assert Block.objects.filter(name="=1+1").exists()  # names are kept exactly as typed


def test_member_officers_and_viewers_may_trace_a_visible_figure_only(client_for, two_batches):
    bank, _ = two_batches
    url = reverse("imports:batch_detail", args=[bank.pk])
    member = client_for("member")  # A0001's officer
    assert member.get(url).status_code == 404
    assert member.get(url + "?row=2").status_code == 404  # B0001's row
    body = member.get(url + "?row=3").content.decode()
    assert "ファイルの行 3" in body and "A0001" in body and "B0001" not in body
    viewer = client_for("viewer")
    assert viewer.get(url).status_code == 404
    assert "ファイルの行 2" in viewer.get(url + "?row=2").content.decode()
