"""A cross-request cache of the figures engine, exact by construction.

`cached(name, compute, *args)` answers from Django's cache (settings CACHES:
a file cache shared by the worker processes by default) under a key made of

* the function's name and `ENGINE_VERSION` (bump it whenever the engine's
  code changes what it answers, so old entries are never read again);
* the data version (`suishin.core.dataversion.current()`), which changes in
  the same transaction as every audited write;
* the registered figure providers (key and function), since they are code;
* a fingerprint of the code: every .py and .html file of the suishin package
  (read once per process), so a deployment that changes the engine or a
  template never reads what the old code stored (`ENGINE_VERSION` stays as
  an explicit switch);
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

import functools
import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from suishin.core import dataversion
from suishin.env import env_bool

logger = logging.getLogger(__name__)

# Bump when the engine's answers change for the same data (queries.py, providers).
# 2: the branch/member path sums a branch's member targets recorded under two blocks.
ENGINE_VERSION = 3
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 24 * 60 * 60
LOCK_SECONDS = 60  # a caller computing longer than this no longer holds the others back


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


def source_digest(root: Path) -> str:
    """SHA-256 of every .py and .html file under `root`, test directories left out."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html") and "tests" not in path.relative_to(root).parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The suishin package's `source_digest` (about 1.5 MB: 50 ms, once per process)."""
    return source_digest(Path(__file__).resolve().parents[1])


def make_key(name: str, version: int, args: tuple) -> str:
    raw = repr((name, ENGINE_VERSION, code_fingerprint(), version, _providers_fingerprint(), args))
    return f"suishin:figures:{name}:{version}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached[T](name: str, compute: Callable[..., T], *args: Any) -> T:
    """`compute(*args)`, answered from the cache when the data has not changed.

    On a miss one caller computes and the others asking for the same key
    meanwhile (other requests, other workers) wait for its value instead of
    computing it too: after an import, 32 users opening the dashboard at once
    computed the council's figures 32 times (bench/RESULTS.md §3). A waiter
    computes itself when the computing caller finishes without storing (the
    data moved on, an error) or takes longer than `LOCK_SECONDS`."""
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
    lock = f"{key}:computing"
    try:
        mine = cache.add(lock, 1, LOCK_SECONDS)
    except Exception:
        mine = False
    if not mine:
        value = _wait_for(key, lock)
        if value is not None:
            return value
    try:
        value = compute(*args)
        _store(name, key, version, value)
    finally:
        if mine:
            try:
                cache.delete(lock)
            except Exception:
                logger.warning("figures cache: could not release %s", name, exc_info=True)
    return value


def _wait_for(key: str, lock: str) -> Any:
    """The value another caller is computing under `lock`, or None when it ends without one."""
    deadline = time.monotonic() + LOCK_SECONDS
    pause = 0.01
    try:
        while time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
            value = cache.get(key)
            if value is not None:
                return value
            if cache.get(lock) is None:  # finished (or failed) without storing
                return cache.get(key)
    except Exception:
        logger.warning("figures cache: read failed while waiting; computing", exc_info=True)
    return None


def _store(name: str, key: str, version: int, value: Any) -> None:
    if dataversion.current() != version:
        return  # a write committed meanwhile: the value may mix versions
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        logger.warning("figures cache: %s does not pickle; not cached", name, exc_info=True)
        return
    if len(data) > MAX_BYTES:
        logger.info("figures cache: %s is %d bytes; not cached", name, len(data))
        return
    try:
        cache.set(key, value, TIMEOUT)
    except Exception:
        logger.warning("figures cache: write failed for %s", name, exc_info=True)
