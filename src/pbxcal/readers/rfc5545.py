"""What an occurrence means in real time: the RFC 5545 rules recurring_ical_events leaves to its caller.

recurring_ical_events gives each occurrence's start as a local time with a tzinfo, and its end as that start plus
the wall-clock difference of DTSTART and DTEND (or DURATION). This module turns them into real (UTC) instants:
- a local time is read through its own VTIMEZONE's transition rules, or its IANA zone (wallclock.to_utc);
- DTEND gives every member of a recurrence set the same exact duration (§3.8.5.3);
- DURATION's days and weeks are nominal, its hours, minutes and seconds exact (§3.3.6);
- an end before its start is read swapped, as recurring_ical_events does.
One Reading belongs to one calendar: its VTIMEZONE definitions never reach another calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from ..wallclock import Offsets, Walls, to_utc, tzinfo_offsets, zone_table
from .tzids import definition_offsets

# Occurrences' aware starts and ends (one zone) -> their real (naive UTC) starts and ends
Instants = Callable[[list[datetime], list[datetime]], tuple[list[datetime], list[datetime]]]

NOMINAL_DAYS = "X-PBXCAL-NOMINAL-DAYS"  # the reader marks each DURATION with its weeks and days as written


class Reading:
    """The real-time reading of one calendar's local times."""

    def __init__(self, calendar: icalendar.Calendar) -> None:
        self.definitions: dict[str, Offsets] = {}
        for definition in calendar.walk("VTIMEZONE"):
            tzid = str(definition.get("TZID", ""))
            try:
                self.definitions.setdefault(tzid, definition_offsets(definition)[0])
            except Exception:  # an unreadable definition is left to icalendar's own reading
                continue
        self._offsets: dict[int, Offsets] = {}
        self._exact: dict[int, timedelta | None] = {}
        self._lengths: dict[int, tuple[icalendar.Component, timedelta | None]] = {}

    def forget(self) -> None:
        """Let go of the components read so far (the lengths kept per component hold them, and so the whole parsed
        calendar): what is read later is read again."""
        self._exact.clear()  # keyed by the ids of the components `_lengths` holds: cleared with them
        self._lengths.clear()

    def offsets(self, zone: tzinfo) -> Offsets:
        found = self._offsets.get(id(zone))
        if found is None:
            tzid = getattr(zone, "_tzid", None)  # dateutil's zone built from a VTIMEZONE keeps its TZID
            found = self.definitions.get(tzid) if isinstance(tzid, str) else None
            self._offsets[id(zone)] = found = found or tzinfo_offsets(zone)
        return found

    def utc(self, moment: datetime) -> datetime:
        """The naive UTC instant of an aware local time."""
        zone = moment.tzinfo
        assert zone is not None
        if zone is UTC:
            return moment.replace(tzinfo=None)
        if isinstance(zone, ZoneInfo):
            return zone_table(zone).to_utc(moment.replace(tzinfo=None))
        return to_utc(moment.replace(tzinfo=None), self.offsets(zone))

    def utc_of(self, zone: tzinfo) -> Callable[[datetime], datetime]:
        """`utc` of the aware times of one zone, as a function of their naive wall time."""
        if zone is UTC:
            return _unchanged
        if isinstance(zone, ZoneInfo):
            return zone_table(zone).to_utc
        offsets = self.offsets(zone)
        return lambda local: to_utc(local, offsets)

    def utc_all_of(self, zone: tzinfo) -> Callable[[list[datetime]], list[datetime]]:
        """`utc_of(zone)` of many wall times at once."""
        if isinstance(zone, ZoneInfo):
            return zone_table(zone).to_utc_all
        one = self.utc_of(zone)
        return lambda locals_: list(map(one, locals_))

    def instants(self, component: icalendar.Component, zone: tzinfo, length: timedelta) -> Instants:
        """(`utc(start)`, `end(component, start, end)`) of occurrences in `zone` that end `length` after they start
        on the wall clock, as a function of their starts and ends: what `end` looks up is looked up once."""
        utc, walls = self.utc_all_of(zone), Walls(zone).all
        if self._length(component) != length:  # no DTEND/DURATION, or not its length: the wall end stands
            return lambda starts, ends: (utc(walls(starts)), utc(walls(ends)))
        exact = self._exact_length(component)
        if exact is not None:
            def exactly(starts: list[datetime], _ends: list[datetime]) -> tuple[list[datetime], list[datetime]]:
                real_starts = utc(walls(starts))
                return real_starts, [start + exact for start in real_starts]
            return exactly
        nominal, rest = self._nominal(component)

        def nominally(starts: list[datetime], _ends: list[datetime]) -> tuple[list[datetime], list[datetime]]:
            wall_starts = walls(starts)
            return utc(wall_starts), [end + rest for end in utc([start + nominal for start in wall_starts])]
        return nominally

    def end(self, component: icalendar.Component | None, start: datetime, end: datetime,
            real_start: datetime | None = None) -> datetime:
        """The real end of an occurrence starting at aware `start` (`real_start` in UTC, when known), given
        recurring_ical_events' `end`."""
        end = _comparable(end, start)
        if component is None:
            return self.utc(end)
        default = self._length(component)
        if default is None or end - start != default:  # no DTEND/DURATION, or an RDATE period's own end
            return self.utc(end)
        exact = self._exact_length(component)
        if exact is not None:
            return (self.utc(start) if real_start is None else real_start) + exact
        nominal, rest = self._nominal(component)
        return self.utc(start + nominal) + rest

    def _length(self, component: icalendar.Component) -> timedelta | None:
        known = self._lengths.get(id(component))
        if known is None or known[0] is not component:  # read once per component, not per occurrence
            known = self._lengths[id(component)] = (component, self._default_length(component))
        return known[1]

    @staticmethod
    def _nominal(component: icalendar.Component) -> tuple[timedelta, timedelta]:
        """DURATION's nominal days, and the exact rest."""
        value = component["DURATION"]
        duration = abs(value.dt)
        nominal = timedelta(days=int(value.params.get(NOMINAL_DAYS, duration.days)))
        return nominal, duration - nominal

    @staticmethod
    def _default_length(component: icalendar.Component) -> timedelta | None:
        """The length recurring_ical_events adds to each start, or None when it has nothing to add."""
        try:
            start = component["DTSTART"].dt
            if "DTEND" in component:
                stop = component["DTEND"].dt
            elif "DURATION" in component:
                return abs(component["DURATION"].dt)
            else:
                return None
            low, high = _comparable(start, start), _comparable(stop, start)
            return abs(high - low)
        except Exception:  # unreadable values: recurring_ical_events' end stands
            return None

    def _exact_length(self, component: icalendar.Component) -> timedelta | None:
        """DTEND's exact length (the same for every member of the set), or None when DURATION gives it."""
        key = id(component)
        if key not in self._exact:
            length = None
            if "DTEND" in component:
                start, stop = component["DTSTART"].dt, component["DTEND"].dt
                start, stop = _comparable(start, start), _comparable(stop, start)
                if stop < start:  # written swapped: read swapped, as recurring_ical_events does
                    start, stop = stop, start
                length = self.utc(stop) - self.utc(start)  # may be <= 0 in real time: never active
            self._exact[key] = length
        return self._exact[key]


def _comparable(value: date | datetime, like: date | datetime) -> datetime:
    """A DTEND made comparable with its DTSTART: a floating end of a zoned start is read in the start's zone."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if isinstance(like, datetime) and like.tzinfo is not None and value.tzinfo is None:
        return value.replace(tzinfo=like.tzinfo)
    return value


def _unchanged(moment: datetime) -> datetime:
    return moment


def component_of(occurrence: Any) -> icalendar.Component | None:
    """The VEVENT an occurrence was made from (its master, its override, or a THISANDFUTURE modification)."""
    component = getattr(occurrence, "component", None)
    if component is None:
        adapter = getattr(occurrence, "_adapter", None)  # recurring_ical_events keeps it there (pinned < 4)
        component = getattr(adapter, "_component", None)
    return component


__all__ = ["NOMINAL_DAYS", "Instants", "Reading", "component_of"]
