"""iCalendar files (path, '-' for stdin, or an http(s) URL), expanded with recurring_ical_events."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import icalendar
import recurring_ical_events
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ..errors import BadInputError, LimitExceededError
from ..model import Item, Window, midnight
from ..normalize import LOOKAHEAD
from ..spans import Span
from . import Opened, ReadOptions

MARGIN = timedelta(days=2)  # expand a little beyond the window: zone conversion can move an occurrence into it


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
        path = Path(spec)
        try:
            with path.open("rb") as stream:
                data = stream.read(max_bytes + 1)
        except OSError as error:
            raise BadInputError(f"cannot read: {error.strerror or error}", path=spec) from None
    if len(data) > max_bytes:
        raise LimitExceededError(f"larger than {max_bytes} bytes; raise --max-bytes to read it", path=spec)
    return data


def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, or Latin-1 as the last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse(spec: str, data: bytes) -> list[icalendar.Calendar]:
    text = decode(data)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise BadInputError("not an iCalendar file (no BEGIN:VCALENDAR)", path=spec)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise BadInputError(f"not valid iCalendar: {error}", path=spec) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise BadInputError("no VCALENDAR component", path=spec)
    return calendars


def iana_name(tzid: str) -> str | None:
    """An IANA zone name for a TZID: itself, its Windows mapping, or the tail of a vendor-prefixed id."""
    candidates = [tzid, WINDOWS_TO_OLSON.get(tzid, "")]
    parts = tzid.strip("/").split("/")
    candidates += ["/".join(parts[-n:]) for n in (3, 2)]
    zones = available_timezones()
    return next((c for c in candidates if c in zones), None)


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
            tzid = start.params.get("TZID") if start is not None else None
            if tzid and iana_name(str(tzid)):
                used[iana_name(str(tzid))] += 1
            utc = utc or (start is not None and isinstance(start.dt, datetime) and start.dt.tzinfo is not None)
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
    """One item per UID, in file order; events without a UID get one made from their position."""
    items: dict[str, Item] = {}
    for n, event in enumerate(e for c in calendars for e in c.walk("VEVENT")):
        if "UID" not in event:
            event.add("UID", f"pbxcal-event-{n + 1}")
        uid = str(event["UID"])
        item = items.setdefault(uid, Item(spec, uid, str(event.get("SUMMARY", "")) or uid, f"{spec}|{uid}"))
        if "RECURRENCE-ID" not in event:
            item.name = str(event.get("SUMMARY", "")) or item.name
            item.open_ended = item.open_ended or _is_open_ended(event)
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                item.skipped, item.cancelled = "cancelled (STATUS:CANCELLED): not active", True
    return items


def _expand(spec: str, calendar: icalendar.Calendar, first: date, until: date, limit: int) -> list[Any]:
    try:
        found = []
        for occurrence in recurring_ical_events.of(calendar).between(first, until):
            found.append(occurrence)
            if len(found) > limit:
                raise LimitExceededError(f"more than {limit} occurrences in the window; raise --max-occurrences",
                                         path=spec)
        return found
    except (ValueError, TypeError, KeyError, AttributeError, recurring_ical_events.InvalidCalendar) as error:
        raise BadInputError(f"cannot expand recurrences: {error}", path=spec) from None


def _add_occurrences(items: dict[str, Item], occurrences: list[Any], zone: ZoneInfo | None) -> None:
    for occurrence in occurrences:
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            continue
        item = items.get(str(occurrence.get("UID", "")))
        if item is None or item.skipped:
            continue
        start, end = _wall(occurrence.start, zone), _wall(occurrence.end, zone)
        if end > start:
            item.spans.append(Span(start, end))
        else:
            item.notes.append(f"occurrence at {start} has no duration (active never); not written")


def _open_ended_part(calendar: icalendar.Calendar, uids: set[str]) -> icalendar.Calendar:
    part = icalendar.Calendar()
    for key, value in calendar.items():
        part.add(key, value)
    for component in calendar.subcomponents:
        if component.name == "VTIMEZONE" or str(component.get("UID", "")) in uids:
            part.add_component(component)
    return part


def open_source(spec: str, options: ReadOptions) -> Opened:
    calendars = parse(spec, load_bytes(spec, options.max_bytes))
    items = _items_of(spec, calendars)
    name = next((str(c["X-WR-CALNAME"]) for c in calendars if c.get("X-WR-CALNAME")), None)
    label = "stdin" if spec == "-" else spec

    def expand(zone_name: str | None, window: Window) -> list[Item]:
        zone = ZoneInfo(zone_name) if zone_name else None
        first, until = window.first - MARGIN, window.until + MARGIN
        open_uids = {key for key, item in items.items() if item.open_ended}
        for calendar in calendars:
            _add_occurrences(items, _expand(spec, calendar, first, until, options.max_occurrences), zone)
            if open_uids:
                later = _expand(spec, _open_ended_part(calendar, open_uids), window.until, until + LOOKAHEAD,
                                options.max_occurrences)
                _add_occurrences(items, later, zone)
        for item in items.values():
            if not item.skipped and not item.spans and any("no duration" in n for n in item.notes):
                item.skipped = "zero duration: the event is never active"
        return list(items.values())

    stem = Path(spec).stem if spec != "-" and not spec.startswith(("http://", "https://")) else "Calendar"
    return Opened(label, zone_hint(calendars), name or stem, expand)


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInputError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from None
    return name


__all__ = ["check_zone", "decode", "iana_name", "load_bytes", "open_source", "parse", "zone_hint"]
