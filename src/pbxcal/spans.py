"""Span arithmetic on wall-clock time: half-open [start, end) intervals, merged, clipped and compared."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from functools import partial
from itertools import takewhile
from operator import itemgetter
from typing import NamedTuple

DAY = timedelta(days=1)


class Span(NamedTuple):
    """A half-open stretch of naive wall-clock time in the target zone.

    A named tuple, not a dataclass: spans are made, sorted and compared by the hundred thousand.
    """

    start: datetime
    end: datetime

    @classmethod
    def of_days(cls, first: date, days: int = 1) -> Span:
        start = datetime.combine(first, time())
        return cls(start, start + days * DAY)

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M:%S} .. {self.end:%Y-%m-%d %H:%M:%S}"


# Span(start, end) runs the named tuple's __new__, a Python function; this makes the same span from a (start, end)
# pair in C, for the loops that make spans by the hundred thousand.
span_of: Callable[[tuple[datetime, datetime]], Span] = partial(tuple.__new__, Span)

_start = itemgetter(0)
_end = itemgetter(1)


class Shared:
    """Spans made of the datetimes that equal times given before were.

    Datetimes never change, so equal ones may be one object: a calendar's occurrences fall on a few thousand days
    at a few dozen times of day, and a million spans made one by one hold two new datetimes each (96 of their 152
    bytes). The spans themselves are not shared: a second table, keyed by pairs, cost more time than it saved
    memory. One table per expansion: nothing is kept past it.
    """

    def __init__(self) -> None:
        self._known: dict[datetime, datetime] = {}

    def __call__(self, span: Span) -> Span:
        known = self._known.setdefault
        start, end = span
        return span_of((known(start, start), known(end, end)))

    def spans(self, starts: list[datetime], ends: list[datetime]) -> list[Span]:
        """The span of each (start, end), its times shared: made in C, for the runs of a series' occurrences."""
        known = self._known.setdefault
        return list(map(span_of, zip(map(known, starts, starts), map(known, ends, ends), strict=True)))


class Unshared(Shared):
    """Spans made as they come, for spans let go of soon (those past the window): sharing them cost more time than
    the memory it saved."""

    def __call__(self, span: Span) -> Span:
        return span

    def spans(self, starts: list[datetime], ends: list[datetime]) -> list[Span]:
        return list(map(span_of, zip(starts, ends, strict=True)))


def merge(spans: Iterable[Span]) -> list[Span]:
    """The union of spans as a sorted list of disjoint, non-touching spans; empty spans vanish."""
    # By start alone: one datetime comparison instead of a tuple's two; ties in any order give the same union.
    return _union(sorted(spans, key=_start))


def _union(ordered: Iterable[Span]) -> list[Span]:
    """merge for spans already in order of start."""
    merged: list[Span] = []
    last_end: datetime | None = None
    for span in ordered:
        start, end = span
        if end <= start:
            continue
        if last_end is not None and start <= last_end:
            if end > last_end:
                merged[-1] = Span(merged[-1].start, end)
                last_end = end
        else:
            merged.append(span)
            last_end = end
    return merged


def clip(spans: Iterable[Span], window: Span) -> list[Span]:
    """The parts of spans inside window, merged."""
    return clip_merged(merge(spans), window)  # clipping the union: only its two edge spans can change


def clip_sorted(spans: Iterable[Span], window: Span) -> list[Span]:
    """clip for spans already in order of start: the same list without sorting (and none read past the window)."""
    high = window.end
    return clip_merged(_union(takewhile(lambda s: s.start < high, spans)), window)


def clip_merged(merged: list[Span], window: Span) -> list[Span]:
    """clip for spans already merged (sorted, disjoint, not touching, none empty): the spans that reach into the
    window, the first and last cut to it."""
    low, high = window
    if high <= low:
        return []
    inside = merged[bisect_right(merged, low, key=_end):bisect_left(merged, high, key=_start)]
    if inside and inside[0].start < low:
        inside[0] = Span(low, inside[0].end)
    if inside and inside[-1].end > high:
        inside[-1] = Span(inside[-1].start, high)
    return inside


def day_parts(span: Span) -> list[Span]:
    """The span cut where a writer must: its part of the first day when that starts after midnight, its whole days
    as one piece, its part of the last day when that ends before midnight."""
    pieces: list[Span] = []
    start = span.start
    first_midnight = datetime.combine(start.date(), time())
    if start != first_midnight:
        pieces.append(Span(start, min(span.end, first_midnight + DAY)))
        start = pieces[-1].end
    whole_end = datetime.combine(span.end.date(), time())
    if whole_end > start:
        pieces.append(Span(start, whole_end))
        start = whole_end
    if span.end > start:
        pieces.append(Span(start, span.end))
    return pieces


def subtract(spans: list[Span], minus: list[Span]) -> list[Span]:
    """Merged spans minus merged spans: what the first covers and the second does not."""
    result: list[Span] = []
    other = iter(minus)
    cut = next(other, None)
    for span in spans:
        start = span.start
        while cut is not None and cut.end <= start:
            cut = next(other, None)
        while cut is not None and cut.start < span.end:
            if cut.start > start:
                result.append(Span(start, cut.start))
            start = max(start, cut.end)
            if cut.end >= span.end:
                break
            cut = next(other, None)
        if start < span.end:
            result.append(Span(start, span.end))
    return result


def total(spans: Iterable[Span]) -> timedelta:
    return sum((s.duration for s in spans), timedelta())


__all__ = ["DAY", "Shared", "Span", "Unshared", "clip", "clip_merged", "clip_sorted", "day_parts", "merge", "span_of",
           "subtract", "total"]
