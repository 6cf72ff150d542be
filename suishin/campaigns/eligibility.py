"""Eligibility conditions as data, and their evaluator (no Django; no eval).

A campaign stores its conditions as JSON (``Campaign.conditions``)::

    {
      "require": [ <node>, ... ],          # every one must hold (e.g. the survey)
      "tiers": [                           # at least one must hold
        {"key": "c1", "label": "条件①", "prize": "えらべるPay 500円分", "prize_yen": 500,
         "all": [ <node>, ... ]},
        ...
      ]
    }

A node is a predicate on one fact of the entry, or a group::

    {"fact": "survey_answered", "eq": true}
    {"fact": "app_linked_on", "between": ["2024-04-01", "$month_end"]}
    {"fact": "app_linked_on", "min": "$fy_start"}      # on or after
    {"fact": "app_linked_on", "max": "$month_end"}     # on or before
    {"fact": "app_linked_on", "present": true}
    {"all": [ <node>, ... ]}   {"any": [ <node>, ... ]}

Every node may carry ``"fail": "<Japanese reason>"`` that replaces the
generated reason. Values are JSON literals, ISO dates, or symbols resolved
per evaluated month: ``$month_start``, ``$month_end``, ``$campaign_start``,
``$campaign_end``, ``$fy_start``, ``$fy_end`` (the fiscal year of the month).

Facts are the columns the bank's entry file may carry (FACTS below). An
entry stores only the facts its campaign's conditions mention.

Invariants: evaluation is a pure function of (rules, facts, context); an
entry is eligible iff every requirement holds and at least one tier holds
(or, when there are no tiers, every requirement holds); the awarded tier is
the one with the largest ``prize_yen`` among those met, the first listed on
a tie; a missing fact makes its predicate false, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from suishin.core import jpformat
from suishin.core.errors import DomainError
from suishin.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start, month_end


@dataclass(frozen=True)
class Fact:
    key: str
    label: str  # Japanese, used in generated reasons and as the import header
    type: str  # "bool" | "date" | "int"
    missing: str  # the reason when the fact is absent / false
    aliases: tuple[str, ...] = ()  # other header names accepted in the bank's file


FACTS: dict[str, Fact] = {
    f.key: f
    for f in (
        Fact(
            "app_linked_on",
            "アプリ口座連携日",
            "date",
            "ろうきんアプリの口座連携がありません",
            ("初回口座連携日", "口座連携日"),
        ),
        Fact(
            "linked_at_month_end",
            "月末口座連携",
            "bool",
            "月末時点でろうきんアプリと口座連携していません",
            ("月末時点口座連携",),
        ),
        Fact(
            "cashless_registered",
            "キャッシュレス口座登録",
            "bool",
            "キャッシュレス決済サービス用口座にアプリ登録口座が登録されていません",
            ("キャッシュレス決済口座登録",),
        ),
        Fact(
            "charged_or_paid_in_window",
            "チャージ・支払い",
            "bool",
            "期間中のチャージ・支払いがありません",
            ("チャージ支払い", "期間中チャージ・支払い"),
        ),
        Fact(
            "survey_answered",
            "アンケート回答",
            "bool",
            "アンケートに回答していません",
            ("アンケート",),
        ),
    )
}

SYMBOLS = ("$month_start", "$month_end", "$campaign_start", "$campaign_end", "$fy_start", "$fy_end")
_OPS = ("eq", "between", "min", "max", "present")
FIELD = "conditions"


def _err(message: str) -> DomainError:
    return DomainError(message, field=FIELD)


# --- the parsed form ---------------------------------------------------------


@dataclass(frozen=True)
class Predicate:
    fact: str
    op: str
    value: Any  # literal, ISO date string, symbol, or [lo, hi] for between
    fail: str = ""

    def facts(self) -> set[str]:
        return {self.fact}


@dataclass(frozen=True)
class Group:
    mode: str  # "all" | "any"
    nodes: tuple[Node, ...]
    fail: str = ""

    def facts(self) -> set[str]:
        out: set[str] = set()
        for node in self.nodes:
            out |= node.facts()
        return out


Node = Predicate | Group


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    prize: str
    prize_yen: int
    condition: Group

    def facts(self) -> set[str]:
        return self.condition.facts()


@dataclass(frozen=True)
class Rules:
    require: Group
    tiers: tuple[Tier, ...]

    @property
    def is_empty(self) -> bool:
        return not self.require.nodes and not self.tiers

    def facts_needed(self) -> set[str]:
        out = self.require.facts()
        for tier in self.tiers:
            out |= tier.facts()
        return out

    def tier(self, key: str) -> Tier | None:
        return next((t for t in self.tiers if t.key == key), None)


EMPTY_RULES = Rules(require=Group("all", ()), tiers=())


# --- parsing (validates untrusted JSON; every problem is a Japanese message) ---


def _parse_value(fact: Fact, value: Any, where: str) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        if value not in SYMBOLS:
            raise _err(f"{where}：「{value}」は使えない記号です。使える記号：{'、'.join(SYMBOLS)}")
        if fact.type != "date":
            raise _err(f"{where}：記号「{value}」は日付の項目にだけ使えます。")
        return value
    if fact.type == "date":
        if not isinstance(value, str):
            raise _err(f"{where}：日付は「2024-04-01」の形で書いてください。")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise _err(f"{where}：「{value}」は日付として読めません（例：2024-04-01）。") from None
        return value
    if fact.type == "bool":
        if not isinstance(value, bool):
            raise _err(f"{where}：はい・いいえの項目には true か false を書いてください。")
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(f"{where}：数値の項目には整数を書いてください。")
    return value


def _parse_node(data: Any, where: str) -> Node:
    if not isinstance(data, Mapping):
        raise _err(f'{where}：条件は {{"fact": …}} または {{"all": […]}} の形で書いてください。')
    fail = data.get("fail", "")
    if not isinstance(fail, str):
        raise _err(f"{where}：fail には理由の文章を書いてください。")
    groups = [k for k in ("all", "any") if k in data]
    if groups:
        if len(groups) > 1 or "fact" in data:
            raise _err(f"{where}：all・any・fact はひとつの条件に一つだけ書けます。")
        mode = groups[0]
        items = data[mode]
        if not isinstance(items, list) or not items:
            raise _err(f"{where}：{mode} には条件を一つ以上並べてください。")
        return Group(
            mode, tuple(_parse_node(n, f"{where}.{mode}[{i}]") for i, n in enumerate(items)), fail
        )
    key = data.get("fact")
    if key not in FACTS:
        raise _err(f"{where}：項目「{key}」は使えません。使える項目：{'、'.join(FACTS)}")
    fact = FACTS[key]
    ops = [op for op in _OPS if op in data]
    unknown = set(data) - set(_OPS) - {"fact", "fail"}
    if unknown or len(ops) != 1:
        raise _err(f"{where}：比較は eq・between・min・max・present のどれか一つを書いてください。")
    op = ops[0]
    raw = data[op]
    if op == "present":
        if not isinstance(raw, bool):
            raise _err(f"{where}：present には true か false を書いてください。")
        value: Any = raw
    elif op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            raise _err(f"{where}：between には [下限, 上限] の二つを書いてください。")
        value = (_parse_value(fact, raw[0], where), _parse_value(fact, raw[1], where))
    elif op in ("min", "max"):
        if fact.type == "bool":
            raise _err(f"{where}：min・max ははい・いいえの項目には使えません。")
        value = _parse_value(fact, raw, where)
    else:
        value = _parse_value(fact, raw, where)
    return Predicate(key, op, value, fail)


def parse_rules(data: Any) -> Rules:
    """Validate campaign conditions JSON. None/{} → no conditions. Raises DomainError(field='conditions')."""
    if data in (None, {}, ""):
        return EMPTY_RULES
    if not isinstance(data, Mapping):
        raise _err('応募条件は {"require": […], "tiers": […]} の形で書いてください。')
    unknown = set(data) - {"require", "tiers"}
    if unknown:
        raise _err(f"応募条件に使えないキーがあります：{'、'.join(sorted(unknown))}")
    require_raw = data.get("require", [])
    if not isinstance(require_raw, list):
        raise _err("require には条件の一覧を書いてください。")
    require = Group(
        "all", tuple(_parse_node(n, f"require[{i}]") for i, n in enumerate(require_raw))
    )
    tiers_raw = data.get("tiers", [])
    if not isinstance(tiers_raw, list):
        raise _err("tiers には賞の一覧を書いてください。")
    tiers: list[Tier] = []
    for i, raw in enumerate(tiers_raw):
        where = f"tiers[{i}]"
        if not isinstance(raw, Mapping):
            raise _err(
                f'{where}：賞は {{"key": …, "label": …, "prize": …, "all": […]}} の形で書いてください。'
            )
        key, label, prize = raw.get("key"), raw.get("label"), raw.get("prize", "")
        prize_yen = raw.get("prize_yen", 0)
        if not isinstance(key, str) or not key.strip():
            raise _err(f"{where}：key（賞の識別子）を書いてください。")
        if any(t.key == key for t in tiers):
            raise _err(f"{where}：key「{key}」が重複しています。")
        if not isinstance(label, str) or not label.strip():
            raise _err(f"{where}：label（例：条件①）を書いてください。")
        if not isinstance(prize, str):
            raise _err(f"{where}：prize（賞品名）は文章で書いてください。")
        if isinstance(prize_yen, bool) or not isinstance(prize_yen, int) or prize_yen < 0:
            raise _err(f"{where}：prize_yen（賞品の金額）は0以上の整数で書いてください。")
        unknown = set(raw) - {"key", "label", "prize", "prize_yen", "all"}
        if unknown:
            raise _err(f"{where}：使えないキーがあります：{'、'.join(sorted(unknown))}")
        body = raw.get("all")
        if not isinstance(body, list) or not body:
            raise _err(f"{where}：all に条件を一つ以上並べてください。")
        condition = Group(
            "all", tuple(_parse_node(n, f"{where}.all[{j}]") for j, n in enumerate(body))
        )
        tiers.append(Tier(key.strip(), label.strip(), prize.strip(), prize_yen, condition))
    return Rules(require=require, tiers=tuple(tiers))


# --- evaluation ----------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """Where an entry is evaluated: its month (first day) inside its campaign."""

    month: dt.date
    campaign_start: dt.date
    campaign_end: dt.date

    @cached_property
    def symbols(self) -> dict[str, dt.date]:
        fy = fiscal_year_of(self.month)
        return {
            "$month_start": self.month,
            "$month_end": month_end(self.month),
            "$campaign_start": self.campaign_start,
            "$campaign_end": self.campaign_end,
            "$fy_start": fiscal_year_start(fy),
            "$fy_end": fiscal_year_end(fy),
        }

    def resolve(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value.startswith("$"):
            return self.symbols[value]
        return dt.date.fromisoformat(value)


def _show(fact: Fact, value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, int):
        return jpformat.number(value)
    return str(value)


def _fact_value(fact: Fact, facts: Mapping[str, Any]) -> Any:
    value = facts.get(fact.key)
    if value is None:
        return None
    if fact.type == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None
    if fact.type == "bool":
        return value is True
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_predicate(p: Predicate, facts: Mapping[str, Any], ctx: Context) -> str | None:
    """None when the predicate holds, else the Japanese reason it does not.

    A bool fact that is absent counts as false; an absent date/int fact fails
    every comparison (and satisfies only ``present: false``).
    """
    fact = FACTS[p.fact]
    value = _fact_value(fact, facts)
    if fact.type == "bool":
        value = value is True
        expected = p.value  # eq and present mean the same for a bool fact
        if value == expected:
            return None
        return p.fail or (fact.missing if expected else f"{fact.label}ありのため対象外です")
    if p.op == "present":
        if (value is not None) == p.value:
            return None
        return p.fail or (fact.missing if p.value else f"{fact.label}が登録されています")
    if value is None:
        return p.fail or fact.missing
    if p.op == "eq":
        expected = ctx.resolve(p.value) if fact.type == "date" else p.value
        if value == expected:
            return None
        return (
            p.fail
            or f"{fact.label}（{_show(fact, value)}）が条件（{_show(fact, expected)}）と異なります"
        )
    lo = hi = None
    if p.op == "between":
        lo, hi = (ctx.resolve(v) for v in p.value)
    elif p.op == "min":
        lo = ctx.resolve(p.value)
    else:
        hi = ctx.resolve(p.value)
    if (lo is None or value >= lo) and (hi is None or value <= hi):
        return None
    if p.fail:
        return p.fail
    shown = f"{fact.label}（{_show(fact, value)}）"
    is_date = fact.type == "date"
    if lo is not None and hi is not None:
        return f"{shown}が{_show(fact, lo)}〜{_show(fact, hi)}の範囲外です"
    if lo is not None:
        return (
            f"{shown}が{_show(fact, lo)}より前です"
            if is_date
            else f"{shown}が{_show(fact, lo)}未満です"
        )
    return (
        f"{shown}が{_show(fact, hi)}より後です"
        if is_date
        else f"{shown}が{_show(fact, hi)}を超えています"
    )


def _check(node: Node, facts: Mapping[str, Any], ctx: Context) -> list[str]:
    """The reasons `node` fails ([] when it holds)."""
    if isinstance(node, Predicate):
        reason = _check_predicate(node, facts, ctx)
        return [] if reason is None else [reason]
    if node.mode == "all":
        reasons = [r for child in node.nodes for r in _check(child, facts, ctx)]
    else:
        per_child = [_check(child, facts, ctx) for child in node.nodes]
        if any(not r for r in per_child):
            return []
        reasons = ["または".join(r[0] for r in per_child)]
    if reasons and node.fail:
        return [node.fail]
    return reasons


@dataclass(frozen=True)
class TierResult:
    key: str
    label: str
    met: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    eligible: bool
    tier: Tier | None  # the awarded tier (None when not eligible, or when there are no tiers)
    requirement_reasons: tuple[str, ...] = ()
    tiers: tuple[TierResult, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> str:
        """One Japanese sentence a secretariat member can read to an entrant."""
        if self.requirement_reasons:
            return "応募要件を満たしていません：" + "、".join(self.requirement_reasons)
        met = [t.label for t in self.tiers if t.met]
        if self.eligible:
            if self.tier is None:
                return "応募要件を満たしています"
            return f"{'・'.join(met)}を満たしています（{self.tier.prize or self.tier.label}）"
        return "／".join(f"{t.label}を満たしていません：{'、'.join(t.reasons)}" for t in self.tiers)


def evaluate(rules: Rules, facts: Mapping[str, Any], ctx: Context) -> Evaluation:
    """Evaluate one entry's facts for one month. Pure and total (never raises on data)."""
    requirement_reasons = tuple(_check(rules.require, facts, ctx))
    results = tuple(
        TierResult(t.key, t.label, not (r := _check(t.condition, facts, ctx)), tuple(r))
        for t in rules.tiers
    )
    if not rules.tiers:
        return Evaluation(not requirement_reasons, None, requirement_reasons, ())
    met = [t for t, r in zip(rules.tiers, results, strict=True) if r.met]
    if requirement_reasons or not met:
        return Evaluation(False, None, requirement_reasons, results)
    best = max(met, key=lambda t: (t.prize_yen, -rules.tiers.index(t)))
    return Evaluation(True, best, (), results)


def describe_node(node: Node) -> str:
    """A short Japanese rendering of a condition for the campaign page."""
    if isinstance(node, Group):
        joiner = " かつ " if node.mode == "all" else " または "
        inner = joiner.join(describe_node(n) for n in node.nodes)
        return inner if len(node.nodes) == 1 else f"（{inner}）"
    fact = FACTS[node.fact]

    def show(v: Any) -> str:
        names = {
            "$month_start": "当月1日",
            "$month_end": "当月末",
            "$campaign_start": "キャンペーン開始日",
            "$campaign_end": "キャンペーン終了日",
            "$fy_start": "年度初日",
            "$fy_end": "年度末日",
        }
        if isinstance(v, str) and v in names:
            return names[v]
        if isinstance(v, str):
            d = dt.date.fromisoformat(v)
            return f"{d.year}年{d.month}月{d.day}日"
        return _show(fact, v)

    if node.op == "present":
        return f"{fact.label}あり" if node.value else f"{fact.label}なし"
    if node.op == "eq":
        if fact.type == "bool":
            return f"{fact.label}あり" if node.value else f"{fact.label}なし"
        return f"{fact.label}＝{show(node.value)}"
    if node.op == "between":
        return f"{fact.label}が{show(node.value[0])}〜{show(node.value[1])}"
    if node.op == "min":
        return (
            f"{fact.label}が{show(node.value)}以降"
            if fact.type == "date"
            else f"{fact.label}が{show(node.value)}以上"
        )
    return (
        f"{fact.label}が{show(node.value)}以前"
        if fact.type == "date"
        else f"{fact.label}が{show(node.value)}以下"
    )


@dataclass(frozen=True)
class TierDescription:
    label: str
    prize: str
    prize_yen: int
    condition: str


def describe(rules: Rules) -> tuple[list[str], list[TierDescription]]:
    """(requirements, tiers) in Japanese, for the campaign page."""
    requirements = [describe_node(n) for n in rules.require.nodes]
    tiers = [
        TierDescription(
            t.label,
            t.prize,
            t.prize_yen,
            " かつ ".join(describe_node(n) for n in t.condition.nodes),
        )
        for t in rules.tiers
    ]
    return requirements, tiers
