"""Inside a report's figures memo, a call for a few items is answered from the
whole catalog's figures: it must equal the same call computed on its own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.generate import Shape, generate, load
from suishin.kpis.queries import SUMMED_FIELDS, compute_figures, figures_memo
from suishin.kpis.scope import Scope
from suishin.organisations.models import Branch


@pytest.mark.parametrize("scope_of", ["council", "branch"])
def test_a_subset_from_the_memo_equals_the_subset_computed_alone(org, tmp_path, settings, scope_of):
    settings.SUISHIN_MAX_UPLOAD_BYTES = 300 << 20
    shape = Shape(
        members=20, branches=4, blocks=2, items=20, years=2, density=0.2, targeted_items=6, seed=3
    )
    generate(tmp_path, shape)
    load(tmp_path, applications=False)
    scope = (
        Scope.council()
        if scope_of == "council"
        else Scope.parse(Branch.objects.order_by("code").first().code)
    )
    codes = [
        "T00",
        "I005",
        "I015",
        "I001",
    ]  # a total (with its children), sum and distinct-member leaves

    alone = compute_figures(fiscal_year=2024, half=1, scope=scope, codes=codes)
    with figures_memo():
        compute_figures(fiscal_year=2024, half=1, scope=scope)
        with CaptureQueriesContext(connection) as ctx:
            from_memo = compute_figures(fiscal_year=2024, half=1, scope=scope, codes=codes)

    assert len(ctx.captured_queries) == 0
    assert [f.code for f in from_memo.items] == [f.code for f in alone.items]
    assert len(alone.items) > len(codes)  # the total brought its children
    fields = (*SUMMED_FIELDS, "as_of", "warning")
    for a, b in zip(alone.items, from_memo.items, strict=True):
        assert {k: getattr(a, k) for k in fields} == {k: getattr(b, k) for k in fields}, a.code
    assert any(f.count for f in alone.items)  # the comparison is not between empty figures
    assert from_memo.warnings == alone.warnings
