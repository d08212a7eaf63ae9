"""Webex Calling location schedules of type `holidays`: writer, reader and evaluator, per SEMANTICS.md section 8
and docs/webex.md."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ...describe import describe as describe_series
from ...errors import AmbiguousBodyError, BadInputError
from ...infer import Capabilities
from ...model import SECONDS_PER_DAY, By, Freq, Rule, Series, Window, is_last_weekday, midnight, nth_of_month
from ...normalize import Clock
from ...spans import DAY, Span, merge, subtract

NAME = "webex"
LAST_END = 23 * 3600 + 59 * 60  # a timed span that ends at midnight is written ending 23:59 (SEMANTICS §8)
# Minutes; no end time means "end of day" (-1), and no timed event ends at midnight (24:00 and 23:59 are untested).
CLOCK = Clock(resolution=60, end_of_day=-1, last_end=LAST_END)
HAS_ZONE = True
# Yearly (by date, FIRST..FOURTH or LAST weekday) and weekly on any weekdays, every period; every day is weekly on
# all seven days. Monthly rules are still recognised (so the report names them) and written as one-off events.
CAPABILITIES = Capabilities({Freq.YEARLY: 1, Freq.MONTHLY: 12, Freq.WEEKLY: 1, Freq.DAILY: 1}, weekdays="any")
# SEMANTICS §8: "Anything monthly ... is written as one-off events". A monthly rule whose interval divides 12 is
# exactly one yearly event per month it falls in (forms every reading agrees on); True writes it so, once the
# contract allows it (measured: the 15th of every month over ten years, 12 events instead of 120).
MONTHLY_AS_YEARLY = False
SCHEDULE_TYPE = "holidays"
DEFAULT_ITEM = "Holiday"
EVENT_FIELDS = ("name", "startDate", "endDate", "allDayEnabled", "startTime", "endTime", "recurrence")
READ_ONLY = ("id",)
SCHEDULE_FIELDS = ("name", "type", "events")
SCHEDULE_READ_ONLY = ("id", "locationName", "locationId")
PATTERNS = ("recurWeekly", "recurYearlyByDate", "recurYearlyByDay")
RECURRENCE_FIELDS = ("recurForEver", "recurEndDate", *PATTERNS)
MONTHS = tuple(calendar.month_name[m].upper() for m in range(1, 13))  # JANUARY .. DECEMBER
DAYS = tuple(calendar.day_name[d].upper() for d in range(7))  # MONDAY .. SUNDAY, as date.weekday()
WEEKLY_KEYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")  # the schema's order
WEEKS = {1: "FIRST", 2: "SECOND", 3: "THIRD", 4: "FOURTH"}
LAST = "LAST"
TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ALL_WEEK = frozenset(range(7))


def detect(body: object) -> bool:
    """A pbxcal Webex body ({"timezone", "schedule"}), or a schedule as the API answers it (with its events)."""
    if not isinstance(body, dict):
        return False
    schedule = body.get("schedule")
    if isinstance(schedule, dict) and "events" in schedule:
        return True
    return isinstance(body.get("events"), list) and body.get("type") in (SCHEDULE_TYPE, "businessHours")


# ---- writer ---------------------------------------------------------------------------------------------------

def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _event(name: str, day: date, offset: int, length: int, recurrence: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    """One single-day event on `day`: all day, or from offset to offset + length seconds (never to midnight)."""
    event: dict[str, Any] = {"name": name or DEFAULT_ITEM, "startDate": day.isoformat(), "endDate": day.isoformat()}
    if (offset, length) == (0, SECONDS_PER_DAY):
        event["allDayEnabled"] = True
    else:
        if offset + length >= SECONDS_PER_DAY or offset % 60 or length % 60:
            raise ValueError(f"a timed Webex event is minutes inside one day, before midnight: {offset}+{length}")
        event.update(allDayEnabled=False, startTime=_hhmm(offset), endTime=_hhmm(offset + length))
    if recurrence:
        event["recurrence"] = recurrence
    return event


def once(span: Span, zone: str | None = None, name: str = "") -> list[dict[str, Any]]:
    """Exact one-off events for a span: one per day (SEMANTICS §8 writes no multi-day event)."""
    events = []
    day = span.start.date()
    while midnight(day) < span.end:
        low, high = max(span.start, midnight(day)), min(span.end, midnight(day) + DAY)
        offset = int((low - midnight(day)).total_seconds())
        events.append(_event(name, day, offset, int((high - low).total_seconds())))
        day += DAY
    return events


def _pattern(rule: Rule) -> dict[str, Any] | None:
    """The recurrence pattern repeating the rule's days from its start (an occurrence), or None if none does."""
    start = rule.start
    if rule.interval != 1:
        return None
    if rule.freq is Freq.WEEKLY:
        return {"recurWeekly": {key: (n - 1) % 7 in rule.weekdays for n, key in enumerate(WEEKLY_KEYS)}}
    if rule.freq is not Freq.YEARLY:
        return None
    if rule.by is By.DATE:
        if (start.month, start.day) == (2, 29):
            return None
        return {"recurYearlyByDate": {"dayOfMonth": start.day, "month": MONTHS[start.month - 1]}}
    if rule.by is By.NTH and rule.nth in WEEKS:
        week = WEEKS[rule.nth]
    elif rule.by is By.LAST:
        week = LAST
    else:
        return None
    return {"recurYearlyByDay": {"day": DAYS[start.weekday()], "week": week, "month": MONTHS[start.month - 1]}}


def _recurrence(rule: Rule) -> dict[str, Any] | None:
    """The recurrence object: for ever, or ending the day after the last wanted occurrence when that day is no
    occurrence itself (so an inclusive and an exclusive recurEndDate agree); None when neither is possible."""
    pattern = _pattern(rule)
    if pattern is None:
        return None
    if rule.until is None:
        return {"recurForEver": True, **pattern}
    days = rule.occurrences(rule.start, rule.until + DAY)
    if not days:
        return None
    end = days[-1] + DAY
    if rule.next_after(days[-1]) == end:
        return None
    return {"recurForEver": False, "recurEndDate": end.isoformat(), **pattern}


def _weekly(rule: Rule, weekdays: frozenset[int]) -> Rule | None:
    """The weekly rule on some of a rule's weekdays, from its first such day."""
    first = min(rule.start + timedelta(days=(w - rule.start.weekday()) % 7) for w in weekdays)
    if rule.until is not None and first > rule.until:
        return None
    return Rule(Freq.WEEKLY, first, By.WEEKDAYS, 1, rule.until, weekdays)


def _events(name: str, rule: Rule, offset: int, length: int) -> list[dict[str, Any]] | None:
    """Events repeating one rule's single-day block; a weekly rule whose end no single recurEndDate can say (every
    day of the week) is split in two, the weekday after its last occurrence on its own. None: no form."""
    recurrence = _recurrence(rule)
    if recurrence is not None:
        return [_event(name, rule.start, offset, length, recurrence)]
    if rule.freq is not Freq.WEEKLY or rule.until is None or rule.interval != 1:
        return None
    last = rule.occurrences(rule.start, rule.until + DAY)[-1]
    alone = frozenset({(last + DAY).weekday()})
    parts = [_weekly(rule, rule.weekdays - alone), _weekly(rule, alone)]
    found = [_recurrence(part) for part in parts if part is not None]
    if not all(found):
        return None
    return [_event(name, part.start, offset, length, recurrence)
            for part, recurrence in zip([p for p in parts if p is not None], found, strict=True)]


def _yearly_parts(rule: Rule) -> list[Rule]:
    """The rule as rules Webex can repeat: itself (yearly, weekly), weekly on every day (daily), or (with
    MONTHLY_AS_YEARLY) one yearly rule per month a monthly rule with an interval dividing 12 falls in (29 February
    and February's last day have no yearly form: left out, so the caller writes those occurrences one by one)."""
    if rule.freq is Freq.DAILY:
        return [Rule(Freq.WEEKLY, rule.start, By.WEEKDAYS, 1, rule.until, ALL_WEEK)] if rule.interval == 1 else []
    if rule.freq is not Freq.MONTHLY:
        return [rule]
    if not MONTHLY_AS_YEARLY or 12 % rule.interval:
        return []
    year_later = date(rule.start.year + 1, rule.start.month, 1)
    firsts: dict[int, date] = {}
    for day in rule.occurrences(rule.start, year_later):
        firsts.setdefault(day.month, day)
    parts = []
    for month, first in sorted(firsts.items(), key=lambda item: item[1]):
        if month == 2 and (rule.by is By.LAST_DAY or first.day == 29):
            continue
        by = By.DATE if rule.by is By.LAST_DAY else rule.by
        parts.append(Rule(Freq.YEARLY, first, by, 1, rule.until))
    return parts


def _shifted(rule: Rule, days: int) -> Rule | None:
    """The rule `days` days later, when that is again a rule Webex repeats in every year (not across 29 February)."""
    if days == 0:
        return rule
    until = rule.until + timedelta(days=days) if rule.until else None
    start = rule.start + timedelta(days=days)
    if rule.freq is Freq.WEEKLY:
        return Rule(Freq.WEEKLY, start, By.WEEKDAYS, 1, until, frozenset((w + days) % 7 for w in rule.weekdays))
    if rule.freq is Freq.YEARLY and rule.by is By.DATE:
        ends = {(d.month, d.day) for year in (2001, 2004)  # a common and a leap year
                for d in [date(year, rule.start.month, rule.start.day) + timedelta(days=days)]}
        if len(ends) == 1 and ends != {(2, 29)}:
            return Rule(Freq.YEARLY, start, By.DATE, 1, until)
    return None


def candidates(series: Series, window: Window, zone: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Events repeating the series (each day of a multi-day block as its own event), plus one-offs inside the
    window for the occurrences no Webex recurrence repeats; the caller keeps it only when it is exact."""
    rule = series.rule
    if rule.freq is Freq.ONCE:
        yield once(series.span_on(rule.start), name=series.name)
        return
    if series.whole_days:
        shape, days = (0, SECONDS_PER_DAY), series.length // SECONDS_PER_DAY
    elif series.offset + series.length < SECONDS_PER_DAY:
        shape, days = (series.offset, series.length), 1
    else:
        return
    native: list[dict[str, Any]] = []
    for part in _yearly_parts(rule):
        if rule.until is not None and part.start > rule.until:
            continue
        for k in range(days):
            shifted = _shifted(part, k)
            found = _events(series.name, shifted, *shape) if shifted is not None else None
            native += found or []
    if not native:
        return
    rest = subtract(series.spans(window.span), spans(native, window))
    yield native + [e for span in rest for e in once(span, name=series.name)]


def remark(series: Series, chosen: list[dict[str, Any]]) -> str | None:
    """Which occurrences of a recurring series are written one by one, and why."""
    single = sum("recurrence" not in e for e in chosen)
    if series.rule.freq is Freq.ONCE or not single or single == len(chosen):
        return None
    return (f"{single} of its {len(chosen)} events are one-offs: Webex repeats no such day (a day after an n-th "
            "weekday, 29 February)")


def finish(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {json.dumps(e, sort_keys=True): e for e in events}
    return sorted(unique.values(), key=lambda e: (e["startDate"], e.get("startTime", ""), e["name"],
                                                  json.dumps(e, sort_keys=True)))


def body(events: list[dict[str, Any]], name: str, zone: str | None) -> dict[str, Any]:
    """{"timezone", "schedule": {"name", "type": "holidays", "events"}}: event names are unique (an item's name,
    with its start date when the item has several events, and #n after that)."""
    if not zone:
        raise BadInputError("Webex schedules run on the location's clock: pass --timezone (the location's IANA "
                            "zone, e.g. America/New_York)")
    if not name or not name.strip():
        raise BadInputError("a Webex schedule needs a name (--name)")
    base = [" ".join(str(e.get("name", "")).split()) or DEFAULT_ITEM for e in events]
    counts = {n: base.count(n) for n in set(base)}
    seen: dict[str, int] = {}
    named = []
    for event, item in zip(events, base, strict=True):
        full = item if counts[item] == 1 else f"{item} {event['startDate']}"
        seen[full] = seen.get(full, 0) + 1
        named.append({**event, "name": full if seen[full] == 1 else f"{full} #{seen[full]}"})
    return {"timezone": zone, "schedule": {"name": name, "type": SCHEDULE_TYPE, "events": named}}


# ---- reader and evaluator -------------------------------------------------------------------------------------

def schedule_of(body: Any) -> dict[str, Any]:
    """The schedule object of a pbxcal body, or the body itself when it is a schedule as the API answers it."""
    if isinstance(body, dict) and isinstance(body.get("schedule"), dict):
        return body["schedule"]
    if isinstance(body, dict) and "events" in body:
        return body
    raise BadInputError("a Webex body needs a 'schedule' object with 'events' (or a schedule with 'events')")


def entries(body: Any) -> list[dict[str, Any]]:
    """The events of a holidays schedule."""
    schedule = schedule_of(body)
    kind = schedule.get("type", SCHEDULE_TYPE)
    if kind != SCHEDULE_TYPE:
        raise BadInputError(f"Webex schedule type {kind!r}: pbxcal reads and writes 'holidays' schedules only (a "
                            "businessHours schedule says when a location is open, not closed)")
    events = schedule.get("events")
    if not isinstance(events, list):
        raise BadInputError("a Webex schedule's 'events' must be a list")
    return events


def _text(event: dict[str, Any], field: str) -> str:
    value = event.get(field)
    if not isinstance(value, str):
        raise BadInputError(f"event {event.get('name')!r}: {field} must be a string, got {value!r:.60}")
    return value


def _date(found: dict[str, Any], field: str, name: Any) -> date:
    value = found.get(field)
    try:
        if not isinstance(value, str) or not DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadInputError(f"event {name!r}: {field} must be a YYYY-MM-DD date, got {value!r:.60}") from None


def _time(event: dict[str, Any], field: str) -> int:
    value = event.get(field)
    if value == "24:00":
        raise AmbiguousBodyError(f"event {event.get('name')!r}: {field} 24:00 is untested on Webex (SEMANTICS §8); "
                                 "pbxcal reads no end at midnight")
    found = TIME.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise BadInputError(f"event {event.get('name')!r}: {field} must be an HH:MM time (24-hour), got "
                            f"{value!r:.60}")
    return int(found[1]) * 3600 + int(found[2]) * 60


def _enum(value: Any, names: tuple[str, ...], what: str) -> int:
    if value not in names:
        raise BadInputError(f"{what} must be one of {', '.join(names)}, got {value!r:.60}")
    return names.index(value)


def _not_occurrence(name: str, start: date, pattern: str) -> AmbiguousBodyError:
    return AmbiguousBodyError(f"event {name!r}: startDate {start} is not an occurrence of its own {pattern}; whether "
                              "it is active then is not documented (SEMANTICS §8)")


def _rule(name: str, start: date, recurrence: Any) -> Rule:
    """The rule a recurrence object means, refusing every form SEMANTICS §8 leaves open."""
    if not isinstance(recurrence, dict):
        raise BadInputError(f"event {name!r}: recurrence must be an object, got {recurrence!r:.60}")
    unknown = set(recurrence) - set(RECURRENCE_FIELDS)
    if unknown:
        raise BadInputError(f"event {name!r}: unknown recurrence field(s) {', '.join(sorted(unknown))} (location "
                            "schedules repeat weekly or yearly only)")
    kinds = [k for k in PATTERNS if recurrence.get(k) is not None]
    if len(kinds) != 1:
        raise AmbiguousBodyError(f"event {name!r}: a recurrence with {len(kinds)} patterns "
                                 f"({', '.join(kinds) or 'none'}) has no documented meaning; pbxcal reads exactly one")
    forever, end = recurrence.get("recurForEver"), recurrence.get("recurEndDate")
    if forever is not None and not isinstance(forever, bool):
        raise BadInputError(f"event {name!r}: recurForEver must be true or false, got {forever!r:.60}")
    if bool(forever) == (end is not None):
        raise AmbiguousBodyError(f"event {name!r}: a recurrence with {'both' if forever else 'neither'} recurForEver "
                                 "and recurEndDate has no documented meaning")
    kind, pattern = kinds[0], recurrence[kinds[0]]
    if not isinstance(pattern, dict):
        raise BadInputError(f"event {name!r}: {kind} must be an object, got {pattern!r:.60}")
    if kind == "recurWeekly":
        extra = set(pattern) - set(WEEKLY_KEYS)
        if extra or not all(isinstance(v, bool) for v in pattern.values()):
            raise BadInputError(f"event {name!r}: recurWeekly takes the seven weekdays as true or false only"
                                + (f" (not {', '.join(sorted(extra))})" if extra else ""))
        weekdays = frozenset((n - 1) % 7 for n, key in enumerate(WEEKLY_KEYS) if pattern.get(key))
        if start.weekday() not in weekdays:
            raise _not_occurrence(name, start, "weekly pattern")
        rule = Rule(Freq.WEEKLY, start, By.WEEKDAYS, 1, None, weekdays)
    elif kind == "recurYearlyByDate":
        month = _enum(pattern.get("month"), MONTHS, f"event {name!r}: recurYearlyByDate.month") + 1
        day = pattern.get("dayOfMonth")
        if isinstance(day, str) and day.isascii() and day.isdigit():  # some clients send "01"
            day = int(day)
        if not isinstance(day, int) or isinstance(day, bool):
            raise BadInputError(f"event {name!r}: recurYearlyByDate.dayOfMonth must be a number, got {day!r:.60}")
        if (month, day) == (2, 29):
            raise AmbiguousBodyError(f"event {name!r}: a yearly 29 February has no documented meaning in other years")
        if (start.month, start.day) != (month, day):
            raise _not_occurrence(name, start, "yearly date")
        rule = Rule(Freq.YEARLY, start, By.DATE)
    else:
        weekday = _enum(pattern.get("day"), DAYS, f"event {name!r}: recurYearlyByDay.day")
        week = pattern.get("week")
        _enum(week, (*WEEKS.values(), LAST), f"event {name!r}: recurYearlyByDay.week")
        month = _enum(pattern.get("month"), MONTHS, f"event {name!r}: recurYearlyByDay.month") + 1
        fits = is_last_weekday(start) if week == LAST else WEEKS.get(nth_of_month(start)) == week
        if (start.month, start.weekday()) != (month, weekday) or not fits:
            raise _not_occurrence(name, start, "yearly weekday")
        rule = Rule(Freq.YEARLY, start, By.LAST if week == LAST else By.NTH)
    if end is None:
        return rule
    last = _date(recurrence, "recurEndDate", name)
    if last < start:
        raise BadInputError(f"event {name!r}: recurEndDate {last} is before startDate {start}")
    if last == start or rule.next_after(last - DAY) == last:
        raise AmbiguousBodyError(f"event {name!r}: recurEndDate {last} is itself an occurrence; whether it counts "
                                 "is not documented (SEMANTICS §8)")
    return Rule(rule.freq, rule.start, rule.by, 1, last - DAY, rule.weekdays)


def read_event(event: Any) -> Series:
    """The series one event means under SEMANTICS §8; AmbiguousBodyError for a form it leaves open."""
    if not isinstance(event, dict):
        raise BadInputError(f"a Webex event must be a JSON object, got {event!r:.60}")
    unknown = set(event) - {*EVENT_FIELDS, *READ_ONLY}
    if unknown:
        raise BadInputError(f"event {event.get('name')!r}: unknown field(s) {', '.join(sorted(unknown))}")
    name = _text(event, "name")
    if not name.strip():
        raise BadInputError("a Webex event needs a name")
    first, last = _date(event, "startDate", name), _date(event, "endDate", name)
    if last < first:
        raise BadInputError(f"event {name!r}: endDate {last} is before startDate {first}")
    all_day = event.get("allDayEnabled")
    if all_day is not None and not isinstance(all_day, bool):
        raise BadInputError(f"event {name!r}: allDayEnabled must be true or false, got {all_day!r:.60}")
    if all_day:  # the times, if any, are replaced (documented)
        offset, length = 0, ((last - first).days + 1) * SECONDS_PER_DAY
    else:
        if last != first:
            raise AmbiguousBodyError(f"event {name!r}: a timed event over several days ({first} .. {last}): whether "
                                     "it is one block or a daily window is not documented")
        offset, end = _time(event, "startTime"), _time(event, "endTime")
        if end <= offset:
            raise BadInputError(f"event {name!r}: endTime {event['endTime']} is not after startTime "
                                f"{event['startTime']}")
        length = end - offset
    recurrence = event.get("recurrence")
    if recurrence is None:
        return Series(name, Rule.once(first), offset, length)
    if last != first:
        raise AmbiguousBodyError(f"event {name!r}: a recurring event over several days ({first} .. {last}): how "
                                 "long each occurrence lasts is not documented")
    return Series(name, _rule(name, first, recurrence), offset, length)


def spans(events: list[dict[str, Any]], window: Window) -> list[Span]:
    """When the events (any of them) are active inside the window."""
    return merge(s for event in events for s in read_event(event).spans(window.span))


def item_of(event: dict[str, Any]) -> str:
    """The item an event belongs to: its name without the start date and #n the writer adds to repeats."""
    words = str(event.get("name", "")).split(" ")
    while len(words) > 1 and (re.fullmatch(r"#\d+", words[-1]) or DATE.fullmatch(words[-1])):
        words.pop()
    return " ".join(words)


def describe(event: dict[str, Any]) -> str:
    """The event in plain words: 'Christmas Day: 25 December, every year, all day, from 2026-12-25, no end'."""
    return f"{item_of(event)}: {describe_series(read_event(event))}"


def zone_of(body: Any) -> str | None:
    zone = body.get("timezone") if isinstance(body, dict) else None
    if zone is not None and not isinstance(zone, str):
        raise BadInputError(f"the body's timezone must be a string, got {zone!r:.60}")
    return zone or None


def read(body: Any) -> list[Series]:
    return [read_event(e) for e in entries(body)]


__all__ = [
    "CAPABILITIES",
    "CLOCK",
    "DAYS",
    "EVENT_FIELDS",
    "HAS_ZONE",
    "MONTHLY_AS_YEARLY",
    "MONTHS",
    "NAME",
    "PATTERNS",
    "RECURRENCE_FIELDS",
    "WEEKLY_KEYS",
    "WEEKS",
    "body",
    "candidates",
    "describe",
    "detect",
    "entries",
    "finish",
    "item_of",
    "once",
    "read",
    "read_event",
    "remark",
    "schedule_of",
    "spans",
    "zone_of",
]
