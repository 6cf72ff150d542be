"""Import kind `campaign_entries`: the bank's file of campaign entrants (docs/campaigns.md).

One row = one entrant's facts for one month of one campaign. Matched on
(キャンペーン, 応募者ID, 年月). The file replaces, for every (campaign, month)
it contains, that month's entries: entrants missing from the file are removed.

Rules shared with `services.load_entries`:

* the campaign exists and has conditions; the month lies in the campaign;
* entrant ids are codes (NFKC), ≤ 64 characters, no control characters;
* only the facts the campaign's conditions mention are stored; a column
  such a fact needs must be in the file (else every entrant would silently
  fail the condition);
* a month that has been drawn cannot change (no added, changed or removed
  entry): its draw must stay reproducible from its entries;
* 氏名・連絡先 go to EntrantPersonalData (secretariat only), outside the
  import history and preview, and are not stored after the campaign's
  retention date. Rolling the batch back does not remove them; the purge
  command does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone

from suishin.campaigns import eligibility, services
from suishin.campaigns.models import Campaign, Draw, DrawStatus, EntrantPersonalData, Entry
from suishin.imports import parsers
from suishin.imports.models import ChangeAction
from suishin.imports.registry import register
from suishin.imports.spec import Column, ImportSpec, Row, Table
from suishin.imports.writer import Staged, Writer

YES_NO = {
    "はい": True,
    "いいえ": False,
    "あり": True,
    "なし": False,
    "有": True,
    "無": False,
    "済": True,
    "未": False,
    "○": True,
    "×": False,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
}
_TYPE_HELP = {"date": "日付", "bool": "はい・いいえ（あり・なし、1・0、○・× も可）", "int": "整数"}


def _fact_column(fact: eligibility.Fact) -> Column:
    if fact.type == "date":
        parser, example = parsers.date, "2024-10-03"
    elif fact.type == "bool":
        parser, example = parsers.choice(YES_NO, fact.label), "はい"
    else:
        parser, example = parsers.integer(), "1"
    return Column(
        fact.key,
        fact.label,
        fact.key,
        parser,
        aliases=fact.aliases,
        help=f"{_TYPE_HELP[fact.type]}。キャンペーンの応募条件が使う項目だけが保存されます。",
        example=example,
    )


ENTRY_TABLE = Table(
    Entry, key=("campaign_id", "entrant_id", "month"), fields=("facts",), provenance=True
)


@register
class CampaignEntrySpec(ImportSpec):
    kind = "campaign_entries"
    label = "キャンペーン応募者"
    description = (
        "ろうきんから届くキャンペーン応募者の月別ファイル。キャンペーンコード・応募者ID・年月で照合し、"
        "ファイルに含まれる月の応募者を置き換えます。抽選済みの月は変更できません。氏名・連絡先は事務局だけが"
        "閲覧でき、保存期限を過ぎると削除されます。"
    )
    columns = (
        Column(
            "campaign",
            "キャンペーンコード",
            "campaign",
            parsers.code(40),
            required=True,
            aliases=("キャンペーン",),
            example="APP2024",
        ),
        Column("month", "年月", "month", parsers.month, required=True, example="2024-10"),
        Column(
            "entrant_id",
            "応募者ID",
            "entrant_id",
            parsers.code(services.ENTRANT_ID_MAX),
            required=True,
            help="ろうきんが発行する応募者の番号（氏名ではありません）。",
            example="R2400001",
        ),
        *(_fact_column(f) for f in eligibility.FACTS.values()),
        Column("name", "氏名", "name", parsers.text(200), help="任意。事務局だけが閲覧できます。"),
        Column(
            "contact",
            "連絡先",
            "contact",
            parsers.text(300),
            help="任意。事務局だけが閲覧できます。",
        ),
    )
    key_columns = ("campaign", "entrant_id", "month")
    tables = (ENTRY_TABLE,)
    chunk_size = 2000
    sample = (
        {
            "campaign": "APP2024",
            "month": "2024-10",
            "entrant_id": "R2400001",
            "app_linked_on": "2024-10-03",
            "linked_at_month_end": "はい",
            "cashless_registered": "いいえ",
            "charged_or_paid_in_window": "いいえ",
            "survey_answered": "はい",
        },
        {
            "campaign": "APP2024",
            "month": "2024-10",
            "entrant_id": "R2400002",
            "app_linked_on": "2022-05-10",
            "linked_at_month_end": "はい",
            "cashless_registered": "はい",
            "charged_or_paid_in_window": "はい",
            "survey_answered": "はい",
        },
    )

    def prepare(self) -> None:
        self.campaigns = {c.code: c for c in Campaign.objects.all()}
        self.rules = {
            code: eligibility.parse_rules(c.conditions) for code, c in self.campaigns.items()
        }
        self.drawn = set(
            Draw.objects.filter(status=DrawStatus.DRAWN).values_list("campaign_id", "month")
        )
        self.months: dict[int, set[dt.date]] = defaultdict(set)
        self.pending_personal: dict[int, tuple[int, str, str, str]] = {}
        self.missing_reported: set[tuple[str, str]] = set()
        # Entrant ids the file lists for drawn months: a drawn month may not lose any.
        self.seen_in_drawn: dict[tuple[int, dt.date], set[str]] = defaultdict(set)

    def clean(self, row: Row) -> dict[str, Any] | None:
        code = row["campaign"]
        campaign = self.campaigns.get(code)
        if campaign is None:
            row.error(
                "campaign", f"キャンペーンコード「{code}」のキャンペーンは登録されていません。"
            )
            return None
        rules = self.rules[code]
        if rules.is_empty:
            row.error(
                "campaign",
                f"「{campaign.name}」には応募条件がないため、エントリーを取り込めません。",
            )
            return None
        if reason := services.month_problem(campaign, row["month"]):
            row.error("month", reason)
        if reason := services.entrant_id_problem(row["entrant_id"]):
            row.error("entrant_id", reason)
        for key in sorted(rules.facts_needed()):
            if key not in row.raw and (code, key) not in self.missing_reported:
                self.missing_reported.add((code, key))
                self.reject(
                    1,
                    key,
                    f"「{campaign.name}」の応募条件には列「{eligibility.FACTS[key].label}」（{key}）が必要です。",
                )
        if row.has_errors:
            return None
        self.months[campaign.pk].add(row["month"])
        if (campaign.pk, row["month"]) in self.drawn:
            self.seen_in_drawn[(campaign.pk, row["month"])].add(row["entrant_id"])
        if row["name"] or row["contact"]:
            self.pending_personal[row.line] = (
                campaign.pk,
                row["entrant_id"],
                row["name"] or "",
                row["contact"] or "",
            )
        return {
            "campaign_id": campaign.pk,
            "entrant_id": row["entrant_id"],
            "month": row["month"],
            "facts": services.stored_facts(rules, row.values),
        }

    def apply(self, rows: list[Staged], writer: Writer) -> None:
        written = writer.upsert(ENTRY_TABLE, rows)
        for item in written:
            key = (item.values["campaign_id"], item.values["month"])
            if key in self.drawn and item.status in (ChangeAction.ADDED, ChangeAction.CHANGED):
                self.reject(
                    item.line, "month", services.drawn_months_message([item.values["month"]])
                )
        self._write_personal([item.line for item in written])

    def _write_personal(self, lines: list[int]) -> None:
        """Upsert names/contacts of the written lines (first line per entrant wins)."""
        today = timezone.localdate()
        by_id = {c.pk: c for c in self.campaigns.values()}
        objs: dict[tuple[int, str], EntrantPersonalData] = {}
        for line in lines:
            found = self.pending_personal.pop(line, None)
            if found is None:
                continue
            campaign_id, entrant, name, contact = found
            campaign = by_id[campaign_id]
            if campaign.retention_until is not None and today > campaign.retention_until:
                continue
            objs.setdefault(
                (campaign_id, entrant),
                EntrantPersonalData(
                    campaign_id=campaign_id,
                    entrant_id=entrant,
                    name=name,
                    contact=contact,
                    updated_at=timezone.now(),
                ),
            )
        if objs:
            EntrantPersonalData.objects.bulk_create(
                list(objs.values()),
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["campaign", "entrant_id"],
                update_fields=["name", "contact", "updated_at"],
            )

    def replaced(self) -> list[tuple[Table, Q]]:
        q = Q(pk__in=[])
        for campaign_id, months in self.months.items():
            drawn = sorted(m for m in months if (campaign_id, m) in self.drawn)
            gone = 0
            for month in drawn:
                listed = self.seen_in_drawn[(campaign_id, month)]
                stored = Entry.objects.filter(campaign_id=campaign_id, month=month).values_list(
                    "entrant_id", flat=True
                )
                gone += sum(1 for entrant in stored.iterator() if entrant not in listed)
            if gone:
                self.reject(
                    0,
                    "month",
                    f"{services.drawn_months_message(drawn)}（ファイルにない応募者が {gone:,}名います）",
                )
            q |= Q(campaign_id=campaign_id, month__in=sorted(months))
        return [(ENTRY_TABLE, q)] if self.months else []

    def batch_fields(self) -> dict[str, Any]:
        codes = sorted(c.code for c in self.campaigns.values() if c.pk in self.months)
        months = [m for ms in self.months.values() for m in ms]
        return {
            "scope_key": ("campaign:" + ",".join(codes))[:200],
            "period_first": min(months) if months else None,
            "period_last": max(months) if months else None,
        }

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        code = next(
            (c.code for c in self.campaigns.values() if c.pk == values.get("campaign_id")), ""
        )
        month = values.get("month")
        return f"{code}・{values.get('entrant_id', '')}・{month:%Y-%m}" if month else code

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        if attname == "facts" and isinstance(value, dict):
            shown = []
            for key, v in value.items():
                fact = eligibility.FACTS.get(key)
                label = fact.label if fact else key
                shown.append(f"{label}：{'はい' if v is True else 'いいえ' if v is False else v}")
            return "、".join(shown)
        return super().display_value(table, attname, value)
