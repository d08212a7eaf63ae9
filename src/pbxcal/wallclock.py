"""Real time and wall clocks: RFC 5545's reading of local times, and real spans on a target zone's clock.

Every timed instant goes local time -> UTC -> target wall clock, never through a same-zone shortcut:
- RFC 5545 §3.3.5: a local time that occurs twice (fall-back) is its first occurrence; one that does not occur
  (spring-forward gap) takes the UTC offset from before the gap.
- A real span is written on the target's wall clock as the smallest wall span covering it. Where the target clock
  repeats an hour (fall-back), that wall span can also be active during the other pass: the span is then not
  exact, and the caller reports it as approximated.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from itertools import islice, pairwise, repeat, starmap
from operator import add, le
from zoneinfo import ZoneInfo

from .spans import Shared, Span, Unshared, merge

# naive UTC instant -> that instant's UTC offset in one zone
Offsets = Callable[[datetime], timedelta]

NEAR = timedelta(days=1)  # transitions this close to a span can fold wall times onto it
SAMPLE = timedelta(days=7)  # no zone changes its offset twice within a week (checked for the years used)
SECOND = timedelta(seconds=1)
IN_STRETCHES = 64  # spans in order from which WallClock.spans takes them in stretches (fewer: one by one is quicker)


def tzinfo_offsets(zone: tzinfo) -> Offsets:
    """The offsets of any tzinfo, read in the UTC -> local direction, which every implementation gets right."""
    return lambda moment: zone.fromutc(moment.replace(tzinfo=zone)).utcoffset() or timedelta()


WALL_BASE = datetime(2000, 1, 1)


class Walls:
    """The naive wall times of aware times in one zone, fold dropped: `moment - base` of two times with the same
    tzinfo is their wall-clock difference. It costs a fraction of `moment.replace(tzinfo=None)`, a keyword call."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.base = WALL_BASE.replace(tzinfo=zone)

    def of(self, moment: datetime) -> datetime:
        return WALL_BASE + (moment - self.base)

    def all(self, moments: Iterable[datetime]) -> list[datetime]:
        """`of` of each moment."""
        base = self.base
        return [WALL_BASE + (moment - base) for moment in moments]


def to_utc(local: datetime, offsets: Offsets) -> datetime:
    """The naive UTC instant of a naive local time, with RFC 5545's rules for repeated and skipped times."""
    guesses = {offsets(local - NEAR), offsets(local), offsets(local + NEAR)}
    guesses |= {offsets(local - o) for o in list(guesses)}
    matches = [local - o for o in guesses if offsets(local - o) == o]
    if matches:
        return min(matches)  # a repeated local time is its first occurrence
    return local - offsets(local - max(guesses))  # in a gap: the offset in force just before it


def zoneinfo_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The same rules for an IANA zone: PEP 495's fold=0 is the first occurrence and the offset before a gap."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC).replace(tzinfo=None)


@cache
def _changes(zone: ZoneInfo, year: int) -> tuple[datetime, ...]:
    """The naive UTC instants in one year at which the zone's offset changes, to the second."""
    offset = tzinfo_offsets(zone)
    found = []
    low = datetime(year, 1, 1)
    end = datetime(year + 1, 1, 1)
    while low < end:
        high = min(low + SAMPLE, end)
        if offset(low) != offset(high):
            a, b = low, high
            while b - a > SECOND:
                middle = (a + (b - a) / 2).replace(microsecond=0)
                a, b = (middle, b) if offset(middle) == offset(a) else (a, middle)
            found.append(b)
        low = high
    return tuple(found)


# Years the tables are built for; instants outside them (year 1, year 9998) go through tzinfo one by one.
TABLE_YEARS = range(1800, 2400)


class ZoneTable:
    """One IANA zone's offset changes as sorted lists, so that an instant needs one bisection instead of tzinfo
    calls: built from `_changes` over the years asked about so far, three at a time around each new year.

    `local_ends[k]` is the local time up to which the offset before change k still applies: a repeated local time
    is its first occurrence and a skipped one takes the offset before the gap, so both read the earlier offset.
    """

    def __init__(self, zone: ZoneInfo) -> None:
        self.offsets = tzinfo_offsets(zone)
        self.zone = zone
        self.years = range(0)
        self.changes: list[datetime] = []
        self.after: list[timedelta] = []
        self.local_ends: list[datetime] = []
        self.before = timedelta()
        # The instants whose year, and the years either side, the tables hold: low <= moment < high.
        self.low, self.high = datetime.max, datetime.min

    def _cover(self, year: int) -> bool:
        """Make the tables hold every change from the year before `year` to the year after it; False for a year
        outside TABLE_YEARS, which the caller answers through tzinfo itself."""
        if year - 1 in self.years and year + 1 in self.years:
            return True
        if year - 1 not in TABLE_YEARS or year + 1 not in TABLE_YEARS:
            return False
        first = min(year - 1, self.years.start) if self.years else year - 1
        last = max(year + 1, self.years.stop - 1) if self.years else year + 1
        years = range(first, last + 1)
        changes = [c for y in years for c in _changes(self.zone, y)]
        before = self.offsets(datetime(first, 1, 1))
        after = [self.offsets(c) for c in changes]
        previous = [before, *after][: len(after)]
        # Every list first, the years last: a table is never left claiming years it does not hold.
        self.changes, self.before, self.after = changes, before, after
        self.local_ends = [c + max(b, a) for c, b, a in zip(changes, previous, after, strict=True)]
        self.years = years
        self.low, self.high = datetime(first + 1, 1, 1), datetime(last, 1, 1)
        return True

    def covers(self, first: datetime, last: datetime) -> bool:
        """Make the tables hold every instant from first to last; False when they cannot (years outside
        TABLE_YEARS, which the caller answers through tzinfo itself)."""
        return (self.low <= first and last < self.high) or (self._cover(first.year) and self._cover(last.year))

    def offset(self, moment: datetime) -> timedelta:
        """The offset at a naive UTC instant."""
        if not self.low <= moment < self.high and not self._cover(moment.year):
            return self.offsets(moment)
        n = bisect_right(self.changes, moment)
        return self.after[n - 1] if n else self.before

    def to_utc(self, local: datetime) -> datetime:
        """zoneinfo_to_utc by bisection."""
        if not self.low <= local < self.high and not self._cover(local.year):
            return zoneinfo_to_utc(local, self.zone)
        n = bisect_right(self.local_ends, local)
        return local - (self.after[n - 1] if n else self.before)

    def to_utc_all(self, locals_: list[datetime]) -> list[datetime]:
        """`to_utc` of each local time, the tables looked at once for all of them."""
        if not locals_ or not self.covers(min(locals_), max(locals_)):
            return [self.to_utc(local) for local in locals_]
        ends, after, before = self.local_ends, self.after, self.before
        return [local - (after[n - 1] if (n := bisect_right(ends, local)) else before) for local in locals_]

    def quiet(self, first: datetime, until: datetime) -> timedelta | None:
        """The offset throughout [first, until) when no change falls inside it, else None (also when the
        tables do not reach that far: the caller then looks at the changes themselves)."""
        if not self.covers(first, until):
            return None
        n = bisect_left(self.changes, first)
        if n < len(self.changes) and self.changes[n] < until:
            return None
        return self.after[n - 1] if n else self.before


@cache
def zone_table(zone: ZoneInfo) -> ZoneTable:
    return ZoneTable(zone)


class WallClock:
    """The wall clock of one IANA zone: real (UTC) spans onto it and back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.zone = ZoneInfo(name)
        self.offsets = tzinfo_offsets(self.zone)
        self.table = zone_table(self.zone)

    def wall(self, moment: datetime) -> datetime:
        return moment.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)

    def changes(self, first: datetime, until: datetime) -> list[datetime]:
        """Offset changes in [first, until)."""
        found: list[datetime] = []
        for year in range(first.year, until.year + 1):
            changes = _changes(self.zone, year)
            found += changes[bisect_left(changes, first):bisect_left(changes, until)]
        return found

    def _pieces(self, first: datetime, until: datetime) -> list[tuple[datetime, datetime, timedelta]]:
        """[first, until) cut where the offset changes: (start, end, offset) in real time."""
        cuts = [first, *self.changes(first + SECOND, until), until]
        return [(a, b, self.offsets(a)) for a, b in pairwise(cuts) if a < b]

    def span(self, start: datetime, end: datetime) -> tuple[Span, bool]:
        """The wall span covering the real span [start, end), and whether it is active at no other real time."""
        offset = self.table.quiet(start - NEAR, end + NEAR)
        if offset is not None:
            return Span(start + offset, end + offset), True
        images = [(a + o, b + o) for a, b, o in self._pieces(start, end)]
        covering = Span(min(a for a, _ in images), max(b for _, b in images))
        return covering, self.real(covering) == [Span(start, end)]

    def spans(self, starts: list[datetime], ends: list[datetime], shared: Shared | None = None
              ) -> list[tuple[Span, bool]]:
        """`span` of each real span (start, end), start before end: a run in order taken in stretches between the
        offset changes, any other one by one. Given `shared`, every span is made of times shared in it."""
        share = Unshared() if shared is None else shared
        if (len(starts) >= IN_STRETCHES and self.table.covers(starts[0] - NEAR, ends[-1] + NEAR)
                and all(map(le, starts, islice(starts, 1, None))) and all(map(le, ends, islice(ends, 1, None)))):
            return self._spans_in_order(starts, ends, share)
        return [(share(span), exact) for span, exact in starmap(self.span, zip(starts, ends, strict=True))]

    def _spans_in_order(self, starts: list[datetime], ends: list[datetime], share: Shared
                        ) -> list[tuple[Span, bool]]:
        """`spans` of real spans whose starts and ends are both in order: those with a change within NEAR of them
        are the ones from the first to end after `change - NEAR` up to the last to start by `change + NEAR`; every
        span before them has the offset in force before the change (and after the one before it)."""
        changes, after, before = self.table.changes, self.table.after, self.table.before
        found: list[tuple[Span, bool]] = []
        done = 0
        first = bisect_left(changes, starts[0] - NEAR)
        last = bisect_left(changes, ends[-1] + NEAR)
        for k in range(first, last + 1):
            if k < last:
                change = changes[k]
                near = max(done, bisect_right(ends, change - NEAR))
                beyond = max(near, bisect_right(starts, change + NEAR))
            else:
                near = beyond = len(starts)
            if near > done:
                offset = after[k - 1] if k else before
                moved = share.spans(list(map(add, starts[done:near], repeat(offset))),
                                    list(map(add, ends[done:near], repeat(offset))))
                found += zip(moved, repeat(True))
            found += [(share(span), exact)
                      for span, exact in starmap(self.span, zip(starts[near:beyond], ends[near:beyond], strict=True))]
            done = beyond
        return found

    def real(self, span: Span) -> list[Span]:
        """The real (naive UTC) spans during which this clock shows a time inside the wall span."""
        reach = NEAR + NEAR
        pieces = self._pieces(span.start - reach, span.end + reach)
        return merge(Span(max(a, span.start - o), min(b, span.end - o)) for a, b, o in pieces)


def offset_at(changes: list[datetime], offsets_after: list[timedelta], before_first: timedelta) -> Offsets:
    """An offset function from a sorted list of changes and the offset each one starts."""

    def offset(moment: datetime) -> timedelta:
        n = bisect_right(changes, moment) - 1
        return offsets_after[n] if n >= 0 else before_first

    return offset


__all__ = ["WALL_BASE", "Offsets", "WallClock", "Walls", "ZoneTable", "offset_at", "to_utc", "tzinfo_offsets",
           "zone_table",
           "zoneinfo_to_utc"]
