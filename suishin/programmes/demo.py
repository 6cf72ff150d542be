"""The programmes' demo data: yearly settings, refinancing records and each
branch committee's donation recipients, reproducing the seed:

* 可処分所得向上額 FY2024 上期 = 609,512,300円 → "6億9百万円", FY2023 上期 =
  362,140,500円 → 前年同期比 "+2億47百万円"; FY2024 target 10億円 (60.9%).
* FY2024 counts card-loan refinancing inside 住きっと！500; FY2023 does not
  (the FY2023 records flagged so are kept but not counted).

The records are generated deterministically (fixed seed) over the members in
the database at load time (sorted by code; no specific code is assumed), with
realistic terms: consumer finance 15–18% → ろうきん 3–8%, 信販 car loans
→ マイカーローン, other banks' housing loans → ろうきん住宅ローン, card loans
inside 住きっと！500. Each half ends with one council-level row whose
improvement the bank supplied, sized so the total is exact.

Idempotent: records go through `services.load_refinancings`, which matches
rows on (month, reference), so loading twice reports every row unchanged;
settings and recipients are written only when they differ.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from suishin.organisations.models import Branch, Member
from suishin.programmes import refinancing as calc
from suishin.programmes import services
from suishin.programmes.models import (
    DonationRecipient,
    ProgrammeYearSetting,
    RecipientChoice,
    RecipientKind,
)

# Counted improvement of each half (the seed's figures, to the yen).
TARGETS = {2024: 609_512_300, 2023: 362_140_500}
SETTINGS = {
    2024: {"include_sumikitto_card_loans": True, "disposable_target_yen": 1_000_000_000,
           "note": "「住きっと！500」に含まれるカードローン借換額を算出基準に追加（2024年度から）"},
    2023: {"include_sumikitto_card_loans": False, "disposable_target_yen": None, "note": ""},
}
SEED = 20241114
# The last row of each half (bank-supplied) absorbs the remainder: at least this much.
MIN_BALANCING_YEN = 400_000


def _actor():
    from suishin.accounts.models import Role, User

    return User.objects.filter(username="jimukyoku", role=Role.SECRETARIAT).first()


# --- settings -----------------------------------------------------------------------


def _settings(actor, log: Callable[[str], None]) -> None:
    for fy, wanted in SETTINGS.items():
        current = ProgrammeYearSetting.objects.filter(fiscal_year=fy).first()
        same = current is not None and all(getattr(current, k) == v for k, v in wanted.items())
        if not same:
            services.save_year_setting(actor=actor, fiscal_year=fy, **wanted)
    log(f"{'programmes':<16} 年度別設定 {len(SETTINGS)}年度")


# --- refinancing records ---------------------------------------------------------------

# (lender type label, product, old rate range %, new rate range %, balance range, old months, new months delta, weight)
PROFILES = [
    ("消費者金融", "マイプラン", (15.0, 18.0), (3.0, 8.0), (300_000, 2_000_000), (24, 84), (0, 24), 46),
    ("信販", "マイカーローン", (7.0, 12.0), (1.8, 3.5), (800_000, 3_000_000), (36, 84), (0, 12), 18),
    ("カードローン", "フリーローン", (12.0, 18.0), (4.0, 8.5), (300_000, 1_500_000), (24, 60), (0, 24), 12),
    ("他行", "住宅ローン借換", (1.2, 2.6), (0.6, 1.2), (8_000_000, 30_000_000), (180, 360), (0, 0), 5),
    ("その他", "教育ローン", (4.0, 9.0), (1.5, 3.5), (500_000, 3_000_000), (36, 120), (0, 24), 7),
]
SUMIKITTO = ("カードローン", "住きっと！500", (12.0, 18.0), (3.0, 5.5), (300_000, 1_500_000), (24, 60), (0, 24), 12)


def _rate(rng: random.Random, low: float, high: float) -> str:
    """A rate in steps of 0.025% between low and high, as percent text ('15.475')."""
    steps = round((high - low) / 0.025)
    millipercent = round(low * 1000) + 25 * rng.randint(0, steps)
    return f"{millipercent // 1000}.{millipercent % 1000:03d}".rstrip("0").rstrip(".")


def _row(rng: random.Random, profile, month: dt.date, member_code: str, sumikitto: bool) -> dict:
    lender, product, old_rate, new_rate, balance, old_months, extra, _ = profile
    bal = rng.randint(balance[0] // 10_000, balance[1] // 10_000) * 10_000
    n_old = rng.randint(*old_months)
    n_new = n_old + rng.randint(*extra) // 12 * 12
    return {
        "month": month, "member_code": member_code, "product": product, "previous_lender_type": lender,
        "previous_balance": bal, "previous_rate": _rate(rng, *old_rate), "previous_months": n_old,
        "new_rate": _rate(rng, *new_rate), "new_months": n_new, "sumikitto_card_loan": "はい" if sumikitto else "",
    }


def _improvement(row: dict) -> int:
    old = calc.LoanTerms(row["previous_balance"], calc.parse_rate(row["previous_rate"]), row["previous_months"])
    new = calc.LoanTerms(row["previous_balance"], calc.parse_rate(row["new_rate"]), row["new_months"])
    return calc.improvement(old, new)


def half_rows(fiscal_year: int, member_codes: list[str]) -> list[dict]:
    """The rows of FY `fiscal_year` 上期 whose counted improvements sum to TARGETS[fiscal_year]."""
    rng = random.Random(SEED + fiscal_year)
    months = [dt.date(fiscal_year, m, 1) for m in range(4, 10)]
    counts_sumikitto = SETTINGS[fiscal_year]["include_sumikitto_card_loans"]
    target = TARGETS[fiscal_year]
    profiles = [*PROFILES, SUMIKITTO]
    weights = [p[-1] for p in profiles]
    rows: list[dict] = []
    total = 0
    while True:
        profile = rng.choices(profiles, weights)[0]
        sumikitto = profile is SUMIKITTO
        row = _row(rng, profile, rng.choice(months), rng.choice(member_codes), sumikitto)
        gain = _improvement(row)
        if gain <= 0:
            continue  # the demo shows refinancings that help; the calculator shows the other case
        counted = gain if (counts_sumikitto or not sumikitto) else 0
        if total + counted > target - MIN_BALANCING_YEN:
            break
        rows.append(row)
        total += counted
    rows.sort(key=lambda r: r["month"])  # the file is in month order; references number per month
    rows.append({
        "month": months[-1], "member_code": "", "product": "住宅ローン借換（ろうきん算出分）",
        "previous_lender_type": "他行", "improvement_yen": target - total, "sumikitto_card_loan": "",
    })
    return rows


def _refinancings(actor, log: Callable[[str], None]) -> None:
    codes = list(Member.objects.filter(active=True).order_by("code").values_list("code", flat=True))
    if not codes:
        log(f"{'programmes':<16} 会員がないため借換実績は作成しません")
        return
    for fy in sorted(TARGETS):
        rows = half_rows(fy, codes)
        result = services.load_refinancings(rows=[(i + 2, r) for i, r in enumerate(rows)], actor=actor)
        log(f"{'programmes':<16} 借換実績 {fy}年度上期 {len(rows)}件: {result.summary_line()}")


# --- recipients -----------------------------------------------------------------------

BLOCK_AREA = {"石狩": "さっぽろ", "道央": "道央", "道南": "はこだて", "上川": "かみかわ", "道北": "道北", "道東": "ひがし北海道"}


def _place(branch: Branch) -> str:
    name = branch.name
    if name.startswith("本店"):
        return "札幌都心"
    for suffix in ("本店営業部", "支店", "出張所", "店"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _candidates(branch: Branch) -> list[tuple[str, str]]:
    place, area = _place(branch), BLOCK_AREA.get(branch.block.name, branch.block.name)
    return [
        (f"NPO法人 {place}こども食堂ネットワーク", RecipientKind.NPO),
        (f"{place}地区社会福祉協議会", RecipientKind.WELFARE),
        (f"NPO法人 フードバンク{area}", RecipientKind.NPO),
        (f"{place}ひとり親家庭サポートの会", RecipientKind.COMMUNITY),
        (f"社会福祉法人 {branch.block.name}こころの福祉会", RecipientKind.WELFARE),
    ]


def _recipients(actor, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    n = 0
    for branch in Branch.objects.select_related("block").order_by("code"):
        candidates = _candidates(branch)
        picks = rng.sample(candidates, rng.choice((1, 2, 2, 3)))
        weights = [rng.choice((1, 1, 2)) for _ in picks]
        for fy in (2023, 2024):
            for (name, kind), weight in zip(picks, weights, strict=True):
                recipient = DonationRecipient.objects.filter(name=name).first() or services.save_recipient(
                    actor=actor, name=name, kind=kind
                )
                current = RecipientChoice.objects.filter(fiscal_year=fy, branch=branch, recipient=recipient).first()
                if current is None or current.weight != weight:
                    services.add_recipient_choice(
                        actor=actor, fiscal_year=fy, branch=branch, recipient=recipient, weight=weight
                    )
                n += 1
    log(f"{'programmes':<16} 寄付先の選定 {n}件（2023・2024年度）")


def load(log: Callable[[str], None] = print) -> None:
    actor = _actor()
    _settings(actor, log)
    _refinancings(actor, log)
    _recipients(actor, log)
