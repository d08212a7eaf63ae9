"""A series' occurrences from recurring_ical_events' own rule set, without its per-occurrence bookkeeping.

`Series.between` looks every start up among the series' modifications, THISANDFUTURE ranges and RDATE periods,
and compares every date through `make_comparable`. A series with none of those (no RECURRENCE-ID override, no
RANGE=THISANDFUTURE, no RDATE with a period) has simpler occurrences: each start of the rules the library built
from DTSTART, RRULE and RDATE (its `rrules`: an rruleset of DTSTART and the RDATEs, then one rrule per RRULE), in
the library's UNTIL, not in its EXDATE sets, lasting the core's duration. `Expansion.between` takes exactly those,
with the library's own objects and tests, and builds the library's own occurrences; every other series, and any
series on which this path fails, goes through `Series.between`. The rules are rebuilt without dateutil's cache
(one pass each: the cache only costs a lock and a list per occurrence).

This reads attributes of recurring_ical_events' `Series` and `Series.RecurrenceRules` that are not its documented
API: `recurrence` (`has_core`, `core`, `rrules`, `tzinfo`, `replace_ends`, `check_exdates_date`,
`check_exdates_datetime`, `original_start`, `original_end`, `extend_query_span_by`), `recurrence_id_to_modification`
and `this_and_future`, and the dates in dateutil's `rruleset` (`_rdate`). pyproject.toml pins the versions they were
read from; a series without them is expanded by `between`, and tests/test_expansion.py compares both paths on the
corpus and on generated series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from dateutil.rrule import rrule, rruleset
from recurring_ical_events.util import (
    compare_greater,
    convert_to_date,
    convert_to_datetime,
    is_pytz,
    time_span_contains_event,
    to_recurrence_ids,
)

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
        if zone is not self.zone or self.bound is None:  # make_comparable takes the start's zone, the first it meets
            self.zone, self.bound = zone, convert_to_datetime(self.until, zone)
        return start > self.bound


class Expansion:
    """One series of recurring_ical_events, expanded through its rule set when that gives the same occurrences."""

    def __init__(self, series: Any) -> None:
        self.series = series
        self.uid = series.uid
        self.rules = _rules(series)

    @property
    def direct(self) -> bool:
        """Whether the rule set, not `Series.between`, gives the occurrences."""
        return self.rules is not None

    def between(self, span_start: Time, span_stop: Time) -> list[Any]:
        """The occurrences `Series.between(span_start, span_stop)` yields (in the same order)."""
        if self.rules is not None:
            try:
                return self._direct(span_start, span_stop)
            except Exception:  # whatever breaks here, the library's own path decides (and raises what it raises)
                pass
        return list(self.series.between(span_start, span_stop))

    def _direct(self, span_start: Time, span_stop: Time) -> list[Any]:
        """Series.between and RecurrenceRules.rrule_between for a series with a core and nothing else."""
        assert self.rules is not None
        series, recurrence = self.series, self.series.recurrence
        before, after = recurrence.extend_query_span_by  # the series' own extension when it has no modification
        low = convert_to_datetime(span_start - before, recurrence.tzinfo)
        high = convert_to_datetime(span_stop + after, recurrence.tzinfo)
        exdates, exmoments = recurrence.check_exdates_date, recurrence.check_exdates_datetime
        core = recurrence.core
        duration: timedelta = core.duration
        as_dates = not isinstance(recurrence.original_start, datetime) and not isinstance(recurrence.original_end,
                                                                                          datetime)
        inside = _span_test(span_start, span_stop)
        seen: set[datetime] = set()
        found = []
        for rule, until in self.rules:
            for start in rule.between(low, high, inc=True):
                if until.exceeded(start) or start in seen:
                    continue
                if exdates and convert_to_date(start) in exdates:
                    continue
                if exmoments and any(moment in exmoments for moment in to_recurrence_ids(start)):
                    continue
                seen.add(start)
                end = start + duration
                occurrence = (series.occurrence(core, convert_to_date(start), convert_to_date(end)) if as_dates
                              else series.occurrence(core, start, end))
                if inside(occurrence):
                    found.append(occurrence)
        return found


def _rules(series: Any) -> list[tuple[rrule | rruleset, _Until]] | None:
    """The series' rule set without dateutil's cache, each with its UNTIL test; None when `between` must expand it."""
    try:
        recurrence = series.recurrence
        if series.recurrence_id_to_modification or series.this_and_future or not recurrence.has_core:
            return None
        if recurrence.replace_ends or is_pytz(recurrence.tzinfo):
            return None
        rules: list[tuple[rrule | rruleset, _Until]] = []
        for rule in recurrence.rrules:
            if type(rule) is rrule:
                rules.append((rule.replace(cache=False), _Until(rule.until)))
            elif type(rule) is rruleset:  # DTSTART and the RDATEs
                rules.append((_uncached(rule), _Until(rule.until)))
            else:
                return None
        # Read once here, so that a version without them falls back now rather than on every window.
        _ = (recurrence.check_exdates_date, recurrence.check_exdates_datetime, recurrence.original_start,
             recurrence.original_end, recurrence.extend_query_span_by, recurrence.core.duration, series.occurrence)
        return rules
    except Exception:  # another version's internals, or a rule the library could not rebuild: its own path
        return None


def _uncached(rules: rruleset) -> rruleset:
    """A copy of the library's set of DTSTART and RDATEs without dateutil's cache.

    Never iterate the library's own cached rules here: dateutil keeps a cached rule's lock when an iteration
    raises, and the library's `between` (the fallback) would then wait for it forever.
    """
    if rules._rrule or rules._exrule or rules._exdate:  # the library puts only dates in it
        raise ValueError("not a set of dates")
    fresh = rruleset(cache=False)
    for moment in rules._rdate:
        fresh.rdate(moment)
    return fresh


def _span_test(span_start: Time, span_stop: Time) -> Callable[[Any], bool]:
    """`occurrence.is_in_span(span_start, span_stop)`, with the span made comparable once per zone for occurrences
    whose start and end share one zone (make_comparable then converts the naive span ends into it)."""
    naive = all(isinstance(t, datetime) and t.tzinfo is None for t in (span_start, span_stop))
    zoned: dict[int, tuple[tzinfo, datetime, datetime]] = {}

    def inside(occurrence: Any) -> bool:
        start, end = occurrence.start, occurrence.end
        zone = getattr(start, "tzinfo", None)
        if not naive or zone is None or getattr(end, "tzinfo", None) is not zone:
            return bool(occurrence.is_in_span(span_start, span_stop))
        known = zoned.get(id(zone))
        if known is None or known[0] is not zone:
            known = zoned[id(zone)] = (zone, convert_to_datetime(span_start, zone), convert_to_datetime(span_stop,
                                                                                                         zone))
        return time_span_contains_event(known[1], known[2], start, end, comparable=True)

    return inside


def expansions(series: Iterable[Any]) -> list[Expansion]:
    return [Expansion(one) for one in series]


__all__ = ["Expansion", "expansions"]
