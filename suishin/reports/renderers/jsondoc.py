"""The JSON document (docs/report.md has the schema).

Per item: code, name, group, unit, aggregation, parent, count, amount (the
half), fy_count, fy_amount (year to date), target_count, target_amount
(annual, allocated; null when none), self_target_count, self_target_amount
(Σ 自主; null when none), achievement ("62.8" or null), prev_count,
prev_amount (same half last year; null when last year's catalog lacks the
item), cum_count, cum_amount (cumulative items), as_of, warning. Apps add
keys through suishin.reports.sections.register_json_contributor.
"""

from __future__ import annotations

import json
from typing import Any

from suishin.reports.sections import Table, json_contributors


def item_json(f) -> dict:
    """One item's figures as JSON: the report's JSON and the API's summary share it."""
    return {
        "code": f.code,
        "name": f.name,
        "group": f.group,
        "unit": f.unit,
        "aggregation": f.aggregation,
        "parent": f.parent_code,
        "count": f.count,
        "amount": f.amount,
        "fy_count": f.fy_count,
        "fy_amount": f.fy_amount,
        "target_count": f.target_count,
        "target_amount": f.target_amount,
        "self_target_count": f.self_target_count,
        "self_target_amount": f.self_target_amount,
        "achievement": f.achievement,
        "prev_count": f.prev_count,
        "prev_amount": f.prev_amount,
        "cum_count": f.cum_count,
        "cum_amount": f.cum_amount,
        "as_of": f.as_of.strftime("%Y-%m") if f.as_of else None,
        "warning": f.warning or None,
    }


def _table(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": [c.label for c in table.columns],
        "rows": [
            {
                "total": r.total,
                "values": [c.value for c in r.cells],
                "texts": [c.display for c in r.cells],
            }
            for r in table.rows
        ],
        "notes": list(table.notes),
    }


def report_json(report) -> dict[str, Any]:
    fs = report.figures
    data: dict[str, Any] = {
        "fiscal_year": report.fiscal_year,
        "half": report.half,
        "scope": report.scope.text,
        "scope_level": report.scope.level,
        "scope_label": report.scope.label,
        "title": report.title,
        "period": {
            "first": fs.period.first.strftime("%Y-%m"),
            "last": fs.period.last.strftime("%Y-%m"),
        },
        "items": [item_json(f) for f in fs.items],
        "blocks": [
            {
                "kind": b.kind,
                "title": b.title,
                "key": b.key,
                "paragraphs": [p.text for p in b.paragraphs],
                "tables": [_table(t) for t in b.tables],
                "notes": [p.text for p in b.notes],
            }
            for b in report.blocks
            if b.kind != "page_break"
        ],
        "warnings": list(report.warnings),
    }
    from suishin.kpis.queries import figures_memo

    with figures_memo(report.memo):  # the figures the report already computed
        for contribute in json_contributors():
            contribute(report, data)
    return data


def render_json(report) -> str:
    return json.dumps(report_json(report), ensure_ascii=False, indent=2)
