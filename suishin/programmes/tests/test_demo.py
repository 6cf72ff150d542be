"""The programmes demo step on the small test organisation (no demo files needed)."""

from __future__ import annotations

from suishin.core.models import AuditEntry
from suishin.kpis.scope import Scope
from suishin.programmes import demo, queries
from suishin.programmes.models import RecipientChoice, Refinancing


def test_the_demo_reproduces_the_seeds_disposable_income_and_is_idempotent(org):
    demo.load(log=lambda line: None)
    d = queries.disposable_income(2024, 1, Scope.council())
    assert (d.amount_yen, d.prev_amount_yen) == (609_512_300, 362_140_500)
    assert d.display == "6億9百万円（前年同期比+2億47百万円）"
    assert d.progress == "60.9%"
    # FY2023 has 住きっと！500 card loans on record that its rule does not count
    assert Refinancing.objects.filter(fiscal_year=2023, is_card_loan_in_sumikitto=True).exists()
    records, choices, audits = Refinancing.objects.count(), RecipientChoice.objects.count(), AuditEntry.objects.count()
    demo.load(log=lambda line: None)
    assert (Refinancing.objects.count(), RecipientChoice.objects.count(), AuditEntry.objects.count()) == (
        records, choices, audits,
    )


def test_demo_records_have_realistic_terms(org):
    rows = demo.half_rows(2024, ["A0001", "A0002", "B0001"])
    with_terms = [r for r in rows if "previous_rate" in r]
    assert all(demo._improvement(r) > 0 for r in with_terms)
    consumer = [r for r in with_terms if r["previous_lender_type"] == "消費者金融"]
    assert consumer and all(15.0 <= float(r["previous_rate"]) <= 18.0 for r in consumer)
    assert all(3.0 <= float(r["new_rate"]) <= 8.0 for r in consumer)
    assert rows[-1]["member_code"] == "" and rows[-1]["improvement_yen"] >= demo.MIN_BALANCING_YEN


def test_every_branch_committee_gets_recipients(org):
    demo.load(log=lambda line: None)
    for branch in (org.branch_a, org.branch_b):
        assert RecipientChoice.objects.filter(fiscal_year=2024, branch=branch).exists()
