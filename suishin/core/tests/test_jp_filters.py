"""The date filters templates use for what a person reads (issue #7)."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template

from suishin.core.templatetags.jp import datetime_ja, iso_dates_ja

UTC = dt.UTC


def test_datetime_ja_is_local_time_with_weekday():
    moment = dt.datetime(2024, 11, 14, 5, 0, 9, tzinfo=UTC)  # 14:00:09 in Tokyo
    assert datetime_ja(moment) == "2024年11月14日（木）14:00"
    assert datetime_ja(moment, "seconds") == "2024年11月14日（木）14:00:09"
    assert datetime_ja(dt.date(2024, 11, 14)) == "2024年11月14日（木）"
    assert datetime_ja(None) == "－"


def test_datetime_ja_crosses_midnight_into_the_next_local_day():
    assert datetime_ja(dt.datetime(2024, 11, 13, 15, 30, tzinfo=UTC)) == "2024年11月14日（木）00:30"


def test_iso_dates_in_free_text_become_japanese():
    assert iso_dates_ja("学習会 2026-11-26 A0001") == "学習会 2026年11月26日（木） A0001"
    assert iso_dates_ja("2024-09-28T05:00:00+00:00") == "2024年9月28日（土）14:00:00"
    assert iso_dates_ja("2024-11-14 14:05") == "2024年11月14日（木）14:05"


def test_iso_dates_ja_leaves_what_is_not_a_date():
    assert iso_dates_ja("2024-13-45") == "2024-13-45"
    assert iso_dates_ja("12024-11-14") == "12024-11-14"
    assert iso_dates_ja("口座 1234-56-78") == "口座 1234-56-78"
    assert iso_dates_ja(None) is None
    assert iso_dates_ja(1200) == "1200"


def test_the_filters_are_builtins_and_escape_what_they_are_given():
    out = Template("{{ v|iso_dates_ja }}|{{ m|datetime_ja }}").render(
        Context({"v": "<b>2024-11-14</b>", "m": dt.datetime(2024, 11, 14, 5, tzinfo=UTC)})
    )
    assert out == "&lt;b&gt;2024年11月14日（木）&lt;/b&gt;|2024年11月14日（木）14:00"
