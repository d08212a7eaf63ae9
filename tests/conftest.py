"""Shared helpers: an independent reference for what a calendar means, and small builders."""

from __future__ import annotations

import os
from datetime import date, datetime
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
    """What the calendar means, per recurring_ical_events: the active spans in `zone`'s wall clock."""
    tz = ZoneInfo(zone) if zone else None
    calendar = icalendar.Calendar.from_ical(ics)
    spans = []
    first, until = date.fromordinal(window.first.toordinal() - 2), date.fromordinal(window.until.toordinal() + 2)
    for event in recurring_ical_events.of(calendar).between(first, until):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start, end = (_wall(v, tz) for v in (event.start, event.end))
        if end > start:
            spans.append(Span(start, end))
    return clip(spans, window.span)


def _wall(value: date | datetime, tz: ZoneInfo | None) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is not None and tz is not None:
        value = value.astimezone(tz)
    return value.replace(tzinfo=None)


@pytest.fixture
def window() -> Window:
    return Window(date(2026, 1, 1), date(2029, 1, 1))
