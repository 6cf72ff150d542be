"""The narrative markup and placeholders."""

from __future__ import annotations

import pytest

from suishin.core.errors import DomainError
from suishin.reports import narrative


def resolve_fixed(key, field, fmt):
    return f"<{key}.{field}|{fmt}>", None, ""


def test_it_finds_every_placeholder_with_its_format():
    body = "実績{SVC_MAIN.count}件、{DISPOSABLE.amount|oku}、{report.end_month}、{activity_expenses.paid|yen} {not a placeholder}"
    assert narrative.placeholders(body) == [
        ("SVC_MAIN", "count", ""),
        ("DISPOSABLE", "amount", "oku"),
        ("report", "end_month", ""),
        ("activity_expenses", "paid", "yen"),
    ]


@pytest.mark.parametrize(
    ("line", "style", "text"),
    [
        ("# 見出し", "h3", "見出し"),
        ("## 小見出し", "h4", "小見出し"),
        ("<重点取組項目>", "h4", "<重点取組項目>"),
        ("【預金・融資・各種サービス実績】", "label", "【預金・融資・各種サービス実績】"),
        ("1. 職域活動費の効果的な活用", "section", "1. 職域活動費の効果的な活用"),
        ("(1) 会員による学習会", "numbered", "(1) 会員による学習会"),
        ("（2） 全角の番号", "numbered", "（2） 全角の番号"),
        ("① 可処分所得向上運動", "numbered", "① 可処分所得向上運動"),
        ("ア. ためるコース", "numbered", "ア. ためるコース"),
        ("- 箇条書き", "bullet", "箇条書き"),
        ("【実績】23件／59百万円", "p", "【実績】23件／59百万円"),
        ("ふつうの段落です。", "p", "ふつうの段落です。"),
    ],
)
def test_each_line_is_one_paragraph_with_its_style(line, style, text):
    (para,) = narrative.render(line, resolve_fixed)
    assert (para.style, para.text) == (style, text)


def test_blank_lines_are_ignored_and_placeholders_become_figure_parts():
    paras = narrative.render("\n  \n実績は{SVC_MAIN.count}件です。\n\n", resolve_fixed)
    assert len(paras) == 1
    parts = paras[0].parts
    assert [(p.text, p.figure) for p in parts] == [("実績は", False), ("<SVC_MAIN.count|>", True), ("件です。", False)]


def test_warnings_are_collected_once():
    warnings: list[str] = []
    narrative.render("{X.count}{X.count}", lambda k, f, m: ("－", None, "警告"), warnings)
    assert warnings == ["警告"]


@pytest.mark.parametrize(
    ("value", "name", "fmt", "expected"),
    [
        (25683, "count", "", "25,683"),
        (25683, "count", "raw", "25683"),
        (150, "prev_diff", "", "+150"),
        (-10, "prev_diff", "", "▲10"),
        (0, "prev_diff", "", "±0"),
        (609_512_300, "amount", "oku", "6億9百万円"),
        (247_371_800, "prev_amount_diff", "oku", "+2億47百万円"),
        (-28_240_000, "prev_amount_diff", "oku", "▲28百万円"),
        (5_762_365, "donation_yen", "sen", "5,762千円"),
        (284_183, "donation_diff", "sen", "+284千円"),
        (14_762_300, "paid", "yen", "14,762,300円"),
        (30_000_000, "budget", "man", "3,000万円"),
        (None, "count", "", "－"),
    ],
)
def test_numbers_print_in_the_seeds_styles(value, name, fmt, expected):
    assert narrative.format_number(value, name, fmt) == expected


def test_check_accepts_known_codes_report_values_and_section_keys():
    narrative.check_placeholders(
        "{SVC_MAIN.count}{SVC_MAIN.achievement}{report.end_month}{anything_lower.value|sen}",
        codes={"SVC_MAIN"},
        fiscal_year=2024,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{NOPE.count}", "差し込み「{NOPE.count}」の項目コード「NOPE」は2024年度の推進項目にありません。"),
        ("{SVC_MAIN.cnt}", "差し込み「{SVC_MAIN.cnt}」の「cnt」は項目の値にありません（count・amount・fy_count・fy_amount・target_count・target_amount・self_target_count・self_target_amount・prev_count・prev_amount・prev_diff・prev_amount_diff・target_diff・target_amount_diff・cum_count・cum_amount・achievement・name・unit・as_of・cum_since・donation_rate）。"),
        ("{SVC_MAIN.amount|okuen}", "差し込み「{SVC_MAIN.amount|okuen}」の書式「okuen」は使えません（使える書式：num・raw・yen・sen・man・oku）。"),
        ("{report.today}", "差し込み「{report.today}」の「today」は報告書の値にありません（fiscal_year・half_label・period_label・start・end・end_month・end_month_short・scope・prev_fiscal_year）。"),
    ],
)
def test_check_rejects_placeholders_that_can_never_resolve(body, message):
    with pytest.raises(DomainError) as exc:
        narrative.check_placeholders(body, codes={"SVC_MAIN"}, fiscal_year=2024)
    assert exc.value.message == message
