"""Recover recurrence rules from a set of dates: the fewest rules plus one-offs that give exactly those dates."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter

from .model import By, Freq, Rule, days_in_month, is_last_weekday, nth_of_month

_first, _second = itemgetter(0), itemgetter(1)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_has(monthday: int, index: int) -> bool:
    return monthday <= days_in_month(index // 12, index % 12 + 1)


def _always(_key: Hashable, _period: int) -> bool:
    return True


def _has_nth(key: Hashable, index: int) -> bool:
    """Whether the month has an n-th weekday w (key (w, n)); only a fifth can be missing."""
    weekday, nth = key  # type: ignore[misc]
    year, month = index // 12, index % 12 + 1
    first = (weekday - date(year, month, 1).weekday()) % 7 + 1
    return first + 7 * (nth - 1) <= days_in_month(year, month)


@dataclass(frozen=True)
class Capabilities:
    """What a target writes exactly, as data: the longest interval per frequency (None: any) and whether a
    monthly rule may fall on the fifth weekday (Telphin: days 29-31 on that weekday; NetSapiens has no form)."""

    intervals: Mapping[Freq, int | None]
    fifth_weekday: bool = False
    # How a weekly rule on several weekdays is written: one entry per weekday ("each", NetSapiens), one per run of
    # adjacent weekdays, Saturday to Sunday included ("ranges", Telphin's dow ranges), or one in all ("any", RRULE).
    weekdays: str = "each"
    # Entries a kind of rule takes where it is not one (Telphin: the last Friday of every month is one per month).
    costs: Mapping[tuple[Freq, By], int] = field(default_factory=dict)

    def cost(self, rule: Rule) -> int:
        """Entries the rule is expected to take on the target."""
        if (rule.freq, rule.by) in self.costs:
            return self.costs[rule.freq, rule.by]
        if rule.freq is not Freq.WEEKLY or self.weekdays == "any":
            return 1
        if self.weekdays == "each" or len(rule.weekdays) == 7:
            return len(rule.weekdays) if self.weekdays == "each" else 1
        return sum((day - 1) % 7 not in rule.weekdays for day in rule.weekdays)  # the first day of each run

    def usual(self) -> Capabilities:
        """The same target without cycles longer than a kind usually runs (every 91 days, every 13 weeks)."""
        usual = {freq: min(cap or USUAL_INTERVALS[freq], USUAL_INTERVALS[freq]) if freq in USUAL_INTERVALS else cap
                 for freq, cap in self.intervals.items()}
        return replace(self, intervals=usual)


@dataclass(frozen=True)
class Kind:
    """One way a date can recur: a key shared by all its occurrences, and the period each falls in.

    `exists(key, period)` is False for periods in which the pattern has no day (the 31st in April);
    `every_period(key)` says it never is, so that runs of that key need no look at the periods between matches.
    """

    freq: Freq
    by: By
    key: Callable[[date], Hashable | None]
    period: Callable[[date], int]
    exists: Callable[[Hashable, int], bool]
    max_interval: int
    every_period: Callable[[Hashable], bool] = lambda _key: True


# In order of preference when two kinds explain the same dates equally well.
KINDS: tuple[Kind, ...] = (
    Kind(Freq.YEARLY, By.DATE, lambda d: (d.month, d.day), lambda d: d.year,
         lambda k, p: k[1] <= days_in_month(p, k[0]), 1, lambda k: k != (2, 29)),
    Kind(Freq.YEARLY, By.NTH, lambda d: (d.month, d.weekday(), nth_of_month(d)) if d.day <= 28 else None,
         lambda d: d.year, _always, 1),
    Kind(Freq.YEARLY, By.LAST, lambda d: (d.month, d.weekday()) if is_last_weekday(d) else None,
         lambda d: d.year, _always, 1),
    Kind(Freq.MONTHLY, By.DATE, lambda d: d.day, _month_index, _month_has, 12, lambda k: k <= 28),
    Kind(Freq.MONTHLY, By.NTH, lambda d: (d.weekday(), nth_of_month(d)), _month_index, _has_nth, 12,
         lambda k: k[1] < 5),
    Kind(Freq.MONTHLY, By.LAST, lambda d: d.weekday() if is_last_weekday(d) else None,
         _month_index, _always, 12),
    Kind(Freq.MONTHLY, By.LAST_DAY,
         lambda d: 0 if d.day == days_in_month(d.year, d.month) else None, _month_index, _always, 12),
    Kind(Freq.WEEKLY, By.WEEKDAYS, lambda d: d.weekday(), lambda d: d.toordinal() // 7, _always, 8),
    Kind(Freq.DAILY, By.DATE, lambda d: 0, lambda d: d.toordinal(), _always, 28),
)
USUAL_INTERVALS: dict[Freq, int] = {kind.freq: kind.max_interval for kind in KINDS}
MONTHLY_NTH_RANK = next(rank for rank, kind in enumerate(KINDS) if (kind.freq, kind.by) == (Freq.MONTHLY, By.NTH))
WEEKLY_RANK = next(rank for rank, kind in enumerate(KINDS) if kind.freq is Freq.WEEKLY)
MAX_HOLES = 4  # periods without the pattern's day that a step may jump (Feb 29 skips 3 years)


@dataclass(frozen=True)
class Run:
    """Consecutive occurrences of one kind and key, every `interval` periods, all of them in the date set."""

    kind_rank: int
    interval: int
    dates: tuple[date, ...]

    def rule(self) -> Rule:
        kind = KINDS[self.kind_rank]
        weekdays = frozenset({self.dates[0].weekday()}) if kind.freq is Freq.WEEKLY else frozenset()
        return Rule(kind.freq, self.dates[0], kind.by, self.interval, self.dates[-1], weekdays)


def is_cycle(rule: Rule) -> bool:
    """A daily or weekly rule longer than those kinds usually run: fits its dates, may be a calendar coincidence."""
    return rule.freq in (Freq.DAILY, Freq.WEEKLY) and rule.interval > USUAL_INTERVALS[rule.freq]


def _step_fits(kind: Kind, key: Hashable, low: int, high: int, interval: int) -> bool:
    steps, rest = divmod(high - low, interval)
    if rest or steps - 1 > MAX_HOLES:
        return False
    return not any(kind.exists(key, low + k * interval) for k in range(1, steps))


def _extent(kind: Kind, key: Hashable, matches: list[tuple[int, date]], i: int, interval: int) -> int:
    """The index of the last match reachable from match i in steps of `interval` periods."""
    j = i
    while j < len(matches) - 1 and _step_fits(kind, key, matches[j][0], matches[j + 1][0], interval):
        j += 1
    return j


def _steady_extent(matches: list[tuple[int, date]], i: int, interval: int) -> int:
    """_extent for a key with a day in every period: every step is exactly one interval."""
    j = i
    while j < len(matches) - 1 and matches[j + 1][0] - matches[j][0] == interval:
        j += 1
    return j


def _cap(kind: Kind, capabilities: Capabilities | None) -> int | None:
    return kind.max_interval if capabilities is None else capabilities.intervals.get(kind.freq, kind.max_interval)


@lru_cache(maxsize=65536)
def _day_keys(day: date) -> tuple[tuple[Hashable | None, int], ...]:
    """The day's key and period in every kind: a window has a few thousand days, its series many more dates."""
    return tuple((kind.key(day), kind.period(day)) for kind in KINDS)


def _drops_fifth(rank: int, capabilities: Capabilities | None) -> bool:
    """Whether this kind's "5th weekday" keys are None: the target cannot write them."""
    return rank == MONTHLY_NTH_RANK and not (capabilities and capabilities.fifth_weekday)


def _key(rank: int, day: date, capabilities: Capabilities | None) -> tuple[Hashable | None, int]:
    """The day's key in the kind of this rank (None when the target cannot write that kind of key), and period."""
    key, period = _day_keys(day)[rank]
    if _drops_fifth(rank, capabilities) and key is not None and key[1] == 5:  # type: ignore[index]
        return None, period
    return key, period


def _keyed(rank: int, days: Iterable[date], capabilities: Capabilities | None
           ) -> Iterator[tuple[Hashable | None, int]]:
    """_key of each day in turn: the kind's column of the cached table, without a call per day."""
    column = map(itemgetter(rank), map(_day_keys, days))
    if not _drops_fifth(rank, capabilities):
        return column
    return ((None if key is not None and key[1] == 5 else key, period)  # type: ignore[index]
            for key, period in column)


def _runs(rank: int, key: Hashable, matches: list[tuple[int, date]], capabilities: Capabilities | None = None,
          total: int = 0) -> Iterator[Run]:
    """Runs of one key. An interval longer than the kind's usual cap is taken only for a run holding every one of
    the `total` dates being explained: a series, not a coincidence among other dates."""
    kind = KINDS[rank]
    cap = _cap(kind, capabilities)
    steady = kind.every_period(key)
    i = 0
    while i < len(matches) - 1:
        gap = matches[i + 1][0] - matches[i][0]
        if gap > kind.max_interval and (i > 0 or len(matches) < total) and steady:
            i += 1  # a long interval must hold every date, so it starts at the first: nothing to extend here
            continue
        if steady:  # no holes: only the gap itself can be the interval
            j, interval = (_steady_extent(matches, i, gap), gap) if cap is None or gap <= cap else (i, 1)
        else:  # holes (no 31st in April) make a step of two periods look like six; keep the one that runs longest
            options = [(_extent(kind, key, matches, i, n), -n)
                       for n in range(1, min(gap, cap or gap) + 1) if gap % n == 0]
            j, negative = max(options, default=(i, -1))
            interval = -negative
        if interval > kind.max_interval and j - i + 1 < total:
            j = i
        if j == i:
            i += 1
            continue
        dates = tuple(map(_second, matches[i : j + 1]))
        if interval == 1 or len(dates) >= 3:
            yield Run(rank, interval, dates)
        i = j


def _kind_groups(rank: int, ordered: list[date], capabilities: Capabilities | None
                 ) -> dict[Hashable, list[tuple[int, date]]]:
    """Per key of one kind, the (period, date) of every date with that key, in date order."""
    by_key: dict[Hashable, list[tuple[int, date]]] = defaultdict(list)
    for day, (key, period) in zip(ordered, _keyed(rank, ordered, capabilities), strict=True):
        if key is not None:
            by_key[key].append((period, day))
    return by_key


def _most_per_key(rank: int, ordered: list[date]) -> int:
    """The most dates one key of this kind can hold: a key falls at most once in each period."""
    kind = KINDS[rank]
    if len(ordered) < 2:
        return len(ordered)
    return min(len(ordered), kind.period(ordered[-1]) - kind.period(ordered[0]) + 1)


def _whole_run(rank: int, ordered: list[date], max_keys: int, capabilities: Capabilities | None) -> list[Run] | None:
    """One run per key of this kind covering every date, if at most max_keys keys do; else None."""
    by_key = _by_key(rank, ordered, max_keys, capabilities)
    if by_key is None:
        return None
    runs = []
    for key, matches in by_key.items():
        # A run that holds every match is the key's only run: no need to look for the rest.
        found = next(_runs(rank, key, matches, capabilities, len(ordered)), None)
        if found is None or len(found.dates) != len(matches):
            return None
        runs.append(found)
    return runs


def _by_key(rank: int, ordered: list[date], max_keys: int, capabilities: Capabilities | None
            ) -> dict[Hashable, list[tuple[int, date]]] | None:
    """The (period, date) of every date per key of this kind, if every date has one of at most max_keys keys."""
    column = list(_keyed(rank, ordered, capabilities))
    if max_keys == 1:  # told by counting in C: every key is the first
        key = column[0][0]
        keys = list(map(_first, column))
        if key is None or keys.count(key) != len(keys):
            return None
        return {key: list(zip(map(_second, column), ordered, strict=True))}
    by_key: dict[Hashable, list[tuple[int, date]]] = {}
    for day, (key, period) in zip(ordered, column, strict=True):
        if key is None or (key not in by_key and len(by_key) == max_keys):
            return None
        by_key.setdefault(key, []).append((period, day))
    return by_key


def _may_be_one_run(rank: int, ordered: list[date], capabilities: Capabilities | None) -> bool:
    """False when _whole_run(rank, ordered, 1) is None for certain, told from three dates instead of all of them:
    one run has one key, and a key in every period steps the same number of periods each time."""
    key, low = _key(rank, ordered[0], capabilities)
    last, high = _key(rank, ordered[-1], capabilities)
    if key is None or key != last:
        return False
    step = _key(rank, ordered[1], capabilities)[1] - low
    return not KINDS[rank].every_period(key) or high - low == step * (len(ordered) - 1)


def single_rule(ordered: list[date], capabilities: Capabilities | None = None) -> Rule | None:
    """The one rule that gives exactly these sorted dates, found without searching every run of every kind."""
    if len(ordered) < 2:
        return None
    for rank in range(len(KINDS)):
        if not _may_be_one_run(rank, ordered, capabilities):
            continue
        runs = _whole_run(rank, ordered, 1, capabilities)
        if runs is not None:
            return runs[0].rule()
    runs = _whole_run(WEEKLY_RANK, ordered, 7, capabilities)
    joined = merge_weekly([r.rule() for r in runs]) if runs else []
    return joined[0] if len(joined) == 1 else None


def infer_rules(dates: Iterable[date], capabilities: Capabilities | None = None) -> list[Rule]:
    """Rules and one-offs whose occurrences are exactly `dates`, greedily using the widest runs first, with
    intervals up to what the target writes (default: each kind's own cap). A run with an interval above 1 needs
    three dates: two unrelated days are not "every 126 days"."""
    uncovered = set(dates)
    ordered = sorted(uncovered)
    if len(ordered) == 1:
        return [Rule.once(ordered[0])]
    alone = single_rule(ordered, capabilities)
    if alone is not None:
        return [alone]
    greedy = (merge_weekly(_widest_runs_first(ordered, uncovered, capabilities))
              + [Rule.once(d) for d in sorted(uncovered)])
    if capabilities is None:
        return greedy
    # Without a break the one stretch is all of the dates, which single_rule has just turned down. Every rule
    # takes at least one entry, so as many stretches as the greedy cover's entries cannot beat it.
    budget = _cost(greedy, capabilities)
    breaks = _breaks(ordered)
    stretches = _stretches(ordered, capabilities) if 0 < breaks < budget - 1 else None
    if stretches is not None and _cost(stretches, capabilities) < budget:
        return stretches
    return greedy


STRETCH_GAP = 3  # days: a weekend between two weekdays keeps a stretch going


def _breaks(ordered: list[date]) -> int:
    """How many times the dates skip more than STRETCH_GAP days: the stretches, less one."""
    gap = timedelta(days=STRETCH_GAP)
    return sum(later - earlier > gap for earlier, later in pairwise(ordered))


def _stretches(ordered: list[date], capabilities: Capabilities) -> list[Rule] | None:
    """One rule per stretch of nearby dates (weekdays between two clock changes, say), when every stretch of more
    than one date is a single rule; None otherwise."""
    rules: list[Rule] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end == len(ordered) or (ordered[end] - ordered[end - 1]).days > STRETCH_GAP:
            piece = ordered[start:end]
            rule = Rule.once(piece[0]) if len(piece) == 1 else single_rule(piece, capabilities)
            if rule is None:
                return None
            rules.append(rule)
            start = end
    return rules


def _cost(rules: list[Rule], capabilities: Capabilities) -> int:
    return sum(capabilities.cost(rule) for rule in rules)


def _widest_runs_first(ordered: list[date], uncovered: set[date], capabilities: Capabilities | None) -> list[Rule]:
    """Greedy cover: take the run with the most uncovered dates (ties: kind order, interval, start) while >= 2.

    Every heap entry holds a bound that sorts no later than what it stands for, and is made exact only when it
    reaches the top, so the order of choices is that of an eager search over every run. A kind waits under the most
    dates one of its keys can still cover (third field -1, below its groups) and is cut into key groups only when
    it reaches the top: a long daily series never computes its yearly keys. A key group waits under its size (third
    field 0, below every interval) and is cut into runs only when it reaches the top: most groups never are.
    """
    heap = [(-most, rank, -1, ordered[0], rank) for rank in range(len(KINDS))
            if (most := _most_per_key(rank, ordered)) >= 2]
    heapq.heapify(heap)
    groups: list[tuple[Hashable, list[tuple[int, date]]]] = []
    runs: list[Run] = []
    chosen: list[Rule] = []
    while heap and len(uncovered) >= 2:
        negative, rank, interval, first, n = heapq.heappop(heap)
        if interval < 0:
            bound = _kind_bound(rank, -negative, ordered, uncovered, capabilities)
            if bound < -negative:
                if bound >= 2:
                    heapq.heappush(heap, (-bound, rank, -1, first, n))
                continue
            _push_groups(heap, groups, rank, ordered, capabilities)
            continue
        if interval == 0:
            key, matches = groups[n]
            fresh = sum(map(uncovered.__contains__, map(_second, matches)))
            if fresh < 2:
                continue
            if fresh < -negative:
                heapq.heappush(heap, (-fresh, rank, 0, first, n))
                continue
            for run in _runs(rank, key, matches, capabilities, len(ordered)):
                runs.append(run)
                heapq.heappush(heap, (-len(run.dates), rank, run.interval, run.dates[0], len(runs) - 1))
            continue
        fresh = sum(map(uncovered.__contains__, runs[n].dates))
        if fresh < 2:
            continue
        if fresh < -negative:
            heapq.heappush(heap, (-fresh, rank, interval, first, n))
            continue
        chosen.append(runs[n].rule())
        uncovered.difference_update(runs[n].dates)
    return chosen


def _kind_bound(rank: int, bound: int, ordered: list[date], uncovered: set[date],
                capabilities: Capabilities | None) -> int:
    """The most uncovered dates one key of this kind still holds, or `bound` when that is no more. Counted only
    once most dates are covered (before that, cutting the kind into groups costs about as much)."""
    if len(uncovered) < bound:
        return len(uncovered)
    if 2 * len(uncovered) > len(ordered):
        return bound
    keys = Counter(key for key, _period in _keyed(rank, uncovered, capabilities))
    keys.pop(None, None)
    return min(bound, max(keys.values(), default=0))


def _push_groups(heap: list[tuple[int, int, int, date, int]], groups: list[tuple[Hashable, list[tuple[int, date]]]],
                 rank: int, ordered: list[date], capabilities: Capabilities | None) -> None:
    """Cut one kind into its key groups of two dates or more, each waiting in the heap under its size."""
    for key, matches in _kind_groups(rank, ordered, capabilities).items():
        if len(matches) >= 2:
            groups.append((key, matches))
            heapq.heappush(heap, (-len(matches), rank, 0, matches[0][1], len(groups) - 1))


def merge_weekly(rules: list[Rule]) -> list[Rule]:
    """Join weekly rules on different weekdays that run over the same weeks into one rule."""
    merged: list[Rule] = []
    for rule in sorted(rules, key=lambda r: (r.freq != Freq.WEEKLY, r.interval, r.start)):
        if rule.freq is Freq.WEEKLY:
            for n, other in enumerate(merged):
                joined = _join_weekly(other, rule)
                if joined is not None:
                    merged[n] = joined
                    break
            else:
                merged.append(rule)
        else:
            merged.append(rule)
    return merged


def _weekday_dates(rule: Rule, weekday: int) -> tuple[date, date] | None:
    """The first and last dates a weekly rule gives on one weekday (its start counts 7-day blocks), or None."""
    step = 7 * rule.interval
    first = rule.start + timedelta(days=(weekday - rule.start.weekday()) % 7)
    if rule.until is None or first > rule.until:
        return None
    return first, first + timedelta(days=(rule.until - first).days // step * step)


def _join_weekly(first: Rule, second: Rule) -> Rule | None:
    """One weekly rule with the occurrences of both, when there is one (each weekday keeps its first and last)."""
    if (
        first.freq is not Freq.WEEKLY
        or first.interval != second.interval
        or not first.start <= second.start < first.start + timedelta(days=7)
        or first.until is None
        or second.until is None
        or first.weekdays & second.weekdays
    ):
        return None
    joined = Rule(Freq.WEEKLY, first.start, By.WEEKDAYS, first.interval, max(first.until, second.until),
                  first.weekdays | second.weekdays)
    for part in (first, second):
        for weekday in part.weekdays:
            own = _weekday_dates(part, weekday)
            if own is None or own != _weekday_dates(joined, weekday):
                return None
    return joined


__all__ = ["KINDS", "USUAL_INTERVALS", "Capabilities", "Kind", "Run", "infer_rules", "is_cycle", "merge_weekly",
           "single_rule"]
