"""Figures that are computed from other records instead of imported results.

An item whose `source` names a provider gets its count and amount from that
provider (study sessions counted from their records, members with self-set
targets, disposable-income improvement from refinancing records...). Apps
register providers in their AppConfig.ready(); the catalog picks one by key,
so next year's catalog needs no code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from suishin.core.fiscal import Period


@dataclass(frozen=True)
class Figure:
    count: int = 0
    amount: int = 0


# provider(item, period, scope, arg) -> Figure; scope is a suishin.kpis.scope.Scope,
# arg is the text after ":" in the item's source ("activities.sessions:生活防衛" →
# provider "activities.sessions" with arg "生活防衛"), or "" when there is none.
ProviderFunc = Callable[..., Figure]


# trace_url(item, period, scope, arg) -> str | None: where the records behind a
# provider's figure are listed (the report's figure cells link there).
TraceUrlFunc = Callable[..., "str | None"]


@dataclass(frozen=True)
class Provider:
    key: str
    label: str  # Japanese, shown in the catalog editor
    func: ProviderFunc
    trace_url: TraceUrlFunc | None = None


_PROVIDERS: dict[str, Provider] = {}


def register(key: str, label: str, func: ProviderFunc, *, trace_url: TraceUrlFunc | None = None) -> None:
    """Register a figure provider under `key` (e.g. "activities.sessions").

    Optional `trace_url(item, period, scope, arg)` returns the URL of a page
    listing the records behind a figure; the report links its cells there.
    """
    _PROVIDERS[key] = Provider(key, label, func, trace_url)


def split(source: str) -> tuple[str, str]:
    key, _, arg = source.partition(":")
    return key.strip(), arg.strip()


def get(source: str) -> Provider | None:
    return _PROVIDERS.get(split(source)[0])


def choices() -> list[tuple[str, str]]:
    return [("", "取込実績")] + sorted((p.key, p.label) for p in _PROVIDERS.values())


def compute(source: str, item, period: Period, scope) -> Figure:
    key, arg = split(source)
    provider = _PROVIDERS.get(key)
    if provider is None:
        raise KeyError(f"unknown figure provider {key!r}")
    return provider.func(item, period, scope, arg)


def trace_url(source: str, item, period: Period, scope) -> str | None:
    """The provider's page for the records behind a figure, or None."""
    key, arg = split(source)
    provider = _PROVIDERS.get(key)
    if provider is None or provider.trace_url is None:
        return None
    return provider.trace_url(item, period, scope, arg)
