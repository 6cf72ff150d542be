from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.kpis import factories as f
from suishin.kpis.models import Target, TargetKind
from suishin.selfservice import services
from suishin.selfservice.models import MovementKind, MovementReport


@pytest.fixture
def catalog(org):
    total = f.item("LOAN_TOTAL", name="融資合計", sort_order=1)
    return {
        "total": total,
        "loan": f.item("LOAN", name="住宅ローン", parent=total, sort_order=2),
        "deposit": f.item("DEP", name="財形貯蓄", unit="円", sort_order=3),
        "computed": f.item(
            "SELF_N", name="自主目標設定会員数", source="kpis.self_target_members", sort_order=4
        ),
        "old": f.item("LOAN", fiscal_year=2023, name="住宅ローン（2023）"),
        "members": f.item(
            "POLICY", name="方針化会員数", aggregation="distinct_members", sort_order=5
        ),
    }


def test_member_officer_sets_and_clears_own_self_targets(users, org, catalog):
    out = services.save_self_targets(
        actor=users["member"],
        member=org.member_a,
        fiscal_year=2024,
        values={catalog["loan"].pk: "12", catalog["deposit"].pk: "1,500,000"},
    )
    assert out == {"saved": 2, "removed": 0}
    loan = Target.objects.get(item=catalog["loan"], kind=TargetKind.SELF)
    assert (loan.member, loan.target_count, loan.target_amount, loan.scope_key) == (
        org.member_a,
        12,
        None,
        "member:A0001",
    )
    assert Target.objects.get(item=catalog["deposit"]).target_amount == 1_500_000
    assert AuditEntry.objects.filter(action="create").count() == 2
    out = services.save_self_targets(
        actor=users["member"],
        member=org.member_a,
        fiscal_year=2024,
        values={catalog["loan"].pk: ""},
    )
    assert out == {"saved": 0, "removed": 1}
    assert not Target.objects.filter(item=catalog["loan"]).exists()


def test_it_rejects_a_negative_self_target_naming_the_item(users, org, catalog):
    with pytest.raises(DomainError) as e:
        services.save_self_targets(
            actor=users["member"],
            member=org.member_a,
            fiscal_year=2024,
            values={catalog["loan"].pk: "-3"},
        )
    assert e.value.message == "「住宅ローン」の目標件数は0以上で入力してください（入力値 -3）。"


def test_it_rejects_a_self_target_beyond_the_bound(users, org, catalog):
    """Found by the form fuzzer: 10^19 reached the database (OverflowError, a 500)."""
    with pytest.raises(DomainError) as e:
        services.save_self_targets(
            actor=users["member"],
            member=org.member_a,
            fiscal_year=2024,
            values={catalog["loan"].pk: str(10**19)},
        )
    assert e.value.message == (
        "「住宅ローン」の目標件数は1,000,000,000,000,000以下で入力してください（入力値 10,000,000,000,000,000,000）。"
    )
    assert not Target.objects.exists()
    assert e.value.field == f"item_{catalog['loan'].pk}"


def test_it_rejects_a_non_integer_amount(users, org, catalog):
    with pytest.raises(DomainError) as e:
        services.save_self_targets(
            actor=users["member"],
            member=org.member_a,
            fiscal_year=2024,
            values={catalog["deposit"].pk: "1.5"},
        )
    assert e.value.message == "「財形貯蓄」の目標金額は整数で入力してください（入力値「1.5」）。"


@pytest.mark.parametrize("which", ["total", "computed", "old", "members"])
def test_it_rejects_totals_computed_items_and_other_years(users, org, catalog, which):
    item = catalog[which]
    with pytest.raises(DomainError) as e:
        services.save_self_targets(
            actor=users["member"], member=org.member_a, fiscal_year=2024, values={item.pk: "1"}
        )
    assert e.value.message == (
        f"「{item.name}」は2024年度の自主目標を設定できる推進項目ではありません"
        "（合計項目・自動集計の項目・会員数の項目・他年度の項目には設定できません）。"
    )
    assert not Target.objects.exists()


def test_it_saves_nothing_when_one_row_is_wrong(users, org, catalog):
    with pytest.raises(DomainError):
        services.save_self_targets(
            actor=users["member"],
            member=org.member_a,
            fiscal_year=2024,
            values={catalog["loan"].pk: "5", catalog["deposit"].pk: "-1"},
        )
    assert not Target.objects.exists()


@pytest.mark.parametrize("role", ["other_member", "branch", "viewer", "bank"])
def test_only_the_own_officer_or_secretariat_may_write(users, org, catalog, role):
    with pytest.raises(DomainError) as e:
        services.save_self_targets(
            actor=users[role],
            member=org.member_a,
            fiscal_year=2024,
            values={catalog["loan"].pk: "1"},
        )
    assert (
        e.value.message
        == "会員「札幌市職員労働組合」の自主目標・運動報告を登録する権限がありません。"
    )


def test_secretariat_may_act_for_any_member(users, org, catalog):
    services.save_self_targets(
        actor=users["secretariat"],
        member=org.member_b,
        fiscal_year=2024,
        values={catalog["loan"].pk: "7"},
    )
    assert Target.objects.get().member == org.member_b


@time_machine.travel(dt.datetime(2024, 7, 1, 3, 0, tzinfo=dt.UTC))
def test_record_movement_sets_the_fiscal_year_and_refuses_future_dates(users, org):
    report = services.record_movement(
        actor=users["member"],
        member=org.member_a,
        kind=MovementKind.POLICY,
        reported_on=dt.date(2024, 3, 20),
        note=" 大会 ",
    )
    assert (report.fiscal_year, report.note, report.created_by) == (2023, "大会", users["member"])
    with pytest.raises(DomainError) as e:
        services.record_movement(
            actor=users["member"],
            member=org.member_a,
            kind="policy",
            reported_on=dt.date(2024, 7, 2),
        )
    assert (
        e.value.message
        == "実施日（2024年7月2日）は今日（2024年7月1日）以前の日付を入力してください。"
    )
    assert e.value.field == "reported_on"
    with pytest.raises(DomainError) as e:
        services.record_movement(
            actor=users["member"],
            member=org.member_a,
            kind="party",
            reported_on=dt.date(2024, 6, 1),
        )
    assert e.value.message == "報告の種類「party」は選べません。"


def test_delete_movement_needs_the_own_officer(users, org):
    report = services.record_movement(
        actor=users["member"],
        member=org.member_a,
        kind="newsletter",
        reported_on=dt.date(2024, 6, 1),
    )
    with pytest.raises(DomainError):
        services.delete_movement(actor=users["other_member"], report=report)
    services.delete_movement(actor=users["member"], report=report)
    assert not MovementReport.objects.exists()
