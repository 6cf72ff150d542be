"""The `refinancings` import kind through the import engine (suishin.imports)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from suishin.imports.services import import_file, rollback_batch
from suishin.programmes.models import Refinancing

HEADER = "年月,会員コード,借換商品,旧借入先種別,旧残高,旧金利,旧残存期間,新金利,新期間,向上額,住きっと！500カードローン"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run(text: str, actor, *, encoding="utf-8-sig", name="refi.csv", dry_run=False):
    return import_file(kind="refinancings", file=io.BytesIO(text.encode(encoding)), file_name=name, actor=actor,
                       dry_run=dry_run)


GOOD = "\n".join([
    HEADER,
    "2024-06,A0001,マイプラン,消費者金融,\"500,000\",18.0,36,5.0,60,,いいえ",
    "令和6年6月,B0001,マイプラン,他行,\"1,000,000\",12,12,6,12,,",
    "2024年7月,,住きっと！500,カードローン,,,,,,\"152,400\",はい",
])


def test_a_bank_file_is_imported_with_computed_improvements_and_provenance(org, users):
    outcome = run(GOOD, users["bank"])
    assert outcome.ok, outcome.error_lines()
    assert outcome.summary_line() == "追加 3行・変更 0行・変更なし 0行"
    rows = {r.source_row: r for r in Refinancing.objects.all()}
    assert (rows[2].improvement_yen, rows[3].improvement_yen, rows[4].improvement_yen) == (84_576, 33_396, 152_400)
    assert rows[3].month == dt.date(2024, 6, 1) and rows[3].branch == org.branch_b
    assert rows[4].member is None and rows[4].is_card_loan_in_sumikitto
    assert {r.import_batch_id for r in rows.values()} == {outcome.batch.pk}
    assert outcome.batch.period_first == dt.date(2024, 6, 1) and outcome.batch.period_last == dt.date(2024, 7, 1)


def test_the_same_file_twice_changes_nothing(org, users):
    run(GOOD, users["bank"])
    again = run(GOOD, users["bank"])
    assert again.ok and not again.has_changes and again.unchanged == 3
    assert Refinancing.objects.count() == 3


def test_a_cp932_file_is_read(org, users):
    outcome = run(GOOD, users["bank"], encoding="cp932")
    assert outcome.ok, outcome.error_lines()
    assert Refinancing.objects.count() == 3


def test_english_headers_and_the_header_without_the_exclamation_mark_are_accepted(org, users):
    english = ("month,member_code,product,previous_lender_type,previous_balance,previous_rate,previous_months,"
               "new_rate,new_months,improvement_yen,住きっと500カードローン")
    outcome = run(GOOD.replace(HEADER, english), users["bank"])
    assert outcome.ok, outcome.error_lines()


def test_a_corrected_file_replaces_its_months_and_rollback_restores_them(org, users):
    first = run(GOOD, users["bank"])
    corrected = "\n".join([HEADER, "2024-06,A0001,マイプラン,消費者金融,\"500,000\",17.0,36,5.0,60,,"])
    outcome = run(corrected, users["bank"])
    assert outcome.ok, outcome.error_lines()
    assert (outcome.changed, outcome.removed) == (1, 1)
    assert sorted(Refinancing.objects.values_list("month", "previous_rate_millipercent")) == [
        (dt.date(2024, 6, 1), 17_000),
        (dt.date(2024, 7, 1), None),
    ]
    rollback_batch(actor=users["secretariat"], batch_id=outcome.batch.pk)
    assert sorted(Refinancing.objects.values_list("source_row", "improvement_yen", "import_batch_id")) == [
        (2, 84_576, first.batch.pk), (3, 33_396, first.batch.pk), (4, 152_400, first.batch.pk),
    ]


def test_bad_rows_are_reported_with_line_and_column_and_nothing_is_written(org, users):
    bad = "\n".join([
        HEADER,
        "2024-06,A0001,マイプラン,消費者金融,\"500,000\",25.0,36,5.0,60,,",
        "2024-06,A0001,マイプラン,消費者金融,▲100,18.0,36,5.0,60,,",
        "2024-06,A0001,マイプラン,消費者金融,\"500,000\",18.0,0,5.0,60,,",
        "2024-06,X999,マイプラン,消費者金融,\"500,000\",18.0,36,5.0,60,,",
    ])
    outcome = run(bad, users["bank"])
    assert not outcome.ok
    assert outcome.error_lines() == [
        "行 2 列 旧金利: 年利 25.0% は上限 20% を超えています。",
        "行 3 列 旧残高: 残高 ▲100円 は1円以上でなければなりません。",
        "行 4 列 旧残存期間: 期間 0か月 は1か月以上でなければなりません。",
        "行 5 列 会員コード: 会員コード「X999」は登録されていません。",
    ]
    assert not Refinancing.objects.exists()


@pytest.mark.parametrize("role", ["branch", "member", "viewer"])
def test_only_the_bank_and_the_secretariat_import_refinancings(org, users, role):
    with pytest.raises(PermissionDenied):
        run(GOOD, users[role])


def test_the_engine_and_the_direct_service_store_the_same_records(org, users):
    from suishin.programmes import services

    run(GOOD, users["bank"])
    via_engine = sorted(Refinancing.objects.values_list("month", "reference", "improvement_yen", "member_id"))
    Refinancing.objects.all().delete()
    keys = ["month", "member_code", "product", "previous_lender_type", "previous_balance", "previous_rate",
            "previous_months", "new_rate", "new_months", "improvement_yen", "sumikitto_card_loan"]
    import csv

    rows = list(csv.reader(io.StringIO(GOOD)))[1:]
    services.load_refinancings(rows=[(i + 2, dict(zip(keys, r, strict=True))) for i, r in enumerate(rows)],
                               actor=users["bank"])
    direct = sorted(Refinancing.objects.values_list("month", "reference", "improvement_yen", "member_id"))
    assert direct == via_engine
