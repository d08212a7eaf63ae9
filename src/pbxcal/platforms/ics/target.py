"""iCalendar as a target: RRULE where exact, one-off events otherwise; evaluated with recurring_ical_events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from ...errors import BadInputError
from ...infer import Capabilities
from ...model import SECONDS_PER_DAY, By, Freq, Rule, Series, Window, midnight
from ...normalize import Clock
from ...spans import Span, clip

NAME = "ics"
# RRULE: any INTERVAL, BYDAY=5FR, several weekdays in one BYDAY
CAPABILITIES = Capabilities(dict.fromkeys(Freq), fifth_weekday=True, weekdays="any")
CLOCK = Clock(resolution=1, end_of_day=-1)  # iCalendar says any end exactly; no end time means "end of day"
HAS_ZONE = False
PRODID = "-//pbxcal//pbxcal//EN"
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = {Freq.YEARLY: "YEARLY", Freq.MONTHLY: "MONTHLY", Freq.WEEKLY: "WEEKLY", Freq.DAILY: "DAILY"}
UID_NAMESPACE = uuid.UUID("6f1c3f2e-8a7b-4c0d-9e5f-2a1b3c4d5e6f")


def detect(body: object) -> bool:
    return isinstance(body, str) and "BEGIN:VCALENDAR" in body[:2000].upper()


# ---- writer ---------------------------------------------------------------------------------------------------

def _event(name: str, start: date | datetime, end: date | datetime, rule: dict[str, Any] | None = None
           ) -> icalendar.Event:
    event = icalendar.Event()
    event.add("SUMMARY", name or "Closed")
    event.add("DTSTART", start)
    event.add("DTEND", end)
    if rule:
        event.add("RRULE", rule)
    event.add("TRANSP", "OPAQUE")
    return event


def _bounds(series: Series, day: date, zone: ZoneInfo | None) -> tuple[date | datetime, date | datetime]:
    if series.whole_days:
        return day, day + timedelta(days=series.length // SECONDS_PER_DAY)
    start = midnight(day) + timedelta(seconds=series.offset)
    end = start + timedelta(seconds=series.length)
    return (start.replace(tzinfo=zone), end.replace(tzinfo=zone)) if zone else (start, end)


def recurrence(rule: Rule, until: date | datetime | None) -> dict[str, Any] | None:
    """The RRULE parts that give exactly the rule's days from its start, or None."""
    if rule.freq is Freq.ONCE:
        return None
    start = rule.start
    code = DAY_CODES[start.weekday()]
    parts: dict[str, Any] = {"FREQ": FREQS[rule.freq]}
    if rule.interval != 1:
        parts["INTERVAL"] = rule.interval
    if rule.freq is Freq.WEEKLY:
        parts["BYDAY"] = [DAY_CODES[w] for w in sorted(rule.weekdays)]
        parts["WKST"] = code  # weeks begin on the rule's first day, as the model counts them
    elif rule.freq in (Freq.YEARLY, Freq.MONTHLY):
        if rule.freq is Freq.YEARLY:
            parts["BYMONTH"] = start.month
        parts.update({
            By.DATE: {"BYMONTHDAY": start.day},
            By.NTH: {"BYDAY": f"+{rule.nth}{code}"},
            By.LAST: {"BYDAY": f"-1{code}"},
            By.LAST_DAY: {"BYMONTHDAY": -1},
        }[rule.by])
    if until is not None:
        parts["UNTIL"] = until
    return parts


def candidates(series: Series, window: Window, zone: str | None = None) -> Iterator[list[icalendar.Event]]:
    """One event whose RRULE gives the series' days; times are in the PBX zone (floating without one)."""
    tz = ZoneInfo(zone) if zone else None
    rule = series.rule
    start, end = _bounds(series, rule.start, tz)
    until: date | datetime | None = None
    if rule.until is not None:
        last, _ = _bounds(series, rule.until, tz)
        until = last.astimezone(UTC) if isinstance(last, datetime) and last.tzinfo else last
    yield [_event(series.name, start, end, recurrence(rule, until))]


def once(span: Span, zone: str | None = None, name: str = "") -> list[icalendar.Event]:
    if span.start == midnight(span.start.date()) and span.end == midnight(span.end.date()):
        return [_event(name, span.start.date(), span.end.date())]
    tz = ZoneInfo(zone) if zone else None
    start, end = (span.start.replace(tzinfo=tz), span.end.replace(tzinfo=tz)) if tz else (span.start, span.end)
    return [_event(name, start, end)]


def remark(series: Series, chosen: list[Any]) -> str | None:
    return None


def finish(entries: list[icalendar.Event]) -> list[icalendar.Event]:
    return entries


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def body(entries: list[icalendar.Event], name: str, zone: str | None) -> str:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-CALNAME", name)
    stamp = _now()
    seen: dict[str, int] = {}
    for entry in entries:
        # The same calendar converted again gets the same UIDs, so a re-import updates events instead of doubling
        # them: the UID comes from the calendar's name and the event's content (not DTSTAMP), and its rank among
        # equal events.
        content = f"{name}\n{entry.to_ical().decode()}"
        seen[content] = seen.get(content, 0) + 1
        entry.add("UID", f"{uuid.uuid5(UID_NAMESPACE, f'{content}#{seen[content]}')}@pbxcal")
        entry.add("DTSTAMP", stamp)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


# ---- reader and evaluator -------------------------------------------------------------------------------------

def entries(body: str) -> list[icalendar.Event]:
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except Exception as error:  # the parser raises several kinds; each means the body is not iCalendar
        raise BadInputError(f"not valid iCalendar: {error}") from None
    return list(calendar.walk("VEVENT"))


def zone_of(body: str) -> str | None:
    for event in entries(body):
        tzinfo = getattr(event.start, "tzinfo", None)
        if isinstance(tzinfo, ZoneInfo):
            return tzinfo.key
    return None


def spans(entry_list: list[icalendar.Event], window: Window) -> list[Span]:
    """When the events are active inside the window, per recurring_ical_events, in their own wall clock."""
    calendar = icalendar.Calendar()
    for entry in entry_list:
        calendar.add_component(entry)
    found = []
    for occurrence in recurring_ical_events.of(calendar).between(window.first - timedelta(days=2),
                                                                  window.until + timedelta(days=2)):
        start, end = occurrence.start, occurrence.end
        found.append(Span(_wall(start), _wall(end)))
    return clip(found, window.span)


def _wall(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return midnight(value)


def describe(entry: icalendar.Event) -> str:
    rule = entry.get("RRULE")
    when = f"{entry.start}" + (f" .. {entry.end}" if entry.end else "")
    return f"{entry.get('SUMMARY', '')}: {when}" + (f", {rule.to_ical().decode()}" if rule else "")


def read(body: str) -> list[icalendar.Event]:
    return entries(body)


__all__ = [
    "CAPABILITIES",
    "CLOCK",
    "HAS_ZONE",
    "NAME",
    "body",
    "candidates",
    "describe",
    "detect",
    "entries",
    "finish",
    "once",
    "read",
    "recurrence",
    "remark",
    "spans",
    "zone_of",
]
