"""iCalendar files (path, '-' for stdin, or an http(s) URL), expanded with recurring_ical_events.

A broken event is skipped and reported; the rest of the file still converts. A broken file is one clear error.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import groupby
from operator import gt, itemgetter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import x_wr_timezone

from ..errors import BadInputError, LimitExceededError, forget_traceback
from ..model import Item, Window, midnight
from ..normalize import CHECK_AHEAD, LOOKAHEAD
from ..spans import Shared, Span, Unshared
from ..wallclock import WallClock
from . import Opened, ReadOptions
from .lines import parse_calendar
from .rfc5545 import NOMINAL_DAYS, Instants, Reading, component_of
from .series import CoreOccurrence, CoreRun, Deferred, Shape, Time, deferred_series, flat, how_many
from .tzids import (
    SAME_OFFSETS_YEARS,
    display_tzid,
    iana_name,
    isolate_tzids,
    matching_zone,
    prefer_iana,
    resolve_tzids,
)

ONE_MINUTE = time(0, 1)
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


# A DURATION value's weeks and days, kept beside it: icalendar folds PT25H and P1DT1H into the same timedelta, and
# RFC 5545 §3.3.6 reads the first as exact hours and the second as a nominal day plus an hour.
DURATION_DAYS = re.compile(r"^DURATION((?:;[^:\r\n]*)?):([+-]?P(?:(\d+)W)?(?:(\d+)D)?)", re.M | re.I)
CALENDAR_BLOCK = re.compile(r"^BEGIN:VCALENDAR\b.*?^END:VCALENDAR[^\r\n]*", re.M | re.S | re.I)


def parse(spec: str, data: bytes, assume_timezone: str | None = None,
          messages: list[str] | None = None, prefer: bool = True) -> list[icalendar.Calendar]:
    """The VCALENDARs in the data (a bare VEVENT file is read as one calendar), each parsed on its own.

    With `prefer`, embedded definitions that equal an IANA zone over SAME_OFFSETS_YEARS are read as that zone.
    """
    text = decode(data)
    if not text.strip():
        raise BadInputError("empty file", path=spec)
    upper = text.upper()
    if "BEGIN:VCALENDAR" not in upper:
        if "BEGIN:VEVENT" not in upper:
            raise BadInputError("not an iCalendar file (no BEGIN:VCALENDAR)", path=spec)
        header = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pbxcal//bare events//EN\r\n"
        text = f"{header}{text.strip()}\r\nEND:VCALENDAR\r\n"
    blocks = [(m[0], text.count("\n", 0, m.start())) for m in CALENDAR_BLOCK.finditer(text)]
    if len(blocks) < 2:
        blocks = [(text, 0)]
    calendars = []
    for block, lines_before in blocks:
        block = resolve_tzids(spec, block, assume_timezone)
        if prefer:
            block, notes = prefer_iana(block)
            if messages is not None:
                messages.extend(f"{spec}: {note}" for note in notes if f"{spec}: {note}" not in messages)
        block = isolate_tzids(block)
        block = DURATION_DAYS.sub(_mark_days, block)
        try:
            fast = parse_calendar(block)  # plain one-offs by the line tokenizer, the rest by icalendar
            parsed = [fast] if fast is not None else icalendar.Calendar.from_ical(block, multiple=True)
        except Exception as error:  # the parser raises many kinds; each means the file cannot be read
            line = LINE_NUMBER.search(str(error))
            raise BadInputError(f"not valid iCalendar: {error}", path=spec,
                                line=int(line[1]) + lines_before if line else None) from None
        calendars += [c for c in parsed if c.name == "VCALENDAR"]
    if not calendars:
        raise BadInputError("no VCALENDAR component", path=spec)
    for calendar in calendars:
        _forget_parse_errors(calendar)
    return calendars


def _forget_parse_errors(calendar: icalendar.Calendar) -> None:
    """icalendar keeps a value it cannot parse as a vBroken holding the error, whose traceback holds the parser's
    frames and the error: a cycle (with everything those frames refer to) that only a full collection frees."""
    for component in calendar.walk():
        if component.errors:  # where the parser made a vBroken
            for value in component.values():
                for one in value if isinstance(value, list) else [value]:
                    error = getattr(one, "parse_error", None)
                    if isinstance(error, BaseException):
                        forget_traceback(error)


def _mark_days(match: re.Match[str]) -> str:
    days = int(match[3] or 0) * 7 + int(match[4] or 0)
    return f"DURATION{match[1]};{NOMINAL_DAYS}={days}:{match[2]}"


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
        return "DTSTART is a date-time and DTEND a date"
    return None


def repair(event: icalendar.Event) -> list[str]:
    """Read known exporter quirks as the README says, in place; what was repaired, in words."""
    start, end = event.get("DTSTART"), event.get("DTEND")
    if start is None or end is None or isinstance(start, list) or isinstance(end, list):
        return []
    try:
        first, stop = start.dt, end.dt
    except Exception:  # unreadable values are problem()'s to report
        return []
    if not isinstance(first, datetime) and isinstance(stop, datetime):
        # Thunderbird and EssentialPIM: an all-day event whose end is a time. Whole days, read as written.
        last = stop.date() if stop.time() > ONE_MINUTE else stop.date() - timedelta(days=1)
        last = max(last, first)
        del event["DTEND"]
        event.add("DTEND", last + timedelta(days=1))
        days = f"{first}" if last == first else f"{first} to {last}"
        return [f"repaired: DTSTART is a date and DTEND a date-time ({stop:%Y-%m-%dT%H:%M:%S}); read as whole days "
                f"{days}"]
    if isinstance(first, datetime) == isinstance(stop, datetime) and _comparable(stop) < _comparable(first):
        return [f"repaired: DTEND ({stop}) is before DTSTART ({first}); read swapped"]
    return []


def _comparable(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
    return midnight(value).replace(tzinfo=ZoneInfo("UTC"))


def zone_hint(calendars: list[icalendar.Calendar], years: range) -> str | None:
    """The calendar's own zone: X-WR-TIMEZONE, else its most used TZID as an IANA zone, else UTC if it has UTC times.

    A TZID is an IANA zone by name (also Windows and vendor-prefixed names), or by an embedded definition whose
    offsets equal the zone's over `years`. When the most used TZID is neither, there is no hint.
    """
    for calendar in calendars:
        declared = str(calendar.get("X-WR-TIMEZONE", "")).strip()
        if declared and iana_name(declared):
            return iana_name(declared)
    used: Counter[str | None] = Counter()
    utc = False
    for calendar in calendars:
        definitions = {str(d.get("TZID", "")): d for d in calendar.walk("VTIMEZONE")}
        resolved: dict[str, str | None] = {}
        for event in calendar.walk("VEVENT"):
            start = event.get("DTSTART")
            if start is None or isinstance(start, list):
                continue
            tzid = start.params.get("TZID")
            if tzid:
                tzid = str(tzid)
                if tzid not in resolved:
                    resolved[tzid] = iana_name(tzid) or (
                        matching_zone(definitions[tzid], years) if tzid in definitions else None)
                used[resolved[tzid]] += 1
            utc = utc or str(start.to_ical(), "ascii", "replace").endswith("Z")
    if used:
        return used.most_common(1)[0][0]
    return "UTC" if utc else None


def _is_open_ended(event: icalendar.Event) -> bool:
    rules = event.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
    return any("COUNT" not in r and "UNTIL" not in r for r in rules)


def _items_of(spec: str, calendars: list[icalendar.Calendar]) -> dict[str, Item]:
    """One item per UID, in file order. Quirks are repaired; broken events are removed from their calendar.

    A broken master skips its item; a broken override drops only its own occurrence (an EXDATE on its master), so
    the series keeps every other one.
    """
    items: dict[str, Item] = {}
    count = 0
    for calendar in calendars:
        events = list(calendar.walk("VEVENT"))
        for event in events:
            count += 1
            if "UID" not in event:
                event.add("UID", f"pbxcal-event-{count}")
        repairs = [repair(event) for event in events]
        problems = [problem(event) for event in events]
        masters = {str(e["UID"]): e for e, why in zip(events, problems, strict=True)
                   if why is None and "RECURRENCE-ID" not in e}
        for event, repaired, why in zip(events, repairs, problems, strict=True):
            uid = str(event["UID"])
            summary = str(event.get("SUMMARY", "")) or uid
            item = items.setdefault(uid, Item(spec, uid, summary, f"{spec}|{uid}"))
            item.repairs += [note for note in repaired if note not in item.repairs]
            if why:
                _remove(calendar, event)
                if "RECURRENCE-ID" in event and uid in masters and _exclude(masters[uid], event):
                    item.dropped.append(f"the occurrence {_recurrence_id(event)} is not written: its override is "
                                        f"broken ({why})")
                else:
                    item.skipped = f"event skipped: {why}"
                continue
            if "RECURRENCE-ID" not in event:
                item.name = summary
                item.open_ended = item.open_ended or _is_open_ended(event)
                if str(event.get("STATUS", "")).upper() == "CANCELLED":
                    item.cancelled = True  # its occurrences are dropped one by one; confirmed overrides stay
    return items


def _recurrence_id(event: icalendar.Event) -> str:
    value = event.get("RECURRENCE-ID")
    return str(value.to_ical(), "utf-8", "replace") if hasattr(value, "to_ical") else str(value)


def _exclude(master: icalendar.Event, override: icalendar.Event) -> bool:
    """Exclude an override's occurrence from its master; False when its RECURRENCE-ID cannot be read."""
    try:
        moment = override["RECURRENCE-ID"].dt
    except Exception:  # an unreadable RECURRENCE-ID names no occurrence
        return False
    master.add("EXDATE", moment)
    return True


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
    dates = event.get("RDATE")
    total = 1 + sum(len(d.dts) for d in (dates if isinstance(dates, list) else [dates] if dates is not None else [])
                    if hasattr(d, "dts"))
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


def _check_budget(spec: str, calendars: list[icalendar.Calendar], until: datetime, options: ReadOptions) -> None:
    """Both limits, from estimates, before anything is expanded: per event (a runaway rule) and in total."""
    total = 0
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            estimate = estimate_occurrences(event, until)
            if estimate > options.max_occurrences:
                raise LimitExceededError(
                    f"event {str(event.get('SUMMARY', event.get('UID')))!r} repeats about {estimate} times up to the "
                    f"window's end (limit {options.max_occurrences}); narrow the window or raise --max-occurrences",
                    path=spec)
            total += estimate
    if total > options.max_total_occurrences:
        raise LimitExceededError(f"the events repeat about {total} times up to the window's end (limit "
                                 f"{options.max_total_occurrences}); narrow the window or raise "
                                 "--max-total-occurrences", path=spec)


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
    plain = [e for e in events if per_uid[str(e.get("UID"))] == 1 and not any(p in e for p in RECURRENCE_PROPERTIES)
             and _same_kind(e)]
    if not plain:
        return [], calendar
    chosen = {id(e) for e in plain}
    rest = icalendar.Calendar()
    for key, value in calendar.items():
        rest[key] = value
    rest.subcomponents = [c for c in calendar.subcomponents if id(c) not in chosen]
    return [PlainOccurrence(str(e["UID"]), *_ordered(e.start, e.end), e) for e in plain], rest


def _same_kind(event: icalendar.Event) -> bool:
    """Whether DTSTART and DTEND are both dates, both floating or both zoned: recurring_ical_events reads a mix by
    its own rules (a floating start takes a zoned end's zone), so such an event is left to it."""
    start, end = event.start, event.end
    if isinstance(start, datetime) and isinstance(end, datetime):
        return (start.tzinfo is None) == (end.tzinfo is None)
    return not isinstance(start, datetime) and not isinstance(end, datetime)


def _ordered(start: date | datetime, end: date | datetime) -> tuple[date | datetime, date | datetime]:
    """An event's ends in order: an end before its start is read swapped, as recurring_ical_events reads it."""
    return (end, start) if _comparable(end) < _comparable(start) else (start, end)


def _plain_between(plain: list[PlainOccurrence], first: datetime,
                   until: datetime) -> Iterator[tuple[str, list[PlainOccurrence]]]:
    low, high = _comparable(first), _comparable(until)
    for occurrence in plain:
        if _comparable(occurrence.end) > low and _comparable(occurrence.start) < high:
            yield occurrence.uid, [occurrence]


def _series(calendar: icalendar.Calendar, items: dict[str, Item]) -> list[Deferred]:
    """The calendar's series, built one at a time as they are expanded; when the library cannot read the calendar
    as a whole, each UID alone, skipping those that fail."""
    try:
        return deferred_series(calendar)
    except Exception:  # recurring_ical_events raises many kinds; find which events cause it
        pass
    found: list[Deferred] = []
    for uid, item in items.items():
        part = icalendar.Calendar()
        part.subcomponents = [c for c in calendar.subcomponents
                              if c.name == "VTIMEZONE" or str(c.get("UID", "")) == uid]
        for key, value in calendar.items():
            part[key] = value
        try:
            found.extend(deferred_series(part))
        except Exception as error:  # this event alone fails: skip it, keep the rest
            if not item.skipped:
                item.skipped = f"event skipped: its recurrence cannot be expanded: {error}"
    return found


def _occurrences(series: list[Deferred], items: dict[str, Item], first: datetime, until: datetime,
                 uids: set[str] | None = None) -> Iterator[tuple[str, list[Any]]]:
    """(UID, occurrences) of each series. Each series is built here and let go once its occurrences are out."""
    for one in series:
        uid = str(one.uid)
        if uids is not None and uid not in uids:
            continue
        skipped = items.get(uid)
        if skipped is not None and skipped.skipped:  # failed once already: a library rule may hold its lock
            continue
        try:
            found = one.build().in_runs(first, until)
        except LimitExceededError:
            raise
        except Exception as error:  # a series that cannot be built or breaks while expanding is skipped, not fatal
            item = items.get(uid)
            if item is not None and not item.skipped:
                item.skipped = f"event skipped: its recurrence cannot be expanded: {error}"
        else:
            yield uid, found


def _cancelled_uids(calendars: list[icalendar.Calendar]) -> set[str]:
    """UIDs with a cancelled event or occurrence: only their occurrences need their STATUS looked at."""
    return {str(e.get("UID")) for c in calendars for e in c.walk("VEVENT")
            if str(e.get("STATUS", "")).upper() == "CANCELLED"}


def _span(occurrence: Any, reading: Reading, clock: WallClock | None, spec: str) -> tuple[Span, bool] | None:
    """An occurrence on the target's wall clock, and whether that is exact; None when it is never active."""
    start, end = occurrence.start, occurrence.end
    if not isinstance(start, datetime):  # all-day: floating dates, never moved
        return Span(midnight(start), _floating(end)), True
    if start.tzinfo is None:  # floating time: the target's own wall clock
        span = Span(start, _floating(end))
        return (span, True) if span.end > span.start else None
    if clock is None:
        raise BadInputError(f"timed events carry a time zone ({display_tzid(str(start.tzinfo))}) but no single zone "
                            "for the PBX can be told from the file; pass --timezone", path=spec)
    real_start = reading.utc(start)
    real_end = reading.end(component_of(occurrence), start, end, real_start)
    if real_end <= real_start:
        return None
    return clock.span(real_start, real_end)


class _Spans:
    """`_span` of each occurrence. The core occurrences of a direct series, timed in one zone, share what
    `Reading.utc` and `Reading.end` look up per occurrence: `Reading.instants` looks it up once per series, and
    reads the series' occurrences, as `WallClock.spans` puts them on the target's clock, in one go. Given `shared`,
    every span is made of times shared in it (`_later`'s spans, let go of soon, are not)."""

    def __init__(self, reading: Reading, clock: WallClock | None, spec: str, shared: Shared | None = None) -> None:
        self.reading, self.clock, self.spec = reading, clock, spec
        self.shared = Unshared() if shared is None else shared
        # The last series and zone met, with their start and end in UTC (None: `_span`). Only the last: a series'
        # occurrences come together, and a series let go of is freed (a calendar's series are never all in memory).
        self.last: tuple[Shape | None, tzinfo | None, Instants | None] = (None, None, None)

    def __call__(self, occurrence: Any) -> tuple[Span, bool] | None:
        return self.all([occurrence])[0]

    def all(self, occurrences: list[Any]) -> list[tuple[Span, bool] | None]:
        """One per occurrence, a CoreRun standing for its occurrences (Expansion.in_runs)."""
        found: list[tuple[Span, bool] | None] = []
        for key, group in groupby(occurrences, self._series_and_zone):
            if key is _IN_RUNS:
                for run in group:
                    found += self._run(run.shape, run.starts[0].tzinfo, run.starts, run.ends, run.occurrences)
                continue
            run = list(group)
            if key is None:
                found += self._alone(run)
                continue
            found += self._run(run[0].shape, run[0].start.tzinfo, *_starts_and_ends(run), lambda run=run: run)
        return found

    def _run(self, shape: Shape, zone: tzinfo | None, starts: list[Time], ends: list[Time],
             occurrences: Callable[[], list[Any]]) -> list[tuple[Span, bool] | None]:
        """`all` of core occurrences of one series and zone object (none: one by one)."""
        instants = None if zone is None or self.clock is None else self._instants(shape, zone)
        if instants is None:
            return self._alone(occurrences())
        assert self.clock is not None
        real_starts, real_ends = instants(starts, ends)
        if all(map(gt, real_ends, real_starts)):
            return self.clock.spans(real_starts, real_ends, self.shared)
        live = [(start, end) for start, end in zip(real_starts, real_ends, strict=True) if end > start]  # the rest:
        spans = iter(self.clock.spans([start for start, _ in live], [end for _, end in live], self.shared))  # never
        return [next(spans) if end > start else None for start, end in zip(real_starts, real_ends, strict=True)]

    def _alone(self, occurrences: list[Any]) -> list[tuple[Span, bool] | None]:
        alone = (_span(occurrence, self.reading, self.clock, self.spec) for occurrence in occurrences)
        return [None if one is None else (self.shared(one[0]), one[1]) for one in alone]

    def _series_and_zone(self, occurrence: Any) -> tuple[int, int] | object | None:
        """Which series and zone object a core occurrence timed in a zone has (None for every other occurrence;
        _IN_RUNS for a CoreRun). Zones by identity: wall times are read by subtraction, which only two times of one
        tzinfo object allow."""
        if type(occurrence) is CoreRun:
            return _IN_RUNS
        if type(occurrence) is CoreOccurrence and self.clock is not None:
            zone = getattr(occurrence.start, "tzinfo", None)  # dates have none
            return None if zone is None else (id(occurrence.shape), id(zone))
        return None

    def _instants(self, shape: Shape, zone: tzinfo) -> Instants | None:
        last_shape, last_zone, instants = self.last
        if last_shape is shape and last_zone is zone:
            return instants
        try:
            instants = None if shape.component is None else self.reading.instants(shape.component, zone,
                                                                                    shape.duration)
        except Exception:  # whatever breaks, `_span` breaks alike, occurrence by occurrence
            instants = None
        self.last = (shape, zone, instants)
        return instants


_IN_RUNS = object()  # _Spans' key of a CoreRun


def _starts_and_ends(occurrences: list[CoreOccurrence]) -> tuple[list[datetime], list[datetime]]:
    return [o.start for o in occurrences], [o.end for o in occurrences]


def _floating(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return midnight(value)
    return value.replace(tzinfo=None)


def _collect(spec: str, occurrences: Iterator[tuple[str, list[Any]]], items: dict[str, Item], reading: Reading,
             clock: WallClock | None, limit: int, seen: list[int], cancelled: set[str], shared: Shared) -> None:
    """Put the spans of each event's occurrences (UID, occurrences) into its item."""
    span_of = _Spans(reading, clock, spec, shared)
    for uid, found in occurrences:
        seen[0] += how_many(found)
        if seen[0] > limit:
            raise LimitExceededError(f"more than {limit} occurrences to expand; narrow the window or raise "
                                     "--max-total-occurrences", path=spec)
        if uid in cancelled:
            found = [o for o in flat(found) if str(o.as_component(False).get("STATUS", "")).upper() != "CANCELLED"]
        item = items.get(uid)
        if item is None or item.skipped or not found:
            continue
        spans = span_of.all(found)
        if None not in spans and all(map(_exact, spans)):  # as nearly all are: no note to add
            item.spans += map(_span_alone, spans)
            continue
        for occurrence, one in zip(flat(found), spans, strict=True):
            if one is None:
                item.notes.append(f"occurrence at {occurrence.start} has no duration (active never); not written")
                continue
            span, exact = one
            if not exact:
                item.approximated = True
                item.notes.append(f"approximated: the occurrence at {occurrence.start} falls in the hour the PBX "
                                  f"clock repeats when DST ends; written as {span}, which is also active in the other "
                                  "pass")
            item.spans.append(span)


_span_alone, _exact = itemgetter(0), itemgetter(1)


def _later(spec: str, mine: list[Deferred], reading: Reading, clock: WallClock | None, limit: int,
           events: list[icalendar.Event]) -> Callable[[date, date], tuple[Span, ...] | None]:
    """The item's spans (its series: `mine`) over a later stretch, for the check that a rule keeps holding (None:
    too many to expand). Each stretch is expanded once: every rule inferred from the item (one per DST segment,
    say) asks again."""
    expanded: dict[tuple[date, date], tuple[Span, ...] | None] = {}

    def expand(first: date, until: date) -> tuple[Span, ...] | None:
        if any(estimate_occurrences(e, midnight(until)) > limit for e in events):
            return None
        spans: list[Span] = []
        span_of = _Spans(reading, clock, spec)
        for one in mine:
            found = span_of.all(one.build().in_runs(midnight(first) - MARGIN, midnight(until) + MARGIN))
            spans += [span for span, _ in filter(None, found)]
        return tuple(spans)

    def later(first: date, until: date) -> tuple[Span, ...] | None:
        if (first, until) not in expanded:
            expanded[(first, until)] = expand(first, until)
        return expanded[(first, until)]

    return later


def _read(spec: str, data: bytes, options: ReadOptions,
          prefer: bool) -> tuple[list[icalendar.Calendar], dict[str, Item], list[str], list[str]]:
    """Parse, and repair and check every event once: the calendars, their items (no spans yet), the notes of
    definitions read as IANA zones, and the parser's warnings."""
    renames: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calendars = parse(spec, data, options.assume_timezone, renames, prefer=prefer)
        items = _items_of(spec, calendars)
    return calendars, items, renames, sorted({f"{spec}: {w.message}" for w in caught} - set(renames))


def _fresh(item: Item) -> Item:
    """A copy of an item as the reader left it, to collect one expansion's spans (nothing carries over)."""
    return replace(item, spans=[], notes=list(item.notes), repairs=list(item.repairs), dropped=list(item.dropped))


def open_source(spec: str, options: ReadOptions) -> Opened:
    data = load_bytes(spec, options.max_bytes)
    calendars, templates, renames, warned = _read(spec, data, options, prefer=True)
    own_definitions: list[tuple[list[icalendar.Calendar], dict[str, Item]]] = []
    name = next((str(c["X-WR-CALNAME"]) for c in calendars if c.get("X-WR-CALNAME")), None)
    label = "stdin" if spec == "-" else spec
    # The Source's own list, changed here in place: `expand` must not refer to the Source, whose cycle (the
    # Source holds `expand`) would keep every parsed calendar alive until a full collection of the heap.
    messages = renames + warned

    def hint(window: Window) -> str | None:
        return zone_hint(calendars, range(window.first.year - 1, window.until.year + 2))

    def expand(zone_name: str | None, window: Window) -> list[Item]:
        first, until = midnight(window.first - MARGIN), midnight(window.until + MARGIN)
        reach = until + LOOKAHEAD + CHECK_AHEAD
        chosen, prepared = calendars, templates
        if renames and not (SAME_OFFSETS_YEARS.start <= first.year and reach.year < SAME_OFFSETS_YEARS.stop):
            if not own_definitions:  # outside the years the IANA zones were checked over: the definitions themselves
                own_definitions.append(_read(spec, data, options, prefer=False)[:2])
            chosen, prepared = own_definitions[0]
            messages[:] = [m for m in messages if m not in renames]
        items = {uid: _fresh(item) for uid, item in prepared.items()}
        clock = WallClock(zone_name) if zone_name else None
        open_uids = {key for key, item in items.items() if item.open_ended}
        seen = [0]
        shared = Shared()
        cancelled = _cancelled_uids(chosen)
        _check_budget(spec, chosen, until + (LOOKAHEAD if open_uids else timedelta()), options)
        limit = options.max_total_occurrences  # a backstop only: the estimates above bound what is expanded
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for calendar in chosen:
                reading = Reading(calendar)
                plain, rest = split_plain(calendar)
                plain_found = _plain_between(plain, first, until)
                _collect(spec, plain_found, items, reading, clock, limit, seen, cancelled, shared)
                series = _series(rest, items)
                found = _occurrences(series, items, first, until)
                _collect(spec, found, items, reading, clock, limit, seen, cancelled, shared)
                events: dict[str, list[icalendar.Event]] = {}
                for event in rest.walk("VEVENT"):
                    if str(event.get("UID")) in open_uids:
                        events.setdefault(str(event.get("UID")), []).append(event)
                if events:
                    later = _occurrences(series, items, until, until + LOOKAHEAD, set(events))
                    _collect(spec, later, items, reading, clock, limit, seen, cancelled, Unshared())
                    by_uid: dict[str, list[Deferred]] = {}
                    for one in series:
                        by_uid.setdefault(str(one.uid), []).append(one)
                    for uid, mine in events.items():
                        items[uid].later = _later(spec, by_uid.get(uid, []), reading, clock, options.max_occurrences,
                                                  mine)
                reading.forget()  # `later` keeps the reading, which would keep every component read with it
        messages.extend(sorted({f"{spec}: {w.message}" for w in caught} - set(messages)))
        for item in items.values():
            if not item.skipped and not item.spans and any("no duration" in n for n in item.notes):
                item.skipped = "zero duration: the event is never active"
        return list(items.values())

    stem = Path(spec).stem if spec != "-" and not spec.startswith(("http://", "https://")) else "Calendar"
    return Opened(label, None, name or stem, expand, messages, hint)


__all__ = ["decode", "iana_name", "load_bytes", "open_source", "parse", "problem", "repair", "zone_hint"]
