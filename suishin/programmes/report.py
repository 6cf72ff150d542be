"""The programmes' contributions to the half-year summary (suishin.reports).

Sections (keys are lower case so the narrative can quote their values):

* ``donations`` 寄付見込額: the estimate by item and its total with 前年同期比.
  Values: donation_yen, prev_donation_yen, donation_diff.
* ``disposable_income`` 可処分所得向上: the improvement with 前年同期比 and the
  progress to the annual target, and the study sessions on the theme.
  Values: disposable_yen, prev_disposable_yen, disposable_diff, disposable_count,
  target_yen, progress (text), study_sessions, study_participants,
  study_sessions_diff, study_participants_diff.
* ``loan_programmes`` 奨学金借換ローン等: each programme's new figures and the
  cumulative total since its start, in the seed's sentences.
  Values: <code>_count, <code>_amount, <code>_count_diff, <code>_amount_diff,
  <code>_cum_count, <code>_cum_amount (code in lower case, e.g. scholar_refi_cum_amount).

JSON: `donation_yen` and `prev_donation_yen` at the top level of the report's
JSON document.

Every section uses the fiscal year to date through the end of the half
("2024年9月末時点"), like the seed.
"""

from __future__ import annotations

from typing import Any

from suishin.core import jpformat
from suishin.kpis.scope import Scope
from suishin.programmes import queries


def _reports():
    from suishin.reports import sections

    return sections


def build_donations(fiscal_year: int, half: int, scope: Scope):
    s = _reports()
    summary = queries.donation_summary(fiscal_year, half, scope)
    rows = [
        s.Row([s.Cell.of_text(line.name), s.Cell.count(line.figure, line.unit), s.Cell.money(line.rate),
               s.Cell.money(line.yen)])
        for line in summary.lines
    ]
    rows.append(s.Row([s.Cell.of_text("合計"), s.Cell(), s.Cell(), s.Cell.money(summary.yen)], total=True))
    table = s.Table(
        columns=[s.Column("項目"), s.Column("実績", True), s.Column("寄付単価", True), s.Column("寄付見込額", True)],
        rows=rows,
        title="寄付見込額の内訳",
        notes=[f"寄付見込額 ＝ Σ（各項目の実績 × {fiscal_year}年度の寄付単価）"],
    )
    return s.SectionData(
        title="つなぐプロジェクト 寄付見込額",
        tables=[table],
        paragraphs=[f"福祉団体への寄付見込額（{queries.as_of_label(summary.period)}）：{summary.display}"],
        values={"donation_yen": summary.yen, "prev_donation_yen": summary.prev_yen, "donation_diff": summary.diff_yen},
        warnings=[f"集計元が未登録のため0として計算: {m}" for m in summary.missing_sources],
    )


def build_disposable_income(fiscal_year: int, half: int, scope: Scope):
    s = _reports()
    d = queries.disposable_income(fiscal_year, half, scope)
    as_of = queries.as_of_label(d.period)
    paragraphs = [f"可処分所得向上額（{as_of}）", f"【実績】{d.display}"]
    if d.target_yen is not None:
        paragraphs.append(f"年間目標 {jpformat.oku_yen(d.target_yen)}に対する進捗 {d.progress}")
    if d.study_sessions is not None:
        paragraphs += [f"可処分所得向上運動に関する学習会開催実績（{as_of}）", f"【実績】{d.study_display}"]
    table = s.Table(
        columns=[s.Column("項目"), s.Column("実績", True), s.Column("前年同期", True), s.Column("前年同期比", True)],
        rows=[
            s.Row([s.Cell.of_text("可処分所得向上額"), s.Cell.money(d.amount_yen, "oku"),
                   s.Cell.money(d.prev_amount_yen, "oku"),
                   s.Cell(value=d.diff_yen, text=jpformat.signed_money(d.diff_yen), kind=s.CellKind.YEN)]),
            s.Row([s.Cell.of_text("借換件数"), s.Cell.count(d.count, "件"), s.Cell.count(d.prev_count, "件"),
                   s.Cell.signed(d.count - d.prev_count, "件")]),
        ],
        title="可処分所得向上額",
    )
    values: dict[str, Any] = {
        "disposable_yen": d.amount_yen,
        "prev_disposable_yen": d.prev_amount_yen,
        "disposable_diff": d.diff_yen,
        "disposable_count": d.count,
        "target_yen": d.target_yen,
        "progress": d.progress,
        "study_sessions": d.study_sessions,
        "study_participants": d.study_participants,
    }
    if d.study_sessions is not None:
        values["study_sessions_diff"] = d.study_sessions - (d.prev_study_sessions or 0)
        values["study_participants_diff"] = (d.study_participants or 0) - (d.prev_study_participants or 0)
    return s.SectionData(title="可処分所得向上運動", tables=[table], paragraphs=paragraphs, values=values)


def build_loan_programmes(fiscal_year: int, half: int, scope: Scope):
    s = _reports()
    rows = queries.loan_programmes(fiscal_year, half, scope)
    as_of = queries.as_of_label(queries.report_period(fiscal_year, half))
    paragraphs: list[str] = []
    values: dict[str, Any] = {}
    table_rows = []
    for p in rows:
        if p.heading:
            paragraphs.append(p.heading)
        paragraphs += [f"{p.label}新規実績（{as_of}）", f"【実績】{p.new_display}"]
        if p.cumulative_display:
            paragraphs += [f"{p.label}累計実績（{as_of}）", f"【実績】{p.cumulative_display}"]
        key = p.code.lower()
        values.update({
            f"{key}_count": p.count, f"{key}_amount": p.amount,
            f"{key}_count_diff": p.count_diff, f"{key}_amount_diff": p.amount_diff,
            f"{key}_cum_count": p.cumulative_count, f"{key}_cum_amount": p.cumulative_amount,
        })
        table_rows.append(s.Row([
            s.Cell.of_text(p.label),
            s.Cell.count(p.count, "件"),
            s.Cell.money(p.amount, "oku") if p.show_amount else s.Cell(),
            s.Cell.signed(p.count_diff, "件"),
            s.Cell(value=p.amount_diff, text=jpformat.signed_money(p.amount_diff), kind=s.CellKind.YEN)
            if p.show_amount else s.Cell(),
            s.Cell.count(p.cumulative_count, "件") if p.cumulative_count is not None else s.Cell(),
            s.Cell.money(p.cumulative_amount, "oku") if p.cumulative_count is not None and p.show_amount else s.Cell(),
        ]))
    table = s.Table(
        columns=[s.Column("商品"), s.Column("新規件数", True), s.Column("新規金額", True), s.Column("前年同期比（件数）", True),
                 s.Column("前年同期比（金額）", True), s.Column("累計件数", True), s.Column("累計金額", True)],
        rows=table_rows,
        title="ローン商品の実績",
    )
    return s.SectionData(title="奨学金借換ローン等", tables=[table], paragraphs=paragraphs, values=values)


def contribute_json(report, data: dict) -> None:
    """Adds `donation_yen` and `prev_donation_yen` (fiscal year to date through the half)."""
    summary = queries.donation_summary(report.fiscal_year, report.half, report.scope)
    data["donation_yen"] = summary.yen
    data["prev_donation_yen"] = summary.prev_yen


def register() -> None:
    """Called from ProgrammesConfig.ready(); does nothing without the reports engine."""
    try:
        sections = _reports()
    except ImportError:
        return
    sections.register_section("donations", "寄付見込額", build_donations)
    sections.register_section("disposable_income", "可処分所得向上", build_disposable_income)
    sections.register_section("loan_programmes", "奨学金借換ローン等", build_loan_programmes)
    sections.register_json_contributor("donations", contribute_json)
