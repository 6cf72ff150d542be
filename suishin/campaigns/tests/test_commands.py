"""The lottery and purge commands: thin wrappers that print and exit non-zero on errors."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from suishin.campaigns import lottery, services
from suishin.campaigns.models import Draw, DrawStatus, DrawWinner, EntrantPersonalData
from suishin.campaigns.services import EntryRow
from suishin.campaigns.tests.helpers import OCT, SEED, cashless, rows
from suishin.core.models import AuditEntry


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def loaded(app_campaign, users):
    services.load_entries(
        actor=users["bank"],
        campaign=app_campaign,
        rows=rows(*(cashless(f"E{i}") for i in range(1, 9))),
    )
    return app_campaign


def test_commit_draw_verify_from_the_command_line(loaded):
    out, _ = run(
        "lottery", "commit", "--campaign", loaded.code, "--month", "2024-10", "--seed", SEED
    )
    assert f"コミットメント（SHA-256）: {lottery.commitment(SEED)}" in out
    out, _ = run(
        "lottery", "draw", "--campaign", loaded.code, "--month", "2024年10月", "--seed", SEED
    )
    winners = list(DrawWinner.objects.order_by("rank").values_list("entrant_id", flat=True))
    assert "当選枠: 3名 / 当選: 3名" in out
    assert f"   1 {winners[0]} 条件② えらべるPay 1,000円分" in out
    out, _ = run("lottery", "verify", "--campaign", loaded.code, "--month", "2024-10")
    assert "検証成功：抽選結果を再現できました。" in out
    assert "1件の抽選をすべて再現できました。" in out
    entry = AuditEntry.objects.get(action="lottery_draw")
    assert entry.actor is None and entry.actor_label.startswith("cli:lottery:")


def test_the_draw_command_refuses_a_wrong_seed(loaded):
    run("lottery", "commit", "--campaign", loaded.code, "--month", "2024-10", "--seed", SEED)
    with pytest.raises(CommandError, match="シードがコミットメントと一致しません。"):
        run(
            "lottery",
            "draw",
            "--campaign",
            loaded.code,
            "--month",
            "2024-10",
            "--seed",
            "wrong-seed-wrong-seed",
        )
    assert Draw.objects.get().status == DrawStatus.COMMITTED


def test_seed_from_a_file_and_a_generated_seed(loaded, tmp_path):
    out, err = run("lottery", "commit", "--campaign", loaded.code, "--month", "2024-10")
    seed = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("シード: "))
    assert "このシードは再表示できません" in err
    (tmp_path / "seed.txt").write_text(seed + "\n", encoding="utf-8")
    out, _ = run(
        "lottery",
        "draw",
        "--campaign",
        loaded.code,
        "--month",
        "2024-10",
        "--seed-file",
        str(tmp_path / "seed.txt"),
    )
    assert f"シード: {seed}" in out


def test_verify_fails_loudly_on_a_tampered_draw(loaded):
    run("lottery", "commit", "--campaign", loaded.code, "--month", "2024-10", "--seed", SEED)
    run("lottery", "draw", "--campaign", loaded.code, "--month", "2024-10", "--seed", SEED)
    DrawWinner.objects.filter(rank=1).update(entrant_id="E-FAKE")
    with pytest.raises(CommandError, match="1件の抽選を再現できませんでした。"):
        run("lottery", "verify")


def test_unknown_campaign_and_bad_month(loaded):
    with pytest.raises(
        CommandError, match="キャンペーンコード「NOPE」のキャンペーンはありません。"
    ):
        run("lottery", "commit", "--campaign", "NOPE", "--month", "2024-10", "--seed", SEED)
    with pytest.raises(
        CommandError, match="年月「10月」を読めません。2024-10 の形で入力してください。"
    ):
        run("lottery", "commit", "--campaign", loaded.code, "--month", "10月", "--seed", SEED)


def test_purge_command(app_campaign, users):
    with time_machine.travel(dt.datetime(2024, 11, 15, tzinfo=dt.UTC)):
        services.load_entries(
            actor=users["bank"],
            campaign=app_campaign,
            rows=[EntryRow(2, "E1", OCT, cashless("E1").facts, name="山田")],
        )
    out, _ = run("purge_campaign_personal_data", "--today", "2025-08-01", "--dry-run")
    assert "1名分の氏名・連絡先を削除対象です（--dry-run のため削除していません）" in out
    assert EntrantPersonalData.objects.count() == 1
    out, _ = run("purge_campaign_personal_data", "--today", "2025-08-01")
    assert (
        f"{app_campaign.code} ろうきんAPP（アップ）キャンペーン（保存期限 2025-07-31）: 1名分の氏名・連絡先を削除しました"
        in out
    )
    assert not EntrantPersonalData.objects.exists()
    out, _ = run("purge_campaign_personal_data", "--today", "2025-08-01")
    assert "削除する個人情報はありません。" in out
