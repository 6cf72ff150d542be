from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from suishin.activities.models import YearSetting


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_summary_prints_the_seed_sentences_and_json(make_application):
    make_application(state="paid", requested=12_300)
    text = _run("activities_summary", "--year", "2024", "--half", "1")
    assert (
        "(3) 取組みの結果、職域活動費の活用が浸透し、活用金額は 12,300円（前年同期比+12千円）となりました。"
        in text
    )
    data = json.loads(_run("activities_summary", "--year", "2024", "--json"))
    assert (data["sessions"], data["paid_yen"], data["amount_text"]) == (
        1,
        12_300,
        "12,300円（前年同期比+12千円）",
    )


def test_summary_rejects_an_unknown_scope(catalog):
    with pytest.raises(
        CommandError,
        match="対象「どこか」は、ブロック名・店番・会員コードのいずれにも見つかりません。",
    ):
        _run("activities_summary", "--year", "2024", "--scope", "どこか")


def test_budget_shows_and_sets_a_year(make_application):
    make_application(state="approved", requested=60_000)
    text = _run("activities_budget", "--year", "2024")
    assert "予算残額 29,940,000円" in text
    _run("activities_budget", "--year", "2025", "--set-budget", "25000000", "--cap", "1500")
    assert YearSetting.objects.get(fiscal_year=2025).cap_per_person_yen == 1_500
    with pytest.raises(
        CommandError,
        match="年度予算 10,000円 は2024年度の承認済み合計 60,000円 を下回るため設定できません。",
    ):
        _run("activities_budget", "--year", "2024", "--set-budget", "10000")
