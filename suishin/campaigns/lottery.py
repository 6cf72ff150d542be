"""The prize-draw algorithm (抽選). PURE: no Django, no I/O, no clock.

Anyone holding a draw's stored inputs can re-run it with this module, or
re-implement it from docs/campaigns.md, and must get the same winners.

Algorithm ``sha256-rank-v1`` (the only version so far; a changed algorithm
gets a new version string and the old one stays here so that past draws keep
verifying):

1. Inputs: the campaign code, the month as ``YYYY-MM``, the eligible entrant
   ids (unique, sorted by Unicode code point, i.e. by their UTF-8 bytes), the
   quota (a non-negative integer) and the seed (text).
2. Each eligible id gets a ticket: ``SHA-256(seed 0x00 campaign 0x00 month
   0x00 id)``, every text encoded as UTF-8 and joined with a single NUL byte.
3. Ids are ordered by ticket (the 32 raw digest bytes compared as an unsigned
   big-endian number), ties (never seen for SHA-256) by the id itself.
4. The winners are the first ``min(quota, len(eligible))`` ids in that order,
   in that order. ``shortfall = quota - number of winners`` (0 when there
   were enough eligible entrants).

Why it is fair: SHA-256 outputs for distinct inputs behave as independent
uniform values, so every ordering of the eligible ids is equally likely for a
seed nobody could choose after seeing the list (the seed is committed to,
by its SHA-256 hex digest, before the draw: see `commitment`). Python's
`random` is not used: its sequence is an implementation detail, not a
documented contract, and it is not meant for auditable draws.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

ALGORITHM_V1 = "sha256-rank-v1"
CURRENT_ALGORITHM = ALGORITHM_V1
ALGORITHMS = (ALGORITHM_V1,)

SEPARATOR = b"\x00"
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class LotteryInputError(ValueError):
    """The inputs break the algorithm's preconditions (a programming error upstream)."""


def commitment(seed: str) -> str:
    """The public commitment to a secret seed: lowercase SHA-256 hex of its UTF-8 bytes."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def seed_matches(seed: str, committed: str) -> bool:
    """True when `seed` is the one committed to (constant-time comparison)."""
    return hmac.compare_digest(commitment(seed), committed.strip().lower())


def list_digest(entrant_ids: Sequence[str]) -> str:
    """SHA-256 hex of the ids joined by LF (no trailing LF), UTF-8. Fingerprints the eligible list."""
    return hashlib.sha256("\n".join(entrant_ids).encode("utf-8")).hexdigest()


def ticket(seed: str, campaign: str, month: str, entrant_id: str) -> bytes:
    """The 32-byte SHA-256 ticket of one entrant: smaller tickets win."""
    parts = (seed, campaign, month, entrant_id)
    return hashlib.sha256(SEPARATOR.join(p.encode("utf-8") for p in parts)).digest()


@dataclass(frozen=True)
class DrawInput:
    """Everything a draw depends on. `eligible` must be unique and sorted."""

    campaign: str
    month: str  # "YYYY-MM"
    eligible: tuple[str, ...]
    quota: int
    seed: str
    algorithm: str = CURRENT_ALGORITHM

    def check(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise LotteryInputError(f"unknown algorithm {self.algorithm!r}")
        if not _MONTH_RE.match(self.month):
            raise LotteryInputError(f"month must be YYYY-MM, got {self.month!r}")
        if self.quota < 0:
            raise LotteryInputError("quota must not be negative")
        if not self.seed:
            raise LotteryInputError("seed must not be empty")
        ids = list(self.eligible)
        if ids != sorted(set(ids)):
            raise LotteryInputError("eligible ids must be unique and sorted by code point")
        for entrant_id in ids:
            if not entrant_id or "\n" in entrant_id or "\x00" in entrant_id:
                raise LotteryInputError(f"invalid entrant id {entrant_id!r}")


@dataclass(frozen=True)
class DrawOutcome:
    algorithm: str
    winners: tuple[str, ...]  # in draw order (rank 1 first)
    shortfall: int  # quota - len(winners)
    eligible_digest: str
    eligible_count: int


def ranking(inp: DrawInput) -> list[str]:
    """All eligible ids in ticket order (the full draw order; winners are its head)."""
    inp.check()
    return sorted(
        inp.eligible,
        key=lambda entrant_id: (ticket(inp.seed, inp.campaign, inp.month, entrant_id), entrant_id),
    )


def draw(inp: DrawInput) -> DrawOutcome:
    """Run the draw. Deterministic: the same input always gives the same outcome."""
    order = ranking(inp)
    winners = tuple(order[: inp.quota])
    return DrawOutcome(
        algorithm=inp.algorithm,
        winners=winners,
        shortfall=inp.quota - len(winners),
        eligible_digest=list_digest(inp.eligible),
        eligible_count=len(inp.eligible),
    )


def reproduces(inp: DrawInput, winners: Sequence[str]) -> bool:
    """True when re-running `inp` gives exactly `winners`, in the same order."""
    return draw(inp).winners == tuple(winners)
