"""day_pieces' shortcut for spans inside one day gives what cutting every span at its midnights gives."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal.model import SECONDS_PER_DAY, midnight
from pbxcal.normalize import day_pieces
from pbxcal.spans import DAY, Span, merge


def reference_day_pieces(spans: list[Span]) -> dict[tuple[int, int], list[date]]:
    """Every span walked day by day (whole days joined into blocks), as day_pieces was before its shortcut."""
    shapes: dict[tuple[int, int], list[date]] = defaultdict(list)
    for span in spans:
        day = span.start.date()
        low = midnight(day)
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
                shapes[(int((start - low).total_seconds()), int((end - start).total_seconds()))].append(day)
            day, low = day + DAY, high
        if run_start is not None:
            shapes[(0, (day - run_start).days * SECONDS_PER_DAY)].append(run_start)
    return shapes


# Starts and lengths on a quarter-hour grid, so that spans often end exactly at a midnight or fill whole days.
spans = st.builds(
    lambda start, quarters, length: Span(midnight(start) + timedelta(minutes=15 * quarters),
                                         midnight(start) + timedelta(minutes=15 * (quarters + length))),
    st.dates(date(2026, 1, 1), date(2026, 3, 31)), st.integers(0, 95), st.integers(1, 96 * 4),
)


@given(st.lists(spans, max_size=12))
@settings(max_examples=400, deadline=None)
def test_day_pieces_are_those_of_the_walk_through_every_day(found: list[Span]) -> None:
    merged = merge(found)
    expected = reference_day_pieces(merged)
    assert list(day_pieces(merged).items()) == list(expected.items())  # the same shapes, first seen first


def test_spans_inside_one_day_ending_at_midnight_and_whole_days() -> None:
    day = datetime(2026, 3, 2)
    cases = [Span(day + timedelta(hours=9), day + timedelta(hours=17)), Span(day + 2 * DAY, day + 3 * DAY),
             Span(day + 4 * DAY + timedelta(hours=20), day + 5 * DAY), Span(day + 6 * DAY, day + 9 * DAY),
             Span(day + 10 * DAY + timedelta(hours=22), day + 11 * DAY + timedelta(hours=2))]
    assert list(day_pieces(cases).items()) == list(reference_day_pieces(cases).items())
    assert day_pieces(cases)[(0, SECONDS_PER_DAY)] == [date(2026, 3, 4)]
    assert day_pieces(cases)[(20 * 3600, 4 * 3600)] == [date(2026, 3, 6)]
