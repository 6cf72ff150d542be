"""Campaign services: definitions, entries, commit → draw → verify, purge."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.campaigns import lottery, services
from suishin.campaigns.demo_rules import APP_CONDITIONS
from suishin.campaigns.models import Draw, DrawStatus, DrawWinner, EntrantPersonalData, Entry
from suishin.campaigns.services import EntryRow
from suishin.campaigns.tests.helpers import (
    DEC,
    NOV,
    OCT,
    SEED,
    SEED_NOV,
    cashless,
    not_charged,
    rows,
)
from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.kpis.models import Item

DURING_CAMPAIGN = dt.datetime(2024, 11, 15, 9, 0, tzinfo=dt.UTC)


# --- campaign definitions -------------------------------------------------------


def test_it_rejects_a_period_that_ends_before_it_starts(users):
    with pytest.raises(DomainError) as exc:
        services.save_campaign(
            actor=users["secretariat"],
            code="X",
            name="x",
            starts_on=dt.date(2024, 7, 31),
            ends_on=dt.date(2024, 6, 3),
        )
    assert (
        exc.value.message
        == "終了日（2024年6月3日（月））が開始日（2024年7月31日（水））より前です。"
    )
    assert exc.value.field == "ends_on"


def test_it_rejects_a_duplicate_code(app_campaign, users):
    with pytest.raises(DomainError) as exc:
        services.save_campaign(
            actor=users["secretariat"], code=app_campaign.code, name="x", starts_on=OCT, ends_on=OCT
        )
    assert exc.value.message == f"キャンペーンコード「{app_campaign.code}」は既に登録されています。"


def test_result_items_must_exist_in_the_catalog(users):
    Item.objects.create(fiscal_year=2024, code="SUMMER_DEPOSIT", name="サマー")
    with pytest.raises(DomainError) as exc:
        services.save_campaign(
            actor=users["secretariat"],
            code="S",
            name="s",
            starts_on=OCT,
            ends_on=OCT,
            result_item_codes=["SUMMER_DEPOSIT", "NOPE"],
        )
    assert exc.value.message == "実績項目コード「NOPE」は推進項目に登録されていません。"
    assert exc.value.field == "result_item_codes"


def test_a_drawing_campaign_needs_conditions(users):
    with pytest.raises(DomainError) as exc:
        services.save_campaign(
            actor=users["secretariat"],
            code="Q",
            name="q",
            starts_on=OCT,
            ends_on=OCT,
            monthly_quota=10,
        )
    assert exc.value.message == "抽選を行うキャンペーンには応募条件を設定してください。"


def test_total_quota_may_not_be_below_the_monthly_quota(make_app_campaign):
    with pytest.raises(DomainError) as exc:
        make_app_campaign(monthly_quota=100, total_quota=50)
    assert (
        exc.value.message
        == "当選者数の合計（50名）が毎月の当選者数（100名）より少なくなっています。"
    )


def test_saving_a_campaign_is_audited(app_campaign, users):
    entry = AuditEntry.objects.get(model="campaigns.Campaign", action="create")
    assert entry.actor == users["secretariat"]
    assert entry.after["code"] == app_campaign.code


def test_retention_defaults_to_a_year_after_the_end(make_app_campaign):
    campaign = make_app_campaign(retention_until=None)
    assert campaign.retention_until == dt.date(2026, 1, 31)


# --- entries ------------------------------------------------------------------


def test_load_entries_is_idempotent_and_replaces_a_month(app_campaign, users):
    actor = users["bank"]
    first = services.load_entries(
        actor=actor, campaign=app_campaign, rows=rows(cashless("E1"), cashless("E2"))
    )
    assert (first.added, first.changed, first.unchanged, first.removed) == (2, 0, 0, 0)
    again = services.load_entries(
        actor=actor, campaign=app_campaign, rows=rows(cashless("E1"), cashless("E2"))
    )
    assert (again.added, again.changed, again.unchanged, again.removed) == (0, 0, 2, 0)
    corrected = services.load_entries(
        actor=actor, campaign=app_campaign, rows=rows(not_charged("E1"), cashless("E3"))
    )
    assert (corrected.added, corrected.changed, corrected.unchanged, corrected.removed) == (
        1,
        1,
        0,
        1,
    )
    assert sorted(
        Entry.objects.filter(campaign=app_campaign).values_list("entrant_id", flat=True)
    ) == ["E1", "E3"]


def test_loading_one_month_leaves_other_months_alone(app_campaign, users):
    services.load_entries(
        actor=users["bank"], campaign=app_campaign, rows=rows(cashless("E1", OCT))
    )
    services.load_entries(
        actor=users["bank"], campaign=app_campaign, rows=rows(cashless("E9", NOV))
    )
    assert Entry.objects.filter(campaign=app_campaign).count() == 2


def test_only_the_facts_the_conditions_need_are_stored(make_app_campaign, users):
    campaign = make_app_campaign(
        conditions={"require": [{"fact": "survey_answered", "eq": True}]},
        monthly_quota=None,
        total_quota=None,
    )
    services.load_entries(actor=users["bank"], campaign=campaign, rows=rows(cashless("E1")))
    assert Entry.objects.get(campaign=campaign).facts == {"survey_answered": True}


def test_it_reports_a_row_outside_the_campaign_period(app_campaign, users):
    with pytest.raises(DomainError) as exc:
        services.load_entries(
            actor=users["bank"],
            campaign=app_campaign,
            rows=rows(cashless("E1"), cashless("E2", dt.date(2025, 3, 1))),
        )
    assert (
        exc.value.message
        == "3行目（年月）：2025年3月はキャンペーン期間（2024年10月〜2025年1月）外です。"
    )
    assert not Entry.objects.exists()


def test_it_reports_duplicate_entrants_in_a_month(app_campaign):
    problems = services.validate_entries(
        app_campaign, rows(cashless("E1"), cashless("E2"), cashless("E1"))
    )
    assert [str(p) for p in problems] == [
        "4行目（応募者ID）：応募者ID「E1」の2024年10月分が2行目と重複しています。"
    ]


def test_it_reports_a_fact_of_the_wrong_type(app_campaign):
    bad = EntryRow(2, "E1", OCT, {"app_linked_on": "昨日", "survey_answered": True})
    assert [str(p) for p in services.validate_entries(app_campaign, [bad])] == [
        "2行目（アプリ口座連携日）：「昨日」は日付として読めません。"
    ]


def test_a_campaign_without_conditions_takes_no_entries(users):
    campaign = services.save_campaign(
        actor=users["secretariat"], code="NOC", name="n", starts_on=OCT, ends_on=OCT
    )
    with pytest.raises(DomainError) as exc:
        services.load_entries(actor=users["bank"], campaign=campaign, rows=rows(cashless("E1")))
    assert (
        exc.value.message
        == "0行目（キャンペーン）：このキャンペーンには応募条件がないため、エントリーを取り込めません。"
    )


@time_machine.travel(DURING_CAMPAIGN)
def test_personal_data_is_kept_apart_from_entries(app_campaign, users):
    row = EntryRow(2, "E1", OCT, cashless("E1").facts, name="髙橋 﨑子", contact="011-000-0000")
    result = services.load_entries(actor=users["bank"], campaign=app_campaign, rows=[row])
    assert result.personal_data == 1
    person = EntrantPersonalData.objects.get(campaign=app_campaign, entrant_id="E1")
    assert (person.name, person.contact) == ("髙橋 﨑子", "011-000-0000")
    assert "髙橋" not in str(Entry.objects.get().facts)


@time_machine.travel(dt.datetime(2025, 8, 1, 9, 0, tzinfo=dt.UTC))
def test_personal_data_is_not_stored_after_the_retention_date(app_campaign, users):
    row = EntryRow(2, "E1", OCT, cashless("E1").facts, name="山田", contact="x")
    assert (
        services.load_entries(actor=users["bank"], campaign=app_campaign, rows=[row]).personal_data
        == 0
    )
    assert not EntrantPersonalData.objects.exists()


# --- commit ---------------------------------------------------------------------


def test_commit_stores_the_hash_of_the_seed_and_never_the_seed(app_campaign, users):
    result = services.commit_draw(
        actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED
    )
    draw = result.draw
    assert draw.commitment == lottery.commitment(SEED)
    assert draw.seed == ""
    assert draw.status == DrawStatus.COMMITTED
    assert result.seed is None
    audit = AuditEntry.objects.get(action="lottery_commit")
    assert audit.after["commitment"] == draw.commitment
    assert SEED not in str(audit.after)


def test_commit_may_take_only_the_commitment(app_campaign, users):
    digest = lottery.commitment(SEED)
    draw = services.commit_draw(
        actor=users["secretariat"], campaign=app_campaign, month=OCT, commitment=digest.upper()
    ).draw
    assert draw.commitment == digest


def test_commit_without_a_seed_generates_one_and_returns_it_once(app_campaign, users):
    result = services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT)
    assert len(result.seed) == 64
    assert result.draw.commitment == lottery.commitment(result.seed)


def test_a_month_is_committed_only_once(app_campaign, users):
    services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    with pytest.raises(DomainError) as exc:
        services.commit_draw(
            actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED + "x"
        )
    assert exc.value.message.startswith("2024年10月の抽選のコミットメントは既に登録されています（")


def test_it_rejects_a_short_seed(app_campaign, users):
    with pytest.raises(DomainError) as exc:
        services.commit_draw(
            actor=users["secretariat"], campaign=app_campaign, month=OCT, seed="1234"
        )
    assert exc.value.message == (
        "シードは16文字以上にしてください（推測されないように、長い乱数を使います）。入力は4文字です。"
    )


def test_it_rejects_a_malformed_commitment(app_campaign, users):
    with pytest.raises(DomainError) as exc:
        services.commit_draw(
            actor=users["secretariat"], campaign=app_campaign, month=OCT, commitment="abc"
        )
    assert exc.value.message == "コミットメントはSHA-256の16進数64文字で入力してください。"


def test_it_rejects_a_month_outside_the_campaign(app_campaign, users):
    with pytest.raises(DomainError) as exc:
        services.commit_draw(
            actor=users["secretariat"], campaign=app_campaign, month=dt.date(2025, 2, 1), seed=SEED
        )
    assert exc.value.message == "2025年2月はキャンペーン期間（2024年10月〜2025年1月）外です。"


def test_a_campaign_without_quota_has_no_draws(users):
    campaign = services.save_campaign(
        actor=users["secretariat"], code="NOQ", name="夏", starts_on=OCT, ends_on=OCT
    )
    with pytest.raises(DomainError) as exc:
        services.commit_draw(actor=users["secretariat"], campaign=campaign, month=OCT, seed=SEED)
    assert (
        exc.value.message
        == "「夏」は抽選を行うキャンペーンではありません（毎月の当選者数が未設定）。"
    )


# --- draw -------------------------------------------------------------------------


def _load(campaign, users, *items):
    services.load_entries(actor=users["bank"], campaign=campaign, rows=rows(*items))


def _commit_and_draw(campaign, users, month=OCT, seed=SEED):
    services.commit_draw(actor=users["secretariat"], campaign=campaign, month=month, seed=seed)
    return services.run_draw(actor=users["secretariat"], campaign=campaign, month=month, seed=seed)


def test_the_draw_refuses_a_seed_that_differs_from_the_commitment(app_campaign, users):
    _load(app_campaign, users, cashless("E1"))
    services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    with pytest.raises(DomainError) as exc:
        services.run_draw(
            actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED + "!"
        )
    assert exc.value.message == "シードがコミットメントと一致しません。"
    assert exc.value.field == "seed"
    assert not DrawWinner.objects.exists()


def test_the_draw_needs_a_prior_commitment(app_campaign, users):
    _load(app_campaign, users, cashless("E1"))
    with pytest.raises(DomainError) as exc:
        services.run_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    assert exc.value.message == (
        "2024年10月の抽選はコミットメントが登録されていません。先にシードのコミットメントを登録してください。"
    )


def test_the_draw_needs_entries(app_campaign, users):
    services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    with pytest.raises(DomainError) as exc:
        services.run_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    assert (
        exc.value.message
        == "2024年10月のエントリーがありません。応募者ファイルを取り込んでから抽選してください。"
    )


def test_a_draw_stores_its_inputs_and_winners_and_matches_the_pure_algorithm(app_campaign, users):
    _load(
        app_campaign,
        users,
        *(cashless(f"E{i}") for i in range(1, 8)),
        not_charged("N1"),
        cashless("S1", survey=False),
    )
    report = _commit_and_draw(app_campaign, users)
    draw = Draw.objects.get()
    assert (
        draw.status == DrawStatus.DRAWN and draw.seed == SEED and draw.algorithm == "sha256-rank-v1"
    )
    assert draw.eligible_ids == [f"E{i}" for i in range(1, 8)]
    assert draw.eligible_digest == lottery.list_digest(draw.eligible_ids)
    expected = lottery.draw(
        lottery.DrawInput(app_campaign.code, "2024-10", tuple(draw.eligible_ids), 3, SEED)
    )
    assert tuple(w.entrant_id for w in report.winners) == expected.winners
    assert list(draw.winners.values_list("entrant_id", flat=True)) == list(expected.winners)
    assert {w.prize for w in draw.winners.all()} == {"えらべるPay 1,000円分"}
    assert report.shortfall == 0
    audit = AuditEntry.objects.get(action="lottery_draw")
    assert audit.after["winners"] == list(expected.winners) and audit.after["seed"] == SEED


def test_a_month_is_drawn_only_once(app_campaign, users):
    _load(app_campaign, users, cashless("E1"))
    _commit_and_draw(app_campaign, users)
    with pytest.raises(DomainError) as exc:
        services.run_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    assert exc.value.message.startswith("2024年10月は抽選済みです（")


def test_fewer_eligible_than_the_quota_all_win_and_the_shortfall_is_reported(app_campaign, users):
    _load(app_campaign, users, cashless("E1"), cashless("E2"), not_charged("N1"))
    report = _commit_and_draw(app_campaign, users)
    assert sorted(w.entrant_id for w in report.winners) == ["E1", "E2"]
    assert report.shortfall == 1
    assert (
        "抽選対象が当選枠より少ないため、対象者全員が当選しました（不足 1名）。" in report.lines()
    )


def test_earlier_winners_are_excluded_from_later_months(app_campaign, users):
    _load(app_campaign, users, *(cashless(f"E{i}") for i in range(1, 6)))
    october = {w.entrant_id for w in _commit_and_draw(app_campaign, users).winners}
    _load(app_campaign, users, *(cashless(f"E{i}", NOV) for i in range(1, 6)))
    report = _commit_and_draw(app_campaign, users, NOV, SEED_NOV)
    november = {w.entrant_id for w in report.winners}
    assert not october & november
    assert november == {f"E{i}" for i in range(1, 6)} - october
    assert report.excluded_count == 3 and report.shortfall == 1
    assert sorted(Draw.objects.get(month=NOV).excluded_ids) == sorted(october)


def test_a_campaign_may_allow_repeat_winners(make_app_campaign, users):
    campaign = make_app_campaign(allow_repeat_winners=True, monthly_quota=2, total_quota=None)
    _load(campaign, users, cashless("E1"), cashless("E2"))
    _commit_and_draw(campaign, users)
    _load(campaign, users, cashless("E1", NOV), cashless("E2", NOV))
    report = _commit_and_draw(campaign, users, NOV, SEED_NOV)
    assert sorted(w.entrant_id for w in report.winners) == ["E1", "E2"]


def test_the_total_quota_caps_the_last_months(make_app_campaign, users):
    campaign = make_app_campaign(monthly_quota=3, total_quota=4)
    _load(campaign, users, *(cashless(f"E{i}") for i in range(1, 10)))
    _commit_and_draw(campaign, users)
    _load(campaign, users, *(cashless(f"E{i}", NOV) for i in range(1, 10)))
    assert len(_commit_and_draw(campaign, users, NOV, SEED_NOV).winners) == 1
    _load(campaign, users, *(cashless(f"E{i}", DEC) for i in range(1, 10)))
    services.commit_draw(actor=users["secretariat"], campaign=campaign, month=DEC, seed=SEED)
    with pytest.raises(DomainError) as exc:
        services.run_draw(actor=users["secretariat"], campaign=campaign, month=DEC, seed=SEED)
    assert (
        exc.value.message
        == "当選者数の合計（4名）に達しているため、抽選できません（当選済み 4名）。"
    )


def test_entries_of_a_drawn_month_are_frozen(app_campaign, users):
    _load(app_campaign, users, cashless("E1"), cashless("E2"))
    _commit_and_draw(app_campaign, users)
    with pytest.raises(DomainError) as exc:
        _load(app_campaign, users, cashless("E1"), cashless("E2"), cashless("E3"))
    assert exc.value.message == "2024年10月は抽選済みのため、エントリーを変更できません。"
    _load(app_campaign, users, cashless("E1"), cashless("E2"))  # the identical file is still fine


def test_the_rules_of_a_campaign_are_frozen_after_a_draw(app_campaign, users):
    _load(app_campaign, users, cashless("E1"))
    _commit_and_draw(app_campaign, users)
    with pytest.raises(DomainError) as exc:
        services.save_campaign(
            actor=users["secretariat"],
            campaign=app_campaign,
            code=app_campaign.code,
            name="改名",
            starts_on=app_campaign.starts_on,
            ends_on=app_campaign.ends_on,
            conditions=app_campaign.conditions,
            monthly_quota=5,
            total_quota=8,
            retention_until=app_campaign.retention_until,
        )
    assert exc.value.message == "抽選済みの月があるため、毎月の当選者数は変更できません。"


# --- verify -------------------------------------------------------------------------


def test_verify_reproduces_a_past_draw(app_campaign, users):
    _load(app_campaign, users, *(cashless(f"E{i}") for i in range(1, 8)))
    _commit_and_draw(app_campaign, users)
    report = services.verify_draw(actor=users["viewer"], draw=Draw.objects.get())
    assert report.ok
    assert (
        report.lines()[0]
        == "ろうきんAPP（アップ）キャンペーン 2024年10月: 検証成功：抽選結果を再現できました。"
    )
    draw = Draw.objects.get()
    assert draw.last_verified_ok is True
    assert AuditEntry.objects.filter(action="lottery_verify", after__ok=True).exists()


def test_verify_detects_tampered_winners(app_campaign, users):
    _load(app_campaign, users, *(cashless(f"E{i}") for i in range(1, 8)))
    _commit_and_draw(app_campaign, users)
    draw = Draw.objects.get()
    loser = next(e for e in draw.eligible_ids if not draw.winners.filter(entrant_id=e).exists())
    DrawWinner.objects.filter(draw=draw, rank=1).update(entrant_id=loser)
    report = services.verify_draw(actor=users["viewer"], draw=draw)
    assert not report.ok
    assert report.lines()[0].endswith("検証失敗：抽選結果を再現できません。")


def test_verify_detects_a_tampered_eligible_list(app_campaign, users):
    _load(app_campaign, users, *(cashless(f"E{i}") for i in range(1, 8)))
    _commit_and_draw(app_campaign, users)
    Draw.objects.update(eligible_ids=["E1", "E2", "E3"])
    report = services.verify_draw(actor=users["viewer"], draw=Draw.objects.get())
    assert not report.ok
    assert [c.label for c in report.checks if not c.ok][0] == "抽選対象者一覧のSHA-256"


def test_verify_reports_entries_changed_behind_the_draw_without_failing(app_campaign, users):
    _load(app_campaign, users, *(cashless(f"E{i}") for i in range(1, 5)))
    _commit_and_draw(app_campaign, users)
    Entry.objects.filter(entrant_id="E4").delete()
    report = services.verify_draw(actor=users["viewer"], draw=Draw.objects.get())
    assert report.ok
    assert report.informational[0].detail == "抽選時と異なります（現在 3名・抽選時 4名）"


# --- purge -------------------------------------------------------------------------


@time_machine.travel(DURING_CAMPAIGN)
def test_purge_deletes_personal_data_after_retention_and_audits_the_count(app_campaign, users):
    row = EntryRow(
        2, "E1", OCT, cashless("E1").facts, name="山田", contact="yamada@example.invalid"
    )
    services.load_entries(actor=users["bank"], campaign=app_campaign, rows=[row])
    assert services.purge_personal_data(actor="cli", today=dt.date(2025, 7, 31)) == []
    lines = services.purge_personal_data(actor="cli", today=dt.date(2025, 8, 1))
    assert [(line.campaign.code, line.deleted) for line in lines] == [(app_campaign.code, 1)]
    assert not EntrantPersonalData.objects.exists()
    assert Entry.objects.count() == 1
    audit = AuditEntry.objects.get(action="purge_personal_data")
    assert audit.after["deleted"] == 1 and "山田" not in str(audit.after)


@time_machine.travel(DURING_CAMPAIGN)
def test_purge_dry_run_deletes_nothing(app_campaign, users):
    row = EntryRow(2, "E1", OCT, cashless("E1").facts, name="山田")
    services.load_entries(actor=users["bank"], campaign=app_campaign, rows=[row])
    assert (
        len(services.purge_personal_data(actor="cli", today=dt.date(2026, 1, 1), dry_run=True)) == 1
    )
    assert EntrantPersonalData.objects.count() == 1


# --- property: draws over several months through the services ------------------------

_campaign_numbers = itertools.count(1)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    months=st.lists(
        st.lists(
            st.tuples(st.integers(0, 14), st.booleans()), max_size=15, unique_by=lambda t: t[0]
        ),
        min_size=1,
        max_size=3,
    ),
    quota=st.integers(1, 5),
)
def test_service_draws_never_exceed_quota_nor_pick_ineligible_or_earlier_winners(
    users, months, quota
):
    campaign = services.save_campaign(
        actor=users["secretariat"],
        code=f"PROP{next(_campaign_numbers)}",
        name="p",
        starts_on=OCT,
        ends_on=dt.date(2024, 12, 31),
        conditions=APP_CONDITIONS,
        monthly_quota=quota,
    )
    won: set[str] = set()
    for month, people in zip((OCT, NOV, DEC), months, strict=False):
        entries = [
            cashless(f"P{n:02d}", month) if ok else not_charged(f"P{n:02d}", month)
            for n, ok in people
        ]
        if not entries:
            continue
        services.load_entries(actor=users["bank"], campaign=campaign, rows=rows(*entries))
        seed = f"property-seed-{campaign.code}-{month:%Y%m}"
        report = _commit_and_draw(campaign, users, month, seed)
        winners = {w.entrant_id for w in report.winners}
        eligible = {f"P{n:02d}" for n, ok in people if ok}
        assert len(winners) <= quota
        assert winners <= eligible
        assert not winners & won
        assert report.shortfall == quota - len(winners)
        assert len(winners) == min(quota, len(eligible - won))
        won |= winners
        assert services.verify_draw(actor=users["viewer"], draw=report.draw).ok
