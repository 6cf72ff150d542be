"""Writing the audit trail.

Every service that creates, changes or deletes business data calls `record`
inside its transaction, so the entry commits or rolls back with the change.
Bulk paths (bulk_create/update) call it explicitly too: signals would miss them.

The common single-object shape, "snapshot before → set fields → (full_clean)
→ save → record create/update", is `save_audited`; "record the before →
delete" is `delete_audited`. Services call them instead of repeating it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction

from suishin.core import dataversion
from suishin.core.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


# Secrets never go into the trail: a password hash is replaced by a marker
# (whether it is set), so the trail cannot be used to attack the hashes.
REDACTED_FIELDS = frozenset({"password"})
REDACTED = "（記録しません）"


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready (FKs as ids);
    secrets (REDACTED_FIELDS) are replaced by a marker."""
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.attname in REDACTED_FIELDS:
            value = REDACTED if value else ""
        data[field.attname] = _jsonable(value)
    return data


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    model: str | None = None,
    object_pk: Any = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    if obj is not None:
        model = model or obj._meta.label
        object_pk = object_pk or obj.pk
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = getattr(actor, "username", "") if user else (str(actor) if actor else "system")
    # Every audited write changes the data version in the same transaction
    # (caches of the figures key on it: suishin.core.dataversion). The
    # recorded row is locked first, so a writer always takes its row locks
    # before the version lock, also where a service records and then deletes
    # (no deadlock between an update and a delete of one row on PostgreSQL).
    if obj is not None and obj.pk is not None and transaction.get_connection().in_atomic_block:
        type(obj)._base_manager.select_for_update().filter(pk=obj.pk).exists()
    dataversion.bump()
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        model=model or "",
        object_pk=str(object_pk or ""),
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )


class _Fetch:
    """Default of `save_audited(before=...)`: read the stored row."""

    def __repr__(self) -> str:
        return "FETCH"


FETCH: Any = _Fetch()


def save_audited(
    obj: models.Model,
    *,
    actor: Any,
    fields: dict[str, Any] | None = None,
    clean: bool = False,
    validate_constraints: bool = True,
    action: str | None = None,
    before: dict[str, Any] | None = FETCH,
    note: str = "",
) -> models.Model:
    """Set `fields` on `obj`, optionally `full_clean()` it, save it and record
    who changed what: one audit entry with the row before (None for a new
    row) and after. Runs in the caller's transaction (an atomic block of its
    own when there is none), so the row and its entry commit together.

    before: by default the stored row is read again (None for a new object,
    `obj.pk is None`); pass a snapshot taken earlier (or None) when the
    caller has already changed the instance or holds a locked copy.
    action: by default "create" when there was no row before, else "update".
    clean: run `full_clean(validate_constraints=...)` before saving; a
    ValidationError propagates and nothing is written.
    """
    with transaction.atomic():
        if before is FETCH:
            before = None if obj.pk is None else snapshot(type(obj)._default_manager.get(pk=obj.pk))
        for name, value in (fields or {}).items():
            setattr(obj, name, value)
        if clean:
            obj.full_clean(validate_constraints=validate_constraints)
        obj.save()
        record(
            actor=actor,
            action=action or ("create" if before is None else "update"),
            obj=obj,
            before=before,
            after=snapshot(obj),
            note=note,
        )
    return obj


def delete_audited(
    obj: models.Model,
    *,
    actor: Any,
    before: dict[str, Any] | None = None,
    action: str = "delete",
    note: str = "",
) -> None:
    """Record the row (or the given `before`, e.g. with its children) and
    delete it, in one transaction."""
    with transaction.atomic():
        record(
            actor=actor,
            action=action,
            obj=obj,
            before=before if before is not None else snapshot(obj),
            note=note,
        )
        obj.delete()
