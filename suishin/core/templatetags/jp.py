"""Template filters over suishin.core.jpformat (loaded as a builtin)."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils import timezone

from suishin.core import jpformat

register = template.Library()

for _name in (
    "number",
    "yen",
    "sen_yen",
    "man_yen",
    "oku_yen",
    "date_ja",
    "month_day_ja",
    "datetime_hour_ja",
    "month_ja",
):
    register.filter(_name, getattr(jpformat, _name))


@register.filter
def datetime_ja(value: dt.datetime | None, precision: str = "minutes") -> str:
    """A moment in local time: '2024年11月14日（木）14:05' ('14:05:09' with "seconds")."""
    if value is None or value == "":
        return jpformat.DASH
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        clock = "%H:%M:%S" if precision == "seconds" else "%H:%M"
        return f"{jpformat.date_ja(value.date())}{value.strftime(clock)}"
    if isinstance(value, dt.date):
        return jpformat.date_ja(value)
    return str(value)


_ISO_MOMENT = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?(?![0-9])"
)


def _iso_to_ja(match: re.Match) -> str:
    text = match.group(0)
    try:
        if match.group(4) is None:
            return jpformat.date_ja(dt.date.fromisoformat(text))
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return datetime_ja(moment, "seconds" if match.group(6) else "minutes")


@register.filter
def iso_dates_ja(value) -> str:
    """Free text as stored (audit snapshots, object names): each ISO date or
    moment in it shown as '2024年11月14日（木）' / '…（木）14:05'."""
    if value is None:
        return value
    return _ISO_MOMENT.sub(_iso_to_ja, str(value))


@register.filter
def signed(value: int, unit: str = "") -> str:
    return jpformat.signed(value, unit)


@register.filter
def signed_money(value: int, style: str = "oku") -> str:
    return jpformat.signed_money(value, style)


@register.filter
def count(value: int | None, unit: str = "件") -> str:
    return jpformat.count(value, unit)


@register.simple_tag
def rate(actual: int | None, target: int | None) -> str:
    return jpformat.rate(actual, target)


@register.filter
def get_item(mapping, key):
    """{{ labels|get_item:key }} — dictionary lookup in templates."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
