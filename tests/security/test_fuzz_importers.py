"""Property-based fuzzing of every importer (issue 10): random CSV files made
of the kind's own headers (Japanese or English, any order, sometimes an
unknown one) and cells drawn from the values that break parsers (full-width
digits, ▲, era dates, impossible dates, huge numbers, formulas, blanks,
arbitrary Unicode). Property: `import_file` never raises; a refused file
lists RowErrors with Japanese messages and writes nothing (row hashes and
a byte-for-byte dump compared); an accepted file
is consistent (counts add up to the rows read)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.imports import registry
from suishin.imports.services import import_file
from suishin.imports.spec import RowError
from tests.security.conftest import assert_dump_unchanged, db_fingerprint, diff_fingerprints, dump

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

NASTY_CELLS = [
    "",
    " ",
    "　",
    "0",
    "-1",
    "▲5",
    "△12",
    "−3",
    "(1,234)",
    "１２３",
    "１，２３４円",
    "1.5",
    "1e9",
    "1e400",
    "NaN",
    "inf",
    "9" * 25,
    "-" + "9" * 25,
    "=1+2",
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "2024-06",
    "2024/6",
    "2024年6月",
    "令和6年6月",
    "令和0年4月",
    "R6.6",
    "H31.4",
    "平成31年5月1日",
    "2024-02-30",
    "2月30日",
    "2024-13",
    "0000-00",
    "2024-06-31",
    "全体",
    "石狩",
    "101",
    "A0001",
    "B0001",
    "ATM",
    "SVC_TOTAL",
    "SVC_MAIN",
    "はい",
    "いいえ",
    "対面",
    "WEB",
    "新人説明会",
    "APP001",
    "配分",
    "自主",
    "sum",
    "cumulative",
    "\u200b",
    "髙﨑①㈱",
    "\ufeff",
    "'",
    '"',
    "\\",
    "NULL",
    "None",
    "<script>alert(1)</script>",
    "x" * 300,
]

cells = st.one_of(
    st.sampled_from(NASTY_CELLS), st.text(max_size=20), st.integers(-(10**20), 10**20).map(str)
)


@st.composite
def csv_files(draw, kind: str) -> bytes:
    columns = registry.get(kind).columns
    chosen = draw(
        st.lists(
            st.sampled_from(list(columns)),
            min_size=1,
            max_size=len(columns),
            unique_by=lambda c: c.key,
        )
    )
    headers = [draw(st.sampled_from([c.header, c.alias])) for c in chosen]
    if draw(st.integers(0, 9)) == 0:
        headers.append(draw(st.sampled_from(["備考2", "unknown", "", "　"])))
    rows = draw(st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)), max_size=5))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
    return buf.getvalue().encode(encoding, errors="replace")


def check_outcome(outcome) -> None:
    if outcome.ok:
        assert outcome.error_count == 0
        assert outcome.added + outcome.changed + outcome.unchanged + outcome.removed >= 0
        return
    assert outcome.errors
    for error in outcome.errors:
        assert isinstance(error, RowError)
        assert JAPANESE.search(error.message), str(error)
        assert "Traceback" not in error.message


@pytest.fixture
def last_dump() -> dict:
    """The examples of one test share one database: the dump taken after an
    example that wrote nothing is the next example's "before" (one dump per
    example instead of two; an example that wrote, or failed, leaves none)."""
    return {}


@pytest.mark.parametrize("kind", registry.kinds())
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_random_file_makes_an_importer_raise(world, users, kind, data, last_dump):
    payload = data.draw(csv_files(kind))
    dry_run = data.draw(st.booleans())
    actor = users[
        data.draw(
            st.sampled_from(
                ["secretariat", "branch"] if registry.get(kind).branch_scoped else ["secretariat"]
            )
        )
    ]
    before, before_dump = db_fingerprint(), last_dump.pop("dump", None) or dump()
    outcome = import_file(
        kind=kind, file=io.BytesIO(payload), file_name="fuzz.csv", actor=actor, dry_run=dry_run
    )
    check_outcome(outcome)
    if dry_run or not outcome.ok:
        assert diff_fingerprints(before, db_fingerprint()) == [], outcome.error_lines(3)
        last_dump["dump"] = assert_dump_unchanged(before_dump, "; ".join(outcome.error_lines(3)))
