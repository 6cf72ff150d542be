"""A cross-request cache of the figures engine, exact by construction.

`cached(name, compute, *args)` answers from Django's cache (settings CACHES:
a file cache shared by the worker processes by default) under a key made of

* the function's name and `ENGINE_VERSION` (bump it whenever the engine's
  code changes what it answers, so old entries are never read again);
* the data version (`suishin.core.dataversion.current()`), which changes in
  the same transaction as every audited write;
* the registered figure providers (key and function), since they are code;
* a canonical repr of every argument (Scope is a frozen dataclass; codes are
  sorted).

It computes (and does not store) when the version read before computing
differs from the one read after (a write committed meanwhile, so the value
may mix both), when this connection's open transaction has bumped the
version itself (uncommitted data), when the pickled value exceeds
`MAX_BYTES`, or when `SUISHIN_FIGURES_CACHE` is off (setting or environment). A cache
backend failure is logged and the value computed.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from suishin.core import dataversion
from suishin.env import env_bool

logger = logging.getLogger(__name__)

# Bump when the engine's answers change for the same data (queries.py, providers).
ENGINE_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 24 * 60 * 60


def enabled() -> bool:
    """The setting SUISHIN_FIGURES_CACHE when settings define it (the test
    suite turns it off), else the environment variable of that name (default on)."""
    value = getattr(settings, "SUISHIN_FIGURES_CACHE", None)
    if value is None:
        value = env_bool("SUISHIN_FIGURES_CACHE", True)
    return bool(value)


def _providers_fingerprint() -> str:
    from suishin.kpis import providers

    parts = []
    for key, p in sorted(providers._PROVIDERS.items()):
        funcs = (p.func, p.trace_url)
        parts.append(
            key
            + "="
            + ",".join(
                f"{getattr(f, '__module__', '')}.{getattr(f, '__qualname__', repr(f))}"
                for f in funcs
                if f is not None
            )
        )
    return ";".join(parts)


def make_key(name: str, version: int, args: tuple) -> str:
    raw = repr((name, ENGINE_VERSION, version, _providers_fingerprint(), args))
    return f"suishin:figures:{name}:{version}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached[T](name: str, compute: Callable[..., T], *args: Any) -> T:
    """`compute(*args)`, answered from the cache when the data has not changed."""
    if not enabled() or dataversion.bumped_in_open_transaction():
        return compute(*args)
    version = dataversion.current()
    key = make_key(name, version, args)
    try:
        value = cache.get(key)
    except Exception:  # any backend error: compute instead
        logger.warning("figures cache: read failed for %s; computing", name, exc_info=True)
        return compute(*args)
    if value is not None:
        return value
    value = compute(*args)
    if dataversion.current() != version:
        return value  # a write committed meanwhile: the value may mix versions
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        logger.warning("figures cache: %s does not pickle; not cached", name, exc_info=True)
        return value
    if len(data) > MAX_BYTES:
        logger.info("figures cache: %s is %d bytes; not cached", name, len(data))
        return value
    try:
        cache.set(key, value, TIMEOUT)
    except Exception:
        logger.warning("figures cache: write failed for %s", name, exc_info=True)
    return value
