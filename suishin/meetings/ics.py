"""iCalendar (RFC 5545) export: one meeting, or a fiscal year's feed of
meetings, block sessions (all-day events) and schedule entries.

- UIDs are stable per object ("meeting-12@suishin"), so importing the same
  file again updates the events instead of duplicating them.
- Times carry TZID=Asia/Tokyo with a VTIMEZONE component (built by
  icalendar from the zoneinfo database), so clients in any zone show the
  Sapporo wall-clock time.
- DTSTAMP / LAST-MODIFIED are the object's last change (UTC), so the same
  data always gives the same file.
- An event without an end time is given DEFAULT_DURATION (a calendar shows a
  zero-length event badly); its description says the end is not fixed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from suishin.meetings import queries
from suishin.meetings.models import BlockSession, Meeting, ScheduleEntry

TOKYO = ZoneInfo("Asia/Tokyo")
UID_DOMAIN = "suishin"
PRODID = "-//suishin//北海道労働金庫推進会議 会議・日程//JA"
DEFAULT_DURATION = dt.timedelta(hours=2)
MIME = "text/calendar; charset=utf-8"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    return cal


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _tokyo(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TOKYO)


def _timed(event: Event, starts_at: dt.datetime, ends_at: dt.datetime | None) -> str:
    event.add("dtstart", _tokyo(starts_at))
    event.add("dtend", _tokyo(ends_at or starts_at + DEFAULT_DURATION))
    return "" if ends_at else "終了時刻は未定です。"


def meeting_event(meeting: Meeting, agenda: list | None = None) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", _utc(meeting.updated_at))
    event.add("last-modified", _utc(meeting.updated_at))
    note = _timed(event, meeting.starts_at, meeting.ends_at)
    event.add("summary", meeting.title)
    location = " ".join(p for p in (meeting.venue, meeting.room, meeting.address) if p)
    if location:
        event.add("location", location)
    lines = [f"主催：{meeting.organiser}"]
    if meeting.phone:
        lines.append(f"電話：{meeting.phone}")
    if agenda is None:
        agenda = queries.agenda(meeting)
    if agenda:
        lines.append("議事次第：")
        for block in agenda:
            head = block.label if block.inline else f"<{block.label}>"
            lines.append(f"{head} {block.presenter}".rstrip())
            lines.extend(
                "  " + " ".join(p for p in (ln.number, ln.title, ln.presenter) if p)
                for ln in block.lines
            )
    if note:
        lines.append(note)
    event.add("description", "\n".join(lines))
    return event


def block_session_event(session: BlockSession) -> Event:
    event = Event()
    event.add("uid", f"block-session-{session.pk}@{UID_DOMAIN}")
    event.add("dtstamp", _utc(session.updated_at))
    event.add("last-modified", _utc(session.updated_at))
    event.add("dtstart", session.date)  # all-day: VALUE=DATE, DTEND is exclusive
    event.add("dtend", session.date + dt.timedelta(days=1))
    event.add("summary", f"ブロック別研修会（{session.block.name}ブロック）")
    event.add("location", session.city)
    if session.note:
        event.add("description", session.note)
    event.add("transp", "TRANSPARENT")
    return event


def schedule_event(entry: ScheduleEntry) -> Event:
    event = Event()
    event.add("uid", f"schedule-{entry.pk}@{UID_DOMAIN}")
    event.add("dtstamp", _utc(entry.updated_at))
    event.add("last-modified", _utc(entry.updated_at))
    note = _timed(event, entry.starts_at, entry.ends_at)
    event.add("summary", entry.name)
    if entry.venue:
        event.add("location", entry.venue)
    description = "\n".join(p for p in (entry.note, note) if p)
    if description:
        event.add("description", description)
    return event


def _finish(cal: Calendar) -> bytes:
    cal.add_missing_timezones()  # VTIMEZONE for every TZID used
    return cal.to_ical()


def meeting_calendar(meeting: Meeting) -> bytes:
    cal = _calendar(meeting.title)
    cal.add_component(meeting_event(meeting))
    return _finish(cal)


def fiscal_year_calendar(fiscal_year: int) -> bytes:
    """Every meeting, block session and schedule entry of a fiscal year."""
    cal = _calendar(f"{fiscal_year}年度 推進会議の日程")
    meetings = list(Meeting.objects.filter(fiscal_year=fiscal_year).order_by("starts_at"))
    sections, items = queries.agenda_parts(meetings)  # two queries for the whole year
    for meeting in meetings:
        agenda = queries.agenda(meeting, sections=sections[meeting.pk], items=items)
        cal.add_component(meeting_event(meeting, agenda))
    for session in (
        BlockSession.objects.filter(fiscal_year=fiscal_year)
        .select_related("block")
        .order_by("date")
    ):
        cal.add_component(block_session_event(session))
    for entry in ScheduleEntry.objects.filter(fiscal_year=fiscal_year).order_by("starts_at"):
        cal.add_component(schedule_event(entry))
    return _finish(cal)
