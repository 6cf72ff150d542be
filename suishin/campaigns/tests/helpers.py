"""Test helpers: months, seeds and entry rows of the APP campaign."""

from __future__ import annotations

import datetime as dt

from suishin.campaigns.services import EntryRow
from suishin.kpis.models import Result, ScopeLevel

OCT = dt.date(2024, 10, 1)
NOV = dt.date(2024, 11, 1)
DEC = dt.date(2024, 12, 1)
SEED = "test-seed-for-october-0001"
SEED_NOV = "test-seed-for-november-0002"


def cashless(
    entrant: str, month: dt.date = OCT, *, survey: bool = True, line: int = 2, **extra
) -> EntryRow:
    """An entrant who meets 条件② (and the survey requirement unless survey=False)."""
    facts = {
        "survey_answered": survey,
        "linked_at_month_end": True,
        "cashless_registered": True,
        "charged_or_paid_in_window": True,
        **extra,
    }
    return EntryRow(line=line, entrant_id=entrant, month=month, facts=facts)


def not_charged(entrant: str, month: dt.date = OCT, line: int = 2) -> EntryRow:
    return cashless(entrant, month, line=line, charged_or_paid_in_window=False)


def rows(*items: EntryRow) -> list[EntryRow]:
    """Renumber lines as a file would (header = line 1)."""
    return [
        EntryRow(i, r.entrant_id, r.month, r.facts, r.name, r.contact)
        for i, r in enumerate(items, start=2)
    ]


def make_result(item, month, *, member=None, count=0, amount=0):
    level = ScopeLevel.MEMBER if member else ScopeLevel.COUNCIL
    return Result.objects.create(
        month=month,
        fiscal_year=month.year if month.month >= 4 else month.year - 1,
        item=item,
        level=level,
        scope_key=f"member:{member.code}" if member else "council",
        member=member,
        branch=member.branch if member else None,
        block=member.branch.block if member else None,
        count=count,
        amount=amount,
    )
