"""Import kind `self_targets` (会員自主目標): the unions' self-set targets from a file.

The file has one row per (年度, 会員コード, 項目コード) with the 自主目標 value.
The rules are those of the self-service form (suishin.selfservice.services):
the item must be in that year's catalog and take a self-target (not a total,
not computed from other records, not a count of members); a money item
(単位 円) stores the value as 目標金額, any other item as 目標件数; values are
whole numbers ≥ 0. Rows are stored as kpis.Target (種別 自主, member level),
the same rows the self-service page writes, with provenance.

Replacement: the file replaces, inside the importer's scope, the self-targets
of every (年度, 会員) it contains: a union's self-target of an item the file
no longer lists for that union and year is removed. Unions the file does not
mention keep theirs.

Who: the secretariat and the bank (Perm.IMPORT_ALL) for every member; a
branch committee (branch_scoped) for the members of its own branch only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from suishin.imports import parsers
from suishin.imports.registry import register
from suishin.imports.spec import Column, ImportSpec, Row, Table
from suishin.kpis.models import Aggregation, Item, ScopeLevel, Target, TargetKind, scope_key
from suishin.organisations.models import Member
from suishin.selfservice.services import MONEY_UNIT

KIND = "self_targets"


@register
class SelfTargetSpec(ImportSpec):
    kind = KIND
    label = "会員自主目標"
    description = (
        "会員（労働組合）ごと・推進項目ごとの自主目標。年度・会員コード・項目コードで照合します。"
        "単位が「円」の項目は目標金額、それ以外は目標件数として登録します。"
        "ファイルに含まれる会員と年度の自主目標は、このファイルの内容に置き換わります"
        "（ファイルにない項目の自主目標は削除されます。ファイルにない会員の自主目標は変わりません）。"
    )
    columns = (
        Column(
            "fiscal_year",
            "年度",
            "fiscal_year",
            parsers.fiscal_year,
            required=True,
            help="2024、2024年度、令和6年度など",
            example="2024",
        ),
        Column(
            "member_code",
            "会員コード",
            "member_code",
            parsers.code(20),
            required=True,
            example="K00001",
        ),
        Column(
            "item_code",
            "項目コード",
            "item_code",
            parsers.code(40),
            required=True,
            example="SVC_MAIN",
        ),
        Column(
            "value",
            "自主目標",
            "self_target",
            parsers.integer(max_value=10**15),
            required=True,
            aliases=("自主目標値", "value"),
            help="件数の項目は件数、単位が円の項目は金額（円）。0以上の整数。",
            example="120",
        ),
    )
    key_columns = ("fiscal_year", "member_code", "item_code")
    table = Table(
        Target,
        key=("item_id", "scope_key", "kind"),
        fields=(
            "fiscal_year",
            "level",
            "block_id",
            "branch_id",
            "member_id",
            "target_count",
            "target_amount",
        ),
        provenance=True,
        shown=("target_count", "target_amount"),
    )
    tables = (table,)
    branch_scoped = True
    sample = (
        {"fiscal_year": "2024", "member_code": "K00001", "item_code": "SVC_MAIN", "value": "120"},
        {"fiscal_year": "2024", "member_code": "K00001", "item_code": "SVC_LOAN", "value": "85"},
        {"fiscal_year": "2024", "member_code": "K00002", "item_code": "SVC_MAIN", "value": "40"},
    )

    def prepare(self) -> None:
        self.items: dict[tuple[int, str], tuple[int, str, str, str]] = {}
        parents = set(Item.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
        self.codes: dict[int, str] = {}
        for pk, code, year, name, unit, source, aggregation in Item.objects.values_list(
            "pk", "code", "fiscal_year", "name", "unit", "source", "aggregation"
        ):
            self.codes[pk] = code
            if pk in parents:
                why = "合計項目"
            elif source:
                why = f"集計元「{source}」から計算される項目"
            elif aggregation == Aggregation.DISTINCT_MEMBERS:
                why = "会員数を数える項目"
            else:
                why = ""
            self.items[(year, code)] = (pk, name, unit, why)
        self.members = {
            code: (pk, branch, block)
            for pk, code, branch, block in Member.objects.values_list(
                "pk", "code", "branch_id", "branch__block_id"
            )
        }
        self.covered: set[tuple[int, int]] = set()  # (fiscal year, member pk)

    def clean(self, row: Row) -> dict[str, Any] | None:
        year, member_code, item_code = row["fiscal_year"], row["member_code"], row["item_code"]
        member = self.members.get(member_code)
        if member is None:
            row.error("member_code", f"会員コード「{member_code}」は登録されていません。")
            return None
        member_id, branch_id, block_id = member
        own = self.context.branch
        if own is not None and branch_id != own.pk:
            row.error(
                "member_code",
                f"会員コード「{member_code}」は貴店（店番{own.code}）の会員ではないため取り込めません。",
            )
            return None
        item = self.items.get((year, item_code))
        if item is None:
            row.error(
                "item_code",
                f"項目コード「{item_code}」は{year}年度の推進項目に登録されていません。",
            )
            return None
        item_id, name, unit, why = item
        if why:
            row.error(
                "item_code",
                f"項目「{item_code}」（{name}）は{why}のため、自主目標は設定できません。",
            )
            return None
        self.covered.add((year, member_id))
        value = row["value"]
        money = unit == MONEY_UNIT
        return {
            "fiscal_year": year,
            "item_id": item_id,
            "kind": TargetKind.SELF,
            "level": ScopeLevel.MEMBER,
            "scope_key": scope_key(ScopeLevel.MEMBER, member_code),
            "block_id": block_id,
            "branch_id": branch_id,
            "member_id": member_id,
            "target_count": None if money else value,
            "target_amount": value if money else None,
        }

    def replaced(self) -> list[tuple[Table, Q]]:
        if not self.covered:
            return []
        by_year: dict[int, list[int]] = {}
        for year, member_id in self.covered:
            by_year.setdefault(year, []).append(member_id)
        q = Q()
        for year, member_ids in sorted(by_year.items()):
            q |= Q(fiscal_year=year, member_id__in=sorted(member_ids))
        q &= Q(kind=TargetKind.SELF, level=ScopeLevel.MEMBER)
        if self.context.branch is not None:
            q &= Q(branch_id=self.context.branch.pk)
        return [(self.table, q)]

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        member = values.get("scope_key", "").split(":", 1)[-1]
        code = self.codes.get(values.get("item_id"), "")
        return f"{values.get('fiscal_year')}年度 {member} {code}"
