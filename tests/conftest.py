"""Shared helpers: an independent reference for what a calendar means, and small builders."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import settings

from pbxcal.model import Window
from pbxcal.spans import Span, clip

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parent.parent / "samples"

# CI runs the same examples every time; a developer's runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The holidays package reads LANG for names; pbxcal passes a language, and the tests must not depend on it anyway.
os.environ["LANG"] = "th_TH.UTF-8"


def reference_spans(ics: str | bytes, zone: str | None, window: Window) -> list[Span]:
    """What the calendar means: recurring_ical_events' occurrences, read with RFC 5545's time rules, done here.

    Independent of pbxcal's reader: each VCALENDAR parsed alone; the README's repair of a date DTSTART with a
    date-time DTEND (whole days through the date DTEND reaches into by more than a minute); local times to UTC with
    PEP 495 fold=0 (the first of a repeated time, the offset before a gap); DTEND gives every member the same exact
    length, DURATION's days are nominal and its hours exact; then UTC to the target's wall clock.
    """
    tz = ZoneInfo(zone) if zone else None
    text = ics.decode() if isinstance(ics, bytes) else ics
    blocks = re.findall(r"^BEGIN:VCALENDAR.*?^END:VCALENDAR", text, re.M | re.S | re.I) or [text]
    spans = []
    first, until = date.fromordinal(window.first.toordinal() - 2), date.fromordinal(window.until.toordinal() + 2)
    for block in blocks:
        icalendar.use_zoneinfo()  # empties icalendar's zone cache: no calendar sees another's VTIMEZONEs
        calendar = icalendar.Calendar.from_ical(block)
        sources: dict[tuple[str, object], icalendar.Event] = {}
        for event in calendar.walk("VEVENT"):
            _repair(event)
            rid = event.get("RECURRENCE-ID")
            sources[(str(event.get("UID")), _key(rid.dt) if rid is not None else None)] = event
        expanded = recurring_ical_events.of(calendar, keep_recurrence_attributes=True).between(first, until)
        for occurrence in expanded:
            if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                continue
            uid = str(occurrence.get("UID"))
            source = sources.get((uid, _key(occurrence["RECURRENCE-ID"].dt))) or sources[(uid, None)]
            span = _span(occurrence.start, occurrence.end, source, tz)
            if span is not None:
                spans.append(span)
    return clip(spans, window.span)


def _key(value: date | datetime) -> date | datetime:
    return _utc(value) if isinstance(value, datetime) and value.tzinfo else value


def _repair(event: icalendar.Event) -> None:
    start, end = event.get("DTSTART"), event.get("DTEND")
    if start is None or end is None or isinstance(start.dt, datetime) or not isinstance(end.dt, datetime):
        return
    stop = end.dt
    last = stop.date() if (stop.hour, stop.minute, stop.second) > (0, 1, 0) else stop.date() - timedelta(days=1)
    del event["DTEND"]
    event.add("DTEND", max(last, start.dt) + timedelta(days=1))


def _utc(value: datetime) -> datetime:
    return value.replace(fold=0).astimezone(UTC).replace(tzinfo=None)


def _span(start: date | datetime, end: date | datetime, source: icalendar.Event, tz: ZoneInfo | None) -> Span | None:
    if not isinstance(start, datetime):
        return Span(datetime(start.year, start.month, start.day), datetime(end.year, end.month, end.day))
    if start.tzinfo is None or tz is None:
        span = Span(start.replace(tzinfo=None), end.replace(tzinfo=None))
        return span if span.end > span.start else None
    end = end if end.tzinfo else end.replace(tzinfo=start.tzinfo)
    real_start, real_end = _utc(start), _utc(end)
    first = source["DTSTART"].dt
    if isinstance(first, datetime) and not first.tzinfo:
        first = first.replace(tzinfo=start.tzinfo)  # a floating master read in its occurrences' zone
    if "DTEND" in source and isinstance(first, datetime) and isinstance(source["DTEND"].dt, datetime):
        last = source["DTEND"].dt
        last = last if last.tzinfo or not first.tzinfo else last.replace(tzinfo=first.tzinfo)
        if end - start == abs(last - first):  # not an RDATE period with its own end
            real_end = real_start + abs(_utc(last) - _utc(first))
    elif "DURATION" in source and end - start == abs(source["DURATION"].dt):
        length = abs(source["DURATION"].dt)
        real_end = _utc(start + timedelta(days=length.days)) + timedelta(seconds=length.seconds)
    if real_end <= real_start:
        return None
    return _covering(real_start, real_end, tz)


def _covering(start: datetime, end: datetime, tz: ZoneInfo) -> Span:
    """The smallest wall span the clock shows during [start, end). Every zone used changes its offset on a quarter
    hour, so the lowest wall time is at the start or a quarter hour, the highest just before one or the end."""
    def wall(moment: datetime) -> datetime:
        return moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)

    second, step = timedelta(seconds=1), timedelta(minutes=15)
    cuts = [start, end]
    if wall(start) - start != wall(end - second) - (end - second) or end - start > timedelta(days=1):
        first = start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0) + step
        cuts += [first + k * step for k in range(int((end - first) / step) + 1) if first + k * step < end]
    return Span(min(wall(m) for m in cuts if m < end), max(wall(m - second) + second for m in cuts if m > start))


@pytest.fixture
def window() -> Window:
    return Window(date(2026, 1, 1), date(2029, 1, 1))
