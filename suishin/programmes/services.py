"""Writes of the programmes app. Each runs in one transaction with an audit entry.

Refinancing records are written only here: `create_refinancing` (one record,
from the web form) and `load_refinancings` (a whole file's rows, called by the
`refinancings` import spec and directly by tests). Both compute
`improvement_yen` with `suishin.programmes.refinancing`, so the stored figure
is never typed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from suishin.core import audit, fiscal
from suishin.core.errors import DomainError
from suishin.imports import parsers
from suishin.organisations.models import Branch, Member
from suishin.programmes import refinancing as calc
from suishin.programmes.models import (
    DonationRecipient,
    LenderType,
    ProgrammeYearSetting,
    RecipientChoice,
    Refinancing,
)

# --- yearly settings -----------------------------------------------------------------


@transaction.atomic
def save_year_setting(
    *,
    actor: Any,
    fiscal_year: int,
    include_sumikitto_card_loans: bool,
    disposable_target_yen: int | None,
    note: str = "",
) -> ProgrammeYearSetting:
    if not 2000 <= fiscal_year <= 2100:
        raise DomainError(
            f"年度 {fiscal_year} は2000～2100の範囲で入力してください。", field="fiscal_year"
        )
    if disposable_target_yen is not None and disposable_target_yen < 0:
        raise DomainError(
            f"年間目標 {_yen(disposable_target_yen)} は0円以上で入力してください。",
            field="disposable_target_yen",
        )
    setting = (
        ProgrammeYearSetting.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
    )
    return audit.save_audited(
        setting or ProgrammeYearSetting(fiscal_year=fiscal_year),
        actor=actor,
        fields={
            "include_sumikitto_card_loans": include_sumikitto_card_loans,
            "disposable_target_yen": disposable_target_yen,
            "note": note.strip(),
        },
        before=audit.snapshot(setting) if setting else None,
    )


# --- recipients ------------------------------------------------------------------------


@transaction.atomic
def save_recipient(
    *,
    actor: Any,
    recipient: DonationRecipient | None = None,
    name: str,
    kind: str,
    address: str = "",
    active: bool = True,
) -> DonationRecipient:
    name = name.strip()
    if not name:
        raise DomainError("寄付先名を入力してください。", field="name")
    clash = DonationRecipient.objects.filter(name=name).exclude(pk=getattr(recipient, "pk", None))
    if clash.exists():
        raise DomainError(f"寄付先「{name}」は既に登録されています。", field="name")
    return audit.save_audited(
        recipient or DonationRecipient(),
        actor=actor,
        fields={"name": name, "kind": kind, "address": address.strip(), "active": active},
        clean=True,
    )


@transaction.atomic
def add_recipient_choice(
    *, actor: Any, fiscal_year: int, branch: Branch, recipient: DonationRecipient, weight: int = 1
) -> RecipientChoice:
    """A branch committee chooses a recipient for the year (or changes its weight)."""
    if weight <= 0:
        raise DomainError(f"配分比率 {weight} は1以上の整数で入力してください。", field="weight")
    if not recipient.active:
        raise DomainError(
            f"寄付先「{recipient.name}」は無効になっているため選べません。", field="recipient"
        )
    choice = (
        RecipientChoice.objects.select_for_update()
        .filter(fiscal_year=fiscal_year, branch=branch, recipient=recipient)
        .first()
    )
    return audit.save_audited(
        choice or RecipientChoice(fiscal_year=fiscal_year, branch=branch, recipient=recipient),
        actor=actor,
        fields={"weight": weight},
        before=audit.snapshot(choice) if choice else None,
    )


@transaction.atomic
def remove_recipient_choice(*, actor: Any, choice: RecipientChoice) -> None:
    audit.delete_audited(choice, actor=actor)


@transaction.atomic
def copy_recipient_choices(*, actor: Any, from_year: int, to_year: int) -> int:
    """Start a year with last year's choices (only for committees that have none yet).
    Returns the number of choices created."""
    if from_year == to_year:
        raise DomainError("コピー元とコピー先の年度が同じです。", field="from_year")
    already = set(
        RecipientChoice.objects.filter(fiscal_year=to_year).values_list("branch_id", flat=True)
    )
    source = RecipientChoice.objects.filter(fiscal_year=from_year, recipient__active=True).exclude(
        branch_id__in=already
    )
    created = RecipientChoice.objects.bulk_create(
        [
            RecipientChoice(
                fiscal_year=to_year,
                branch_id=c.branch_id,
                recipient_id=c.recipient_id,
                weight=c.weight,
            )
            for c in source
        ]
    )
    audit.record(
        actor=actor,
        action="copy",
        model="programmes.RecipientChoice",
        object_repr=f"{from_year}年度 → {to_year}年度",
        after={
            "created": len(created),
            "from_year": from_year,
            "to_year": to_year,
            "rows": [audit.snapshot(c) for c in created],
        },
    )
    return len(created)


# --- refinancing: one record ----------------------------------------------------------------

TERM_FIELDS = (
    "previous_balance",
    "previous_rate_millipercent",
    "previous_months",
    "new_rate_millipercent",
    "new_months",
)


@dataclass(frozen=True)
class Checked:
    """The figures a valid record stores."""

    computed_improvement_yen: int | None
    improvement_yen: int


def check_record(
    *,
    previous_balance: int | None,
    previous_rate_millipercent: int | None,
    previous_months: int | None,
    new_rate_millipercent: int | None,
    new_months: int | None,
    bank_improvement_yen: int | None,
) -> tuple[Checked | None, list[tuple[str, str]]]:
    """Validate one record's figures. Returns (figures, []) or (None, [(field, message), ...]).

    Rules: either all five terms or the bank's improvement (or both); each term
    within its range (refinancing.problems); when both are given, the bank's
    figure must agree with ours within one yen per instalment.
    """
    values = {
        "previous_balance": previous_balance,
        "previous_rate_millipercent": previous_rate_millipercent,
        "previous_months": previous_months,
        "new_rate_millipercent": new_rate_millipercent,
        "new_months": new_months,
    }
    given = [k for k, v in values.items() if v is not None]
    errors: list[tuple[str, str]] = []
    if not given:
        if bank_improvement_yen is None:
            errors.append(
                (
                    "bank_improvement_yen",
                    "借換条件（旧残高・旧金利・旧残存期間・新金利・新期間）か向上額のどちらかを入力してください。",
                )
            )
            return None, errors
        return Checked(None, bank_improvement_yen), []
    if len(given) < len(values):
        for k, v in values.items():
            if v is None:
                errors.append(
                    (k, f"{TERM_LABELS[k]}が空欄です。借換条件は5項目すべてを入力してください。")
                )
        return None, errors
    for key, message in (
        ("previous_balance", calc.check_balance(previous_balance)),
        ("previous_rate_millipercent", calc.check_rate(previous_rate_millipercent)),
        ("previous_months", calc.check_months(previous_months)),
        ("new_rate_millipercent", calc.check_rate(new_rate_millipercent)),
        ("new_months", calc.check_months(new_months)),
    ):
        if message:
            errors.append((key, message))
    if errors:
        return None, errors
    old = calc.LoanTerms(previous_balance, previous_rate_millipercent, previous_months)
    new = calc.LoanTerms(previous_balance, new_rate_millipercent, new_months)
    computed = calc.improvement(old, new)
    if bank_improvement_yen is not None and not calc.bank_figure_agrees(
        bank_improvement_yen, old, new
    ):
        errors.append(
            (
                "bank_improvement_yen",
                f"向上額 {_yen(bank_improvement_yen)} は借換条件からの計算値 {_yen(computed)} と一致しません"
                f"（許容差 ±{calc.bank_tolerance(old, new):,}円）。",
            )
        )
        return None, errors
    return Checked(computed, computed if bank_improvement_yen is None else bank_improvement_yen), []


def _yen(n: int) -> str:
    from suishin.core import jpformat

    return jpformat.yen(n)


TERM_LABELS = {
    "previous_balance": "旧残高",
    "previous_rate_millipercent": "旧金利",
    "previous_months": "旧残存期間",
    "new_rate_millipercent": "新金利",
    "new_months": "新期間",
    "bank_improvement_yen": "向上額",
}


def _snapshot_org(member: Member | None, branch: Branch | None) -> dict[str, Any]:
    if member is not None:
        return {"member": member, "branch_id": member.branch_id, "block_id": member.branch.block_id}
    if branch is not None:
        return {"member": None, "branch_id": branch.pk, "block_id": branch.block_id}
    return {"member": None, "branch_id": None, "block_id": None}


@transaction.atomic
def create_refinancing(
    *,
    actor: Any,
    month: dt.date,
    member: Member | None,
    product: str,
    previous_lender_type: str = LenderType.OTHER,
    previous_balance: int | None = None,
    previous_rate_millipercent: int | None = None,
    previous_months: int | None = None,
    new_rate_millipercent: int | None = None,
    new_months: int | None = None,
    bank_improvement_yen: int | None = None,
    is_card_loan_in_sumikitto: bool = False,
    branch: Branch | None = None,
) -> Refinancing:
    """Enter one refinancing record (member None and branch None = a council-level bank row)."""
    if not product.strip():
        raise DomainError("借換商品を入力してください。", field="product")
    if member is not None and branch is not None and member.branch_id != branch.pk:
        raise DomainError(
            f"会員コード「{member.code}」は店番「{branch.code}」の会員ではありません。",
            field="member",
        )
    checked, errors = check_record(
        previous_balance=previous_balance,
        previous_rate_millipercent=previous_rate_millipercent,
        previous_months=previous_months,
        new_rate_millipercent=new_rate_millipercent,
        new_months=new_months,
        bank_improvement_yen=bank_improvement_yen,
    )
    if errors:
        key, message = errors[0]
        raise DomainError(f"{TERM_LABELS.get(key, key)}: {message}", field=key)
    month = fiscal.month_start(month)
    record = Refinancing(
        month=month,
        reference=f"手入力-{uuid.uuid4().hex[:12]}",
        fiscal_year=fiscal.fiscal_year_of(month),
        product=product.strip(),
        previous_lender_type=previous_lender_type,
        previous_balance=previous_balance,
        previous_rate_millipercent=previous_rate_millipercent,
        previous_months=previous_months,
        new_rate_millipercent=new_rate_millipercent,
        new_months=new_months,
        bank_improvement_yen=bank_improvement_yen,
        computed_improvement_yen=checked.computed_improvement_yen,
        improvement_yen=checked.improvement_yen,
        is_card_loan_in_sumikitto=is_card_loan_in_sumikitto,
        **_snapshot_org(member, branch),
    )
    return audit.save_audited(record, actor=actor, before=None)


@transaction.atomic
def delete_refinancing(*, actor: Any, record: Refinancing) -> None:
    audit.delete_audited(record, actor=actor)


# --- refinancing: a whole file -----------------------------------------------------------------
#
# The `refinancings` file: one row per refinancing. Rows are matched on
# (年月, 管理番号); a row without 管理番号 gets an automatic one ("自動00001",
# numbered in file order within its month), so the same file always matches
# itself. A file replaces every record of the months it contains.


def _parse_signed_int(value: Any) -> int:
    return parsers.parse_int_value(value, allow_negative=True)


def _parse_rate(value: Any) -> int:
    try:
        return calc.parse_rate(parsers.display(value))
    except ValueError as exc:
        raise parsers.ParseError(str(exc)) from None


TRUE_WORDS = {"1", "true", "yes", "y", "はい", "○", "〇", "◯", "対象", "有"}
FALSE_WORDS = {"0", "false", "no", "n", "いいえ", "×", "対象外", "無", "-"}


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = parsers.nfkc(parsers.display(value)).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise parsers.ParseError(
        f"「{parsers.display(value)}」は はい／いいえ（1／0）で入力してください。"
    )


def _parse_lender_type(value: Any) -> str:
    text = parsers.nfkc(parsers.display(value))
    for key, label in LenderType.choices:
        if text in (key, label):
            return key
    labels = "・".join(label for _, label in LenderType.choices)
    raise parsers.ParseError(f"旧借入先種別「{text}」は {labels} のいずれかで入力してください。")


@dataclass(frozen=True)
class FileColumn:
    key: str
    header: str  # Japanese, as in row messages
    alias: str  # English
    parser: Any
    required: bool = False
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


# The columns of the `refinancings` kind (the import spec declares the same).
COLUMNS: list[FileColumn] = [
    FileColumn(
        "month",
        "年月",
        "month",
        parsers.month,
        True,
        "実行月（2024-09、2024年9月、令和6年9月）",
        "2024-06",
    ),
    FileColumn(
        "reference",
        "管理番号",
        "reference",
        parsers.code(40),
        False,
        "ろうきんの管理番号。空欄なら月ごとに自動で採番します。",
        "R2024-000123",
    ),
    FileColumn(
        "member_code",
        "会員コード",
        "member_code",
        parsers.code(20),
        False,
        "空欄なら全体（会員不明）の実績",
        "K00001",
    ),
    FileColumn(
        "branch_code",
        "店番",
        "branch_code",
        parsers.code(10),
        False,
        "会員がないときの店の実績",
        "007",
    ),
    FileColumn(
        "product", "借換商品", "product", parsers.text(100), True, "ろうきんの商品名", "マイプラン"
    ),
    FileColumn(
        "previous_lender_type",
        "旧借入先種別",
        "previous_lender_type",
        _parse_lender_type,
        False,
        "他行・消費者金融・信販・カードローン・奨学金・その他（空欄はその他）",
        "消費者金融",
    ),
    FileColumn(
        "previous_balance", "旧残高", "previous_balance", _parse_signed_int, False, "円", "500,000"
    ),
    FileColumn(
        "previous_rate", "旧金利", "previous_rate", _parse_rate, False, "年利%（0～20）", "18.0"
    ),
    FileColumn(
        "previous_months", "旧残存期間", "previous_months", _parse_signed_int, False, "か月", "36"
    ),
    FileColumn("new_rate", "新金利", "new_rate", _parse_rate, False, "年利%（0～20）", "5.0"),
    FileColumn("new_months", "新期間", "new_months", _parse_signed_int, False, "か月", "60"),
    FileColumn(
        "improvement_yen",
        "向上額",
        "improvement_yen",
        _parse_signed_int,
        False,
        "ろうきんが算出した可処分所得向上額（円）。借換条件の代わりに使えます。",
        "",
    ),
    FileColumn(
        "sumikitto_card_loan",
        "住きっと！500カードローン",
        "sumikitto_card_loan",
        _parse_flag,
        False,
        "住きっと！500に含まれるカードローンの借換なら「はい」",
        "いいえ",
        aliases=("住きっと500カードローン", "住きっとカードローン"),
    ),
]
HEADER = {c.key: c.header for c in COLUMNS}
# record attname → file column, for messages
FIELD_COLUMN = {
    "previous_balance": "previous_balance",
    "previous_rate_millipercent": "previous_rate",
    "previous_months": "previous_months",
    "new_rate_millipercent": "new_rate",
    "new_months": "new_months",
    "bank_improvement_yen": "improvement_yen",
}
# Compared to tell "unchanged" from "changed" (the key is month + reference).
RECORD_FIELDS = (
    "fiscal_year",
    "member_id",
    "branch_id",
    "block_id",
    "product",
    "previous_lender_type",
    "previous_balance",
    "previous_rate_millipercent",
    "previous_months",
    "new_rate_millipercent",
    "new_months",
    "bank_improvement_yen",
    "computed_improvement_yen",
    "improvement_yen",
    "is_card_loan_in_sumikitto",
)
AUTO_REFERENCE = "自動{:05d}"


class RowChecker:
    """The row rules of a refinancing file, with lookups loaded once (two queries).

    `check(values)` takes the parsed values of one row (column key → value,
    None when blank) and returns (record attnames, []) or (None, [(column key,
    message), ...]). Rows must be checked in file order (automatic references
    are numbered per month in that order).
    """

    def __init__(self) -> None:
        self.members = {
            code: (pk, branch_id, block_id)
            for code, pk, branch_id, block_id in Member.objects.values_list(
                "code", "pk", "branch_id", "branch__block_id"
            )
        }
        self.branches = {
            code: (pk, block_id)
            for code, pk, block_id in Branch.objects.values_list("code", "pk", "block_id")
        }
        self._auto: Counter = Counter()

    def check(
        self, values: Mapping[str, Any]
    ) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        month = values.get("month")
        member_code, branch_code = values.get("member_code"), values.get("branch_code")
        member = self.members.get(member_code) if member_code else None
        branch = self.branches.get(branch_code) if branch_code else None
        if member_code and member is None:
            problems.append(("member_code", f"会員コード「{member_code}」は登録されていません。"))
        if branch_code and branch is None:
            problems.append(("branch_code", f"店番「{branch_code}」は登録されていません。"))
        if member is not None and branch is not None and member[1] != branch[0]:
            problems.append(
                (
                    "branch_code",
                    f"会員コード「{member_code}」は店番「{branch_code}」の会員ではありません。",
                )
            )
        checked, errors = check_record(
            previous_balance=values.get("previous_balance"),
            previous_rate_millipercent=values.get("previous_rate"),
            previous_months=values.get("previous_months"),
            new_rate_millipercent=values.get("new_rate"),
            new_months=values.get("new_months"),
            bank_improvement_yen=values.get("improvement_yen"),
        )
        problems.extend((FIELD_COLUMN[key], message) for key, message in errors)
        if problems or month is None or not values.get("product"):
            return None, problems
        reference = values.get("reference")
        if not reference:
            self._auto[month] += 1
            reference = AUTO_REFERENCE.format(self._auto[month])
        if member is not None:
            member_id, branch_id, block_id = member
        elif branch is not None:
            member_id, (branch_id, block_id) = None, branch
        else:
            member_id = branch_id = block_id = None
        return {
            "month": month,
            "reference": reference,
            "fiscal_year": fiscal.fiscal_year_of(month),
            "member_id": member_id,
            "branch_id": branch_id,
            "block_id": block_id,
            "product": values["product"],
            "previous_lender_type": values.get("previous_lender_type") or LenderType.OTHER,
            "previous_balance": values.get("previous_balance"),
            "previous_rate_millipercent": values.get("previous_rate"),
            "previous_months": values.get("previous_months"),
            "new_rate_millipercent": values.get("new_rate"),
            "new_months": values.get("new_months"),
            "bank_improvement_yen": values.get("improvement_yen"),
            "computed_improvement_yen": checked.computed_improvement_yen,
            "improvement_yen": checked.improvement_yen,
            "is_card_loan_in_sumikitto": bool(values.get("sumikitto_card_loan")),
        }, []


@dataclass(frozen=True)
class RowProblem:
    """A rejected value: file line (header = 1), Japanese column header, value, message."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"行 {self.line} 列 {self.column}: {self.message}"


class RefinancingRowsRejected(DomainError):
    """The file has at least one bad row; nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:100])
        more = f"\n（ほか {len(problems) - 100}件）" if len(problems) > 100 else ""
        super().__init__(
            f"借換実績ファイルに {len(problems)}件の誤りがあります。\n{head}{more}", field="file"
        )


@dataclass
class LoadResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    months: list[dt.date] = field(default_factory=list)

    def summary_line(self) -> str:
        return f"追加 {self.added}行・変更 {self.changed}行・削除 {self.removed}行・変更なし {self.unchanged}行"


def parse_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """File rows ((line, {column key: raw value})) → record values (with `source_row`), or problems.

    Raw values are parsed with the import engine's parsers (the same ones the
    `refinancings` import spec declares); blank cells are None.
    """
    checker = RowChecker()
    records: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    for line, raw in rows:
        values: dict[str, Any] = {}
        row_problems: list[RowProblem] = []
        for col in COLUMNS:
            cell = raw.get(col.key)
            if parsers.is_blank(cell):
                values[col.key] = None
                if col.required:
                    row_problems.append(
                        RowProblem(line, col.header, "", f"{col.header}を入力してください。")
                    )
                continue
            try:
                values[col.key] = col.parser(cell)
            except parsers.ParseError as exc:
                values[col.key] = None
                row_problems.append(
                    RowProblem(line, col.header, parsers.display(cell), exc.message)
                )
        if not row_problems:
            record, errors = checker.check(values)
            for key, message in errors:
                row_problems.append(
                    RowProblem(line, HEADER[key], parsers.display(raw.get(key)), message)
                )
            if record is not None:
                records.append({**record, "source_row": line})
        problems.extend(row_problems)
    return records, problems


@transaction.atomic
def load_refinancings(
    *,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    actor: Any = None,
    batch: Any = None,
    dry_run: bool = False,
) -> LoadResult:
    """Load a whole refinancing file: all rows or nothing.

    Each row is (file line, {column key: value}) with the keys of COLUMNS.
    A bad row raises RefinancingRowsRejected with every problem (nothing
    written). Rows are matched on (month, reference): equal → unchanged,
    different → changed, new → added; records of the file's months that the
    file does not contain are removed (the bank sends a month whole).
    The web and CLI import of the `refinancings` kind (suishin.imports) applies
    the same rules through `importers.RefinancingSpec`; this function is the
    direct path (tests, the demo).
    """
    records, problems = parse_rows(rows)
    if problems:
        raise RefinancingRowsRejected(problems)
    keys = [(r["month"], r["reference"]) for r in records]
    duplicates = [
        RowProblem(
            r["source_row"],
            HEADER["reference"],
            r["reference"],
            f"年月・管理番号の組合せが 行 {first} と重複しています。",
        )
        for r, first in _duplicates(records)
    ]
    if duplicates:
        raise RefinancingRowsRejected(duplicates)
    months = sorted({m for m, _ in keys})
    existing = {
        (r.month, r.reference): r
        for r in Refinancing.objects.select_for_update().filter(month__in=months)
    }
    result = LoadResult(months=months)
    to_create, to_update = [], []
    for values in records:
        old = existing.pop((values["month"], values["reference"]), None)
        if old is None:
            result.added += 1
            to_create.append(Refinancing(**values, import_batch=batch))
        elif all(getattr(old, f) == values[f] for f in RECORD_FIELDS):
            result.unchanged += 1
        else:
            result.changed += 1
            for name, value in values.items():
                setattr(old, name, value)
            old.import_batch = batch
            to_update.append(old)
    result.removed = len(existing)
    if dry_run or not (result.added or result.changed or result.removed):
        return result
    Refinancing.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    Refinancing.objects.bulk_create(to_create, batch_size=5000)
    Refinancing.objects.bulk_update(
        to_update, [*RECORD_FIELDS, "source_row", "import_batch"], batch_size=2000
    )
    audit.record(
        actor=actor,
        action="import",
        model="programmes.Refinancing",
        object_pk=getattr(batch, "pk", "") or "",
        object_repr=f"借換実績 {len(records)}件（{', '.join(f'{m:%Y-%m}' for m in months)}）",
        after={
            "added": result.added,
            "changed": result.changed,
            "removed": result.removed,
            "unchanged": result.unchanged,
            "months": [m.isoformat() for m in months],
        },
    )
    return result


def _duplicates(records: list[dict[str, Any]]):
    first: dict[tuple, int] = {}
    for r in records:
        key = (r["month"], r["reference"])
        if key in first:
            yield r, first[key]
        else:
            first[key] = r["source_row"]
