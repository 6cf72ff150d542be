"""Writes: refinancing records (one and a whole file), settings, recipients."""

from __future__ import annotations

import datetime as dt

import pytest

from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.programmes import services
from suishin.programmes.models import (
    DonationRecipient,
    LenderType,
    ProgrammeYearSetting,
    RecipientChoice,
    Refinancing,
)
from suishin.programmes.services import RefinancingRowsRejected


def row(**kw):
    base = {
        "month": "2024-06",
        "member_code": "A0001",
        "product": "マイプラン",
        "previous_lender_type": "消費者金融",
        "previous_balance": "500,000",
        "previous_rate": "18.0",
        "previous_months": "36",
        "new_rate": "5.0",
        "new_months": "60",
        "improvement_yen": "",
        "sumikitto_card_loan": "",
    }
    base.update(kw)
    return base


def numbered(*rows):
    return [(i + 2, r) for i, r in enumerate(rows)]


# --- one record -------------------------------------------------------------------------------


def test_create_refinancing_computes_the_improvement_and_snapshots_the_branch(org, users):
    record = services.create_refinancing(
        actor=users["secretariat"],
        month=dt.date(2024, 6, 15),
        member=org.member_a,
        product="マイプラン",
        previous_lender_type=LenderType.CONSUMER_FINANCE,
        previous_balance=500_000,
        previous_rate_millipercent=18_000,
        previous_months=36,
        new_rate_millipercent=5_000,
        new_months=60,
    )
    assert record.month == dt.date(2024, 6, 1) and record.fiscal_year == 2024
    assert record.computed_improvement_yen == record.improvement_yen == 84_576
    assert (record.branch, record.block) == (org.branch_a, org.block_a)
    assert AuditEntry.objects.filter(model="programmes.Refinancing", action="create").count() == 1


def test_create_refinancing_rejects_a_rate_above_twenty_percent(org, users):
    with pytest.raises(DomainError) as exc:
        services.create_refinancing(
            actor=users["secretariat"], month=dt.date(2024, 6, 1), member=org.member_a, product="マイプラン",
            previous_balance=500_000, previous_rate_millipercent=25_000, previous_months=36,
            new_rate_millipercent=5_000, new_months=60,
        )
    assert exc.value.message == "旧金利: 年利 25.0% は上限 20% を超えています。"
    assert exc.value.field == "previous_rate_millipercent"
    assert not Refinancing.objects.exists()


def test_a_bank_figure_alone_is_enough_and_counts_as_given(org, users):
    record = services.create_refinancing(
        actor=users["bank"], month=dt.date(2024, 9, 1), member=None, product="住きっと！500",
        bank_improvement_yen=1_234_567,
    )
    assert record.improvement_yen == 1_234_567 and record.computed_improvement_yen is None
    assert record.branch is None and record.member is None


def test_partial_terms_are_rejected(org, users):
    with pytest.raises(DomainError) as exc:
        services.create_refinancing(
            actor=users["secretariat"], month=dt.date(2024, 6, 1), member=org.member_a, product="マイプラン",
            previous_balance=500_000,
        )
    assert exc.value.message == "旧金利: 旧金利が空欄です。借換条件は5項目すべてを入力してください。"


def test_neither_terms_nor_bank_figure_is_rejected(org, users):
    with pytest.raises(DomainError) as exc:
        services.create_refinancing(
            actor=users["secretariat"], month=dt.date(2024, 6, 1), member=org.member_a, product="マイプラン"
        )
    assert exc.value.message == (
        "向上額: 借換条件（旧残高・旧金利・旧残存期間・新金利・新期間）か向上額のどちらかを入力してください。"
    )


# --- a whole file ----------------------------------------------------------------------------------


def test_load_refinancings_computes_each_row_and_records_the_source_row(org, users):
    result = services.load_refinancings(
        rows=numbered(row(), row(member_code="B0001", previous_rate="12", previous_months="12", new_rate="6",
                                 new_months="12", previous_balance="1,000,000")),
        actor=users["bank"],
    )
    assert (result.added, result.removed, result.unchanged) == (2, 0, 0)
    got = {r.source_row: r.improvement_yen for r in Refinancing.objects.all()}
    assert got == {2: 84_576, 3: 33_396}
    assert Refinancing.objects.get(source_row=3).branch == org.branch_b


def test_the_same_file_twice_changes_nothing(org, users):
    rows = numbered(row(), row(month="2024-07"))
    services.load_refinancings(rows=rows, actor=users["bank"])
    ids = set(Refinancing.objects.values_list("pk", flat=True))
    again = services.load_refinancings(rows=rows, actor=users["bank"])
    assert (again.added, again.removed, again.unchanged) == (0, 0, 2)
    assert set(Refinancing.objects.values_list("pk", flat=True)) == ids
    assert again.summary_line() == "追加 0行・変更 0行・削除 0行・変更なし 2行"


def test_a_corrected_file_replaces_the_records_of_its_months_only(org, users):
    services.load_refinancings(rows=numbered(row(), row(), row(month="2024-07")), actor=users["bank"])
    result = services.load_refinancings(rows=numbered(row(previous_rate="17.0")), actor=users["bank"])
    assert (result.added, result.changed, result.removed, result.unchanged) == (0, 1, 1, 0)
    assert sorted(Refinancing.objects.values_list("month", "reference", "previous_rate_millipercent")) == [
        (dt.date(2024, 6, 1), "自動00001", 17_000),
        (dt.date(2024, 7, 1), "自動00001", 18_000),
    ]


def test_rows_are_matched_on_the_banks_reference_when_given(org, users):
    services.load_refinancings(rows=numbered(row(reference="R-1"), row(reference="R-2")), actor=users["bank"])
    result = services.load_refinancings(
        rows=numbered(row(reference="R-2"), row(reference="R-1", new_rate="4.0")), actor=users["bank"]
    )
    assert (result.added, result.changed, result.unchanged) == (0, 1, 1)
    assert Refinancing.objects.get(reference="R-1").new_rate_millipercent == 4_000


def test_a_reference_twice_in_one_month_is_a_duplicate(org, users):
    with pytest.raises(RefinancingRowsRejected) as exc:
        services.load_refinancings(rows=numbered(row(reference="R-1"), row(reference="R-1")), actor=users["bank"])
    assert [str(p) for p in exc.value.problems] == ["行 3 列 管理番号: 年月・管理番号の組合せが 行 2 と重複しています。"]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"previous_balance": "▲100"}, "行 3 列 旧残高: 残高 ▲100円 は1円以上でなければなりません。"),
        ({"previous_balance": "0"}, "行 3 列 旧残高: 残高 0円 は1円以上でなければなりません。"),
        ({"previous_rate": "25.0"}, "行 3 列 旧金利: 年利 25.0% は上限 20% を超えています。"),
        ({"new_rate": "20.5%"}, "行 3 列 新金利: 年利 20.5% は上限 20% を超えています。"),
        ({"previous_months": "0"}, "行 3 列 旧残存期間: 期間 0か月 は1か月以上でなければなりません。"),
        ({"new_months": "0"}, "行 3 列 新期間: 期間 0か月 は1か月以上でなければなりません。"),
        ({"member_code": "X999"}, "行 3 列 会員コード: 会員コード「X999」は登録されていません。"),
        ({"branch_code": "201"}, "行 3 列 店番: 会員コード「A0001」は店番「201」の会員ではありません。"),
        ({"month": "2024-13"}, "行 3 列 年月: 月は1から12で入力してください（2024-13）。"),
        ({"month": ""}, "行 3 列 年月: 年月を入力してください。"),
        ({"product": ""}, "行 3 列 借換商品: 借換商品を入力してください。"),
        ({"previous_balance": "abc"}, "行 3 列 旧残高: 数値で入力してください（abc）。"),
        ({"previous_lender_type": "友人"}, "行 3 列 旧借入先種別: 旧借入先種別「友人」は 他行・消費者金融・信販・カードローン・奨学金・その他 のいずれかで入力してください。"),
        ({"previous_rate": ""}, "行 3 列 旧金利: 旧金利が空欄です。借換条件は5項目すべてを入力してください。"),
        ({"improvement_yen": "200000"}, "行 3 列 向上額: 向上額 200,000円 は借換条件からの計算値 84,576円 と一致しません（許容差 ±96円）。"),
        ({"sumikitto_card_loan": "たぶん"}, "行 3 列 住きっと！500カードローン: 「たぶん」は はい／いいえ（1／0）で入力してください。"),
    ],
)
def test_a_bad_row_is_reported_with_line_column_and_message_and_nothing_is_written(org, users, override, expected):
    with pytest.raises(RefinancingRowsRejected) as exc:
        services.load_refinancings(rows=numbered(row(), row(**override)), actor=users["bank"])
    assert [str(p) for p in exc.value.problems] == [expected]
    assert not Refinancing.objects.exists()


def test_one_bad_row_rejects_the_whole_file(org, users):
    with pytest.raises(RefinancingRowsRejected) as exc:
        services.load_refinancings(rows=numbered(row(), row(previous_rate="25.0"), row()), actor=users["bank"])
    assert [str(p) for p in exc.value.problems] == ["行 3 列 旧金利: 年利 25.0% は上限 20% を超えています。"]
    assert "借換実績ファイルに 1件の誤りがあります。" in exc.value.message
    assert not Refinancing.objects.exists()


def test_a_bank_figure_within_a_yen_per_instalment_is_accepted_and_used(org, users):
    services.load_refinancings(rows=numbered(row(improvement_yen="84,600")), actor=users["bank"])
    record = Refinancing.objects.get()
    assert (record.computed_improvement_yen, record.bank_improvement_yen, record.improvement_yen) == (
        84_576, 84_600, 84_600,
    )


def test_council_level_bank_rows_need_no_member(org, users):
    services.load_refinancings(
        rows=numbered(row(member_code="", previous_balance="", previous_rate="", previous_months="",
                          new_rate="", new_months="", improvement_yen="5,000,000", sumikitto_card_loan="はい")),
        actor=users["bank"],
    )
    record = Refinancing.objects.get()
    assert record.member is None and record.branch is None and record.improvement_yen == 5_000_000
    assert record.is_card_loan_in_sumikitto


def test_values_already_parsed_by_an_engine_are_accepted(org, users):
    services.load_refinancings(
        rows=numbered(row(month=dt.date(2024, 6, 1), previous_balance=500_000, previous_months=36, new_months=60,
                          sumikitto_card_loan=False)),
        actor=users["bank"],
    )
    assert Refinancing.objects.get().improvement_yen == 84_576


def test_dry_run_writes_nothing(org, users):
    result = services.load_refinancings(rows=numbered(row()), actor=users["bank"], dry_run=True)
    assert result.added == 1 and not Refinancing.objects.exists()


def test_a_file_import_is_audited_once(org, users):
    services.load_refinancings(rows=numbered(row(), row()), actor=users["bank"])
    entry = AuditEntry.objects.get(model="programmes.Refinancing", action="import")
    assert entry.after["added"] == 2 and entry.actor == users["bank"]


# --- settings and recipients -------------------------------------------------------------------


def test_year_setting_is_created_then_updated_with_audit(db, users):
    services.save_year_setting(actor=users["secretariat"], fiscal_year=2024, include_sumikitto_card_loans=True,
                               disposable_target_yen=1_000_000_000)
    services.save_year_setting(actor=users["secretariat"], fiscal_year=2024, include_sumikitto_card_loans=False,
                               disposable_target_yen=900_000_000)
    setting = ProgrammeYearSetting.objects.get(fiscal_year=2024)
    assert not setting.include_sumikitto_card_loans and setting.disposable_target_yen == 900_000_000
    entry = AuditEntry.objects.filter(model="programmes.ProgrammeYearSetting").first()
    assert entry.before["disposable_target_yen"] == 1_000_000_000


def test_negative_target_is_rejected(db, users):
    with pytest.raises(DomainError) as exc:
        services.save_year_setting(actor=users["secretariat"], fiscal_year=2024, include_sumikitto_card_loans=True,
                                   disposable_target_yen=-1)
    assert exc.value.message == "年間目標 ▲1円 は0円以上で入力してください。"


def test_recipient_names_are_unique(db, users):
    services.save_recipient(actor=users["secretariat"], name="こども食堂ネットワーク", kind="npo")
    with pytest.raises(DomainError) as exc:
        services.save_recipient(actor=users["secretariat"], name=" こども食堂ネットワーク ", kind="npo")
    assert exc.value.message == "寄付先「こども食堂ネットワーク」は既に登録されています。"


def test_choosing_a_recipient_twice_updates_the_weight(org, users):
    r = services.save_recipient(actor=users["secretariat"], name="フードバンク", kind="npo")
    services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2024, branch=org.branch_a, recipient=r)
    services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2024, branch=org.branch_a, recipient=r,
                                  weight=3)
    assert list(RecipientChoice.objects.values_list("weight", flat=True)) == [3]


def test_inactive_recipients_and_zero_weights_are_rejected(org, users):
    r = services.save_recipient(actor=users["secretariat"], name="旧団体", kind="other", active=False)
    with pytest.raises(DomainError) as exc:
        services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2024, branch=org.branch_a, recipient=r)
    assert exc.value.message == "寄付先「旧団体」は無効になっているため選べません。"
    r2 = services.save_recipient(actor=users["secretariat"], name="新団体", kind="other")
    with pytest.raises(DomainError) as exc:
        services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2024, branch=org.branch_a,
                                      recipient=r2, weight=0)
    assert exc.value.message == "配分比率 0 は1以上の整数で入力してください。"


def test_copying_last_years_choices_skips_committees_that_already_chose(org, users):
    a = services.save_recipient(actor=users["secretariat"], name="A団体", kind="npo")
    b = services.save_recipient(actor=users["secretariat"], name="B団体", kind="npo")
    services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2023, branch=org.branch_a, recipient=a)
    services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2023, branch=org.branch_b, recipient=a)
    services.add_recipient_choice(actor=users["secretariat"], fiscal_year=2024, branch=org.branch_b, recipient=b)
    assert services.copy_recipient_choices(actor=users["secretariat"], from_year=2023, to_year=2024) == 1
    got = set(RecipientChoice.objects.filter(fiscal_year=2024).values_list("branch__code", "recipient__name"))
    assert got == {("101", "A団体"), ("201", "B団体")}
    assert DonationRecipient.objects.count() == 2
