"""`suishin programmes ...` prints the same figures the pages show."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from suishin.programmes import services

from .conftest import add_result


def run(*args) -> str:
    out = io.StringIO()
    call_command("programmes", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_calc_prints_the_worked_figures(db):
    out = run("calc", "--balance", "500000", "--old-rate", "18", "--old-months", "36", "--new-rate", "5",
              "--new-months", "60")
    assert out.splitlines() == [
        "借換前: 毎月 18,076円 × 36回 = 650,736円",
        "借換後: 毎月 9,436円 × 60回 = 566,160円",
        "可処分所得向上額: 84,576円（毎月の返済額の差 8,640円）",
    ]


def test_calc_rejects_bad_terms_with_the_rule(db):
    with pytest.raises(CommandError) as exc:
        run("calc", "--balance", "500000", "--old-rate", "25", "--old-months", "36", "--new-rate", "5",
            "--new-months", "0")
    assert str(exc.value) == "借換前の年利 25.0% は上限 20% を超えています。\n借換後の期間 0か月 は1か月以上でなければなりません。"


def test_summary_prints_the_seeds_sentences(org, users, catalog):
    services.save_year_setting(actor=None, fiscal_year=2024, include_sumikitto_card_loans=True,
                               disposable_target_yen=1_000_000_000)
    services.create_refinancing(actor=None, month=dt.date(2024, 5, 1), member=org.member_a, product="p",
                                bank_improvement_yen=609_500_000)
    add_result(catalog[2024]["ATM_USE"], dt.date(2024, 4, 1), count=5_762_365)
    out = run("summary", "--fiscal-year", "2024")
    assert "寄付見込額: 5,762千円（前年同期比+5,762千円）" in out
    assert "可処分所得向上額: 6億9百万円（前年同期比+6億9百万円）　1件　年間目標に対する進捗 60.9%" in out


def test_summary_rejects_an_unknown_scope(db):
    with pytest.raises(CommandError) as exc:
        run("summary", "--fiscal-year", "2024", "--scope", "ZZZ")
    assert str(exc.value) == "対象「ZZZ」は、ブロック名・店番・会員コードのいずれにも見つかりません。"


def test_donation_list_writes_csv_to_stdout(org, users, catalog):
    r = services.save_recipient(actor=None, name="フードバンク札幌", kind="npo")
    services.add_recipient_choice(actor=None, fiscal_year=2024, branch=org.branch_a, recipient=r)
    add_result(catalog[2024]["SVC_MAIN"], dt.date(2024, 4, 1), member=org.member_a, count=10)
    out = run("donation-list", "--fiscal-year", "2024")
    assert out.splitlines() == ["寄付先,種別,店番,店推進委員会,配分比率,寄付額（円）", "フードバンク札幌,NPO法人,101,札幌中央店,1,1000"]
