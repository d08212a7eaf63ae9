"""iCalendar files (path, '-' for stdin, or an http(s) URL), expanded with recurring_ical_events.

A broken event is skipped and reported; the rest of the file still converts. A broken file is one clear error.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from ..errors import BadInputError, LimitExceededError
from ..model import Item, Window, midnight
from ..normalize import LOOKAHEAD
from ..spans import Span
from . import Opened, ReadOptions
from .tzids import iana_name, prefer_iana, resolve_tzids

MARGIN = timedelta(days=2)  # expand a little beyond the window: zone conversion can move an occurrence into it
TIMED_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
SINGLE_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")
LINE_NUMBER = re.compile(r"line (\d+)", re.I)


def load_bytes(spec: str, max_bytes: int) -> bytes:
    """The raw bytes of a file, stdin ('-') or URL, refusing more than max_bytes."""
    if spec == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    elif spec.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(spec, follow_redirects=True, timeout=30)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise BadInputError(f"cannot fetch: {error}", path=spec) from None
        data = response.content
    else:
        try:
            with Path(spec).open("rb") as stream:
                data = stream.read(max_bytes + 1)
        except OSError as error:
            raise BadInputError(f"cannot read: {error.strerror or error}", path=spec) from None
    if len(data) > max_bytes:
        raise LimitExceededError(f"larger than {max_bytes} bytes; raise --max-bytes to read it", path=spec)
    return data


def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, or Latin-1 as the last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # a truncated file then fails to parse, with a message
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse(spec: str, data: bytes, assume_timezone: str | None = None,
          messages: list[str] | None = None) -> list[icalendar.Calendar]:
    """The VCALENDARs in the data (a bare VEVENT file is read as one calendar)."""
    text = decode(data)
    if not text.strip():
        raise BadInputError("empty file", path=spec)
    upper = text.upper()
    if "BEGIN:VCALENDAR" not in upper:
        if "BEGIN:VEVENT" not in upper:
            raise BadInputError("not an iCalendar file (no BEGIN:VCALENDAR)", path=spec)
        header = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pbxcal//bare events//EN\r\n"
        text = f"{header}{text.strip()}\r\nEND:VCALENDAR\r\n"
    text = resolve_tzids(spec, text, assume_timezone)
    text, notes = prefer_iana(text)
    if messages is not None:
        messages.extend(f"{spec}: {note}" for note in notes)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # the parser raises many kinds; each means the file cannot be read
        line = LINE_NUMBER.search(str(error))
        raise BadInputError(f"not valid iCalendar: {error}", path=spec, line=int(line[1]) if line else None) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise BadInputError("no VCALENDAR component", path=spec)
    return calendars


def problem(event: icalendar.Event) -> str | None:
    """Why this VEVENT cannot be read, or None."""
    if "DTSTART" not in event:
        return "no DTSTART"
    for name in SINGLE_PROPERTIES:
        value = event.get(name)
        if isinstance(value, list):
            return f"{name} appears {len(value)} times"
    try:
        start, end = event.start, event.end
        for name in ("RRULE", "EXDATE", "RDATE"):
            values = event.get(name, [])
            for value in values if isinstance(values, list) else [values]:
                value.to_ical()
                getattr(value, "dts", None)
        _ = event.rrules, event.exdates, event.rdates
    except Exception as error:  # icalendar raises several kinds for one broken value
        return f"unreadable: {error}"
    if isinstance(start, datetime) != isinstance(end, datetime):
        return "DTSTART and DTEND are of different types (date and date-time)"
    if _comparable(end) < _comparable(start):
        return "DTEND is before DTSTART"
    return None


def _comparable(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
    return midnight(value).replace(tzinfo=ZoneInfo("UTC"))


def zone_hint(calendars: list[icalendar.Calendar]) -> str | None:
    """The calendar's own zone: X-WR-TIMEZONE, else its most used TZID, else UTC if it has UTC times."""
    for calendar in calendars:
        declared = str(calendar.get("X-WR-TIMEZONE", "")).strip()
        if declared and iana_name(declared):
            return iana_name(declared)
    used: Counter[str] = Counter()
    utc = False
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            start = event.get("DTSTART")
            if start is None or isinstance(start, list):
                continue
            tzid = start.params.get("TZID")
            if tzid and iana_name(str(tzid)):
                used[iana_name(str(tzid))] += 1
            utc = utc or str(start.to_ical(), "ascii", "replace").endswith("Z")
    if used:
        return used.most_common(1)[0][0]
    return "UTC" if utc else None


def _wall(value: date | datetime, zone: ZoneInfo | None) -> datetime:
    if not isinstance(value, datetime):
        return midnight(value)
    if value.tzinfo is not None and zone is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value.replace(tzinfo=None)


def _is_open_ended(event: icalendar.Event) -> bool:
    rules = event.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
    return any("COUNT" not in r and "UNTIL" not in r for r in rules)


def _items_of(spec: str, calendars: list[icalendar.Calendar]) -> dict[str, Item]:
    """One item per UID, in file order; broken events are removed from their calendar and marked skipped."""
    items: dict[str, Item] = {}
    count = 0
    for calendar in calendars:
        for event in list(calendar.walk("VEVENT")):
            count += 1
            if "UID" not in event:
                event.add("UID", f"pbxcal-event-{count}")
            uid = str(event["UID"])
            summary = str(event.get("SUMMARY", "")) or uid
            item = items.setdefault(uid, Item(spec, uid, summary, f"{spec}|{uid}"))
            why = problem(event)
            if why:
                item.skipped = f"event skipped: {why}"
                _remove(calendar, event)
                continue
            if "RECURRENCE-ID" not in event:
                item.name = summary
                item.open_ended = item.open_ended or _is_open_ended(event)
                if str(event.get("STATUS", "")).upper() == "CANCELLED":
                    item.cancelled = True  # its occurrences are dropped one by one; confirmed overrides stay
    return items


# Rough seconds per period, to bound the work an RRULE asks for before any of it is done.
PERIOD_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 604800,
                  "MONTHLY": 2629746, "YEARLY": 31556952}
# BY* parts that multiply the occurrences of a period, by the frequencies they expand.
EXPANDING_PARTS = {"BYSECOND": "SECONDLY", "BYMINUTE": "MINUTELY", "BYHOUR": "HOURLY", "BYDAY": "DAILY",
                   "BYMONTHDAY": "DAILY", "BYYEARDAY": "DAILY", "BYWEEKNO": "WEEKLY", "BYMONTH": "MONTHLY"}


def estimate_occurrences(event: icalendar.Event, until: datetime) -> int:
    """An upper estimate of the occurrences the event's rules generate from its start up to `until`.

    The expansion libraries compute every occurrence from DTSTART on, so this, not the window, is the cost.
    """
    rules = event.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
    start = _comparable(event.start)
    total = 0
    for rule in rules:
        freq = str((rule.get("FREQ") or ["YEARLY"])[0]).upper()
        period = PERIOD_SECONDS.get(freq, 1) * max(1, int(str((rule.get("INTERVAL") or [1])[0]) or 1))
        end = _comparable(until)
        if rule.get("UNTIL"):
            end = min(end, _comparable(rule["UNTIL"][0]))
        count = max(0.0, (end - start).total_seconds()) / period + 1
        for part, expands in EXPANDING_PARTS.items():
            if rule.get(part) and PERIOD_SECONDS[expands] < PERIOD_SECONDS.get(freq, 1):
                count *= len(rule[part])
        if rule.get("COUNT"):
            count = min(count, abs(int(str(rule["COUNT"][0]))))
        total += int(count)
    return total


def _check_budget(spec: str, calendars: list[icalendar.Calendar], until: datetime, limit: int) -> None:
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            estimate = estimate_occurrences(event, until)
            if estimate > limit:
                raise LimitExceededError(
                    f"event {str(event.get('SUMMARY', event.get('UID')))!r} repeats about {estimate} times up to the "
                    f"window's end (limit {limit}); narrow the window or raise --max-occurrences", path=spec)


def _remove(calendar: icalendar.Component, event: icalendar.Component) -> None:
    for component in calendar.walk():
        if event in component.subcomponents:
            component.subcomponents = [c for c in component.subcomponents if c is not event]


RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXRULE", "EXDATE", "RECURRENCE-ID")


@dataclass(frozen=True)
class PlainOccurrence:
    """The one occurrence of an event with no recurrence, shaped like recurring_ical_events' occurrences."""

    uid: str
    start: date | datetime
    end: date | datetime
    component: icalendar.Event

    def as_component(self, _keep: bool) -> icalendar.Event:
        return self.component


def split_plain(calendar: icalendar.Calendar) -> tuple[list[PlainOccurrence], icalendar.Calendar]:
    """Events that are their own only occurrence, and a calendar of the rest for recurring_ical_events.

    Most events in an export never recur; reading them directly skips the expander's per-series work. X-WR-TIMEZONE
    is applied first, exactly as recurring_ical_events.of() would.
    """
    calendar = x_wr_timezone.to_standard(calendar)
    events = list(calendar.walk("VEVENT"))
    per_uid = Counter(str(e.get("UID")) for e in events)
    plain = [e for e in events
             if per_uid[str(e.get("UID"))] == 1 and not any(p in e for p in RECURRENCE_PROPERTIES)]
    if not plain:
        return [], calendar
    chosen = {id(e) for e in plain}
    rest = icalendar.Calendar()
    for key, value in calendar.items():
        rest[key] = value
    rest.subcomponents = [c for c in calendar.subcomponents if id(c) not in chosen]
    return [PlainOccurrence(str(e["UID"]), e.start, e.end, e) for e in plain], rest


def _plain_between(plain: list[PlainOccurrence], first: datetime,
                   until: datetime) -> Iterator[tuple[str, PlainOccurrence]]:
    low, high = _comparable(first), _comparable(until)
    for occurrence in plain:
        if _comparable(occurrence.end) > low and _comparable(occurrence.start) < high:
            yield occurrence.uid, occurrence


def _series(calendar: icalendar.Calendar, items: dict[str, Item]) -> list[Any]:
    """The calendar's series; when the whole cannot be built, each UID alone, skipping those that fail."""
    try:
        return list(recurring_ical_events.of(calendar).series)
    except Exception:  # recurring_ical_events raises many kinds; find which events cause it
        pass
    found = []
    for uid, item in items.items():
        part = icalendar.Calendar()
        part.subcomponents = [c for c in calendar.subcomponents
                              if c.name == "VTIMEZONE" or str(c.get("UID", "")) == uid]
        for key, value in calendar.items():
            part[key] = value
        try:
            found.extend(recurring_ical_events.of(part).series)
        except Exception as error:  # this event alone fails: skip it, keep the rest
            if not item.skipped:
                item.skipped = f"event skipped: its recurrence cannot be expanded: {error}"
    return found


def _occurrences(series: list[Any], items: dict[str, Item], first: datetime, until: datetime,
                 uids: set[str] | None = None) -> Iterator[tuple[str, Any]]:
    """(UID, occurrence) pairs: the UID is read once per series, not per occurrence."""
    for one in series:
        uid = str(one.uid)
        if uids is not None and uid not in uids:
            continue
        try:
            yield from ((uid, occurrence) for occurrence in one.between(first, until))
        except LimitExceededError:
            raise
        except Exception as error:  # a series that breaks while expanding is skipped, not fatal
            item = items.get(uid)
            if item is not None and not item.skipped:
                item.skipped = f"event skipped: its recurrence cannot be expanded: {error}"


def _cancelled_uids(calendars: list[icalendar.Calendar]) -> set[str]:
    """UIDs with a cancelled event or occurrence: only their occurrences need their STATUS looked at."""
    return {str(e.get("UID")) for c in calendars for e in c.walk("VEVENT")
            if str(e.get("STATUS", "")).upper() == "CANCELLED"}


def _collect(spec: str, occurrences: Iterator[tuple[str, Any]], items: dict[str, Item], zone: ZoneInfo | None,
             limit: int, seen: list[int], cancelled: set[str]) -> None:
    for uid, occurrence in occurrences:
        seen[0] += 1
        if seen[0] > limit:
            raise LimitExceededError(f"more than {limit} occurrences to expand; narrow the window or raise "
                                     "--max-occurrences", path=spec)
        if uid in cancelled and str(occurrence.as_component(False).get("STATUS", "")).upper() == "CANCELLED":
            continue
        item = items.get(uid)
        if item is None or item.skipped:
            continue
        start, end = _wall(occurrence.start, zone), _wall(occurrence.end, zone)
        if end > start:
            item.spans.append(Span(start, end))
        else:
            item.notes.append(f"occurrence at {start} has no duration (active never); not written")


def open_source(spec: str, options: ReadOptions) -> Opened:
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calendars = parse(spec, load_bytes(spec, options.max_bytes), options.assume_timezone, messages)
        items = _items_of(spec, calendars)
        hint = zone_hint(calendars)
    messages += sorted({f"{spec}: {w.message}" for w in caught} - set(messages))
    name = next((str(c["X-WR-CALNAME"]) for c in calendars if c.get("X-WR-CALNAME")), None)
    label = "stdin" if spec == "-" else spec

    def expand(zone_name: str | None, window: Window) -> list[Item]:
        zone = ZoneInfo(zone_name) if zone_name else None
        first, until = midnight(window.first - MARGIN), midnight(window.until + MARGIN)
        open_uids = {key for key, item in items.items() if item.open_ended}
        seen = [0]
        cancelled = _cancelled_uids(calendars)
        _check_budget(spec, calendars, until + (LOOKAHEAD if open_uids else timedelta()), options.max_occurrences)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for calendar in calendars:
                plain, rest = split_plain(calendar)
                _collect(spec, _plain_between(plain, first, until), items, zone, options.max_occurrences, seen,
                         cancelled)
                series = _series(rest, items)
                found = _occurrences(series, items, first, until)
                _collect(spec, found, items, zone, options.max_occurrences, seen, cancelled)
                if open_uids:
                    later = _occurrences(series, items, until, until + LOOKAHEAD, open_uids)
                    _collect(spec, later, items, zone, options.max_occurrences, seen, cancelled)
        opened.messages.extend(sorted({f"{spec}: {w.message}" for w in caught} - set(opened.messages)))
        for item in items.values():
            if not item.skipped and not item.spans and any("no duration" in n for n in item.notes):
                item.skipped = "zero duration: the event is never active"
        return list(items.values())

    stem = Path(spec).stem if spec != "-" and not spec.startswith(("http://", "https://")) else "Calendar"
    opened = Opened(label, hint, name or stem, expand, messages)
    return opened


__all__ = ["decode", "iana_name", "load_bytes", "open_source", "parse", "problem", "zone_hint"]
