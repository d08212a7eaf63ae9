"""The neutral model every reader produces and every target consumes: rules, series, items, schedules."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import MAXYEAR, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import islice
from operator import lt

from dateutil import rrule as du

from .spans import DAY, Span, clip, clip_merged, clip_sorted, merge, span_of

SECONDS_PER_DAY = 86400
_LAST_MONTH = MAXYEAR * 12 + 11  # December 9999, as _picked numbers months
WEEKDAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


class Freq(StrEnum):
    ONCE = "once"
    YEARLY = "yearly"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"


class By(StrEnum):
    """Which day of the period a yearly or monthly rule picks, read off its start date."""

    DATE = "date"  # the start's day of month (and month, when yearly)
    NTH = "nth"  # the n-th weekday of the start, n = ceil(day / 7), 1..4
    LAST = "last"  # the last weekday of the start's weekday in the month
    LAST_DAY = "last-day"  # the last day of the month
    WEEKDAYS = "weekdays"  # weekly: the weekdays in Rule.weekdays


def nth_of_month(day: date) -> int:
    return (day.day - 1) // 7 + 1


@lru_cache(maxsize=4096)
def days_in_month(year: int, month: int) -> int:
    return monthrange(year, month)[1]  # also for December 9999, which has no following month to subtract


def is_last_weekday(day: date) -> bool:
    return day.day + 7 > days_in_month(day.year, day.month)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time())


@dataclass(frozen=True)
class Rule:
    """A day pattern anchored on its first occurrence `start`, as a recurrence of whole periods.

    Weekly rules count 7-day blocks from `start`: every `interval`-th block, on `weekdays`.
    `until` is the last day an occurrence may start on (inclusive); None means no end.
    """

    freq: Freq
    start: date
    by: By = By.DATE
    interval: int = 1
    until: date | None = None
    weekdays: frozenset[int] = frozenset()

    @classmethod
    def once(cls, day: date) -> Rule:
        return cls(Freq.ONCE, day)

    @property
    def nth(self) -> int:
        return nth_of_month(self.start)

    def first_days(self) -> list[date]:
        """A daily rule's start; a weekly rule's first day on each of its weekdays, in weekday order."""
        if self.freq is not Freq.WEEKLY:
            return [self.start]
        return sorted(self.start + timedelta(days=(w - self.start.weekday()) % 7) for w in self.weekdays)

    def _rrules(self) -> list[du.rrule]:
        start = midnight(self.start)
        until = midnight(self.until) if self.until else None
        weekday = WEEKDAYS[self.start.weekday()]
        if self.freq is Freq.WEEKLY:
            return [du.rrule(du.WEEKLY, dtstart=midnight(f), interval=self.interval, until=until)
                    for f in self.first_days()]
        if self.freq is Freq.DAILY:
            return [du.rrule(du.DAILY, dtstart=start, interval=self.interval, until=until)]
        picks = {
            By.DATE: {"bymonthday": self.start.day},
            By.NTH: {"byweekday": weekday(self.nth)},
            By.LAST: {"byweekday": weekday(-1)},
            By.LAST_DAY: {"bymonthday": -1},
        }[self.by]
        if self.freq is Freq.YEARLY:
            return [du.rrule(du.YEARLY, dtstart=start, interval=self.interval, until=until,
                             bymonth=self.start.month, **picks)]
        return [du.rrule(du.MONTHLY, dtstart=start, interval=self.interval, until=until, **picks)]

    def occurrences(self, first: date, until: date) -> list[date]:
        """Occurrence dates d with first <= d < until."""
        if self.freq is Freq.ONCE:
            return [self.start] if first <= self.start < until else []
        return list(_occurrences(self, first, until))

    def next_after(self, day: date) -> date | None:
        """The first occurrence after day, ignoring `until`."""
        if self.freq is Freq.ONCE:
            return None
        if self.freq in (Freq.DAILY, Freq.WEEKLY):  # whole steps of days: no need to walk from the start
            step = self.interval * (7 if self.freq is Freq.WEEKLY else 1)
            return min((first if first > day else first + timedelta(days=((day - first).days // step + 1) * step)
                        for first in self.first_days()), default=None)
        if day == date.max:
            return None
        return next(_picked(self, max(day + DAY, self.start), _LAST_MONTH), None)


# A writer proposes a rule, its evaluator reads the same rule back, and verification reads it again: expand once.
# (A cache 32 times larger saved no time at 5k events and holds memory in proportion: kept small.)
@lru_cache(maxsize=1024)
def _occurrences(rule: Rule, first: date, until: date) -> tuple[date, ...]:
    low = max(first, rule.start)
    high = until if rule.until is None or rule.until >= until else rule.until + DAY
    if low >= high:
        return ()
    if rule.freq in (Freq.DAILY, Freq.WEEKLY):
        return _stepped(rule, low, high)
    if rule.by in _PICKS:
        return _monthly(rule, low, high)
    return _expanded(rule, first, until)


def _expanded(rule: Rule, first: date, until: date) -> tuple[date, ...]:
    """dateutil's expansion: the reference the arithmetic paths are tested against."""
    low, high = midnight(first), midnight(until)
    found: set[date] = set()
    for one in rule._rrules():
        found.update(d.date() for d in one.between(low, high, inc=True) if d < high)
    return tuple(sorted(found))


def _stepped(rule: Rule, low: date, high: date) -> tuple[date, ...]:
    """Daily and weekly rules: whole steps of days from each first occurrence, low <= d < high."""
    step = rule.interval * (7 if rule.freq is Freq.WEEKLY else 1)
    firsts = rule.first_days()
    found: list[date] = []
    for one in firsts:
        begin = one.toordinal() + max(0, -(-(low - one).days // step)) * step
        found.extend(map(date.fromordinal, range(begin, high.toordinal(), step)))
    return tuple(sorted(found)) if len(firsts) > 1 else tuple(found)


def _monthly(rule: Rule, low: date, high: date) -> tuple[date, ...]:
    """Monthly and yearly rules: their days low <= d < high."""
    return tuple(day for day in _picked(rule, low, high.year * 12 + high.month - 1) if day < high)


def _picked(rule: Rule, low: date, last: int) -> Iterator[date]:
    """The picked day of every interval-th month (or year) from the start's, when it exists, from low on, up to
    the month numbered `last` (year * 12 + month - 1). `low` is not before the start."""
    step = rule.interval * (12 if rule.freq is Freq.YEARLY else 1)
    anchor = rule.start.year * 12 + rule.start.month - 1
    month = anchor + max(0, -(-(low.year * 12 + low.month - 1 - anchor) // step)) * step
    pick = _PICKS[rule.by]
    while month <= last:
        day = pick(rule.start, month // 12, month % 12 + 1)
        if day is not None and day >= low:
            yield day
        month += step


def _same_date(start: date, year: int, month: int) -> date | None:
    return date(year, month, start.day) if start.day <= days_in_month(year, month) else None


def _nth_weekday(start: date, year: int, month: int) -> date | None:
    day = 1 + (start.weekday() - date(year, month, 1).weekday()) % 7 + 7 * (nth_of_month(start) - 1)
    return date(year, month, day) if day <= days_in_month(year, month) else None


def _last_weekday(start: date, year: int, month: int) -> date:
    length = days_in_month(year, month)
    return date(year, month, length - (date(year, month, length).weekday() - start.weekday()) % 7)


def _last_day(start: date, year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


_PICKS: dict[By, Callable[[date, int, int], date | None]] = {
    By.DATE: _same_date, By.NTH: _nth_weekday, By.LAST: _last_weekday, By.LAST_DAY: _last_day}


@dataclass(frozen=True)
class Series:
    """A rule plus the block each occurrence is active for.

    The block starts `offset` seconds after the occurrence's midnight and lasts `length` seconds. Writers rely on
    one of two shapes: inside one day (offset + length <= a day) or whole days (offset 0, length a multiple of a day).
    """

    name: str
    rule: Rule
    offset: int
    length: int
    keys: frozenset[str] = frozenset()
    remark: str | None = field(default=None, compare=False)

    @property
    def whole_days(self) -> bool:
        return self.offset == 0 and self.length % SECONDS_PER_DAY == 0

    def span_on(self, day: date) -> Span:
        start = midnight(day) + timedelta(seconds=self.offset)
        return Span(start, start + timedelta(seconds=self.length))

    def spans(self, window: Span) -> list[Span]:
        """The active spans of this series inside window."""
        reach = timedelta(seconds=self.offset + self.length) + DAY
        days = self.rule.occurrences((window.start - reach).date(), window.end.date() + DAY)
        offset, length = timedelta(seconds=self.offset), timedelta(seconds=self.length)
        combine, zero = datetime.combine, time()
        made = [span_of((start := combine(d, zero) + offset, start + length)) for d in days]
        if 0 < self.length < SECONDS_PER_DAY and all(map(lt, days, islice(days, 1, None))):
            return clip_merged(made, window)  # shorter than a day on days apart: neither overlap nor touch
        return clip_sorted(made, window)


@dataclass(frozen=True)
class Window:
    """The conversion window: `first` inclusive to `until` exclusive, whole days of target wall time."""

    first: date
    until: date

    @property
    def span(self) -> Span:
        return Span(midnight(self.first), midnight(self.until))

    @property
    def years(self) -> int:
        """How many calendar years the window touches."""
        return (self.until - DAY).year - self.first.year + 1

    def __str__(self) -> str:
        return f"{self.first.isoformat()} .. {self.until.isoformat()} (exclusive)"


@dataclass
class Item:
    """One source item: an event (by UID) or one holiday on one date, with its active spans.

    `group` gathers items whose occurrences are one recurrence (an event's UID, a holiday's name).
    `open_ended` says the source states a recurrence with no end; its spans then reach past the window, and
    `later(first, until)` gives its spans over a later stretch (None when it cannot tell), so a rule is written
    without an end only where the source keeps following it; build_schedule lets go of it (it holds what the
    reader kept of its source), and of the spans past the window, once the rules are settled. The spans may be a
    reader's own cached sequence, which the caller reads and never changes (it may replace it).
    `repairs` lists exporter quirks read the way the README says; `dropped` lists occurrences that could not be
    read and are not written (the rest of the item is).
    """

    source: str
    key: str
    name: str
    group: str
    spans: list[Span] = field(default_factory=list)
    open_ended: bool = False
    skipped: str | None = None
    cancelled: bool = False
    approximated: bool = False
    notes: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    later: Callable[[date, date], Sequence[Span] | None] | None = field(default=None, repr=False, compare=False)


@dataclass
class Schedule:
    """What the sources say: the items and, per group, the series that reproduce them."""

    name: str
    zone: str | None
    window: Window
    items: list[Item]
    series: list[Series] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # what a source lacks inside the window
    def active(self) -> list[Span]:
        """The union of the items' spans inside the window: the ground truth a body must reproduce."""
        return clip((s for item in self.items for s in item.spans), self.window.span)


__all__ = [
    "SECONDS_PER_DAY",
    "By",
    "Freq",
    "Item",
    "Rule",
    "Schedule",
    "Series",
    "Window",
    "days_in_month",
    "is_last_weekday",
    "merge",
    "midnight",
    "nth_of_month",
]
