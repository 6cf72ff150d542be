"""Shared bits of the campaign commands: the actor label and argument lookups."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import CommandError

from suishin.campaigns.models import Campaign


def actor_label(command: str) -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        user = "unknown"
    return f"cli:{command}:{user}"


def campaign(code: str) -> Campaign:
    found = Campaign.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"キャンペーンコード「{code}」のキャンペーンはありません。")
    return found


def read_seed(seed: str | None, seed_file: str | None) -> str | None:
    """The seed from --seed or from --seed-file (first line; keeps it out of shell history)."""
    if seed_file:
        try:
            text = Path(seed_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"シードのファイル「{seed_file}」を読めません：{exc.strerror}"
            ) from None
        return text.splitlines()[0] if text else ""
    return seed
