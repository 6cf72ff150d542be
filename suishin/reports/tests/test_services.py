"""Saving a half's report definition."""

from __future__ import annotations

import pytest

from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.reports.definitions import BlockSpec, load_definition
from suishin.reports.models import BlockKind, ReportBlock, ReportDefinition
from suishin.reports.services import save_definition


def save(users, blocks, **kw):
    args = {"fiscal_year": 2024, "half": 1, "title": "{report.period_label}推進活動総括"}
    args.update(kw)
    return save_definition(actor=users["secretariat"], blocks=blocks, **args)


def test_it_saves_the_blocks_in_order_and_audits_before_and_after(seed_catalog, users):
    first = [BlockSpec(BlockKind.NARRATIVE, body="実績{SVC_TOTAL.count}件"), BlockSpec(BlockKind.GROUP_TABLE, group="NPO連携")]
    d = save(users, first)
    assert [(b.position, b.kind) for b in d.blocks.order_by("position")] == [(1, "narrative"), (2, "group_table")]
    second = [BlockSpec(BlockKind.GROUP_TABLE, group="NPO連携"), BlockSpec(BlockKind.PAGE_BREAK)]
    save(users, second)
    assert ReportDefinition.objects.count() == 1
    assert load_definition(2024, 1).blocks == second
    assert ReportBlock.objects.count() == 2
    create, update = AuditEntry.objects.filter(model="reports.ReportDefinition").order_by("id")
    assert create.action == "create" and create.before is None
    assert update.action == "update"
    assert [b["kind"] for b in update.before["blocks"]] == ["narrative", "group_table"]
    assert [b["kind"] for b in update.after["blocks"]] == ["group_table", "page_break"]


@pytest.mark.parametrize(
    ("block", "field", "message"),
    [
        (BlockSpec(BlockKind.NARRATIVE, body="{NOPE.count}"), "1.body", "2番目のブロック：差し込み「{NOPE.count}」の項目コード「NOPE」は2024年度の推進項目にありません。"),
        (BlockSpec(BlockKind.NARRATIVE, title="{SVC_MAIN.amount|man_yen}"), "1.title", "2番目のブロック：差し込み「{SVC_MAIN.amount|man_yen}」の書式「man_yen」は使えません（使える書式：num・raw・yen・sen・man・oku）。"),
        (BlockSpec(BlockKind.NARRATIVE), "1.body", "2番目のブロック：本文ブロックには見出しか本文を入力してください。"),
        (BlockSpec(BlockKind.GROUP_TABLE, group="存在しない区分"), "1.group", "2番目のブロック：区分「存在しない区分」は2024年度の推進項目にありません。"),
        (BlockSpec(BlockKind.SECTION, section_key=""), "1.section_key", "2番目のブロック：集計表を選んでください。"),
        (BlockSpec(BlockKind.CHART, chart="pie"), "1.chart", "2番目のブロック：グラフの種類を選んでください。"),
        (BlockSpec(BlockKind.CHART, chart="trend", item_code="NOPE"), "1.item_code", "2番目のブロック：項目コード「NOPE」は2024年度の推進項目にありません。"),
        (BlockSpec("poem", body="x"), "1.kind", "2番目のブロック：種類「poem」は選べません。"),
    ],
)
def test_it_rejects_blocks_that_cannot_render(seed_catalog, users, block, field, message):
    with pytest.raises(DomainError) as exc:
        save(users, [BlockSpec(BlockKind.PAGE_BREAK), block])
    assert (exc.value.field, exc.value.message) == (field, message)
    assert not ReportDefinition.objects.exists()


def test_a_section_of_an_app_not_installed_yet_is_accepted(seed_catalog, users):
    save(users, [BlockSpec(BlockKind.SECTION, section_key="block_trainings"), BlockSpec(BlockKind.NARRATIVE, body="{donations.donation_yen|sen}")])
    assert ReportBlock.objects.filter(section_key="block_trainings").exists()


def test_title_is_required_and_checked(seed_catalog, users):
    with pytest.raises(DomainError) as exc:
        save(users, [], title="  ")
    assert (exc.value.field, exc.value.message) == ("title", "表題を入力してください。")
    with pytest.raises(DomainError) as exc:
        save(users, [], title="{XX.count}")
    assert exc.value.message == "表題：差し込み「{XX.count}」の項目コード「XX」は2024年度の推進項目にありません。"
    with pytest.raises(DomainError) as exc:
        save(users, [], half=3)
    assert exc.value.message == "期は1（上期）か2（下期）で指定してください（指定 3）。"
