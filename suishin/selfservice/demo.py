"""Demo movement reports (会員自主目標推進運動) from suishin/demo/data/movement_reports.csv.

The demo catalog computes POLICY_MEMBERS, NEWSLETTER_MEMBERS,
COMMITTEE_MEMBERS and MOV_PUBLISH from these reports (providers
`selfservice.movement:<kind>`): FY2024 上期 103 / 84 / 491 / 187 members,
FY2023 上期 98 / 79 / 486 / 177. The file is written by the demo generator
(python -m suishin.demo.generate; docs/demo-data.md); each row is recorded
through `services.record_movement`, the service behind the web form, as the
system (actor None), so every report is audited like one typed on the page.
Loading twice changes nothing: a (member, kind, date) already reported is
skipped. The members' self-targets are not loaded here: they come from
self_targets.csv through the import kind `self_targets` (DEMO_FILES).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from suishin.core.errors import DomainError
from suishin.organisations.models import Member
from suishin.selfservice import services
from suishin.selfservice.models import MovementKind, MovementReport

FILE_NAME = "movement_reports.csv"
KINDS = {str(label): value for value, label in MovementKind.choices}


def _path() -> Path:
    from suishin.demo.loader import DATA_DIR

    return DATA_DIR / FILE_NAME


@transaction.atomic
def load(log: Callable[[str], None] = print, path: Path | None = None) -> None:
    path = path or _path()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    members = {m.code: m for m in Member.objects.select_related("branch")}
    existing = set(MovementReport.objects.values_list("member__code", "kind", "reported_on"))
    added = 0
    for line, row in enumerate(rows, start=2):
        code, label = row["会員コード"], row["報告の種類"]
        member, kind = members.get(code), KINDS.get(label)
        if member is None or kind is None:
            raise DomainError(
                f"{path.name} 行 {line}: 会員コード「{code}」または報告の種類「{label}」が不明です。"
            )
        day = dt.date.fromisoformat(row["実施日"])
        if (code, kind, day) in existing:
            continue
        services.record_movement(
            actor=None, member=member, kind=kind, reported_on=day, note=row["内容"]
        )
        existing.add((code, kind, day))
        added += 1
    log(f"運動報告: {added:,}件を登録しました（{path.name}、全 {len(rows):,}行）。")
