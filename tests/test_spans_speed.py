"""The span shortcuts give exactly what the plain passes gave: clipping a merged list by bisection, spans made in C,
a series' spans without a union where none can overlap, and Telphin's evaluator over several conditions.

The references below are the code as it stood before the shortcuts (clip merged, clipped span by span and merged
again; a series' spans always clipped span by span and merged), or date arithmetic done here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import takewhile

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal.model import By, Freq, Rule, Series, Window
from pbxcal.platforms.telphin import target as tp
from pbxcal.spans import DAY, Span, clip, clip_merged, clip_sorted, span_of

BASE = datetime(2026, 3, 1)


def reference_union(ordered: Iterable[Span]) -> list[Span]:
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


def reference_clip_sorted(spans: Iterable[Span], window: Span) -> list[Span]:
    low, high = window
    return reference_union(s if low <= s.start and s.end <= high else Span(max(s.start, low), min(s.end, high))
                           for s in takewhile(lambda s: s.start < high, spans))


def reference_clip(spans: Iterable[Span], window: Span) -> list[Span]:
    return reference_clip_sorted(reference_union(sorted(spans, key=lambda s: s.start)), window)


def reference_series_spans(series: Series, window: Span) -> list[Span]:
    reach = timedelta(seconds=series.offset + series.length) + DAY
    days = series.rule.occurrences((window.start - reach).date(), window.end.date() + DAY)
    offset, length = timedelta(seconds=series.offset), timedelta(seconds=series.length)
    return reference_clip_sorted((Span(datetime.combine(d, time()) + offset,
                                       datetime.combine(d, time()) + offset + length) for d in days), window)


# Quarter hours over three days: spans nest, touch, repeat, run past midnights and fall empty or inverted.
moments = st.integers(0, 3 * 96).map(lambda q: BASE + timedelta(minutes=15 * q))
span_lists = st.lists(st.tuples(moments, moments).map(lambda pair: Span(*pair)), max_size=40)


@settings(max_examples=600, deadline=None)
@given(span_lists, moments, moments)
def test_clip_is_the_old_clip_span_for_span(spans: list[Span], low: datetime, high: datetime) -> None:
    window = Span(low, high)
    found = clip(spans, window)
    assert found == reference_clip(spans, window)
    assert all(type(s) is Span for s in found)
    in_order = sorted(spans, key=lambda s: s.start)
    assert clip_sorted(in_order, window) == reference_clip_sorted(in_order, window)
    assert clip_sorted(iter(in_order), window) == found  # a one-pass iterable, as Series.spans once gave
    assert clip_merged(reference_union(in_order), window) == found


def test_clip_merged_at_the_edges() -> None:
    """Spans ending where the window starts or starting where it ends are out; one span wider than the window is
    cut on both sides; an inverted or empty window holds nothing."""
    hours = [Span(_at(a), _at(b)) for a, b in ((0, 2), (3, 5), (6, 9))]
    assert clip_merged(hours, Span(_at(2), _at(3))) == []
    assert clip_merged(hours, Span(_at(4), _at(7))) == [Span(_at(4), _at(5)), Span(_at(6), _at(7))]
    assert clip_merged(hours, Span(_at(7), _at(8))) == [Span(_at(7), _at(8))]
    assert clip_merged(hours, Span(_at(5), _at(5))) == []
    assert clip_merged(hours, Span(_at(8), _at(1))) == []
    assert clip_merged(hours, Span(_at(-1), _at(10))) == hours


def _at(hour: int) -> datetime:
    return BASE + timedelta(hours=hour)


@given(moments, moments)
def test_span_of_makes_the_span_the_named_tuple_makes(start: datetime, end: datetime) -> None:
    made = span_of((start, end))
    assert type(made) is Span and made == Span(start, end) and (made.start, made.end) == (start, end)


@st.composite
def series(draw: st.DrawFn) -> Series:
    """Rules of every kind; blocks inside a day, ending at midnight, of whole days and longer than a day."""
    start = draw(st.dates(date(2025, 6, 1), date(2027, 6, 30)))
    freq = draw(st.sampled_from([Freq.ONCE, Freq.DAILY, Freq.WEEKLY, Freq.MONTHLY, Freq.YEARLY]))
    by = By.WEEKDAYS if freq is Freq.WEEKLY else By.DATE
    if freq is Freq.MONTHLY:
        by = draw(st.sampled_from([By.DATE, By.NTH, By.LAST, By.LAST_DAY]))
        start = start.replace(day=min(start.day, 28)) if by is By.NTH else start
    interval = 1 if freq in (Freq.ONCE, Freq.YEARLY) else draw(st.integers(1, 3))
    until = draw(st.none() | st.dates(start, date(2029, 1, 1))) if freq is not Freq.ONCE else None
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1)) | {start.weekday()} if freq is Freq.WEEKLY else set()
    offset = draw(st.sampled_from([0, 0, 1, 3600, 9 * 3600, 86399]))
    length = draw(st.sampled_from([1, 60, 8 * 3600, 86400 - offset, 86400, 86399, 2 * 86400, 3 * 86400 + 7,
                                   15 * 86400]))
    rule = Rule(freq, start, by, interval, until, frozenset(weekdays))
    return Series("s", rule, offset, length)


@settings(max_examples=500, deadline=None)
@given(series(), st.dates(date(2025, 1, 1), date(2028, 12, 31)), st.integers(0, 900))
def test_a_series_spans_are_those_clipped_span_by_span_and_merged(found: Series, first: date, days: int) -> None:
    window = Window(first, first + timedelta(days=days)).span
    spans = found.spans(window)
    assert spans == reference_series_spans(found, window)
    assert all(type(s) is Span for s in spans)


def test_blocks_of_a_day_or_more_on_following_days_still_join() -> None:
    """The union is skipped only for blocks shorter than a day: whole days touch and longer blocks overlap."""
    window = Window(date(2026, 1, 1), date(2026, 2, 1)).span
    daily = Rule(Freq.DAILY, date(2026, 1, 5), until=date(2026, 1, 9))
    whole_days = Series("s", daily, 0, 86400).spans(window)
    assert whole_days == [Span(datetime(2026, 1, 5), datetime(2026, 1, 10))]
    assert Series("s", daily, 3600, 86400).spans(window) == [Span(datetime(2026, 1, 5, 1), datetime(2026, 1, 10, 1))]
    short = Series("s", daily, 3600, 86399).spans(window)
    assert len(short) == 5 and short[0] == Span(datetime(2026, 1, 5, 1), datetime(2026, 1, 6, 0, 59, 59))


def _active(condition: dict[str, object], day: date) -> bool:
    """docs/telphin.md for one date, field by field."""
    if condition["month"] is not None and day.month != condition["month"]:
        return False
    if condition["start_dow"] is not None:
        weekday = (day.weekday() + 1) % 7 + 1
        low, high = condition["start_dow"], condition["end_dow"]
        if not (low <= weekday <= high if low <= high else weekday >= low or weekday <= high):  # type: ignore[operator]
            return False
    return condition["start_mday"] is None or condition["start_mday"] <= day.day <= condition["end_mday"]  # type: ignore[operator]


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@st.composite
def telphin_conditions(draw: st.DrawFn) -> dict[str, object]:
    fields: dict[str, object] = {}
    if draw(st.booleans()):
        fields["month"] = draw(st.integers(1, 12))
    if draw(st.booleans()):
        fields["start_dow"], fields["end_dow"] = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    if draw(st.booleans()):
        low = draw(st.integers(1, 31))
        fields["start_mday"], fields["end_mday"] = low, draw(st.integers(low, 31))
    if draw(st.booleans()):
        low = draw(st.sampled_from([0, 1, 3600, 8 * 3600, 86398]))
        fields["start_time"] = _clock(low)
        fields["end_time"] = _clock(draw(st.sampled_from([low + 1, 17 * 3600, 86399])) if low < 17 * 3600 else 86399)
    condition = dict.fromkeys(tp.FIELDS)
    condition.update(fields)
    return condition


@settings(max_examples=300, deadline=None)
@given(st.lists(telphin_conditions(), max_size=5), st.dates(date(2026, 1, 1), date(2027, 12, 31)),
       st.integers(1, 500))
def test_telphin_conditions_together_are_the_union_of_their_days(conditions: list[dict[str, object]], first: date,
                                                                  days: int) -> None:
    """Each condition's days read here, its times turned into spans with 23:59:59 meaning midnight, then joined."""
    window = Window(first, first + timedelta(days=days))
    expected: list[Span] = []
    for condition in conditions:
        timed = condition["start_time"] is not None
        begin = tp._parse_clock(condition["start_time"], "", end=False) if timed else 0
        end = (86400 if condition["end_time"] == "23:59:59" else tp._parse_clock(condition["end_time"], "")
               ) if timed else 86400
        for n in range(days):
            day = first + timedelta(days=n)
            if _active(condition, day):
                midnight = datetime.combine(day, time())
                expected.append(Span(midnight + timedelta(seconds=begin), midnight + timedelta(seconds=end)))
    assert tp.spans(conditions, window) == reference_union(sorted(expected, key=lambda s: s.start))


class _Repeating:
    """A rule stand-in whose occurrences repeat a date (no rule's do today): the union must still be taken."""

    def occurrences(self, first: date, until: date) -> list[date]:
        return [date(2026, 1, 5), date(2026, 1, 5), date(2026, 1, 7)]


def test_a_series_on_a_repeated_date_is_still_merged() -> None:
    window = Window(date(2026, 1, 1), date(2026, 2, 1)).span
    spans = Series("s", _Repeating(), 3600, 7200).spans(window)  # type: ignore[arg-type]
    assert spans == [Span(datetime(2026, 1, 5, 1), datetime(2026, 1, 5, 3)),
                     Span(datetime(2026, 1, 7, 1), datetime(2026, 1, 7, 3))]
