"""The generator is deterministic: regenerating gives the committed bytes, in
this process and in a fresh one with another hash seed; its apportionment is
exact."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from suishin.demo import generate
from suishin.demo.loader import DATA_DIR, DEMO_FILES


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    files = generate.write_files(tmp_path)
    assert {name for _, name in DEMO_FILES} <= set(files)
    for name in files:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_the_check_mode_agrees_in_a_fresh_process_with_another_hash_seed():
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-m", "suishin.demo.generate", "--check"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_check_mode_reports_a_stale_file(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "blocks.csv").write_bytes(b"\xef\xbb\xbf\xe3\x83\x96\r\n")
    assert generate.main(["--out", str(tmp_path), "--check"]) == 1


@given(st.integers(0, 10**12), st.lists(st.integers(1, 10**6), min_size=1, max_size=40))
def test_apportion_splits_a_total_exactly_and_proportionally(total, weights):
    shares = generate.apportion(total, weights)
    assert sum(shares) == total
    s = sum(weights)
    for share, w in zip(shares, weights, strict=True):
        assert total * w // s <= share <= total * w // s + 1


@given(st.integers(0, 500), st.integers(1, 20), st.integers(0, 2**32))
def test_money_gives_whole_units_above_the_minimum_summing_to_the_total(n_extra, n, seed):
    unit, min_units, _ = generate.MONEY["SCHOLAR_REFI"]
    total = (n * min_units + n_extra) * unit
    amounts = generate.money(total, n, "SCHOLAR_REFI", random.Random(seed))
    assert sum(amounts) == total
    assert all(a % unit == 0 and a >= min_units * unit for a in amounts)


def test_streams_are_seeded_by_name_not_by_call_order():
    first = generate.rng_for("x")
    expected = [first.random() for _ in range(3)]
    generate.rng_for("y").random()
    again = generate.rng_for("x")
    assert [again.random() for _ in range(3)] == expected
    assert generate.rng_for("y").random() != expected[0]
