"""Import kinds of the organisation tree: blocks, branches, members.

Master files add and update; they never delete (a block, branch or member
missing from a file stays: figures still refer to it). Only the secretariat
and bank staff import them. See docs/imports.md for the columns.
"""

from __future__ import annotations

from typing import Any

from suishin.core import fiscal
from suishin.imports import parsers
from suishin.imports.registry import register
from suishin.imports.spec import Column, ImportSpec, Row, Table
from suishin.imports.writer import Staged, Writer
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount

SORT_ORDER = Column(
    "sort_order",
    "表示順",
    "sort_order",
    parsers.integer(max_value=1_000_000),
    help="一覧の並び順。空欄ならファイルの行の順。",
)


@register
class BlockSpec(ImportSpec):
    kind = "blocks"
    label = "ブロック"
    description = (
        "ブロック名で照合し、ないブロックは追加します（ファイルにないブロックは削除しません）。"
    )
    columns = (
        Column(
            "name",
            "ブロック名",
            "block",
            parsers.text(50),
            required=True,
            aliases=("block_name",),
            example="石狩",
        ),
        SORT_ORDER,
    )
    key_columns = ("name",)
    tables = (Table(Block, key=("name",), fields=("sort_order",)),)
    chunk_size = None
    sample = ({"name": "石狩", "sort_order": "1"}, {"name": "道央", "sort_order": "2"})

    def clean(self, row: Row) -> dict[str, Any]:
        return {"name": row["name"], "sort_order": row.get("sort_order", row.line - 1)}


@register
class BranchSpec(ImportSpec):
    kind = "branches"
    label = "店・出張所"
    description = "店番で照合し、店名・ブロックを更新します。店番は文字として扱います（「007」は「7」と別です）。"
    columns = (
        Column("code", "店番", "branch_code", parsers.code(10), required=True, example="007"),
        Column(
            "name", "店名", "branch_name", parsers.text(100), required=True, example="札幌中央支店"
        ),
        Column(
            "block",
            "ブロック名",
            "block",
            parsers.text(50),
            required=True,
            aliases=("block_name",),
            example="石狩",
        ),
        SORT_ORDER,
    )
    key_columns = ("code",)
    tables = (Table(Branch, key=("code",), fields=("name", "block_id", "sort_order")),)
    chunk_size = None
    sample = ({"code": "007", "name": "札幌中央支店", "block": "石狩", "sort_order": ""},)

    def prepare(self) -> None:
        self.blocks = dict(Block.objects.values_list("name", "pk"))
        self.block_names = {pk: name for name, pk in self.blocks.items()}

    def clean(self, row: Row) -> dict[str, Any] | None:
        block_id = self.blocks.get(row["block"])
        if block_id is None:
            row.error(
                "block",
                f"ブロック「{row['block']}」は登録されていません（先にブロックを取り込んでください）。",
            )
            return None
        return {
            "code": row["code"],
            "name": row["name"],
            "block_id": block_id,
            "sort_order": row.get("sort_order", row.line - 1),
        }

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        return f"{values.get('code')} {values.get('name', '')}".strip()

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        if attname == "block_id":
            return self.block_names.get(value, "")
        return super().display_value(table, attname, value)


@register
class MemberSpec(ImportSpec):
    kind = "members"
    label = "会員"
    description = (
        "会員コードで照合し、会員名・産別・店を更新します。組合員数は年度ごとに記録します"
        "（年度が空欄なら今年度）。同じ会員を年度違いで複数行に書けます。"
    )
    columns = (
        Column(
            "code", "会員コード", "member_code", parsers.code(20), required=True, example="K00001"
        ),
        Column(
            "name",
            "会員名",
            "member_name",
            parsers.text(200),
            required=True,
            example="札幌市職員労働組合",
        ),
        Column("federation", "産別", "federation", parsers.text(100), example="自治労"),
        Column(
            "branch_code", "店番", "branch_code", parsers.code(10), required=True, example="007"
        ),
        Column("headcount", "組合員数", "headcount", parsers.integer(), example="1,200"),
        Column(
            "fiscal_year",
            "年度",
            "fiscal_year",
            parsers.fiscal_year,
            help="組合員数の年度。空欄なら今年度。",
            example="2024",
        ),
    )
    key_columns = ("code", "fiscal_year")
    member_table = Table(Member, key=("code",), fields=("name", "federation", "branch_id"))
    headcount_table = Table(
        MemberHeadcount, key=("member_id", "fiscal_year"), fields=("headcount",)
    )
    tables = (member_table, headcount_table)
    chunk_size = None
    sample = (
        {
            "code": "K00001",
            "name": "札幌市職員労働組合",
            "federation": "自治労",
            "branch_code": "007",
            "headcount": "1200",
            "fiscal_year": "2024",
        },
    )

    def prepare(self) -> None:
        self.branches = dict(Branch.objects.values_list("code", "pk"))
        self.branch_codes = {pk: code for code, pk in self.branches.items()}
        self.default_year = fiscal.current_fiscal_year()
        self.first_line: dict[str, tuple[int, tuple]] = {}
        self.seen_years: dict[tuple[str, int], int] = {}

    def clean(self, row: Row) -> dict[str, Any] | None:
        code = row["code"]
        branch_id = self.branches.get(row["branch_code"])
        if branch_id is None:
            row.error("branch_code", f"店番「{row['branch_code']}」は登録されていません。")
            return None
        year = row.get("fiscal_year", self.default_year)
        attrs = (row["name"], row.get("federation", ""), branch_id)
        first = self.first_line.get(code)
        if first is None:
            self.first_line[code] = (row.line, attrs)
        elif first[1] != attrs:
            row.error(
                "code", f"会員コード「{code}」の会員名・産別・店番が 行 {first[0]} と異なります。"
            )
            return None
        if (code, year) in self.seen_years:
            row.error(
                "code",
                f"会員コード・年度の組合せが 行 {self.seen_years[(code, year)]} と重複しています。",
            )
            return None
        self.seen_years[(code, year)] = row.line
        return {
            "code": code,
            "name": attrs[0],
            "federation": attrs[1],
            "branch_id": branch_id,
            "_headcount": row["headcount"],
            "_fiscal_year": year,
        }

    def apply(self, rows: list[Staged], writer: Writer) -> None:
        members = {}
        for row in rows:
            code = row.values["code"]
            if code not in members:
                members[code] = Staged(
                    row.line, {k: v for k, v in row.values.items() if not k.startswith("_")}
                )
        written = writer.upsert(self.member_table, list(members.values()))
        pks = {s.values["code"]: s.pk for s in written}
        headcounts = [
            Staged(
                row.line,
                {
                    "member_id": pks[row.values["code"]],
                    "fiscal_year": row.values["_fiscal_year"],
                    "headcount": row.values["_headcount"],
                },
            )
            for row in rows
            if row.values["_headcount"] is not None and row.values["code"] in pks
        ]
        writer.upsert(self.headcount_table, headcounts, primary=False)

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        if table.model is MemberHeadcount:
            return f"組合員数 {values.get('fiscal_year')}年度"
        return f"{values.get('code')} {values.get('name', '')}".strip()

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        if attname == "branch_id":
            return self.branch_codes.get(value, "")
        return super().display_value(table, attname, value)
