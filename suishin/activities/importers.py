"""Import kind `sessions` (学習会): study-session records from a file.

Rows are matched on the session's natural key (開催日, 会員コード, テーマ,
学習会名). The rules are those of the web form (suishin.activities.rules):
a session lies in the past, has at least one participant, an in-person
session has one site, and a WEB session names (申請番号) an activity-expense
application of the same member approved before the session date.

Replacement: the file replaces, inside the importer's scope (the whole
council, or a branch committee's own members), the *imported* sessions of
the months it contains; sessions entered on the web form and sessions of a
held report (a 開催報告済み/支払済み application) are never removed by a file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from suishin.activities import rules
from suishin.activities.models import COMMITTED_STATES, Application, State, StudySession, Theme
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.jpformat import date_ja
from suishin.imports import parsers
from suishin.imports.registry import register
from suishin.imports.spec import Column, ImportSpec, Row, Table
from suishin.organisations.models import Member

FORMATS = {
    "対面": "onsite",
    "集合": "onsite",
    "onsite": "onsite",
    "in-person": "onsite",
    "WEB": "web",
    "ウェブ": "web",
    "オンライン": "web",
    "online": "web",
}
REPORTED = (State.HELD, State.PAID)


@register
class SessionSpec(ImportSpec):
    kind = "sessions"
    label = "学習会"
    description = (
        "学習会の開催記録。開催日・会員コード・テーマ・学習会名で照合します。WEB開催の学習会には、開催日より前に"
        "承認された職域活動費の申請番号が必要です。ファイルに含まれる月の（取込で登録した）学習会は、取り込む範囲の中で"
        "このファイルの内容に置き換わります。画面で登録した学習会と、職域活動費の開催報告による学習会は削除されません。"
    )
    columns = (
        Column(
            "held_on",
            "開催日",
            "date",
            parsers.date,
            required=True,
            aliases=("held_on",),
            help="2024-09-01、2024/9/1、令和6年9月1日など",
            example="2024-09-12",
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
            "theme",
            "テーマ",
            "theme",
            parsers.text(100),
            required=True,
            help="設定画面のテーマ名",
            example="可処分所得向上",
        ),
        Column(
            "participants",
            "参加者数",
            "participants",
            parsers.integer(min_value=1, max_value=100_000),
            required=True,
            example="25",
        ),
        Column(
            "format",
            "形式",
            "format",
            parsers.choice(FORMATS, "形式"),
            help="対面 または WEB（空欄は対面）",
            example="対面",
        ),
        Column(
            "sites",
            "接続拠点数",
            "sites",
            parsers.integer(min_value=1, max_value=10_000),
            help="WEB開催の接続拠点数（空欄は1）",
            example="1",
        ),
        Column(
            "application",
            "申請番号",
            "application",
            parsers.code(20),
            aliases=("application_number",),
            help="職域活動費の申請番号（WEB開催は必須）",
            example="",
        ),
        Column(
            "title",
            "学習会名",
            "title",
            parsers.text(200),
            help="同じ日・同じテーマの学習会を区別する名前",
            example="新人組合員学習会",
        ),
        Column("note", "備考", "note", parsers.text(2000), example=""),
    )
    key_columns = ("held_on", "member_code", "theme", "title")
    table = Table(
        StudySession,
        key=("member_id", "held_on", "theme_id", "title"),
        fields=("participants", "is_web", "sites", "application_id", "note"),
        provenance=True,
        shown=("participants", "is_web", "sites", "application_id"),
    )
    tables = (table,)
    branch_scoped = True
    sample = (
        {
            "held_on": "2024-09-12",
            "member_code": "K00001",
            "theme": "可処分所得向上",
            "participants": "25",
            "format": "対面",
            "sites": "",
            "application": "",
            "title": "",
            "note": "",
        },
        {
            "held_on": "2024-07-12",
            "member_code": "K00002",
            "theme": "新人説明会",
            "participants": "40",
            "format": "WEB",
            "sites": "3",
            "application": "2024-0001",
            "title": "新人組合員WEB学習会",
            "note": "",
        },
    )

    def prepare(self) -> None:
        self.today = timezone.localdate()
        self.members = {
            code: (pk, branch_id, name)
            for pk, code, branch_id, name in Member.objects.values_list(
                "pk", "code", "branch_id", "name"
            )
        }
        self.member_codes = {pk: code for code, (pk, _, _) in self.members.items()}
        self.themes = dict(Theme.objects.values_list("name", "pk"))
        self.theme_names = {pk: name for name, pk in self.themes.items()}
        self.applications = {
            a["number"]: a
            for a in Application.objects.values(
                "pk", "number", "member_id", "state", "approved_at", "is_web"
            )
        }
        self.numbers = {a["pk"]: number for number, a in self.applications.items()}
        # Sessions already linked to an application, and those a held report governs.
        self.linked = {
            row["application_id"]: (row["member_id"], row["held_on"], row["theme_id"], row["title"])
            for row in StudySession.objects.filter(application__isnull=False).values(
                "application_id", "member_id", "held_on", "theme_id", "title"
            )
        }
        self.governed = {
            (row["member_id"], row["held_on"], row["theme_id"], row["title"]): row
            for row in StudySession.objects.filter(application__state__in=REPORTED).values(
                "member_id",
                "held_on",
                "theme_id",
                "title",
                "participants",
                "is_web",
                "sites",
                "application_id",
            )
        }
        self.in_file: dict[int, int] = {}  # application pk → line
        self.months: set[dt.date] = set()

    def clean(self, row: Row) -> dict[str, Any] | None:
        member = self.members.get(row["member_code"])
        if member is None:
            row.error("member_code", f"会員コード「{row['member_code']}」は登録されていません。")
            return None
        member_id, branch_id, member_name = member
        own = self.context.branch
        if own is not None and branch_id != own.pk:
            row.error(
                "member_code",
                f"会員コード「{row['member_code']}」は貴店（店番{own.code}）の会員ではないため取り込めません。",
            )
            return None
        theme_id = self.themes.get(row["theme"])
        if theme_id is None:
            row.error(
                "theme",
                f"テーマ「{row['theme']}」は登録されていません（登録済み: {'、'.join(self.themes)}）。",
            )
            return None
        held_on: dt.date = row["held_on"]
        if held_on > self.today:
            row.error(
                "held_on",
                f"開催日 {date_ja(held_on)} は未来の日付です。学習会は開催後に登録してください。",
            )
            return None
        is_web = row.get("format", "onsite") == "web"
        sites = row.get("sites", 1)
        if not is_web and sites != 1:
            row.error("sites", f"対面の学習会の接続拠点数は1です（入力: {sites}）。")
            return None
        application_id = self._application(row, member_id, held_on, is_web)
        if application_id is False:
            return None
        title = row.get("title", "")
        key = (member_id, held_on, theme_id, title)
        values = {
            "held_on": held_on,
            "member_id": member_id,
            "theme_id": theme_id,
            "title": title,
            "participants": row["participants"],
            "is_web": is_web,
            "sites": sites,
            "application_id": application_id,
            "note": row.get("note", ""),
        }
        governed = self.governed.get(key)
        if governed is not None and any(
            governed[k] != values[k] for k in ("participants", "is_web", "sites", "application_id")
        ):
            number = self.numbers.get(governed["application_id"], "")
            row.error(
                "participants",
                f"職域活動費の申請 {number} の開催報告に基づく学習会です。参加者数・形式・申請番号は、申請の開催報告から変更してください"
                f"（登録済み: 参加者 {governed['participants']}名）。",
            )
            return None
        if application_id is not None and self.linked.get(application_id, key) != key:
            row.error(
                "application", f"申請 {row['application']} には既に別の学習会が登録されています。"
            )
            return None
        self.months.add(fiscal.month_start(held_on))
        return values

    def _application(
        self, row: Row, member_id: int, held_on: dt.date, is_web: bool
    ) -> int | None | bool:
        """The linked application's pk, None for none, False after an error."""
        number = row["application"]
        if number is None:
            if is_web:
                row.error(
                    "application",
                    f"WEB学習会には、開催日 {date_ja(held_on)} より前に承認された職域活動費の申請番号が必要です。",
                )
                return False
            return None
        app = self.applications.get(number)
        if app is None:
            row.error("application", f"申請番号「{number}」は登録されていません。")
            return False
        if app["member_id"] != member_id:
            row.error(
                "application",
                f"申請 {number} は会員コード「{row['member_code']}」の申請ではありません。",
            )
            return False
        if app["state"] not in COMMITTED_STATES:
            row.error(
                "application",
                f"申請 {number} は承認されていないため学習会に紐づけられません（状態: {State(app['state']).label}）。",
            )
            return False
        if app["is_web"] != is_web:
            row.error(
                "format",
                f"申請 {number} は{'WEB' if app['is_web'] else '対面'}開催の申請です。形式を合わせてください。",
            )
            return False
        approved_on = timezone.localdate(app["approved_at"]) if app["approved_at"] else None
        try:
            rules.check_web_prior_approval(is_web=is_web, held_on=held_on, approved_on=approved_on)
        except DomainError as exc:
            row.error("application", exc.message)
            return False
        first = self.in_file.get(app["pk"])
        if first is not None:
            row.error(
                "application",
                f"申請 {number} は 行 {first} でも使われています（1つの申請に学習会は1つです）。",
            )
            return False
        self.in_file[app["pk"]] = row.line
        return app["pk"]

    def replaced(self) -> list[tuple[Table, Q]]:
        if not self.months:
            return []
        q = Q()
        for month in sorted(self.months):
            q |= Q(held_on__gte=month, held_on__lte=fiscal.month_end(month))
        q &= Q(import_batch__isnull=False) & ~Q(application__state__in=REPORTED)
        if self.context.branch is not None:
            q &= Q(member__branch_id=self.context.branch.pk)
        return [(self.table, q)]

    def batch_fields(self) -> dict[str, Any]:
        return (
            {"period_first": min(self.months), "period_last": max(self.months)}
            if self.months
            else {}
        )

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        held_on = values.get("held_on")
        day = f"{held_on.year}年{held_on.month}月{held_on.day}日" if held_on else ""
        title = values.get("title") or ""
        return f"{day} {self.member_codes.get(values.get('member_id'), '')} {self.theme_names.get(values.get('theme_id'), '')} {title}".strip()

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        if attname == "is_web":
            return "WEB" if value else "対面"
        if attname == "application_id":
            return self.numbers.get(value, "") if value else ""
        return super().display_value(table, attname, value)
