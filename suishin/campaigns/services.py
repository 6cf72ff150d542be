"""Writes for campaigns: definitions, entries, draws (commit → draw → verify), purge.

Every function takes keyword-only arguments, checks its rules, raises a
DomainError whose Japanese message names the field/row, the rule and the
numbers, writes in one transaction and leaves an audit entry.

The draw protocol (docs/campaigns.md):

1. `commit_draw` stores SHA-256(seed) with a timestamp; the seed stays secret.
2. `run_draw` takes the seed, refuses it unless its hash is the commitment,
   fixes the eligible list (excluding earlier winners of the campaign unless
   the campaign allows repeats), runs lottery.draw and stores inputs and
   winners. A drawn month never changes again, nor do its entries.
3. `verify_draw` re-runs the stored inputs and compares.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from suishin.campaigns import eligibility, lottery
from suishin.campaigns.models import (
    Campaign,
    Draw,
    DrawStatus,
    DrawWinner,
    EntrantPersonalData,
    Entry,
)
from suishin.core import audit, jpformat
from suishin.core.errors import DomainError
from suishin.core.fiscal import month_start

SEED_MIN_LENGTH = 16
ENTRANT_ID_MAX = 64
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
)


def _label(actor: Any) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return str(actor) if actor else "system"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_month(text: str, *, field_name: str = "month") -> dt.date:
    """'2024-10', '2024/10' or '2024年10月' → date(2024, 10, 1)."""
    value = (text or "").strip()
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(value)
        if m and 1 <= int(m.group(2)) <= 12:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
    raise DomainError(
        f"年月「{value}」を読めません。2024-10 の形で入力してください。", field=field_name
    )


def month_label(month: dt.date) -> str:
    return jpformat.month_ja(month)


def _period_label(campaign: Campaign) -> str:
    first, last = campaign.period.first, campaign.period.last
    return f"{month_label(first)}〜{month_label(last)}"


def _require_month_in_campaign(
    campaign: Campaign, month: dt.date, field_name: str = "month"
) -> None:
    if not campaign.month_in_campaign(month):
        raise DomainError(
            f"{month_label(month)}はキャンペーン期間（{_period_label(campaign)}）外です。",
            field=field_name,
        )


# --- campaign definitions ------------------------------------------------------


def _clean_courses(courses: Any) -> list[dict[str, str]]:
    out = []
    for i, course in enumerate(courses or [], start=1):
        if not isinstance(course, dict) or not str(course.get("name", "")).strip():
            raise DomainError(f"コース {i} 件目にコース名がありません。", field="courses")
        out.append(
            {
                "name": str(course["name"]).strip(),
                "products": str(course.get("products", "")).strip(),
            }
        )
    return out


def _clean_item_codes(codes: Sequence[str]) -> list[str]:
    from suishin.kpis.models import Item

    out: list[str] = []
    for code in codes or []:
        code = str(code).strip()
        if code and code not in out:
            out.append(code)
    known = set(Item.objects.filter(code__in=out).values_list("code", flat=True))
    missing = [c for c in out if c not in known]
    if missing:
        raise DomainError(
            f"実績項目コード「{'」「'.join(missing)}」は推進項目に登録されていません。",
            field="result_item_codes",
        )
    return out


@transaction.atomic
def save_campaign(
    *,
    actor: Any,
    campaign: Campaign | None = None,
    code: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    courses: Sequence[dict[str, str]] = (),
    result_item_codes: Sequence[str] = (),
    conditions: dict[str, Any] | None = None,
    monthly_quota: int | None = None,
    total_quota: int | None = None,
    allow_repeat_winners: bool = False,
    retention_until: dt.date | None = None,
    sort_order: int = 0,
) -> Campaign:
    """Create or update a campaign. Once a month is drawn, the rules of the draw
    (period, conditions, quotas, repeats, code) are frozen."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not code or not _CODE.match(code):
        raise DomainError(
            "キャンペーンコードは半角英数字・ハイフン・下線で入力してください（例：APP2024）。",
            field="code",
        )
    if Campaign.objects.filter(code=code).exclude(pk=getattr(campaign, "pk", None)).exists():
        raise DomainError(f"キャンペーンコード「{code}」は既に登録されています。", field="code")
    if not name:
        raise DomainError("キャンペーン名を入力してください。", field="name")
    if ends_on < starts_on:
        raise DomainError(
            f"終了日（{jpformat.date_ja(ends_on)}）が開始日（{jpformat.date_ja(starts_on)}）より前です。",
            field="ends_on",
        )
    rules = eligibility.parse_rules(conditions)
    if monthly_quota is not None and monthly_quota <= 0:
        raise DomainError(
            "毎月の当選者数は1以上で入力してください（抽選しないときは空欄）。",
            field="monthly_quota",
        )
    if total_quota is not None and not monthly_quota:
        raise DomainError(
            "当選者数の合計を入れるときは、毎月の当選者数も入力してください。", field="total_quota"
        )
    if total_quota is not None and monthly_quota and total_quota < monthly_quota:
        raise DomainError(
            f"当選者数の合計（{total_quota:,}名）が毎月の当選者数（{monthly_quota:,}名）より少なくなっています。",
            field="total_quota",
        )
    if monthly_quota and rules.is_empty:
        raise DomainError(
            "抽選を行うキャンペーンには応募条件を設定してください。", field="conditions"
        )
    if retention_until is None and not rules.is_empty:
        retention_until = ends_on + dt.timedelta(days=365)
    if retention_until is not None and retention_until < ends_on:
        raise DomainError(
            f"個人情報の保存期限（{jpformat.date_ja(retention_until)}）はキャンペーン終了日"
            f"（{jpformat.date_ja(ends_on)}）以降にしてください。",
            field="retention_until",
        )
    values = {
        "code": code,
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "description": (description or "").strip(),
        "courses": _clean_courses(courses),
        "result_item_codes": _clean_item_codes(result_item_codes),
        "conditions": conditions or {},
        "monthly_quota": monthly_quota,
        "total_quota": total_quota,
        "allow_repeat_winners": allow_repeat_winners,
        "retention_until": retention_until,
        "sort_order": sort_order,
    }
    is_new = campaign is None
    if is_new:
        campaign = Campaign()
        before = None
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = audit.snapshot(campaign)
        if campaign.draws.filter(status=DrawStatus.DRAWN).exists():
            frozen = {
                "code": "キャンペーンコード",
                "starts_on": "開始日",
                "ends_on": "終了日",
                "conditions": "応募条件",
                "monthly_quota": "毎月の当選者数",
                "total_quota": "当選者数の合計",
                "allow_repeat_winners": "複数回当選の扱い",
            }
            for key, label in frozen.items():
                if getattr(campaign, key) != values[key]:
                    raise DomainError(
                        f"抽選済みの月があるため、{label}は変更できません。", field=key
                    )
        # Entries outside a shortened period would silently drop out of every count.
        outside = campaign.entries.exclude(
            month__gte=month_start(starts_on), month__lte=month_start(ends_on)
        )
        if outside.exists():
            raise DomainError(
                "期間外になる月のエントリーがあるため、期間をその月より短くはできません。",
                field="starts_on",
            )
    return audit.save_audited(campaign, actor=actor, fields=values, before=before)


# --- entries ------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    """One parsed row of the bank's entry file. `line` is the file's row number."""

    line: int
    entrant_id: str
    month: dt.date
    facts: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    contact: str = ""


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}行目（{self.column}）：{self.message}"


@dataclass
class LoadResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    personal_data: int = 0
    months: list[dt.date] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged

    def summary_line(self) -> str:
        return (
            f"追加 {self.added:,}件・変更 {self.changed:,}件・変更なし {self.unchanged:,}件・"
            f"削除 {self.removed:,}件"
        )


def _fact_json(fact: eligibility.Fact, value: Any) -> Any:
    """A typed fact value → its JSON form (ISO date, bool, int); raises ValueError."""
    if value is None or value == "":
        return None
    if fact.type == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()
    if fact.type == "bool":
        if isinstance(value, bool):
            return value
        raise ValueError(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def entrant_id_problem(entrant_id: str) -> str | None:
    """The reason an entrant id is unusable, or None. Shared with the importer."""
    if not entrant_id:
        return "応募者IDがありません。"
    if len(entrant_id) > ENTRANT_ID_MAX or any(ord(c) < 32 or ord(c) == 127 for c in entrant_id):
        return f"応募者IDは{ENTRANT_ID_MAX}文字以内で、制御文字を含められません。"
    return None


def month_problem(campaign: Campaign, month: dt.date) -> str | None:
    """The reason a month cannot carry entries of `campaign`, or None. Shared with the importer."""
    if not campaign.month_in_campaign(month):
        return f"{month_label(month)}はキャンペーン期間（{_period_label(campaign)}）外です。"
    return None


NO_CONDITIONS = "このキャンペーンには応募条件がないため、エントリーを取り込めません。"


def drawn_months_message(months: Sequence[dt.date]) -> str:
    return f"{'・'.join(month_label(m) for m in sorted(months))}は抽選済みのため、エントリーを変更できません。"


def stored_facts(rules: eligibility.Rules, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts an entry keeps: those the conditions mention, as JSON values, absent ones left out."""
    out = {}
    for key in sorted(rules.facts_needed()):
        value = _fact_json(eligibility.FACTS[key], facts.get(key))
        if value is not None:
            out[key] = value
    return out


def validate_entries(campaign: Campaign, rows: Sequence[EntryRow]) -> list[RowProblem]:
    """Every problem of the rows, in row order (empty when they can be loaded).

    Rules: the campaign has conditions; entrant id present, at most 64
    characters, no control characters; month inside the campaign; each
    (entrant, month) once; fact values of the right type.
    """
    rules = eligibility.parse_rules(campaign.conditions)
    if rules.is_empty:
        return [RowProblem(0, "キャンペーン", NO_CONDITIONS)]
    problems: list[RowProblem] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for row in rows:
        entrant = row.entrant_id.strip()
        if reason := entrant_id_problem(entrant):
            problems.append(RowProblem(row.line, "応募者ID", reason))
        if reason := month_problem(campaign, row.month):
            problems.append(RowProblem(row.line, "年月", reason))
        key = (entrant, row.month)
        if entrant and key in seen:
            problems.append(
                RowProblem(
                    row.line,
                    "応募者ID",
                    f"応募者ID「{entrant}」の{month_label(row.month)}分が{seen[key]}行目と重複しています。",
                )
            )
        seen.setdefault(key, row.line)
        for key_name, value in row.facts.items():
            fact = eligibility.FACTS.get(key_name)
            if fact is None:
                continue
            try:
                _fact_json(fact, value)
            except (TypeError, ValueError):
                kind = {"date": "日付", "bool": "はい・いいえ", "int": "整数"}[fact.type]
                problems.append(
                    RowProblem(row.line, fact.label, f"「{value}」は{kind}として読めません。")
                )
    return problems


@transaction.atomic
def load_entries(
    *, actor: Any, campaign: Campaign, rows: Sequence[EntryRow], import_batch: Any = None
) -> LoadResult:
    """Replace the campaign's entries for the months present in `rows`.

    Idempotent: loading the same rows again changes nothing. Rows that
    disappear from a month are removed. A drawn month cannot change at all
    (its draw must stay reproducible from the entries). Only the facts the
    campaign's conditions mention are stored; name/contact go to
    EntrantPersonalData, and are not stored once the retention date has passed.
    """
    problems = validate_entries(campaign, rows)
    if problems:
        raise DomainError(str(problems[0]), field="rows")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    rules = eligibility.parse_rules(campaign.conditions)
    wanted: dict[tuple[str, dt.date], tuple[dict[str, Any], int]] = {}
    for row in rows:
        wanted[(row.entrant_id.strip(), row.month)] = (stored_facts(rules, row.facts), row.line)
    months = sorted({m for _, m in wanted})
    existing = {
        (e.entrant_id, e.month): e
        for e in Entry.objects.filter(campaign=campaign, month__in=months)
    }
    result = LoadResult(months=months)
    to_create, to_update = [], []
    for key, (facts, line) in wanted.items():
        entry = existing.get(key)
        if entry is None:
            to_create.append(
                Entry(
                    campaign=campaign,
                    entrant_id=key[0],
                    month=key[1],
                    facts=facts,
                    import_batch=import_batch,
                    source_row=line,
                )
            )
        elif entry.facts != facts:
            entry.facts, entry.import_batch, entry.source_row = facts, import_batch, line
            entry.updated_at = timezone.now()  # bulk_update does not apply auto_now
            to_update.append(entry)
        else:
            result.unchanged += 1
    stale = [e for key, e in existing.items() if key not in wanted]
    touched = {e.month for e in to_create} | {e.month for e in to_update} | {e.month for e in stale}
    drawn = sorted(
        Draw.objects.filter(
            campaign=campaign, month__in=touched, status=DrawStatus.DRAWN
        ).values_list("month", flat=True)
    )
    if drawn:
        raise DomainError(drawn_months_message(drawn), field="rows")
    Entry.objects.bulk_create(to_create, batch_size=1000)
    Entry.objects.bulk_update(
        to_update, ["facts", "import_batch", "source_row", "updated_at"], batch_size=1000
    )
    Entry.objects.filter(pk__in=[e.pk for e in stale]).delete()
    result.added, result.changed, result.removed = len(to_create), len(to_update), len(stale)
    result.personal_data = _store_personal_data(campaign, rows)
    audit.record(
        actor=actor,
        action="load_entries",
        obj=campaign,
        after={
            "months": [m.isoformat() for m in months],
            "added": result.added,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "removed": result.removed,
            "personal_data": result.personal_data,
            "import_batch": getattr(import_batch, "pk", None),
        },
    )
    return result


def retention_passed(campaign: Campaign) -> bool:
    """True once personal data of the campaign may no longer be kept (nor stored)."""
    return campaign.retention_until is not None and timezone.localdate() > campaign.retention_until


def _store_personal_data(campaign: Campaign, rows: Sequence[EntryRow]) -> int:
    """Upsert name/contact per entrant; nothing once the retention date has passed."""
    if retention_passed(campaign):
        return 0
    latest: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row.name.strip() or row.contact.strip():
            latest[row.entrant_id.strip()] = (row.name.strip()[:200], row.contact.strip()[:300])
    if not latest:
        return 0
    existing = {
        p.entrant_id: p
        for p in EntrantPersonalData.objects.filter(campaign=campaign, entrant_id__in=latest)
    }
    create, update = [], []
    for entrant, (name, contact) in latest.items():
        row = existing.get(entrant)
        if row is None:
            create.append(
                EntrantPersonalData(
                    campaign=campaign, entrant_id=entrant, name=name, contact=contact
                )
            )
        elif (row.name, row.contact) != (name, contact):
            row.name, row.contact, row.updated_at = name, contact, timezone.now()
            update.append(row)
    EntrantPersonalData.objects.bulk_create(create, batch_size=1000)
    EntrantPersonalData.objects.bulk_update(
        update, ["name", "contact", "updated_at"], batch_size=1000
    )
    return len(create) + len(update)


# --- draws ------------------------------------------------------------------------


def _require_draws(campaign: Campaign) -> None:
    if not campaign.draws_prizes:
        raise DomainError(
            f"「{campaign.name}」は抽選を行うキャンペーンではありません（毎月の当選者数が未設定）。"
        )


@dataclass(frozen=True)
class CommitResult:
    draw: Draw
    seed: str | None  # set only when the system generated the seed: show it once, store it nowhere


@transaction.atomic
def commit_draw(
    *,
    actor: Any,
    campaign: Campaign,
    month: dt.date,
    seed: str | None = None,
    commitment: str | None = None,
) -> CommitResult:
    """Record SHA-256(seed) for a month before its draw.

    Give the seed (its hash is stored, not the seed), or only the commitment
    (the seed never touches the system before the draw), or neither (a
    256-bit seed is generated and returned once). A month is committed once.
    """
    _require_draws(campaign)
    _require_month_in_campaign(campaign, month)
    if seed and commitment:
        raise DomainError(
            "シードとコミットメントはどちらか一方だけを入力してください。", field="seed"
        )
    generated = None
    if commitment:
        commitment = commitment.strip().lower()
        if not _HEX64.match(commitment):
            raise DomainError(
                "コミットメントはSHA-256の16進数64文字で入力してください。", field="commitment"
            )
    else:
        if seed is None or seed == "":
            seed = generated = secrets.token_hex(32)
        _check_seed_strength(seed)
        commitment = lottery.commitment(seed)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    existing = Draw.objects.filter(campaign=campaign, month=month).first()
    if existing is not None:
        raise DomainError(
            f"{month_label(month)}の抽選のコミットメントは既に登録されています"
            f"（{timezone.localtime(existing.committed_at):%Y-%m-%d %H:%M}）。",
            field="month",
        )
    try:
        with transaction.atomic():
            draw = Draw.objects.create(
                campaign=campaign,
                month=month,
                commitment=commitment,
                committed_at=timezone.now(),
                committed_by=_user(actor),
                committed_by_label=_label(actor),
                entries_at_commit=Entry.objects.filter(campaign=campaign, month=month).count(),
            )
    except IntegrityError:
        raise DomainError(
            f"{month_label(month)}の抽選のコミットメントは既に登録されています。", field="month"
        ) from None
    audit.record(
        actor=actor,
        action="lottery_commit",
        obj=draw,
        after={
            "campaign": campaign.code,
            "month": draw.month_key,
            "commitment": commitment,
            "entries_at_commit": draw.entries_at_commit,
        },
    )
    return CommitResult(draw=draw, seed=generated)


def _check_seed_strength(seed: str) -> None:
    if len(seed) < SEED_MIN_LENGTH:
        raise DomainError(
            f"シードは{SEED_MIN_LENGTH}文字以上にしてください（推測されないように、長い乱数を使います）。"
            f"入力は{len(seed)}文字です。",
            field="seed",
        )


@dataclass(frozen=True)
class WinnerLine:
    rank: int
    entrant_id: str
    tier_label: str
    prize: str


@dataclass(frozen=True)
class DrawReport:
    draw: Draw
    winners: tuple[WinnerLine, ...]
    eligible_count: int
    excluded_count: int
    quota: int
    shortfall: int

    def lines(self) -> list[str]:
        """What the CLI prints and the page shows after a draw."""
        d = self.draw
        out = [
            f"{d.campaign.name} {month_label(d.month)} 抽選結果",
            f"アルゴリズム: {d.algorithm}",
            f"コミットメント: {d.commitment}",
            f"シード: {d.seed}",
            f"抽選対象: {self.eligible_count:,}名（対象者一覧のSHA-256: {d.eligible_digest}）",
            f"過去の当選者として除外: {self.excluded_count:,}名",
            f"当選枠: {self.quota:,}名 / 当選: {len(self.winners):,}名",
        ]
        if self.shortfall:
            out.append(
                f"抽選対象が当選枠より少ないため、対象者全員が当選しました（不足 {self.shortfall:,}名）。"
            )
        out.extend(
            f"{w.rank:>4} {w.entrant_id} {w.tier_label} {w.prize}".rstrip() for w in self.winners
        )
        return out


def month_quota(campaign: Campaign, month: dt.date) -> tuple[int, int]:
    """(quota for `month`, winners already drawn in other months).

    quota = monthly quota, capped by what the total quota leaves.
    """
    earlier = DrawWinner.objects.filter(campaign=campaign).exclude(draw__month=month).count()
    quota = campaign.monthly_quota or 0
    if campaign.total_quota is not None:
        quota = min(quota, max(campaign.total_quota - earlier, 0))
    return quota, earlier


@transaction.atomic
def run_draw(*, actor: Any, campaign: Campaign, month: dt.date, seed: str) -> DrawReport:
    """Draw `month`'s winners with the revealed `seed` (see module docstring)."""
    from suishin.campaigns.queries import eligible_pool

    _require_draws(campaign)
    _require_month_in_campaign(campaign, month)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    draw = Draw.objects.select_for_update().filter(campaign=campaign, month=month).first()
    if draw is None:
        raise DomainError(
            f"{month_label(month)}の抽選はコミットメントが登録されていません。先にシードのコミットメントを登録してください。",
            field="month",
        )
    if draw.is_drawn:
        raise DomainError(
            f"{month_label(month)}は抽選済みです（{timezone.localtime(draw.drawn_at):%Y-%m-%d %H:%M}）。",
            field="month",
        )
    if not seed or not lottery.seed_matches(seed, draw.commitment):
        raise DomainError("シードがコミットメントと一致しません。", field="seed")
    quota, earlier = month_quota(campaign, month)
    if quota <= 0:
        raise DomainError(
            f"当選者数の合計（{campaign.total_quota:,}名）に達しているため、抽選できません（当選済み {earlier:,}名）。",
            field="month",
        )
    pool = eligible_pool(campaign, month)
    if pool.entries == 0:
        raise DomainError(
            f"{month_label(month)}のエントリーがありません。応募者ファイルを取り込んでから抽選してください。",
            field="month",
        )
    inp = lottery.DrawInput(
        campaign=campaign.code,
        month=draw.month_key,
        eligible=tuple(pool.eligible),
        quota=quota,
        seed=seed,
    )
    outcome = lottery.draw(inp)
    before = audit.snapshot(draw)
    draw.status = DrawStatus.DRAWN
    draw.seed = seed
    draw.algorithm = outcome.algorithm
    draw.quota = quota
    draw.eligible_ids = list(pool.eligible)
    draw.eligible_digest = outcome.eligible_digest
    draw.excluded_ids = list(pool.excluded)
    draw.shortfall = outcome.shortfall
    draw.drawn_at = timezone.now()
    draw.drawn_by = _user(actor)
    draw.drawn_by_label = _label(actor)
    draw.save()
    winners = []
    for rank, entrant in enumerate(outcome.winners, start=1):
        tier = pool.tiers.get(entrant)
        winners.append(
            DrawWinner(
                draw=draw,
                campaign=campaign,
                rank=rank,
                entrant_id=entrant,
                tier_key=tier.key if tier else "",
                tier_label=tier.label if tier else "",
                prize=tier.prize if tier else "",
                prize_yen=tier.prize_yen if tier else 0,
            )
        )
    DrawWinner.objects.bulk_create(winners)
    audit.record(
        actor=actor,
        action="lottery_draw",
        obj=draw,
        before=before,
        after={
            "campaign": campaign.code,
            "month": draw.month_key,
            "algorithm": draw.algorithm,
            "commitment": draw.commitment,
            "seed": seed,
            "quota": quota,
            "eligible_count": len(pool.eligible),
            "eligible_digest": draw.eligible_digest,
            "excluded_count": len(pool.excluded),
            "winners": list(outcome.winners),
            "shortfall": outcome.shortfall,
        },
    )
    return DrawReport(
        draw=draw,
        winners=tuple(WinnerLine(w.rank, w.entrant_id, w.tier_label, w.prize) for w in winners),
        eligible_count=len(pool.eligible),
        excluded_count=len(pool.excluded),
        quota=quota,
        shortfall=outcome.shortfall,
    )


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class VerifyReport:
    draw: Draw
    checks: tuple[Check, ...]
    informational: tuple[
        Check, ...
    ] = ()  # do not decide `ok` (e.g. entries changed after the draw)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        head = f"{self.draw.campaign.name} {month_label(self.draw.month)}: "
        out = [
            head
            + (
                "検証成功：抽選結果を再現できました。"
                if self.ok
                else "検証失敗：抽選結果を再現できません。"
            )
        ]
        for c in (*self.checks, *self.informational):
            out.append(
                f"  [{'OK' if c.ok else 'NG'}] {c.label}{('：' + c.detail) if c.detail else ''}"
            )
        return out


@transaction.atomic
def verify_draw(*, actor: Any, draw: Draw) -> VerifyReport:
    """Re-run a past draw from its stored inputs and compare, then record the outcome.

    Decisive checks: the seed matches the commitment, the stored eligible list
    matches its digest and is sorted/unique, and the algorithm reproduces the
    stored winners in order. Informational: whether today's entries would
    still give the same eligible list.
    """
    from suishin.campaigns.queries import eligible_pool

    draw = Draw.objects.select_for_update().select_related("campaign").get(pk=draw.pk)
    if not draw.is_drawn:
        raise DomainError(f"{month_label(draw.month)}はまだ抽選されていません。", field="month")
    stored = list(draw.winners.order_by("rank").values_list("entrant_id", flat=True))
    eligible = tuple(draw.eligible_ids)
    checks = [
        Check(
            "シードとコミットメント",
            lottery.seed_matches(draw.seed, draw.commitment),
            f"SHA-256(シード) = {lottery.commitment(draw.seed)}",
        ),
        Check(
            "抽選対象者一覧のSHA-256",
            lottery.list_digest(eligible) == draw.eligible_digest,
            lottery.list_digest(eligible),
        ),
        Check("抽選対象者一覧の並び（重複なし・昇順）", list(eligible) == sorted(set(eligible))),
        Check(
            "当選者の人数（当選枠以内）",
            len(stored) <= draw.quota,
            f"当選 {len(stored):,}名 / 当選枠 {draw.quota:,}名",
        ),
    ]
    reproduced: tuple[str, ...] = ()
    if all(c.ok for c in checks) and draw.algorithm in lottery.ALGORITHMS:
        reproduced = lottery.draw(
            lottery.DrawInput(
                campaign=draw.campaign.code,
                month=draw.month_key,
                eligible=eligible,
                quota=draw.quota,
                seed=draw.seed,
                algorithm=draw.algorithm,
            )
        ).winners
    checks.append(
        Check(
            f"アルゴリズム {draw.algorithm} による再抽選",
            reproduced == tuple(stored),
            f"再抽選 {len(reproduced):,}名・記録 {len(stored):,}名"
            + ("・順位まで一致" if reproduced == tuple(stored) else "・不一致"),
        )
    )
    pool = eligible_pool(draw.campaign, draw.month, before=draw)
    same_now = tuple(pool.eligible) == eligible
    info = (
        Check(
            "現在のエントリーから求めた抽選対象者",
            same_now,
            "抽選時と同じです"
            if same_now
            else f"抽選時と異なります（現在 {len(pool.eligible):,}名・抽選時 {len(eligible):,}名）",
        ),
    )
    report = VerifyReport(draw=draw, checks=tuple(checks), informational=info)
    draw.last_verified_at = timezone.now()
    draw.last_verified_ok = report.ok
    draw.save(update_fields=["last_verified_at", "last_verified_ok"])
    audit.record(
        actor=actor,
        action="lottery_verify",
        obj=draw,
        after={
            "ok": report.ok,
            "checks": {c.label: c.ok for c in checks},
            "entries_unchanged": same_now,
        },
    )
    return report


# --- personal data ---------------------------------------------------------------


@dataclass(frozen=True)
class PurgeLine:
    campaign: Campaign
    deleted: int  # EntrantPersonalData rows
    files: int = 0  # stored upload files of campaign_entries imports


def _entry_batches(campaign: Campaign) -> list[Any]:
    """Applied campaign_entries imports whose file covered `campaign` (their
    scope_key is 'campaign:CODE[,CODE…]', see importers.CampaignEntrySpec)."""
    from suishin.imports.models import ImportBatch

    batches = ImportBatch.objects.filter(
        kind="campaign_entries", scope_key__startswith="campaign:"
    ).exclude(stored_file="")
    return [b for b in batches if campaign.code in b.scope_key.removeprefix("campaign:").split(",")]


def _purge_files(batches: list[Any]) -> int:
    """Delete the stored upload files (they may hold names) and forget them on
    every batch that points at the same content-addressed file."""
    from pathlib import Path

    from django.conf import settings

    from suishin.imports.models import ImportBatch

    paths = sorted({b.stored_file for b in batches})
    for relative in paths:
        path = Path(settings.MEDIA_ROOT) / relative
        if path.is_file():
            path.unlink()
    ImportBatch.objects.filter(stored_file__in=paths).update(stored_file="")
    return len(paths)


@transaction.atomic
def purge_personal_data(*, actor: Any, today: dt.date, dry_run: bool = False) -> list[PurgeLine]:
    """Delete entrants' names and contacts of every campaign whose retention date
    is before `today`, and the stored entry files they came in. Entries and
    draws stay (they hold no personal data). Each campaign's purge is audited
    with the counts, never with the data. Safe to run daily (a no-op when
    there is nothing left)."""
    out = []
    for campaign in Campaign.objects.filter(retention_until__lt=today).order_by("code"):
        rows = EntrantPersonalData.objects.filter(campaign=campaign)
        n = rows.count()
        batches = _entry_batches(campaign)
        files = len({b.stored_file for b in batches})
        if not n and not files:
            continue
        if not dry_run:
            rows.delete()
            files = _purge_files(batches)
            audit.record(
                actor=actor,
                action="purge_personal_data",
                obj=campaign,
                after={
                    "deleted": n,
                    "files": files,
                    "retention_until": campaign.retention_until,
                    "today": today,
                },
            )
        out.append(PurgeLine(campaign, n, files))
    return out
