"""Template filters over suishin.core.jpformat (loaded as a builtin)."""

from __future__ import annotations

from django import template

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
