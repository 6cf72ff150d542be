"""Import kind campaign_entries through the real import engine."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from suishin.campaigns import services
from suishin.campaigns.models import EntrantPersonalData, Entry
from suishin.campaigns.tests.helpers import OCT, SEED
from suishin.imports.models import ImportBatch
from suishin.imports.services import import_file, rollback_batch

HEADER = [
    "キャンペーンコード",
    "年月",
    "応募者ID",
    "アプリ口座連携日",
    "月末口座連携",
    "キャッシュレス口座登録",
    "チャージ・支払い",
    "アンケート回答",
    "氏名",
    "連絡先",
]
DURING_CAMPAIGN = dt.datetime(2024, 11, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode(encoding)


def run(data: bytes, actor=None, **kw):
    return import_file(
        kind="campaign_entries", file=io.BytesIO(data), file_name="entries.csv", actor=actor, **kw
    )


def row(
    code,
    entrant,
    *,
    month="2024-10",
    linked="",
    month_end="はい",
    cashless="はい",
    charged="はい",
    survey="はい",
    name="",
    contact="",
):
    return [code, month, entrant, linked, month_end, cashless, charged, survey, name, contact]


def test_the_bank_file_is_imported_with_only_the_needed_facts(app_campaign, users):
    data = csv_bytes(
        [
            row(app_campaign.code, "R001", linked="令和6年10月3日", cashless="いいえ", charged="×"),
            row(app_campaign.code, "Ｒ００２", month="2024年10月", charged="1"),
        ],
        encoding="cp932",
    )
    outcome = run(data, actor=users["bank"])
    assert outcome.ok, outcome.error_lines()
    assert outcome.status_line().startswith("取り込みました: 追加 2行・変更 0行・変更なし 0行")
    first = Entry.objects.get(entrant_id="R001")
    assert first.facts == {
        "app_linked_on": "2024-10-03",
        "linked_at_month_end": True,
        "cashless_registered": False,
        "charged_or_paid_in_window": False,
        "survey_answered": True,
    }
    assert first.import_batch is not None and first.source_row == 2
    assert Entry.objects.filter(entrant_id="R002").exists()  # NFKC on the id
    again = run(data, actor=users["bank"])
    assert again.status_line().startswith("変更はありません")


def test_a_corrected_file_replaces_the_month_and_keeps_history(app_campaign, users):
    run(
        csv_bytes([row(app_campaign.code, "R001"), row(app_campaign.code, "R002")]),
        actor=users["bank"],
    )
    outcome = run(
        csv_bytes(
            [row(app_campaign.code, "R001", charged="いいえ"), row(app_campaign.code, "R003")]
        ),
        actor=users["bank"],
    )
    assert (outcome.added, outcome.changed, outcome.removed) == (1, 1, 1)
    assert sorted(Entry.objects.values_list("entrant_id", flat=True)) == ["R001", "R003"]
    assert ImportBatch.objects.filter(kind="campaign_entries").count() == 2


def test_rows_are_rejected_with_line_column_and_message(app_campaign, users):
    outcome = run(
        csv_bytes(
            [
                row("NOPE", "R001"),
                row(app_campaign.code, "R002", month="2025-03"),
                row(app_campaign.code, "R003", survey="たぶん"),
                row(app_campaign.code, "R004", linked="令和3年2月29日"),
            ]
        ),
        actor=users["bank"],
    )
    assert not outcome.ok
    assert outcome.error_lines() == [
        "行 2 列 キャンペーンコード: キャンペーンコード「NOPE」のキャンペーンは登録されていません。",
        "行 3 列 年月: 2025年3月はキャンペーン期間（2024年10月〜2025年1月）外です。",
        "行 4 列 アンケート回答: アンケート回答は はい、いいえ、あり、なし、有、無、済、未、○、×、1、0、true、false、yes、no、y、n のいずれかで入力してください。",
        "行 5 列 アプリ口座連携日: 日付として正しくありません（令和3年2月29日）。",
    ]
    assert not Entry.objects.exists()


def test_a_missing_fact_column_is_an_error_not_a_silent_failure(app_campaign, users):
    header = [h for h in HEADER if h != "チャージ・支払い"]
    data = csv_bytes(
        [[app_campaign.code, "2024-10", "R001", "", "はい", "はい", "はい", "", ""]], header=header
    )
    outcome = run(data, actor=users["bank"])
    assert outcome.error_lines() == [
        "行 1 列 チャージ・支払い: 「ろうきんAPP（アップ）キャンペーン」の応募条件には列「チャージ・支払い」（charged_or_paid_in_window）が必要です。"
    ]


def test_a_drawn_month_cannot_change_through_the_importer(app_campaign, users):
    data = csv_bytes([row(app_campaign.code, "R001"), row(app_campaign.code, "R002")])
    run(data, actor=users["bank"])
    services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    services.run_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    changed = run(
        csv_bytes(
            [row(app_campaign.code, "R001", charged="いいえ"), row(app_campaign.code, "R002")]
        ),
        actor=users["bank"],
    )
    assert changed.error_lines() == [
        "行 2 列 年月: 2024年10月は抽選済みのため、エントリーを変更できません。"
    ]
    removed = run(csv_bytes([row(app_campaign.code, "R001")]), actor=users["bank"])
    assert removed.error_lines() == [
        "ファイル: 2024年10月は抽選済みのため、エントリーを変更できません。（ファイルにない応募者が 1名います）"
    ]
    assert run(data, actor=users["bank"]).status_line().startswith("変更はありません")
    november = run(
        csv_bytes([row(app_campaign.code, "R009", month="2024-11")]), actor=users["bank"]
    )
    assert november.ok and november.added == 1


@time_machine.travel(DURING_CAMPAIGN)
def test_names_go_to_personal_data_outside_the_import_history(app_campaign, users):
    outcome = run(
        csv_bytes(
            [
                row(app_campaign.code, "R001", name="髙橋 﨑子", contact="011-000-0000"),
                row(
                    app_campaign.code,
                    "R001",
                    month="2024-11",
                    name="髙橋 﨑子",
                    contact="011-000-0000",
                ),
            ]
        ),
        actor=users["bank"],
    )
    assert outcome.ok, outcome.error_lines()
    person = EntrantPersonalData.objects.get()
    assert (person.entrant_id, person.name, person.contact) == ("R001", "髙橋 﨑子", "011-000-0000")
    assert all("髙橋" not in str(p.changes) for p in outcome.preview)


def test_names_are_not_stored_after_retention(app_campaign, users):
    # the fixture's retention date is 2025-07-31
    with time_machine.travel(dt.datetime(2025, 8, 1, tzinfo=dt.UTC)):
        outcome = run(csv_bytes([row(app_campaign.code, "R001", name="山田")]), actor=users["bank"])
    assert outcome.ok
    assert not EntrantPersonalData.objects.exists()


def test_branch_committees_may_not_import_entries(app_campaign, users):
    with pytest.raises(Exception) as exc:
        run(csv_bytes([row(app_campaign.code, "R001")]), actor=users["branch"])
    assert "権限" in str(exc.value)


def test_an_import_can_be_rolled_back(app_campaign, users):
    outcome = run(csv_bytes([row(app_campaign.code, "R001")]), actor=users["bank"])
    rollback_batch(actor=users["secretariat"], batch_id=outcome.batch.pk)
    assert not Entry.objects.exists()


def test_purge_also_deletes_the_uploaded_entry_files(app_campaign, users, settings):
    from pathlib import Path

    with time_machine.travel(DURING_CAMPAIGN):
        outcome = run(
            csv_bytes([row(app_campaign.code, "R001", name="山田", contact="x")]),
            actor=users["bank"],
        )
    stored = Path(settings.MEDIA_ROOT) / outcome.batch.stored_file
    assert stored.is_file()
    (line,) = services.purge_personal_data(actor="cli", today=dt.date(2025, 8, 1))
    assert (line.deleted, line.files) == (1, 1)
    assert not stored.exists()
    outcome.batch.refresh_from_db()
    assert outcome.batch.stored_file == ""
    assert Entry.objects.count() == 1
    assert services.purge_personal_data(actor="cli", today=dt.date(2025, 8, 1)) == []
