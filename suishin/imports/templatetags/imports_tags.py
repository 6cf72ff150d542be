"""Display helpers for the import pages (dates via core.jpformat)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from suishin.core import jpformat
from suishin.imports.readers import human_size

register = template.Library()


@register.filter
def local_dt(moment: dt.datetime | None) -> str:
    """'2024年11月14日（木）15時30分' in the site's time zone."""
    if moment is None:
        return jpformat.DASH
    return jpformat.datetime_hour_ja(timezone.localtime(moment))


@register.filter
def filesize(n: int | None) -> str:
    return human_size(n or 0)
