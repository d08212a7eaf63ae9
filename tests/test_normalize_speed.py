"""day_pieces' shortcut for spans inside one day gives what cutting every span at its midnights gives; snapping
skips only the items it would leave as they are; normalizing pauses collection and restores it."""

from __future__ import annotations

import gc
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from pbxcal.model import SECONDS_PER_DAY, Item, Window, midnight
from pbxcal.normalize import Clock, before_midnight, day_pieces, snap, snap_items
from pbxcal.pipeline import Options, load
from pbxcal.platforms import PLATFORMS, get_target
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


# Any second and some microseconds: the spans a source follows years ahead are not snapped to a clock.
exact_spans = st.builds(
    lambda start, seconds, micro, length: Span(midnight(start) + timedelta(seconds=seconds, microseconds=micro),
                                               midnight(start) + timedelta(seconds=seconds + length,
                                                                           microseconds=2 * micro)),
    st.dates(date(2026, 1, 1), date(2026, 2, 28)), st.integers(0, SECONDS_PER_DAY - 1),
    st.sampled_from([0, 0, 1, 500_000, 999_999]), st.integers(1, 3 * SECONDS_PER_DAY),
)


@given(st.lists(exact_spans, max_size=12))
@settings(max_examples=400, deadline=None)
def test_day_pieces_of_spans_off_any_clock_truncate_as_the_walk_did(found: list[Span]) -> None:
    merged = merge(found)
    assert list(day_pieces(merged).items()) == list(reference_day_pieces(merged).items())


def reference_snap_items(items: list[Item], clock: Clock) -> None:
    """snap_items as it was: every span snapped and every span looked at before midnight."""
    for item in items:
        snapped = [snap(s, clock) for s in item.spans]
        if snapped != item.spans:
            moved = next(s for s, t in zip(item.spans, snapped, strict=True) if s != t)
            item.notes.append(f"approximated: {moved} is not expressible on the target's clock; written as "
                              f"{snap(moved, clock)}")
            item.approximated = True
            item.spans = snapped
        if clock.last_end is not None:
            cut = [piece for s in item.spans for piece in before_midnight(s, clock)]
            if cut != item.spans:
                moved = next(s for s in item.spans if before_midnight(s, clock) != [s])
                shown = ", ".join(map(str, before_midnight(moved, clock))) or "nothing"
                item.notes.append(f"approximated: {moved} ends a timed day at midnight, which the target's clock "
                                  f"cannot say; written as {shown}")
                item.approximated = True
                item.spans = cut


CLOCKS = [get_target(p.name).CLOCK for p in PLATFORMS]
# Times on and off every clock's grid: whole minutes, odd seconds, microseconds, 23:59, 23:59:59 and midnights.
clock_moments = st.builds(
    lambda day, seconds, micro: midnight(day) + timedelta(seconds=seconds, microseconds=micro),
    st.dates(date(2026, 1, 1), date(2026, 1, 20)),
    st.sampled_from([0, 0, 60, 9 * 3600, 9 * 3600 + 30, 17 * 3600 + 1, 23 * 3600 + 59 * 60, SECONDS_PER_DAY - 1]),
    st.sampled_from([0, 0, 0, 1]),
)
clock_spans = st.tuples(clock_moments, st.sampled_from([1, 60, 3600, SECONDS_PER_DAY - 1, SECONDS_PER_DAY,
                                                        2 * SECONDS_PER_DAY])).map(
    lambda pair: Span(pair[0], pair[0] + timedelta(seconds=pair[1])))


@given(st.lists(st.lists(clock_spans, max_size=6).map(lambda s: sorted(s, key=lambda span: span.start)),
                min_size=1, max_size=4), st.sampled_from(CLOCKS))
@settings(max_examples=500, deadline=None)
def test_snapping_skips_only_what_it_would_leave_alone(span_lists: list[list[Span]], clock: Clock) -> None:
    made = [Item("s", f"k{n}", "n", "g", spans=list(spans)) for n, spans in enumerate(span_lists)]
    expected = [Item("s", f"k{n}", "n", "g", spans=list(spans)) for n, spans in enumerate(span_lists)]
    snap_items(made, clock)
    reference_snap_items(expected, clock)
    assert [(i.spans, i.notes, i.approximated) for i in made] == [(i.spans, i.notes, i.approximated) for i in expected]


@pytest.mark.parametrize("enabled", [True, False])
def test_normalizing_leaves_collection_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        load([str(SAMPLES / "company-closures.ics")], get_target("telphin"),
             Options(Window(date(2026, 1, 1), date(2027, 1, 1)), zone="Europe/Berlin"))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
