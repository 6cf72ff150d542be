"""The pure draw algorithm: test vector, properties, uniformity."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suishin.campaigns import lottery
from suishin.campaigns.lottery import DrawInput, LotteryInputError

# The worked example of docs/campaigns.md; an auditor's re-implementation must match it.
VECTOR = DrawInput(
    campaign="APP2024",
    month="2024-10",
    eligible=("E0001", "E0002", "E0003", "E0004", "E0005"),
    quota=3,
    seed="demo-seed-0123456789abcdef",
)

ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00"),
    min_size=1,
    max_size=12,
)
id_lists = st.lists(ids, max_size=40, unique=True).map(lambda xs: tuple(sorted(xs)))
seeds = st.text(min_size=1, max_size=40)
quotas = st.integers(min_value=0, max_value=50)


def test_the_documented_test_vector_is_reproduced():
    assert (
        lottery.commitment(VECTOR.seed)
        == "5c85d9c0f26206fcc61451d7c6c8beadd993fe5d03d7b303c086e1210cf3bb91"
    )
    assert lottery.ticket(VECTOR.seed, "APP2024", "2024-10", "E0001").hex() == (
        "01da7f6fecf7eb853ae9c6864e007a7b998906f275a65cd6d779f8b9e35783ea"
    )
    outcome = lottery.draw(VECTOR)
    assert outcome.winners == ("E0001", "E0005", "E0002")
    assert outcome.shortfall == 0
    assert outcome.algorithm == "sha256-rank-v1"
    assert (
        outcome.eligible_digest
        == "fcbcab623377b2bf824f8e94f835c8b71788619ca2d6645f78e5a25e09c2fd39"
    )


def test_ticket_is_sha256_of_nul_joined_utf8_parts():
    expected = hashlib.sha256("種\x00C\x002024-10\x00応募者1".encode()).digest()
    assert lottery.ticket("種", "C", "2024-10", "応募者1") == expected


def test_seed_check_accepts_only_the_committed_seed():
    committed = lottery.commitment("the-secret-seed-1234")
    assert lottery.seed_matches("the-secret-seed-1234", committed)
    assert lottery.seed_matches("the-secret-seed-1234", committed.upper())
    assert not lottery.seed_matches("the-secret-seed-1235", committed)


@pytest.mark.parametrize(
    "bad",
    [
        {"eligible": ("b", "a")},
        {"eligible": ("a", "a")},
        {"month": "2024-13"},
        {"quota": -1},
        {"seed": ""},
        {"algorithm": "python-random"},
        {"eligible": ("a\nb",)},
    ],
)
def test_it_rejects_inputs_that_break_the_preconditions(bad):
    fields = {**VECTOR.__dict__, **bad}
    with pytest.raises(LotteryInputError):
        lottery.draw(DrawInput(**fields))


@given(eligible=id_lists, quota=quotas, seed=seeds)
def test_a_draw_is_reproducible(eligible, quota, seed):
    inp = DrawInput("C1", "2024-11", eligible, quota, seed)
    first = lottery.draw(inp)
    assert lottery.draw(inp) == first
    assert lottery.reproduces(inp, first.winners)


@given(eligible=id_lists, quota=quotas, seed=seeds)
def test_a_draw_never_exceeds_the_quota_and_picks_only_eligible_ids_once(eligible, quota, seed):
    outcome = lottery.draw(DrawInput("C1", "2024-11", eligible, quota, seed))
    assert len(outcome.winners) <= quota
    assert set(outcome.winners) <= set(eligible)
    assert len(set(outcome.winners)) == len(outcome.winners)


@given(eligible=id_lists, quota=quotas, seed=seeds)
def test_everyone_wins_when_fewer_are_eligible_than_the_quota_and_the_shortfall_is_reported(
    eligible, quota, seed
):
    outcome = lottery.draw(DrawInput("C1", "2024-11", eligible, quota, seed))
    if len(eligible) <= quota:
        assert sorted(outcome.winners) == list(eligible)
        assert outcome.shortfall == quota - len(eligible)
    else:
        assert len(outcome.winners) == quota
        assert outcome.shortfall == 0


@given(eligible=id_lists, quota=quotas, seed=seeds, data=st.data())
def test_removing_earlier_winners_from_the_list_means_they_cannot_win(eligible, quota, seed, data):
    earlier = data.draw(st.sets(st.sampled_from(eligible))) if eligible else set()
    remaining = tuple(e for e in eligible if e not in earlier)
    outcome = lottery.draw(DrawInput("C1", "2024-12", remaining, quota, seed))
    assert not set(outcome.winners) & earlier


@given(eligible=id_lists.filter(lambda xs: len(xs) >= 2), seed=seeds)
def test_winners_are_a_prefix_of_the_full_ranking(eligible, seed):
    """Raising the quota only adds winners at the end: rank k never changes."""
    small = lottery.draw(DrawInput("C1", "2024-11", eligible, 1, seed)).winners
    large = lottery.draw(DrawInput("C1", "2024-11", eligible, len(eligible), seed)).winners
    assert large[:1] == small


@settings(max_examples=50)
@given(eligible=id_lists.filter(lambda xs: len(xs) >= 8), seed=seeds)
def test_the_campaign_and_month_are_part_of_the_ticket(eligible, seed):
    """The same seed reused in another month gives an unrelated order (almost surely)."""
    a = lottery.ranking(DrawInput("C1", "2024-11", eligible, 0, seed))
    b = lottery.ranking(DrawInput("C1", "2024-12", eligible, 0, seed))
    c = lottery.ranking(DrawInput("C2", "2024-11", eligible, 0, seed))
    assert a != b or a != c


# --- uniformity -------------------------------------------------------------------

N_IDS = 10
QUOTA = 3
DRAWS = 3000
# Chi-square critical value for 9 degrees of freedom at p = 0.0001 is 33.72;
# 40 is generous so the (deterministic) test is not brittle, yet a biased
# algorithm lands in the hundreds or thousands.
CHI_SQUARE_LIMIT = 40.0


def chi_square(counts: Counter, categories: list[str], total: int) -> float:
    expected = total / len(categories)
    return sum((counts.get(c, 0) - expected) ** 2 / expected for c in categories)


def win_counts(draw_fn) -> Counter:
    eligible = tuple(f"E{i:03d}" for i in range(N_IDS))
    counts: Counter = Counter()
    for n in range(DRAWS):
        counts.update(draw_fn(DrawInput("UNIFORM", "2024-10", eligible, QUOTA, f"seed-{n:06d}")))
    return counts


def test_wins_are_spread_uniformly_over_the_entrants():
    eligible = [f"E{i:03d}" for i in range(N_IDS)]
    counts = win_counts(lambda inp: lottery.draw(inp).winners)
    assert chi_square(counts, eligible, DRAWS * QUOTA) < CHI_SQUARE_LIMIT


def test_first_place_is_spread_uniformly_too():
    eligible = [f"E{i:03d}" for i in range(N_IDS)]
    counts = win_counts(lambda inp: lottery.draw(inp).winners[:1])
    assert chi_square(counts, eligible, DRAWS) < CHI_SQUARE_LIMIT


def test_the_uniformity_check_fails_a_biased_algorithm():
    """The check has teeth: 'always the first ids' and a mild bias both fail it."""
    eligible = [f"E{i:03d}" for i in range(N_IDS)]
    first_ids = win_counts(lambda inp: inp.eligible[: inp.quota])
    assert chi_square(first_ids, eligible, DRAWS * QUOTA) > CHI_SQUARE_LIMIT

    def mildly_biased(inp: DrawInput) -> tuple[str, ...]:
        # Every fifth draw hands the first place to E000: a 20% nudge.
        winners = lottery.draw(inp).winners
        if int(inp.seed[-6:]) % 5 == 0 and "E000" not in winners:
            winners = ("E000", *winners[1:])
        return winners

    assert chi_square(win_counts(mildly_biased), eligible, DRAWS * QUOTA) > CHI_SQUARE_LIMIT
