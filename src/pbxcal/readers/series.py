"""A series' occurrences from recurring_ical_events' own rule set, without its per-occurrence bookkeeping.

`Series.between` looks every start up among the series' modifications, THISANDFUTURE ranges and RDATE periods,
and compares every date through `make_comparable`. A series without THISANDFUTURE ranges or RDATE periods has
simpler occurrences: each start of the rules the library built from DTSTART, RRULE and RDATE (its `rrules`: an
rruleset of DTSTART and the RDATEs, then one rrule per RRULE), in the library's UNTIL, not in its EXDATE sets,
lasting the core's duration, unless a RECURRENCE-ID override replaces it; then the overrides the rules did not
reach, as `Series.between` adds them. `Expansion.between` takes exactly those, with the library's own objects and
tests: an override is the library's own occurrence, a start of the core a `CoreOccurrence` (its start, end and
VEVENT; the library's occurrence is built only when its component is asked for), whose spans the reader computes
once per series (readers/ics._Spans); every other series (and one whose overrides carry rules of their
own, which the library would check by iterating its cached rules), and any series on which this path fails, goes
through `Series.between`. Rules are iterated without dateutil's cache (one pass each: the cache only costs a lock
and a list per occurrence).

A lone RRULE is built from its values rather than its text (`_rule_of`, through the library's own adapter and
series hooks: `series_of`), with the library's text path for anything read otherwise.

This reads attributes of recurring_ical_events' `Series` and `Series.RecurrenceRules` that are not its documented
API: `recurrence` (`has_core`, `core` and its adapter's `_component`, `rrules`, `tzinfo`, `replace_ends`,
`check_exdates_date`, `check_exdates_datetime`, `original_start`, `original_end`, `extend_query_span_by`),
`recurrence_id_to_modification`, `modifications`, `skip_core_modification` and `this_and_future`, the dates in
dateutil's `rruleset` (`_rdate`) and an `rrule`'s arguments as dateutil filled them in (`_dtstart`, `_freq`,
`_interval`, `_count`, `_until`, `_cache`, `_wkst`, `_timeset` and its `_by...` parts). pyproject.toml pins the
versions they were read from; a series without them is expanded by `between`; tests/test_expansion.py compares both
paths on the corpus and on generated series, tests/test_series_spans.py the spans of a CoreOccurrence with those of
the library's occurrence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from calendar import isleap
from collections.abc import Callable, Iterable
from datetime import MAXYEAR, date, datetime, timedelta, tzinfo
from itertools import compress, count, islice, repeat
from operator import ge, gt
from typing import Any

import icalendar
import recurring_ical_events
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, weekdays
from recurring_ical_events.adapters.event import EventAdapter
from recurring_ical_events.selection.name import ComponentsWithName
from recurring_ical_events.series import Series
from recurring_ical_events.util import (
    compare_greater,
    convert_to_date,
    convert_to_datetime,
    get_any,
    is_pytz,
    time_span_contains_event,
    to_recurrence_ids,
)

from ..wallclock import Walls

Time = date | datetime


class _Until:
    """`compare_greater(start, until)`, the library's UNTIL test, with `until` made comparable once per zone."""

    def __init__(self, until: Time | None) -> None:
        self.until = until
        self.zone: tzinfo | None = None
        self.bound: datetime | None = None

    def exceeded(self, start: datetime) -> bool:
        if self.until is None:
            return False
        zone = start.tzinfo
        if zone is None:  # floating starts: the library's own comparison (it may take the UNTIL's zone)
            return compare_greater(start, self.until)
        return start > self.bound_in(zone)

    def bound_in(self, zone: tzinfo) -> datetime:
        """UNTIL made comparable with starts in `zone` (not None)."""
        if zone is not self.zone or self.bound is None:  # make_comparable takes the start's zone, the first it meets
            self.zone, self.bound = zone, convert_to_datetime(self.until, zone)
        return self.bound


FREQUENCIES = {"YEARLY": YEARLY, "MONTHLY": MONTHLY, "WEEKLY": WEEKLY, "DAILY": DAILY}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY = re.compile(r"([+-]?[1-9][0-9]?)?(MO|TU|WE|TH|FR|SA|SU)")
INTEGER = re.compile(r"[+-]?[0-9]+")
# RRULE parts read as lists of integers, and dateutil's names for them.
INTEGER_PARTS = {"BYMONTH": "bymonth", "BYMONTHDAY": "bymonthday", "BYSETPOS": "bysetpos", "BYYEARDAY": "byyearday",
                 "BYWEEKNO": "byweekno", "BYHOUR": "byhour", "BYMINUTE": "byminute", "BYSECOND": "bysecond"}


def _integers(values: list[Any]) -> list[int] | None:
    texts = [str(value) for value in values]
    if not texts or not all(INTEGER.fullmatch(text) for text in texts):
        return None
    return [int(text) for text in texts]


def _single(values: list[Any]) -> int | None:
    found = _integers(values)
    return found[0] if found is not None and len(found) == 1 and found[0] >= 1 else None


def _weekdays(values: list[Any]) -> list[Any] | None:
    found = []
    for value in values:
        match = WEEKDAY.fullmatch(str(value))
        if match is None:
            return None
        found.append(weekdays[WEEKDAY_CODES.index(match[2])](int(match[1]) if match[1] else None))
    return found or None


def _until_as_written(values: list[Any], start: datetime) -> date | datetime | None:
    """An UNTIL the rule can take as it is: a date or floating time for a floating start, UTC for a zoned one."""
    if len(values) != 1:
        return None
    until = values[0]
    zoned = isinstance(until, datetime) and until.tzinfo is not None
    if zoned and getattr(until.tzinfo, "key", None) != "UTC":
        return None
    return until if zoned == (start.tzinfo is not None) else None


def _arguments(recur: icalendar.vRecur, start: datetime) -> dict[str, Any] | None:
    """dateutil's arguments for the rule, as rrulestr reads its text; None for any part read otherwise."""
    arguments: dict[str, Any] = {}
    for key, values in recur.items():
        found: Any
        if key == "FREQ":
            found = FREQUENCIES.get(str(values[0])) if len(values) == 1 else None
        elif key in ("INTERVAL", "COUNT"):
            found = _single(values)
        elif key == "UNTIL":
            found = _until_as_written(values, start)
        elif key == "WKST":
            found = WEEKDAY_CODES.index(str(values[0])) if len(values) == 1 and values[0] in WEEKDAY_CODES else None
        elif key == "BYDAY":
            key, found = "BYWEEKDAY", _weekdays(values)
        elif key in INTEGER_PARTS:
            found = _integers(values)
        else:
            return None
        if found is None:
            return None
        arguments[INTEGER_PARTS.get(key, key.lower())] = found
    return arguments if "freq" in arguments else None


def _rule_of(recur: icalendar.vRecur, start: datetime) -> rrule | None:
    """The rule recurring_ical_events builds from the RRULE's text (`RecurrenceRules.rrulestr`: dateutil's
    rrulestr with the series' start), built from its values: the text is the costly part. None: build it from the
    text, as the library does (its other readings of UNTIL, a negative COUNT, pytz starts, parts not read here)."""
    if is_pytz(start.tzinfo):
        return None
    arguments = _arguments(recur, start)
    if arguments is None:
        return None
    try:
        rule = _Stepped(dtstart=start, cache=False, **arguments)
    except Exception:  # the library's own reading decides what a rule dateutil refuses means
        return None
    rule.until = arguments.get("until")  # type: ignore[attr-defined]
    return rule


# Per frequency, whether a rule _Periods reads has BYMONTH, (positive) BYMONTHDAY and BYDAY (without ordinals) once
# dateutil has filled in its defaults; a rule with any other BY part, or these otherwise, is iterated by dateutil.
PERIOD_PARTS = {DAILY: (False, False, False), WEEKLY: (False, False, True), MONTHLY: (False, True, False),
                YEARLY: (True, True, False)}
LAST_ORDINAL = date.max.toordinal()
MONTHS, DAYS, WEEKDAYS = frozenset(range(1, 13)), frozenset(range(1, 32)), frozenset(range(7))


class _Periods:
    """The dates of a rule whose BY parts only pick days of its period, as dateutil's iteration finds them: period k
    is the (interval * k)-th day, week (from WKST), month or year from DTSTART's; its dates are, in order, the
    period's days on the rule's weekdays (WEEKLY) or on its days of the month in its months (MONTHLY, YEARLY), those
    that exist. `of` gives None for any other rule."""

    def __init__(self, rule: rrule) -> None:
        start: datetime = rule._dtstart
        self.freq, self.interval = rule._freq, rule._interval
        self.ordinal, self.year, self.month = start.toordinal(), start.year, start.month
        self.week = self.ordinal - (start.weekday() - rule._wkst) % 7  # the first day of DTSTART's week
        self.offsets = sorted((day - rule._wkst) % 7 for day in rule._byweekday or ())
        self.months, self.days = rule._bymonth, rule._bymonthday
        # How many dates every period after the first holds, when that never changes (no day some months lack)
        self.every = {DAILY: 1, WEEKLY: len(self.offsets),
                      MONTHLY: len(self.days) if max(self.days, default=0) <= 28 else None,
                      YEARLY: len(self.months or ()) * len(self.days)
                      if all(d <= MONTH_DAYS[m] for m in self.months or () for d in self.days) else None}[self.freq]

    @classmethod
    def of(cls, rule: rrule) -> _Periods | None:
        parts = (bool(rule._bymonth), bool(rule._bymonthday), bool(rule._byweekday))
        if (PERIOD_PARTS.get(rule._freq) != parts or rule._byweekno or rule._byyearday or rule._byeaster
                or rule._bysetpos or rule._bynweekday or rule._bynmonthday or len(rule._timeset or ()) != 1
                or not set(rule._bymonth or ()) <= MONTHS or not set(rule._bymonthday) <= DAYS
                or not set(rule._byweekday or ()) | {rule._wkst} <= WEEKDAYS or rule._interval < 1):
            return None  # dateutil takes a month 13 or a day 32, and never finds it
        return cls(rule)

    def first(self, day: int) -> int:
        """The first period that can hold a date on or after the day (an ordinal); every one before ends before it."""
        if self.freq == DAILY:
            return max(0, (day - self.ordinal) // self.interval)
        if self.freq == WEEKLY:
            return max(0, (day - self.week) // (7 * self.interval))
        found = date.fromordinal(max(1, day))
        if self.freq == MONTHLY:
            return max(0, (found.year * 12 + found.month - self.year * 12 - self.month) // self.interval)
        return max(0, (found.year - self.year) // self.interval)

    def ordinals(self, k: int, last: int, most: int | None = None) -> list[int]:
        """The ordinals of the dates of periods k, k + 1, ... through the one holding the day `last`, in order, of
        a DAILY or WEEKLY rule (k > 0: none before year 1; none after 9999-12-31, as `dates`); the first `most` of
        them when given."""
        if self.freq == DAILY:
            first = self.ordinal + k * self.interval
            end = last + 1 if most is None else min(last + 1, first + most * self.interval)
            return list(range(first, end, self.interval))
        step = 7 * self.interval
        first = self.week + step * k
        end = last + 1 if most is None else min(last + 1, first + step * -(-most // len(self.offsets)))
        found = [day for week in range(first, end, step) for offset in self.offsets
                 if (day := week + offset) <= LAST_ORDINAL]  # the last week may run past 9999-12-31
        return found if most is None else found[:most]

    def dates(self, k: int) -> list[date] | None:
        """Period k's dates, in order; None past year 9999, where dateutil stops."""
        if self.freq == DAILY:
            day = self.ordinal + k * self.interval
            return [date.fromordinal(day)] if day <= LAST_ORDINAL else None
        if self.freq == WEEKLY:
            week = self.week + 7 * self.interval * k
            if week > LAST_ORDINAL:
                return None
            # DTSTART's week may begin before year 1: those days precede it (and it may hold no other)
            return [date.fromordinal(week + o) for o in self.offsets if 1 <= week + o <= LAST_ORDINAL]
        if self.freq == MONTHLY:
            year, month = divmod(self.year * 12 + self.month - 1 + k * self.interval, 12)
            months: tuple[int, ...] = (month + 1,)
        else:
            year, months = self.year + k * self.interval, self.months
        if year > MAXYEAR:
            return None
        return [date(year, month, day) for month in months for day in self.days if day <= _month_days(year, month)]


def _first(flags: Iterable[bool], default: int) -> int:
    """The index of the first true flag, else default."""
    return next(compress(count(), flags), default)


def _month_days(year: int, month: int) -> int:
    return MONTH_DAYS[month] + (month == 2 and isleap(year))


MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Stepped(rrule):  # type: ignore[misc]
    """A dateutil rule that, when `_Periods` reads it, counts its way to the window instead of iterating from its
    start: `between(..., inc=True)` begins at the first period that can hold a date two days before the window (UTC
    offsets are under a day each, so none it needs is skipped), counting the occurrences before it for COUNT, then
    compares each occurrence with UNTIL, COUNT and the bounds exactly as dateutil's iteration does, keeping every
    occurrence after the first one in. Everything else is dateutil's."""

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        super().__init__(*arguments, **keywords)
        self.periods = _Periods.of(self)

    def between(self, after: datetime, before: datetime, inc: bool = False, count: int = 1) -> list[datetime]:
        periods = self.periods
        if not inc or periods is None or before.toordinal() > LAST_ORDINAL - 7:
            # dateutil raises on a week that runs past 9999-12-31 once it reaches a day there; it iterates those
            return list(super().between(after, before, inc, count))
        limit, until = self._count, self._until
        first = periods.first(after.toordinal() - 2)
        number = 0  # occurrences before the current one, for COUNT
        if limit is not None and first and periods.every is not None:
            number = len(self._moments(0, periods.dates(0) or [])) + (first - 1) * periods.every
        elif limit is not None:
            for k in range(first):
                dates = periods.dates(k)
                number += len(dates if k else self._moments(0, dates)) if dates is not None else 0
                if number >= limit:
                    return []
        if limit is not None and number >= limit:
            return []
        found: list[datetime] = []
        k = first
        while (dates := periods.dates(k)) is not None:
            if k and periods.freq in (DAILY, WEEKLY):
                return found + self._in_bulk(k, number, bool(found), after, before)
            for moment in self._moments(k, dates):
                if (limit is not None and number >= limit) or (until is not None and moment > until) or moment > before:
                    return found
                if found or moment >= after:  # as dateutil: once one is in, the rest are (a zone may jump back)
                    found.append(moment)
                number += 1
            k += 1
        return found

    def _in_bulk(self, k: int, number: int, taking: bool, after: datetime, before: datetime) -> list[datetime]:
        """What the loop of `between` adds from period k (not the first) on, for DAILY and WEEKLY rules: their
        moments through three days past `before`'s date (or UNTIL's) and no more than COUNT leaves, made at once
        (a later one is more than 72 hours after a time of that date, and two UTC offsets differ by at most 26: it
        fails `moment > before`), cut where the loop would return, from the first `>= after` on unless already
        `taking`."""
        assert self.periods is not None
        time, limit, until = self._timeset[0], self._count, self._until
        last = min(before.toordinal(), until.toordinal() if until is not None else LAST_ORDINAL) + 3
        most = None if limit is None else max(0, limit - number)
        moments = [datetime.combine(date.fromordinal(o), time) for o in self.periods.ordinals(k, last, most)]
        stop = len(moments)
        if until is not None:
            stop = _first(map(gt, islice(moments, stop), repeat(until)), stop)
        stop = _first(map(gt, islice(moments, stop), repeat(before)), stop)
        start = 0 if taking else _first(map(ge, islice(moments, stop), repeat(after)), stop)
        return moments[start:stop]

    def _moments(self, k: int, dates: list[date]) -> list[datetime]:
        """Period k's occurrences: its dates at the rule's time of day, those of the first from DTSTART on."""
        time = self._timeset[0]
        moments = [datetime.combine(day, time) for day in dates]
        return moments if k else [moment for moment in moments if moment >= self._dtstart]


class _Rules(Series.RecurrenceRules):  # type: ignore[misc, name-defined]
    def create_rule_with_start(self, rule_string: Any) -> rrule:
        if isinstance(rule_string, icalendar.vRecur):
            rule = _rule_of(rule_string, self.start)
            if rule is not None:
                return rule
            rule_string = rule_string.to_ical().decode()
        return super().create_rule_with_start(rule_string)


class _Series(Series):  # type: ignore[misc]
    RecurrenceRules = _Rules

    def __init__(self, components: Any) -> None:
        super().__init__(components)
        # The library keeps its overrides in a set and adds those its rules do not reach in the set's order, which
        # follows memory addresses: it changed from run to run, and with it which occurrence a report named first.
        # The same overrides in the order the library met them (file order), as a dict: iterated and tested alike.
        self.modifications = dict.fromkeys(self.recurrence_id_to_modification.values())


class _Event(EventAdapter):  # type: ignore[misc]
    @property
    def rrules(self) -> Any:
        """A lone RRULE as its value, which _Rules reads without its text; several as the library's texts, sorted:
        it gives them as a set, whose order (and with it the order of the occurrences and of their report notes)
        followed the interpreter's string hashing, from run to run."""
        rules = self._component.get("RRULE", None)
        if isinstance(rules, icalendar.vRecur) and rules:
            return [rules]
        return sorted(super().rrules)


class Deferred:
    """A series' components as the library groups them (by UID, in file order), built into an `Expansion` only
    when expanded: built one at a time, a calendar's series need not all be in memory at once (about 5 KB each)."""

    def __init__(self, components: list[Any]) -> None:
        self.components = components
        self.uid = components[0].uid

    def build(self) -> Expansion:
        return Expansion(_Series(self.components))


EVENTS = ComponentsWithName("VEVENT", adapter=_Event, series=Deferred)


def deferred_series(calendar: icalendar.Calendar) -> list[Deferred]:
    """The calendar's VEVENT series as recurring_ical_events.of(calendar).series groups them, not yet built."""
    return list(recurring_ical_events.of(calendar, components=[EVENTS]).series)


def series_of(calendar: icalendar.Calendar) -> list[Expansion]:
    """The calendar's VEVENT series as recurring_ical_events.of(calendar).series, each ready to expand."""
    return [one.build() for one in deferred_series(calendar)]


NEAR_IDS = timedelta(days=2)  # a start's recurrence ids, its UTC and its wall time, are within 14 hours of the latter


class _Near:
    """Whether a start may have a recurrence id (`to_recurrence_ids`: naive UTC and wall times) among the series'
    EXDATE and override ids: one bisection instead of converting every start to UTC. Only naive date-times can
    equal those ids, so the others are left out."""

    def __init__(self, ids: list[Any]) -> None:
        self.ids = sorted(i for i in ids if isinstance(i, datetime) and i.tzinfo is None)
        self.walls: Walls | None = None  # of the last zone met

    def close(self, start: Any) -> bool:
        if not self.ids:
            return False
        if not isinstance(start, datetime):
            return True
        zone = start.tzinfo
        if zone is None:
            wall = start
        else:
            if self.walls is None or self.walls.zone is not zone:
                self.walls = Walls(zone)
            wall = self.walls.of(start)
        n = bisect_left(self.ids, wall - NEAR_IDS)
        return n < len(self.ids) and self.ids[n] <= wall + NEAR_IDS


class Shape:
    """What every core occurrence of a direct series shares: the series, its core, the core's length (each
    occurrence ends that long after its start, on the wall clock) and the core's VEVENT."""

    def __init__(self, series: Any) -> None:
        self.series = series
        self.core = series.recurrence.core
        self.duration: timedelta = self.core.duration
        self.component: icalendar.Event | None = getattr(self.core, "_component", None)  # as component_of reads it


class CoreOccurrence:
    """`series.occurrence(core, start, end)` without building it: the library's occurrence is made only when its
    component is asked for (a UID with a cancelled event)."""

    __slots__ = ("end", "shape", "start")

    def __init__(self, start: Time, end: Time, shape: Shape) -> None:
        self.start = start
        self.end = end
        self.shape = shape

    @property
    def component(self) -> icalendar.Event | None:
        return self.shape.component

    def library(self) -> Any:
        """The library's own occurrence."""
        return self.shape.series.occurrence(self.shape.core, self.start, self.end)

    def as_component(self, keep_recurrence_attributes: bool) -> icalendar.Event:
        return self.library().as_component(keep_recurrence_attributes)

    def is_in_span(self, span_start: Time, span_stop: Time) -> bool:
        return bool(time_span_contains_event(span_start, span_stop, self.start, self.end))


class CoreRun:
    """Core occurrences of one stretch of a series, in order and in one zone object, as two lists: what a
    CoreOccurrence each would hold, made only when asked for (`occurrences`). A series' stretch far from every EXDATE
    and override id is most of its occurrences; as a run it is read in one go, without an object each."""

    __slots__ = ("ends", "shape", "starts")

    def __init__(self, starts: list[datetime], ends: list[datetime], shape: Shape) -> None:
        self.starts, self.ends, self.shape = starts, ends, shape

    def __len__(self) -> int:
        return len(self.starts)

    def occurrences(self) -> list[CoreOccurrence]:
        return [CoreOccurrence(start, end, self.shape) for start, end in zip(self.starts, self.ends, strict=True)]


def flat(found: list[Any]) -> list[Any]:
    """Occurrences with every CoreRun among them replaced by its occurrences, in order."""
    return [o for one in found for o in (one.occurrences() if type(one) is CoreRun else (one,))]


def how_many(found: list[Any]) -> int:
    """How many occurrences `flat(found)` holds."""
    return sum(len(one) if type(one) is CoreRun else 1 for one in found)


class Expansion:
    """One series of recurring_ical_events, expanded through its rule set when that gives the same occurrences."""

    def __init__(self, series: Any) -> None:
        self.series = series
        self.uid = series.uid
        self.rules = _rules(series)
        if self.rules is not None:
            self.near = _Near([*series.recurrence.check_exdates_datetime, *series.recurrence_id_to_modification])
            self.shape = Shape(series)  # _rules has read each of its attributes

    @property
    def direct(self) -> bool:
        """Whether the rule set, not `Series.between`, gives the occurrences."""
        return self.rules is not None

    def between(self, span_start: Time, span_stop: Time) -> list[Any]:
        """The occurrences `Series.between(span_start, span_stop)` yields (in the same order)."""
        return flat(self.in_runs(span_start, span_stop))

    def in_runs(self, span_start: Time, span_stop: Time) -> list[Any]:
        """`between`, a stretch of core occurrences (in order, in one zone object) given as one CoreRun."""
        if self.rules is not None:
            try:
                return self._direct(span_start, span_stop)
            except Exception:  # whatever breaks here, the library's own path decides (its rules are ours: _Stepped)
                pass
        return list(self.series.between(span_start, span_stop))

    def _direct(self, span_start: Time, span_stop: Time) -> list[Any]:
        """Series.between and RecurrenceRules.rrule_between for a series with a core and no THISANDFUTURE range."""
        assert self.rules is not None
        series, recurrence = self.series, self.series.recurrence
        before, after = recurrence.extend_query_span_by  # the series' own extension without THISANDFUTURE
        low = convert_to_datetime(span_start - before, recurrence.tzinfo)
        high = convert_to_datetime(span_stop + after, recurrence.tzinfo)
        exdates, exmoments = recurrence.check_exdates_date, recurrence.check_exdates_datetime
        modifications = series.recurrence_id_to_modification
        shape = self.shape
        duration = shape.duration
        as_dates = not isinstance(recurrence.original_start, datetime) and not isinstance(recurrence.original_end,
                                                                                          datetime)
        inside = _span_test(span_start, span_stop)
        near = self.near
        seen: set[datetime] = set()
        returned: set[Any] = set()  # the modifications found so far, each given once
        found = []
        # Starts far from every EXDATE and override id need none of the tests below: they are taken by bisection.
        in_bulk = (not exdates and not as_dates and duration > ZERO
                   and all(type(t) is datetime and t.tzinfo is None for t in (span_start, span_stop)))
        for rule, until in self.rules:
            starts = rule.between(low, high, inc=True)
            stretches = _stretches(starts, until, near.ids, span_start, span_stop) if in_bulk else None
            for plain, one_by_one in stretches.pieces if stretches is not None else [([], starts)]:
                if plain:
                    assert stretches is not None
                    if seen:
                        plain = [start for start in plain if start not in seen]
                    seen.update(plain)
                    ends = [start + duration for start in plain]
                    # inside: start < high and low < end, both in order
                    first, last = bisect_right(ends, stretches.low), bisect_left(plain, stretches.high)
                    if last > first:
                        found.append(CoreRun(plain[first:last], ends[first:last], shape))
                for start in one_by_one:
                    if until.exceeded(start) or start in seen:
                        continue
                    if exdates and convert_to_date(start) in exdates:
                        continue
                    if near.close(start):  # else no EXDATE or override id can be one of its recurrence ids
                        ids = to_recurrence_ids(start)
                        if exmoments and any(moment in exmoments for moment in ids):
                            continue
                        modification = get_any(modifications, ids) if modifications else None
                        if modification is not None:
                            if modification not in returned:
                                returned.add(modification)
                                occurrence = series.occurrence(modification)
                                if occurrence.is_in_span(span_start, span_stop):
                                    found.append(occurrence)
                            continue
                    seen.add(start)
                    end = start + duration
                    if as_dates:
                        start, end = convert_to_date(start), convert_to_date(end)
                    if inside(start, end):
                        found.append(CoreOccurrence(start, end, shape))
        for modification in series.modifications if modifications else ():  # those the rules did not reach
            if (modification in returned or exmoments & set(modification.recurrence_ids)
                    or series.skip_core_modification(modification)):
                continue
            if modification.is_in_span(span_start, span_stop):
                returned.add(modification)
                found.append(series.occurrence(modification))
        return found


ZERO = timedelta()


class _Stretches:
    """A rule's starts cut for `_direct`: the stretches that pass every test but `_span_test` (`plain`, kept by
    bisection), and between them the starts near an EXDATE or override id, tested one by one."""

    def __init__(self, low: datetime, high: datetime, pieces: list[tuple[list[datetime], list[datetime]]]) -> None:
        self.low, self.high, self.pieces = low, high, pieces


def _stretches(starts: list[datetime], until: _Until, ids: list[datetime], span_start: datetime,
               span_stop: datetime) -> _Stretches | None:
    """Starts of one zone object compare by wall time, and so do their ends, both in order: the UNTIL test cuts
    the list once, `_Near.close` holds for the starts within NEAR_IDS of an id (wall times, as it reads them), and
    `_span_test` keeps one stretch of each plain piece. None (every start one by one) for starts in no zone or in
    several, and for bounds that do not come out in the starts' own zone."""
    if not starts:
        return _Stretches(datetime.min, datetime.min, [])
    zone = starts[0].tzinfo
    if zone is None or any(start.tzinfo is not zone for start in starts):
        return None
    if until.until is not None:
        bound = until.bound_in(zone)
        # An UNTIL in another zone compares instants, which a start in a DST gap can put out of order: one by one
        starts = starts[:bisect_right(starts, bound)] if bound.tzinfo is zone else [
            start for start in starts if not start > bound]
    low, high = convert_to_datetime(span_start, zone), convert_to_datetime(span_stop, zone)
    if low.tzinfo is not zone or high.tzinfo is not zone or not low < high:
        return None
    try:
        near = sorted({k for i in ids for k in range(bisect_left(starts, (i - NEAR_IDS).replace(tzinfo=zone)),
                                                     bisect_right(starts, (i + NEAR_IDS).replace(tzinfo=zone)))})
    except OverflowError:  # an id within two days of year 1 or 9999
        return None
    pieces = []
    position = 0
    for k in near:
        pieces.append((starts[position:k], [starts[k]]))
        position = k + 1
    pieces.append((starts[position:], []))
    return _Stretches(low, high, pieces)


def _rules(series: Any) -> list[tuple[rrule | _Dates, _Until]] | None:
    """The series' rule set without dateutil's cache, each with its UNTIL test; None when `between` must expand it."""
    try:
        recurrence = series.recurrence
        if series.this_and_future or not recurrence.has_core:
            return None
        if any(modification.has_recurrence_rules() for modification in series.modifications):
            return None  # Series.skip_core_modification would iterate the library's own cached rules
        if recurrence.replace_ends or is_pytz(recurrence.tzinfo):
            return None
        rules: list[tuple[rrule | _Dates, _Until]] = []
        for rule in recurrence.rrules:
            if type(rule) in (rrule, _Stepped):
                rules.append((rule if rule._cache is None else rule.replace(cache=False), _Until(rule.until)))
            elif type(rule) is rruleset:  # DTSTART and the RDATEs
                rules.append((_Dates(rule, recurrence.tzinfo), _Until(rule.until)))
            else:
                return None
        # Read once here, so that a version without them falls back now rather than on every window.
        _ = (recurrence.check_exdates_date, recurrence.check_exdates_datetime, recurrence.original_start,
             recurrence.original_end, recurrence.extend_query_span_by, recurrence.core.duration, series.occurrence,
             series.skip_core_modification)
        return rules
    except Exception:  # another version's internals, or a rule the library could not rebuild: its own path
        return None


class _Dates:
    """The library's rruleset of DTSTART and the RDATEs read as dateutil reads a set of dates (sorted, a date equal
    to the one before it skipped, `between` inclusive at both ends), by bisection instead of its heap."""

    until = None

    def __init__(self, rules: rruleset, zone: tzinfo | None) -> None:
        if rules._rrule or rules._exrule or rules._exdate:  # the library puts only dates in it
            raise ValueError("not a set of dates")
        # Dates of one zone, that of the bounds, compare by wall time: one order, so bisection finds what dateutil's
        # scan finds. Mixed zones compare as instants, which a time in a DST gap can put out of order.
        if any(getattr(moment, "tzinfo", None) is not zone for moment in rules._rdate):
            raise ValueError("dates in another zone than the series'")
        self.moments: list[datetime] = []
        for moment in sorted(rules._rdate):
            if not self.moments or self.moments[-1] != moment:
                self.moments.append(moment)

    def between(self, low: datetime, high: datetime, inc: bool = True) -> list[datetime]:
        if not inc:
            raise ValueError("only inclusive bounds")
        return self.moments[bisect_left(self.moments, low):bisect_right(self.moments, high)]


def _span_test(span_start: Time, span_stop: Time) -> Callable[[Time, Time], bool]:
    """`Occurrence.is_in_span(span_start, span_stop)` of an occurrence from `start` to `end`, with the span made
    comparable once per zone for occurrences whose start and end share one zone (make_comparable then converts the
    naive span ends into it)."""
    naive = all(isinstance(t, datetime) and t.tzinfo is None for t in (span_start, span_stop))
    zoned: dict[int, tuple[tzinfo, datetime, datetime]] = {}
    last: tuple[object, datetime, datetime] = (object(), datetime.min, datetime.min)  # a zone whose span is ordered

    def inside(start: Time, end: Time) -> bool:
        nonlocal last
        zone = getattr(start, "tzinfo", None)
        if zone is last[0] and start < end and getattr(end, "tzinfo", None) is zone:
            return start < last[2] and last[1] < end  # time_span_contains_event's test of two ordered spans
        if not naive or zone is None or getattr(end, "tzinfo", None) is not zone:
            return time_span_contains_event(span_start, span_stop, start, end)
        known = zoned.get(id(zone))
        if known is None or known[0] is not zone:
            known = zoned[id(zone)] = (zone, convert_to_datetime(span_start, zone), convert_to_datetime(span_stop,
                                                                                                         zone))
        if known[1] < known[2]:
            last = known
        return time_span_contains_event(known[1], known[2], start, end, comparable=True)

    return inside


__all__ = ["CoreOccurrence", "CoreRun", "Deferred", "Expansion", "Shape", "deferred_series", "flat", "how_many",
           "series_of"]
