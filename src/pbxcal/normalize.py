"""Turn source items into series: snap to the target's clock, cut into day pieces, infer the rules behind them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import chain

from .infer import Capabilities, infer_rules, is_cycle
from .model import SECONDS_PER_DAY, Freq, Item, Rule, Schedule, Series, Window, midnight
from .spans import DAY, Span, clip

# How far past the window a source recurrence with no end is followed, to tell whether a rule keeps holding.
LOOKAHEAD = timedelta(days=2 * 366)
# --open-ended lets an inferred yearly rule recur without end only after it held in this many window years.
MIN_YEARS_TO_EXTEND = 3
# A yearly or monthly rule is written without an end only when the source still follows it this much longer:
# weekdays and dates line up the same way every 28 years, so a calendar coincidence ("4th Friday" for "day after
# Thanksgiving") cannot survive the check.
CHECK_YEARS = 28
CHECK_AHEAD = timedelta(days=CHECK_YEARS * 366)
MIDNIGHT = time()
UNCHECKED = "without a check"  # in a remark, which the command line also says on stderr


@dataclass(frozen=True)
class Clock:
    """What a target's clock can say: its resolution and the end time it reads as 'through the end of the day'."""

    resolution: int
    end_of_day: int
    # A clock on which no timed span may end at midnight (Webex: `24:00` and `23:59` untested) ends it this many
    # seconds after its day's midnight instead: narrower, and reported as approximated. None: midnight is sayable.
    last_end: int | None = None


def _on_clock(moment: datetime | time, clock: Clock) -> bool:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return not moment.microsecond and not seconds % clock.resolution and seconds != clock.end_of_day


def snap(span: Span, clock: Clock) -> Span:
    """The smallest span the clock can write that covers span (ends read as end of day move to midnight)."""
    if _on_clock(span.start, clock) and _on_clock(span.end, clock):
        return span
    step = timedelta(seconds=clock.resolution)
    start = span.start - (span.start - midnight(span.start.date())) % step
    end = span.end + (-(span.end - midnight(span.end.date()))) % step
    if (end - midnight(end.date())).total_seconds() == clock.end_of_day:
        end = midnight(end.date()) + DAY
    return Span(start, end)


def before_midnight(span: Span, clock: Clock) -> list[Span]:
    """The span with a timed first day that ends at midnight cut back to the clock's last end (whole days and
    later pieces are kept); the span itself on a clock that can end at midnight."""
    day = midnight(span.start.date())
    if clock.last_end is None or span.start == day or span.end < day + DAY:
        return [span]
    return [s for s in (Span(span.start, day + timedelta(seconds=clock.last_end)), Span(day + DAY, span.end))
            if s.end > s.start]


def _all_on_clock(spans: Sequence[Span], clock: Clock) -> bool:
    """Whether snap leaves every span as it is, told from the few times of day a series' spans have."""
    return all(_on_clock(moment, clock) for moment in set(map(datetime.time, chain.from_iterable(spans))))


def _past_a_timed_day(spans: Sequence[Span]) -> bool:
    """Whether a span starts after a midnight and reaches the next: those before_midnight cuts back."""
    return any(span.end.date() > span.start.date() and span.start.time() != MIDNIGHT for span in spans)


def snap_items(items: list[Item], clock: Clock) -> None:
    for item in items:
        snapped = item.spans if _all_on_clock(item.spans, clock) else [snap(s, clock) for s in item.spans]
        if snapped != item.spans:
            moved = next(s for s, t in zip(item.spans, snapped, strict=True) if s != t)
            item.notes.append(
                f"approximated: {moved} is not expressible on the target's clock; written as "
                f"{snap(moved, clock)}"
            )
            item.approximated = True
            item.spans = snapped
        if clock.last_end is not None and _past_a_timed_day(item.spans):
            cut = [piece for s in item.spans for piece in before_midnight(s, clock)]
            if cut != item.spans:
                moved = next(s for s in item.spans if before_midnight(s, clock) != [s])
                shown = ", ".join(map(str, before_midnight(moved, clock))) or "nothing"
                item.notes.append(f"approximated: {moved} ends a timed day at midnight, which the target's clock "
                                  f"cannot say; written as {shown}")
                item.approximated = True
                item.spans = cut


def day_pieces(spans: list[Span]) -> dict[tuple[int, int], list[date]]:
    """Cut merged spans at midnights; join whole days into multi-day blocks. Keys are (offset, length) seconds."""
    shapes: dict[tuple[int, int], list[date]] = defaultdict(list)
    combine = datetime.combine
    for span in spans:
        start, end = span
        day = start.date()
        low = combine(day, MIDNIGHT)
        if end <= low + DAY:  # inside one day, as most are: one piece, and no run of whole days to join
            length = end - start  # _seconds(length), without a call: a piece per span
            shapes[(start - low).seconds, length.days * SECONDS_PER_DAY + length.seconds].append(day)
        else:
            _cut_at_midnights(shapes, span, day, low)
    return shapes


def _seconds(length: timedelta) -> int:
    """Whole seconds of a length that is not negative (what int(length.total_seconds()) gives, without a float)."""
    return length.days * SECONDS_PER_DAY + length.seconds


def _cut_at_midnights(shapes: dict[tuple[int, int], list[date]], span: Span, day: date, low: datetime) -> None:
    """day_pieces for a span past its first midnight: a piece a day, whole days joined."""
    run_start: date | None = None
    while low < span.end:
        high = low + DAY
        start, end = max(span.start, low), min(span.end, high)
        if start == low and end == high:
            run_start = run_start or day
        else:
            if run_start is not None:
                shapes[(0, (day - run_start).days * SECONDS_PER_DAY)].append(run_start)
                run_start = None
            shapes[(_seconds(start - low), _seconds(end - start))].append(day)
        day, low = day + DAY, high
    if run_start is not None:
        shapes[(0, (day - run_start).days * SECONDS_PER_DAY)].append(run_start)


def _touched_days(spans: list[Span]) -> set[date]:
    days: set[date] = set()
    for span in spans:
        day = span.start.date()
        while midnight(day) < span.end:
            days.add(day)
            day += DAY
    return days


def _reaches(rule: Rule, end: date) -> bool:
    """Whether the rule holds up to `end`: its next occurrence after `until` is not before `end`."""
    following = rule.next_after(rule.until) if rule.until else None
    return following is None or following >= end


def _departure(rule: Rule, shape: tuple[int, int], items: list[Item], first: date, until: date) -> str | None:
    """Why the rule, continued past `first`, would be active when the items are not (None: it would not)."""
    found: list[Sequence[Span]] = []
    for item in items:
        later = item.later(first, until + DAY) if item.later else None
        if later is None:
            return f"the source cannot be followed {CHECK_YEARS} years ahead"
        found.append(later)
    spans = found[0] if len(found) == 1 else chain.from_iterable(found)
    pieces = day_pieces(clip(spans, Span(midnight(first), midnight(until + DAY))))
    source = set(pieces.get(shape, ()))
    off = next((d for d in replace(rule, until=None).occurrences(first, until) if d not in source), None)
    return None if off is None else f"the source departs from it on {off}"


def _extend(rule: Rule, shape: tuple[int, int], items: list[Item], window: Window, open_ended: bool,
            horizon: date, extend_inferred: bool) -> tuple[Rule, str | None]:
    """Drop the end of a rule that the source keeps following, or (asked to) one that held all of a long window.

    Returns the rule and, when its end was kept or dropped unchecked, why, for the report.
    """
    if rule.until is None or rule.freq is Freq.ONCE:
        return rule, None
    if open_ended and _reaches(rule, horizon):
        # Weekly and daily rules count days, not calendar positions: the lookahead they already held over is
        # their check. Following each of them 28 years would cost more than the whole conversion.
        periodic = rule.freq in (Freq.WEEKLY, Freq.DAILY) and not is_cycle(rule)
        why = None if periodic else _departure(rule, shape, items, horizon, window.until + CHECK_AHEAD)
        if why is None:
            return replace(rule, until=None), None
        return rule, f"written with its end ({rule.until}): {why}"
    if (extend_inferred and rule.freq is Freq.YEARLY and window.years >= MIN_YEARS_TO_EXTEND
            and rule.start.year == window.first.year and _reaches(rule, window.until)):  # held all of the window
        if all(item.later is None for item in items):
            return replace(rule, until=None), (f"--open-ended: continued past {rule.until} {UNCHECKED} (the "
                                               "source lists dates, not a rule)")
        why = _departure(rule, shape, items, window.until, window.until + CHECK_AHEAD)
        if why is None:
            return replace(rule, until=None), None
        return rule, f"--open-ended: written with its end ({rule.until}): {why}"
    return rule, None


def _settled(dates: list[date], shape: tuple[int, int], items: list[Item], window: Window, open_ended: bool,
             horizon: date, extend_inferred: bool, capabilities: Capabilities | None
             ) -> list[tuple[Rule, str | None]]:
    """The rules behind one piece's dates, with their ends settled and why an end was kept."""
    def settle(found: Capabilities | None) -> list[tuple[Rule, str | None]]:
        return [_extend(rule, shape, items, window, open_ended, horizon, extend_inferred)
                for rule in infer_rules(dates, found) if rule.start < window.until]

    rules = settle(capabilities)
    if capabilities is not None and any(remark and is_cycle(rule) for rule, remark in rules):
        # A long cycle the source leaves (every 91 days for "2nd Monday of each quarter") is a coincidence of
        # the window's calendar: calendar forms the source keeps stay right after the window too.
        calendar = settle(capabilities.usual())
        if all(remark is None for _, remark in calendar):
            return calendar
    return rules


def group_series(name: str, items: list[Item], window: Window, extend_inferred: bool = False,
                 capabilities: Capabilities | None = None) -> list[Series]:
    """The series that reproduce one group of items inside the window (and past it, when open-ended)."""
    open_ended = any(item.open_ended for item in items)
    horizon = midnight(window.until) + (LOOKAHEAD if open_ended else timedelta())
    spans = clip(chain.from_iterable(item.spans for item in items), Span(window.span.start, horizon))
    touched = {item.key: _touched_days(clip(item.spans, window.span)) for item in items} if len(items) > 1 else {}
    series: list[Series] = []
    for (offset, length), dates in day_pieces(spans).items():
        shape = (offset, length)
        for rule, remark in _settled(dates, shape, items, window, open_ended, horizon.date(), extend_inferred,
                                     capabilities):
            if len(items) == 1:  # the rule came from this item's own spans inside the window
                keys = frozenset({items[0].key})
            else:
                days = {d + timedelta(days=k) for d in rule.occurrences(window.first, window.until)
                        for k in range(max(1, -(-length // SECONDS_PER_DAY)))}
                keys = frozenset(key for key, seen in touched.items() if seen & days)
            series.append(Series(name, rule, offset, length, keys, remark))
    return sorted(series, key=_series_order)


def _series_order(series: Series) -> tuple[date, int, int]:
    return (series.rule.start, series.offset, series.length)


def build_schedule(items: list[Item], window: Window, clock: Clock, name: str, zone: str | None,
                   extend_inferred: bool = False, capabilities: Capabilities | None = None) -> Schedule:
    """Snap items to the clock and infer, per group, the series the target writers consume, with the intervals
    the target writes exactly."""
    live = [item for item in items if not item.skipped]
    snap_items(live, clock)
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in live:
        groups[item.group].append(item)
    series: list[Series] = []
    for members in groups.values():
        series.extend(group_series(members[0].name, members, window, extend_inferred, capabilities))
    end = window.span.end
    for item in items:
        item.later = None  # read only above; it holds what the reader kept of its source
        item.spans = [span for span in item.spans if span.start < end]  # the lookahead was read only above too
    return Schedule(name, zone, window, items, series)


__all__ = ["CHECK_AHEAD", "LOOKAHEAD", "UNCHECKED", "Clock", "before_midnight", "build_schedule", "day_pieces",
           "group_series", "snap"]
