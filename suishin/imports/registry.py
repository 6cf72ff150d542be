"""The registry of import kinds.

Each app declares its kinds in ``suishin/<app>/importers.py`` with the
`register` class decorator; the registry imports that module of every
installed app the first time it is asked (autodiscovery, like
``admin.autodiscover``), so no AppConfig has to know about imports.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

from suishin.core.errors import DomainError

if TYPE_CHECKING:
    from suishin.imports.spec import ImportSpec

_SPECS: dict[str, type[ImportSpec]] = {}
_discovered = False
_lock = threading.Lock()


def register(spec_cls: type[ImportSpec]) -> type[ImportSpec]:
    """Class decorator: make `spec_cls.kind` importable. Registering the same
    kind twice with another class is a programming error."""
    kind = spec_cls.kind
    existing = _SPECS.get(kind)
    if existing is not None and existing.__qualname__ != spec_cls.__qualname__:
        raise RuntimeError(f"import kind {kind!r} registered twice ({existing!r}, {spec_cls!r})")
    spec_cls.validate_declaration()
    _SPECS[kind] = spec_cls
    return spec_cls


def autodiscover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("importers")
            _discovered = True


# The order kinds are listed in (dependency order first; later kinds after).
PREFERRED_ORDER = ["blocks", "branches", "members", "items", "targets", "results"]


def all_specs() -> list[type[ImportSpec]]:
    autodiscover()

    def order(spec_cls: type[ImportSpec]) -> tuple[int, str]:
        kind = spec_cls.kind
        return (
            PREFERRED_ORDER.index(kind) if kind in PREFERRED_ORDER else len(PREFERRED_ORDER),
            kind,
        )

    return sorted(_SPECS.values(), key=order)


def kinds() -> list[str]:
    return [s.kind for s in all_specs()]


def get(kind: str) -> type[ImportSpec]:
    autodiscover()
    try:
        return _SPECS[kind]
    except KeyError:
        raise DomainError(
            f"取込の種類「{kind}」はありません（使える種類: {'、'.join(kinds())}）。", field="kind"
        ) from None


def label_for(kind: str) -> str:
    autodiscover()
    spec_cls = _SPECS.get(kind)
    return spec_cls.label if spec_cls else kind
