"""Import kinds of the item catalog, targets and results (docs/imports.md).

* items: one fiscal year's catalog rows, matched on (年度, 項目コード); a
  parent (親項目コード) must be in the same file or already in that year's
  catalog. Never deletes.
* targets: matched on (item, 対象, 種別). A file replaces, within the
  importer's scope, the targets of every (item, 種別) pair it contains.
* results: matched on (item, month, scope). A file replaces, within the
  importer's scope, the figures of every (item, month) pair it contains:
  rows of those pairs that the file no longer has are removed.

Figures keep where they came from: `import_batch` and `source_row`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from suishin.core import fiscal
from suishin.imports import parsers
from suishin.imports.registry import register
from suishin.imports.spec import Column, ImportSpec, Row, Table
from suishin.imports.writer import Staged, Writer
from suishin.kpis.models import Aggregation, Item, Result, ScopeLevel, Target, TargetKind, scope_key
from suishin.kpis.scope import COUNCIL_NAMES
from suishin.organisations.models import Block, Branch, Member

AGGREGATIONS = {
    "sum": Aggregation.SUM,
    "合計": Aggregation.SUM,
    "distinct_members": Aggregation.DISTINCT_MEMBERS,
    "会員数": Aggregation.DISTINCT_MEMBERS,
    "snapshot": Aggregation.SNAPSHOT,
    "時点残高": Aggregation.SNAPSHOT,
    "時点": Aggregation.SNAPSHOT,
    "cumulative": Aggregation.CUMULATIVE,
    "累計": Aggregation.CUMULATIVE,
}
TARGET_KINDS = {
    "配分": TargetKind.ALLOCATED,
    "allocated": TargetKind.ALLOCATED,
    "自主": TargetKind.SELF,
    "self": TargetKind.SELF,
    "self-set": TargetKind.SELF,
}
FISCAL_YEAR = Column(
    "fiscal_year", "年度", "fiscal_year", parsers.fiscal_year, required=True, example="2024"
)
ITEM_CODE = Column(
    "item_code", "項目コード", "item_code", parsers.code(40), required=True, example="SVC_MAIN"
)


@dataclass(frozen=True)
class _ItemInfo:
    pk: int
    code: str
    fiscal_year: int
    is_total: bool
    source: str


def _load_items() -> tuple[dict[tuple[int, str], _ItemInfo], dict[int, str]]:
    parents = set(Item.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    items = {}
    codes = {}
    for pk, code, year, source in Item.objects.values_list("pk", "code", "fiscal_year", "source"):
        items[(year, code)] = _ItemInfo(pk, code, year, pk in parents, source)
        codes[pk] = code
    return items, codes


def _unknown_item(row: Row, year: int, code: str) -> None:
    row.error("item_code", f"項目コード「{code}」は{year}年度の推進項目に登録されていません。")


@dataclass(frozen=True)
class _Org:
    """Preloaded organisation tree: codes → (pk, branch pk, block pk)."""

    blocks: dict[str, int]
    branches: dict[str, tuple[int, int]]  # 店番 → (branch pk, block pk)
    members: dict[
        str, tuple[int, int, int, str]
    ]  # 会員コード → (member pk, branch pk, block pk, 店番)

    @classmethod
    def load(cls) -> _Org:
        branches = {
            code: (pk, block)
            for pk, code, block in Branch.objects.values_list("pk", "code", "block_id")
        }
        branch_codes = {pk: code for code, (pk, _) in branches.items()}
        members = {
            code: (pk, branch, block, branch_codes[branch])
            for pk, code, branch, block in Member.objects.values_list(
                "pk", "code", "branch_id", "branch__block_id"
            )
        }
        return cls(
            blocks=dict(Block.objects.values_list("name", "pk")), branches=branches, members=members
        )

    def branch_hint(self, code: str) -> str:
        """'（「007」のことであれば…）' when a zero-padded 店番 matches a number cell."""
        if code.isdigit():
            for known in self.branches:
                if known.isdigit() and known != code and known.lstrip("0") == code.lstrip("0"):
                    return (
                        f"（「{known}」のことであれば、セルの書式を文字列にして入力してください）"
                    )
        return ""


# --- items -----------------------------------------------------------------


@register
class ItemSpec(ImportSpec):
    kind = "items"
    label = "推進項目"
    description = (
        "年度ごとの推進項目の一覧。年度と項目コードで照合します。合計項目は子項目の親項目コードに"
        "指定します（親は同じファイルか、その年度に登録済みの項目）。累計項目には累計起算日が必要です。"
    )
    columns = (
        FISCAL_YEAR,
        ITEM_CODE,
        Column(
            "name",
            "項目名",
            "item_name",
            parsers.text(200),
            required=True,
            example="メイン化（給振・年金・公振・クレジット）",
        ),
        Column("group", "区分", "group", parsers.text(100), example="預金・融資・各種サービス"),
        Column("unit", "単位", "unit", parsers.text(10), example="件"),
        Column(
            "aggregation",
            "集計方法",
            "aggregation",
            parsers.choice(AGGREGATIONS, "集計方法"),
            help="sum（合計）・distinct_members（会員数）・snapshot（時点残高）・cumulative（累計）。空欄は sum。",
            example="sum",
        ),
        Column(
            "donation_rate",
            "寄付単価",
            "donation_rate",
            parsers.integer(max_value=10_000_000),
            example="100",
        ),
        Column("parent_code", "親項目コード", "parent_code", parsers.code(40), example="SVC_TOTAL"),
        Column(
            "source",
            "集計元",
            "source",
            parsers.text(60),
            help="ほかの記録から計算する項目の集計元（例: activities.sessions）。",
        ),
        Column(
            "cumulative_since", "累計起算日", "cumulative_since", parsers.date, example="2017-10-01"
        ),
        Column(
            "sort_order",
            "表示順",
            "sort_order",
            parsers.integer(max_value=1_000_000),
            help="空欄ならファイルの行の順。",
        ),
        Column("description", "説明", "description", parsers.text(2000)),
    )
    key_columns = ("fiscal_year", "item_code")
    table = Table(
        Item,
        key=("fiscal_year", "code"),
        fields=(
            "name",
            "group",
            "unit",
            "aggregation",
            "cumulative_since",
            "donation_rate",
            "parent_id",
            "sort_order",
            "description",
            "source",
        ),
        shown=(
            "name",
            "group",
            "unit",
            "aggregation",
            "donation_rate",
            "parent_id",
            "cumulative_since",
            "source",
        ),
    )
    tables = (table,)
    chunk_size = None
    sample = (
        {
            "fiscal_year": "2024",
            "item_code": "SVC_TOTAL",
            "name": "合計",
            "group": "預金・融資・各種サービス",
            "unit": "件",
            "aggregation": "sum",
        },
        {
            "fiscal_year": "2024",
            "item_code": "SVC_MAIN",
            "name": "メイン化（給振・年金・公振・クレジット）",
            "group": "預金・融資・各種サービス",
            "unit": "件",
            "aggregation": "sum",
            "donation_rate": "100",
            "parent_code": "SVC_TOTAL",
        },
    )

    def prepare(self) -> None:
        self.existing = dict(
            ((year, code), pk)
            for pk, year, code in Item.objects.values_list("pk", "fiscal_year", "code")
        )
        self.codes = {pk: code for (_, code), pk in self.existing.items()}

    def clean(self, row: Row) -> dict[str, Any] | None:
        aggregation = row.get("aggregation", Aggregation.SUM)
        if aggregation == Aggregation.CUMULATIVE and row["cumulative_since"] is None:
            row.error(
                "cumulative_since",
                "集計方法が累計（cumulative）の項目には累計起算日を入力してください。",
            )
            return None
        if row["parent_code"] is not None and row["parent_code"] == row["item_code"]:
            row.error("parent_code", "親項目コードに自分自身は指定できません。")
            return None
        return {
            "fiscal_year": row["fiscal_year"],
            "code": row["item_code"],
            "name": row["name"],
            "group": row.get("group", ""),
            "unit": row.get("unit", ""),
            "aggregation": aggregation,
            "cumulative_since": row["cumulative_since"],
            "donation_rate": row["donation_rate"],
            "parent_id": None,
            "sort_order": row.get("sort_order", row.line - 1),
            "description": row.get("description", ""),
            "source": row.get("source", ""),
            "_parent_code": row["parent_code"],
        }

    def apply(self, rows: list[Staged], writer: Writer) -> None:
        """Parents before children: rows are written in levels (a row whose
        parent is in the file waits for it), so parent_id is always known."""
        in_file = {(r.values["fiscal_year"], r.values["code"]): r for r in rows}
        depth: dict[int, int] = {}
        for row in rows:
            level = self._depth(row, in_file)
            if level is not None:
                depth[row.line] = level
        written: dict[tuple[int, str], int] = {}
        for level in sorted(set(depth.values())):
            batch = []
            for row in rows:
                if depth.get(row.line) != level:
                    continue
                values = {k: v for k, v in row.values.items() if k != "_parent_code"}
                parent_code = row.values["_parent_code"]
                if parent_code is not None:
                    key = (values["fiscal_year"], parent_code)
                    values["parent_id"] = written.get(key) or self.existing.get(key)
                batch.append(Staged(row.line, values))
            for staged in writer.upsert(self.table, batch):
                written[(staged.values["fiscal_year"], staged.values["code"])] = staged.pk
                self.codes[staged.pk] = staged.values["code"]

    def _depth(self, row: Staged, in_file: dict[tuple[int, str], Staged]) -> int | None:
        """How many ancestors of `row` are in the file; None (reported) when
        the parent is nowhere or the parents form a cycle."""
        year = row.values["fiscal_year"]
        lines, current, level = {row.line}, row, 0
        while (parent_code := current.values["_parent_code"]) is not None:
            parent = in_file.get((year, parent_code))
            if parent is None:
                if (year, parent_code) in self.existing:
                    break
                if current is row:
                    self.reject(
                        row.line,
                        "parent_code",
                        f"親項目コード「{parent_code}」は{year}年度の推進項目にも、このファイルにもありません。",
                        parent_code,
                    )
                return None  # an ancestor's own row reports it
            if parent.line in lines:
                self.reject(
                    row.line,
                    "parent_code",
                    "親項目コードが循環しています。",
                    row.values["_parent_code"],
                )
                return None
            lines.add(parent.line)
            current, level = parent, level + 1
        return level

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        return (
            f"{values.get('fiscal_year')}年度 {values.get('code')} {values.get('name', '')}".strip()
        )

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        if attname == "parent_id":
            return self.codes.get(value, "") if value else ""
        if attname == "aggregation" and value:
            return Aggregation(value).label
        if attname == "donation_rate" and value is not None:
            return f"{value:,}円"
        return super().display_value(table, attname, value)


# --- targets ---------------------------------------------------------------


@register
class TargetSpec(ImportSpec):
    kind = "targets"
    label = "目標"
    description = (
        "年度・項目ごとの目標。対象は「全体」、ブロック名、店番、会員コードのいずれか。種別は配分（空欄）か自主。"
        "ファイルに含まれる項目と種別の目標は、取り込む範囲の中でこのファイルの内容に置き換わります"
        "（自主目標は、ファイルに含まれる会員の分だけが置き換わります）。"
    )
    columns = (
        FISCAL_YEAR,
        ITEM_CODE,
        Column(
            "scope",
            "対象",
            "scope",
            parsers.code(50),
            required=True,
            help="全体・ブロック名・店番・会員コード",
            example="全体",
        ),
        Column("target_count", "目標件数", "target_count", parsers.integer(), example="17,800"),
        Column("target_amount", "目標金額", "target_amount", parsers.integer(), example=""),
        Column(
            "kind",
            "種別",
            "kind",
            parsers.choice(TARGET_KINDS, "種別"),
            help="配分（allocated）または自主（self）。空欄は配分。",
            example="配分",
        ),
    )
    key_columns = ("fiscal_year", "item_code", "scope", "kind")
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
        {
            "fiscal_year": "2024",
            "item_code": "SVC_MAIN",
            "scope": "全体",
            "target_count": "17800",
            "kind": "配分",
        },
        {
            "fiscal_year": "2024",
            "item_code": "SVC_MAIN",
            "scope": "K00001",
            "target_count": "120",
            "kind": "自主",
        },
    )

    def prepare(self) -> None:
        self.items, self.codes = _load_items()
        self.org = _Org.load()
        self.pairs: set[tuple[int, str]] = set()
        self.self_members: set[int] = set()

    def clean(self, row: Row) -> dict[str, Any] | None:
        year, code = row["fiscal_year"], row["item_code"]
        item = self.items.get((year, code))
        if item is None:
            _unknown_item(row, year, code)
            return None
        if item.is_total:
            row.error("item_code", f"項目「{code}」は合計項目のため、目標は取り込めません。")
            return None
        if row["target_count"] is None and row["target_amount"] is None:
            row.error("target_count", "目標件数または目標金額を入力してください。")
            return None
        scope = self._scope(row)
        if scope is None:
            return None
        kind = row.get("kind", TargetKind.ALLOCATED)
        if kind == TargetKind.SELF:
            if scope["member_id"] is None:
                row.error(
                    "scope",
                    f"自主目標は会員ごとに設定します。対象「{row['scope']}」は会員ではありません。",
                )
                return None
            self.self_members.add(scope["member_id"])
        self.pairs.add((item.pk, kind))
        return {
            "fiscal_year": year,
            "item_id": item.pk,
            "kind": kind,
            "target_count": row["target_count"],
            "target_amount": row["target_amount"],
            **scope,
        }

    def _scope(self, row: Row) -> dict[str, Any] | None:
        text = row["scope"]
        org = self.org
        if text in COUNCIL_NAMES or text.casefold() == "council":
            scope = {
                "level": ScopeLevel.COUNCIL,
                "scope_key": scope_key(ScopeLevel.COUNCIL),
                "block_id": None,
                "branch_id": None,
                "member_id": None,
            }
        elif text in org.blocks:
            scope = {
                "level": ScopeLevel.BLOCK,
                "scope_key": scope_key(ScopeLevel.BLOCK, text),
                "block_id": org.blocks[text],
                "branch_id": None,
                "member_id": None,
            }
        elif text in org.branches:
            branch_id, block_id = org.branches[text]
            scope = {
                "level": ScopeLevel.BRANCH,
                "scope_key": scope_key(ScopeLevel.BRANCH, text),
                "block_id": block_id,
                "branch_id": branch_id,
                "member_id": None,
            }
        elif text in org.members:
            member_id, branch_id, block_id, _ = org.members[text]
            scope = {
                "level": ScopeLevel.MEMBER,
                "scope_key": scope_key(ScopeLevel.MEMBER, text),
                "block_id": block_id,
                "branch_id": branch_id,
                "member_id": member_id,
            }
        else:
            row.error(
                "scope",
                f"対象「{text}」は、ブロック名・店番・会員コードのいずれにも見つかりません。{org.branch_hint(text)}",
            )
            return None
        own = self.context.branch
        if own is not None:
            if scope["level"] != ScopeLevel.MEMBER:
                row.error(
                    "scope", f"店推進委員会は自店の会員の目標だけを取り込めます（対象「{text}」）。"
                )
                return None
            if scope["branch_id"] != own.pk:
                row.error(
                    "scope",
                    f"会員コード「{text}」は貴店（店番{own.code}）の会員ではないため取り込めません。",
                )
                return None
        return scope

    def replaced(self) -> list[tuple[Table, Q]]:
        if not self.pairs:
            return []
        by_kind: dict[str, list[int]] = defaultdict(list)
        for item_id, kind in self.pairs:
            by_kind[kind].append(item_id)
        q = Q()
        for kind, item_ids in by_kind.items():
            if kind == TargetKind.SELF:
                # Self-targets belong to each union: a file replaces those of
                # the members it names and never touches another union's.
                q |= Q(kind=kind, item_id__in=item_ids, member_id__in=sorted(self.self_members))
            else:
                q |= Q(kind=kind, item_id__in=item_ids)
        if self.context.branch is not None:
            q &= Q(level=ScopeLevel.MEMBER, branch_id=self.context.branch.pk)
        return [(self.table, q)]

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        code = self.codes.get(values.get("item_id"), "")
        scope = values.get("scope_key", "")
        shown = "全体" if scope == "council" else scope.split(":", 1)[-1]
        return (
            f"{values.get('fiscal_year')}年度 {code} {shown} {TargetKind(values.get('kind')).label}"
        )


# --- results ---------------------------------------------------------------


@register
class ResultSpec(ImportSpec):
    kind = "results"
    label = "実績"
    description = (
        "月ごとの実績。会員コードがあれば会員の実績、店番だけなら店の実績、どちらもなければ全体の実績です。"
        "ファイルに含まれる項目と年月の実績は、取り込む範囲の中でこのファイルの内容に置き換わります"
        "（ファイルにない会員・店の行は削除されます）。"
    )
    columns = (
        Column(
            "month",
            "年月",
            "month",
            parsers.month,
            required=True,
            help="2024-09、2024/9、2024年9月、令和6年9月など",
            example="2024-09",
        ),
        Column("member_code", "会員コード", "member_code", parsers.code(20), example="K00001"),
        Column("branch_code", "店番", "branch_code", parsers.code(10), example="007"),
        ITEM_CODE,
        Column(
            "count",
            "件数",
            "count",
            parsers.integer(allow_negative=True),
            help="▲・△ はマイナス",
            example="12",
        ),
        Column(
            "amount",
            "金額",
            "amount",
            parsers.integer(allow_negative=True),
            help="円単位",
            example="3,500,000",
        ),
    )
    key_columns = ("month", "member_code", "branch_code", "item_code")
    table = Table(
        Result,
        key=("item_id", "month", "scope_key"),
        fields=("fiscal_year", "level", "member_id", "branch_id", "block_id", "count", "amount"),
        provenance=True,
        shown=("count", "amount"),
    )
    tables = (table,)
    branch_scoped = True
    sample = (
        {
            "month": "2024-09",
            "member_code": "K00001",
            "branch_code": "007",
            "item_code": "SVC_MAIN",
            "count": "12",
            "amount": "",
        },
        {
            "month": "2024-09",
            "member_code": "",
            "branch_code": "007",
            "item_code": "ATM_USE",
            "count": "3,456",
            "amount": "",
        },
        {
            "month": "2024-09",
            "member_code": "",
            "branch_code": "",
            "item_code": "PENSION_ACCOUNTS",
            "count": "27,198",
            "amount": "",
        },
    )

    def prepare(self) -> None:
        self.items, self.codes = _load_items()
        self.years = {year for year, _ in self.items}
        self.org = _Org.load()
        self.pairs: set[tuple[int, dt.date]] = set()
        self.month_cache: dict[dt.date, int] = {}

    def clean(self, row: Row) -> dict[str, Any] | None:
        month = row["month"]
        year = self.month_cache.get(month)
        if year is None:
            year = self.month_cache[month] = fiscal.fiscal_year_of(month)
        if year not in self.years:
            row.error(
                "month",
                f"{month.year}年{month.month}月は、推進項目が登録されている年度に含まれません。",
            )
            return None
        code = row["item_code"]
        item = self.items.get((year, code))
        if item is None:
            _unknown_item(row, year, code)
            return None
        if item.is_total:
            row.error("item_code", f"項目「{code}」は合計項目のため、実績は取り込めません。")
            return None
        if item.source:
            row.error(
                "item_code",
                f"項目「{code}」は集計元「{item.source}」から計算される項目のため、実績は取り込めません。",
            )
            return None
        if row["count"] is None and row["amount"] is None:
            row.error("count", "件数または金額を入力してください。")
            return None
        scope = self._scope(row)
        if scope is None:
            return None
        self.pairs.add((item.pk, month))
        return {
            "month": month,
            "fiscal_year": year,
            "item_id": item.pk,
            "count": row.get("count", 0),
            "amount": row.get("amount", 0),
            **scope,
        }

    def _scope(self, row: Row) -> dict[str, Any] | None:
        org, own = self.org, self.context.branch
        member_code, branch_code = row["member_code"], row["branch_code"]
        if member_code is not None:
            found = org.members.get(member_code)
            if found is None:
                row.error("member_code", f"会員コード「{member_code}」は登録されていません。")
                return None
            member_id, branch_id, block_id, member_branch = found
            if branch_code is not None and branch_code != member_branch:
                row.error(
                    "branch_code",
                    f"会員コード「{member_code}」の店番は「{member_branch}」です（ファイルの店番は「{branch_code}」）。",
                )
                return None
            if own is not None and branch_id != own.pk:
                row.error(
                    "member_code",
                    f"会員コード「{member_code}」は貴店（店番{own.code}）の会員ではないため取り込めません。",
                )
                return None
            return {
                "level": ScopeLevel.MEMBER,
                "scope_key": scope_key(ScopeLevel.MEMBER, member_code),
                "member_id": member_id,
                "branch_id": branch_id,
                "block_id": block_id,
            }
        if own is not None:
            row.error(
                "member_code",
                "店推進委員会の取込では会員コードが必要です（貴店の会員の実績だけを取り込めます）。",
            )
            return None
        if branch_code is not None:
            found_branch = org.branches.get(branch_code)
            if found_branch is None:
                row.error(
                    "branch_code",
                    f"店番「{branch_code}」は登録されていません。{org.branch_hint(branch_code)}",
                )
                return None
            branch_id, block_id = found_branch
            return {
                "level": ScopeLevel.BRANCH,
                "scope_key": scope_key(ScopeLevel.BRANCH, branch_code),
                "member_id": None,
                "branch_id": branch_id,
                "block_id": block_id,
            }
        return {
            "level": ScopeLevel.COUNCIL,
            "scope_key": scope_key(ScopeLevel.COUNCIL),
            "member_id": None,
            "branch_id": None,
            "block_id": None,
        }

    def replaced(self) -> list[tuple[Table, Q]]:
        if not self.pairs:
            return []
        by_month: dict[dt.date, list[int]] = defaultdict(list)
        for item_id, month in self.pairs:
            by_month[month].append(item_id)
        q = Q()
        for month, item_ids in sorted(by_month.items()):
            q |= Q(month=month, item_id__in=sorted(item_ids))
        if self.context.branch is not None:
            q &= Q(level=ScopeLevel.MEMBER, branch_id=self.context.branch.pk)
        return [(self.table, q)]

    def batch_fields(self) -> dict[str, Any]:
        months = {m for _, m in self.pairs}
        return {"period_first": min(months), "period_last": max(months)} if months else {}

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        month = values.get("month")
        scope = values.get("scope_key", "")
        shown = "全体" if scope == "council" else scope.split(":", 1)[-1]
        month_text = f"{month.year}年{month.month}月" if month else ""
        return f"{month_text} {shown} {self.codes.get(values.get('item_id'), '')}"
