"""Import kind `refinancings` (借換実績): the bank's refinancing records.

The columns, parsers and row rules are those of `services.COLUMNS` and
`services.RowChecker`, the same ones `services.load_refinancings` applies, so
the web/CLI import and the direct service agree. Rows are matched on
(年月, 管理番号); a row without 管理番号 is numbered automatically per month
in file order. A file replaces every record of the months it contains
(records of those months that it does not contain are removed, and restored
by a rollback). Only the secretariat and bank staff import this kind.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from suishin.imports.registry import register
from suishin.imports.spec import Column, ImportSpec, Row, Table
from suishin.programmes import services
from suishin.programmes.models import LenderType, Refinancing


@register
class RefinancingSpec(ImportSpec):
    kind = "refinancings"
    label = "借換実績"
    description = (
        "可処分所得向上額の元になる借換の実績です。借換条件（旧残高・旧金利・旧残存期間・新金利・新期間）から"
        "向上額を計算します。ろうきんが算出した向上額だけの行も取り込めます。ファイルに含まれる月の実績は、"
        "このファイルの内容に置き換わります。"
    )
    columns = tuple(
        Column(c.key, c.header, c.alias, c.parser, required=c.required, help=c.help, example=c.example,
               aliases=c.aliases)
        for c in services.COLUMNS
    )
    key_columns = ("month", "reference")
    tables = (
        Table(
            Refinancing,
            key=("month", "reference"),
            fields=services.RECORD_FIELDS,
            provenance=True,
            shown=("member_id", "product", "previous_balance", "previous_rate_millipercent", "new_rate_millipercent",
                   "improvement_yen"),
        ),
    )
    sample = (
        {"month": "2024-06", "reference": "", "member_code": "K00001", "branch_code": "", "product": "マイプラン",
         "previous_lender_type": "消費者金融", "previous_balance": "500,000", "previous_rate": "18.0",
         "previous_months": "36", "new_rate": "5.0", "new_months": "60", "improvement_yen": "",
         "sumikitto_card_loan": "いいえ"},
        {"month": "2024-06", "reference": "", "member_code": "", "branch_code": "", "product": "住きっと！500",
         "previous_lender_type": "カードローン", "previous_balance": "", "previous_rate": "", "previous_months": "",
         "new_rate": "", "new_months": "", "improvement_yen": "152,400", "sumikitto_card_loan": "はい"},
    )

    def prepare(self) -> None:
        self.checker = services.RowChecker()
        self.months: set = set()
        self.member_codes: dict[int, str] = {}

    def clean(self, row: Row) -> dict[str, Any] | None:
        values, problems = self.checker.check(row.values)
        for key, message in problems:
            row.error(key, message)
        if values is None:
            return None
        self.months.add(values["month"])
        if values["member_id"] is not None:
            self.member_codes[values["member_id"]] = row["member_code"]
        return values

    def replaced(self) -> list[tuple[Table, Q]]:
        if not self.months:
            return []
        return [(self.tables[0], Q(month__in=sorted(self.months)))]

    def batch_fields(self) -> dict[str, Any]:
        if not self.months:
            return {}
        return {"period_first": min(self.months), "period_last": max(self.months)}

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        month = values.get("month")
        return f"{month:%Y-%m} {values.get('reference', '')}" if month else str(values.get("reference", ""))

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        if value is None:
            return ""
        if attname == "member_id":
            return self.member_codes.get(value, str(value))
        if attname.endswith("rate_millipercent"):
            from suishin.programmes.refinancing import format_rate

            return format_rate(value)
        if attname == "previous_lender_type":
            return dict(LenderType.choices).get(value, value)
        return super().display_value(table, attname, value)
