"""Every list and report view runs a number of SQL queries that does not grow
with the number of rows (no N+1) — issue #12.

One world is built with the benchmark's data generator (bench/generate.py,
the import contract, loaded through the product's importers: blocks,
branches, members, items, targets, results, study sessions, so import
batches, their changes and the audit trail grow too), plus the records of
the apps that have no import kind (applications, refinancings, campaign
entries, meetings and their agendas, policies, schedules, movement reports,
donation choices), made with the ORM. Each page is requested at that size
and again after the world has grown to about three times as many rows;
the two query counts must be equal. Nothing here measures time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.generate import Shape, generate, load
from suishin.activities.models import Application, State, Theme
from suishin.campaigns.models import Campaign, Entry
from suishin.imports.models import ImportBatch
from suishin.kpis.models import Item
from suishin.meetings.models import (
    AgendaItem,
    AgendaSection,
    BlockSession,
    ItemKind,
    Meeting,
    PolicyNode,
    ScheduleEntry,
    SectionKind,
)
from suishin.meetings.models import Policy as MeetingPolicy
from suishin.organisations.models import Block, Branch, Member
from suishin.programmes.models import DonationRecipient, RecipientChoice, Refinancing
from suishin.selfservice.models import MovementKind, MovementReport

TODAY = dt.datetime(2024, 11, 14, 10, 0, tzinfo=dt.UTC)
FY = 2024
_serial = itertools.count(1)


def _world(tmp: Path, members: int, branches: int, seed: int) -> None:
    """Generate and import the files for `members` members (a superset of any
    smaller world: same codes, more of them; another seed gives other figures,
    so a results file replaces the previous one), then add the ORM-only records."""
    shape = Shape(
        members=members,
        branches=branches,
        blocks=2,
        items=10,
        years=2,
        density=0.15,
        targeted_items=4,
        seed=seed,
    )
    out = tmp / f"world-{members}-{seed}"
    generate(out, shape)
    load(out, applications=False)
    _extras(members // 4)


def _extras(k: int) -> None:
    """k more of every ORM-made record, spread over the members and branches."""
    now = timezone.now()
    members = list(Member.objects.select_related("branch__block").order_by("pk"))
    branches = list(Branch.objects.order_by("pk"))
    blocks = list(Block.objects.order_by("pk"))
    theme = Theme.objects.order_by("pk").first()
    campaign, _ = Campaign.objects.get_or_create(
        code="perf",
        defaults={
            "name": "性能キャンペーン",
            "starts_on": dt.date(2024, 4, 1),
            "ends_on": dt.date(2025, 3, 31),
        },
    )
    meeting = Meeting.objects.order_by("pk").first() or Meeting.objects.create(
        fiscal_year=FY, half=1, name="第1回推進会議", starts_at=TODAY
    )
    policy = MeetingPolicy.objects.filter(
        fiscal_year=FY, half=2
    ).first() or MeetingPolicy.objects.create(fiscal_year=FY, half=2)
    for j in range(k):
        # The first record of every batch goes to the first member (A0001, the
        # member officer's union) and its branch (101, the branch committee's),
        # so the signed-in users' own lists grow too.
        n = next(_serial)
        member = members[(j * 5) % len(members)]
        branch = member.branch if j % 2 == 0 else branches[j % len(branches)]
        state = [State.SUBMITTED, State.APPROVED, State.DRAFT][j % 3]
        Application.objects.create(
            number=f"P{FY}-{n:05d}",
            fiscal_year=FY,
            member=member,
            state=state,
            approved_yen=20_000 if state == State.APPROVED else None,
            approved_at=now if state == State.APPROVED else None,
            session_date=dt.date(2024, 12, 1 + n % 28),
            theme=theme,
            planned_participants=20,
            requested_yen=20_000,
            created_at=now,
            updated_at=now,
        )
        Refinancing.objects.create(
            month=dt.date(2024, 4 + n % 6, 1),
            reference=f"REF{n:05d}",
            fiscal_year=FY,
            member=member,
            branch=member.branch,
            block=member.branch.block,
            product="住宅ローン",
            bank_improvement_yen=10_000 * n,
            improvement_yen=10_000 * n,
        )
        for j in range(3):
            Entry.objects.create(
                campaign=campaign, entrant_id=f"E{n:05d}-{j}", month=dt.date(2024, 5, 1)
            )
        section = AgendaSection.objects.create(
            meeting=meeting, order=n, kind=SectionKind.REPORT, heading=f"報告{n}"
        )
        AgendaItem.objects.create(
            section=section, order=1, title=f"議題{n}", kind=ItemKind.ATTACHMENT
        )
        AgendaItem.objects.create(
            section=section, order=2, title=f"本文{n}", kind=ItemKind.TEXT, body="本文"
        )
        Meeting.objects.create(
            fiscal_year=FY,
            half=2,
            name=f"第{n + 1}回推進会議",
            starts_at=TODAY + dt.timedelta(days=n),
        )
        PolicyNode.objects.create(policy=policy, order=n, text=f"方針{n}")
        BlockSession.objects.create(
            fiscal_year=FY,
            block=blocks[n % len(blocks)],
            date=dt.date(2024, 6, 1) + dt.timedelta(days=n),
            city=f"市{n}",
        )
        ScheduleEntry.objects.create(
            fiscal_year=FY, starts_at=TODAY + dt.timedelta(days=n), name=f"会議{n}"
        )
        MovementReport.objects.create(
            member=member,
            fiscal_year=FY,
            kind=MovementKind.NEWSLETTER,
            reported_on=dt.date(2024, 7, 1),
            note=f"{n}",
        )
        recipient = DonationRecipient.objects.create(name=f"寄付先{n}")
        RecipientChoice.objects.create(fiscal_year=FY, branch=branch, recipient=recipient)


def _pages() -> list[tuple[str, str]]:
    """(label, url) of every list and report page, for objects that exist."""
    batch = ImportBatch.objects.filter(kind="results").order_by("-pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    policy = MeetingPolicy.objects.order_by("pk").first()
    block = Block.objects.order_by("pk").first()
    branch = Branch.objects.order_by("pk").first()
    member = Member.objects.order_by("pk").first()
    item = Item.objects.filter(fiscal_year=FY, code="I000").first()
    y = f"?fy={FY}&half=1"
    return [
        ("dashboard", reverse("home") + y),
        ("organisations:block_list", reverse("organisations:block_list")),
        ("organisations:branch_list", reverse("organisations:branch_list")),
        ("organisations:member_list", reverse("organisations:member_list")),
        ("organisations:block_detail", reverse("organisations:block_detail", args=[block.pk])),
        ("organisations:branch_detail", reverse("organisations:branch_detail", args=[branch.pk])),
        ("organisations:member_detail", reverse("organisations:member_detail", args=[member.pk])),
        ("kpis:item_list", reverse("kpis:item_list") + f"?fy={FY}"),
        ("kpis:target_list", reverse("kpis:target_list") + f"?fy={FY}"),
        ("imports:index", reverse("imports:index")),
        ("imports:history", reverse("imports:history")),
        ("imports:batch_detail", reverse("imports:batch_detail", args=[batch.pk])),
        ("reports:summary html", reverse("reports:summary") + y),
        ("reports:summary json", reverse("reports:summary") + y + "&format=json"),
        ("reports:trace", reverse("reports:trace") + y + f"&item={item.code}"),
        ("reports:chart", reverse("reports:chart") + y + "&n=0"),
        ("programmes:index", reverse("programmes:index") + y),
        ("programmes:loans", reverse("programmes:loans") + y),
        ("programmes:refinancing_list", reverse("programmes:refinancing_list") + y),
        ("programmes:donation_list", reverse("programmes:donation_list") + y),
        ("programmes:recipients", reverse("programmes:recipients") + f"?fy={FY}"),
        ("programmes:settings", reverse("programmes:settings")),
        ("activities:index", reverse("activities:index")),
        ("activities:application_list", reverse("activities:application_list") + f"?fy={FY}"),
        ("activities:queue", reverse("activities:queue")),
        ("activities:budget", reverse("activities:budget") + f"?fy={FY}"),
        ("activities:summary", reverse("activities:summary") + y),
        ("activities:session_list", reverse("activities:session_list") + f"?fy={FY}"),
        ("activities:settings", reverse("activities:settings")),
        ("campaigns:index", reverse("campaigns:index")),
        ("campaigns:detail", reverse("campaigns:detail", args=["perf"])),
        ("campaigns:entries", reverse("campaigns:entries", args=["perf"])),
        ("meetings:index", reverse("meetings:index") + f"?fy={FY}"),
        ("meetings:meeting_detail", reverse("meetings:meeting_detail", args=[meeting.pk])),
        ("meetings:policy_detail", reverse("meetings:policy_detail", args=[policy.pk])),
        ("meetings:fiscal_year_ics", reverse("meetings:fiscal_year_ics", args=[FY])),
        ("selfservice:index", reverse("selfservice:index")),
        ("selfservice:movement_list", reverse("selfservice:movement_list") + f"?fy={FY}"),
        ("audit", reverse("audit:index")),
    ]


def _count(client, pages) -> dict[str, tuple[int, int, list[str]]]:
    """{label: (status, number of queries, the queries)} for every page."""
    counts = {}
    with time_machine.travel(TODAY, tick=True):
        for label, url in pages:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            counts[label] = (
                response.status_code,
                len(ctx.captured_queries),
                [q["sql"] for q in ctx.captured_queries],
            )
    return counts


def _repeated(sqls: list[str]) -> str:
    """The statement shape repeated most often (numbers blanked): the N+1 suspect."""
    shapes = Counter(re.sub(r"\b\d+\b|'[^']*'", "?", sql)[:300] for sql in sqls)
    shape, n = shapes.most_common(1)[0]
    return f"{n}× {shape}"


@pytest.mark.slow
@pytest.mark.parametrize("role", ["secretariat", "branch", "member"])
def test_query_counts_do_not_grow_with_the_rows(role, client_for, tmp_path, settings):
    settings.SUISHIN_MAX_UPLOAD_BYTES = 300 << 20
    client = client_for(role)
    # Twice, so that the latest results file replaces an earlier one at both sizes.
    _world(tmp_path, members=12, branches=4, seed=7)
    _world(tmp_path, members=12, branches=4, seed=8)
    pages = _pages()
    small = _count(client, pages)
    rows_small = {
        m.__name__: m.objects.count() for m in (Member, Application, Entry, AgendaSection)
    }
    _world(tmp_path, members=36, branches=12, seed=9)
    # The same objects' pages (the import batch: the latest results file's,
    # now three times as long), with about three times the rows.
    large = _count(client, _pages())
    rows_large = {
        m.__name__: m.objects.count() for m in (Member, Application, Entry, AgendaSection)
    }
    assert all(rows_large[k] >= 2.4 * rows_small[k] for k in rows_small), (rows_small, rows_large)

    if role == "secretariat":
        broken = {label: status for label, (status, _, _) in small.items() if status != 200}
        assert not broken, f"pages that did not answer 200: {broken}"
    grew = {
        label: (small[label][1], large[label][1], _repeated(large[label][2]))
        for label in small
        if large[label][1] > small[label][1]
    }
    assert not grew, f"queries grew with the rows (small → 3×): {grew}"
