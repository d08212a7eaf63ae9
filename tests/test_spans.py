from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal.spans import Span, clip, clip_sorted, merge, subtract


def s(a: int, b: int) -> Span:
    return Span(datetime(2026, 1, 1, a), datetime(2026, 1, 1, b))


def test_merge_joins_overlapping_and_touching_and_drops_empty():
    assert merge([s(5, 7), s(1, 3), s(3, 4), s(6, 9), s(10, 10)]) == [s(1, 4), s(5, 9)]


def test_clip_keeps_only_the_inside():
    assert clip([s(1, 5), s(8, 12), s(20, 22)], s(3, 10)) == [s(3, 5), s(8, 10)]


def test_subtract_cuts_holes_and_edges():
    assert subtract([s(1, 10), s(12, 20)], [s(0, 2), s(4, 5), s(9, 13), s(19, 23)]) == [
        s(2, 4), s(5, 9), s(13, 19)]
    assert subtract([s(1, 3)], []) == [s(1, 3)]
    assert subtract([], [s(1, 3)]) == []


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 23), st.integers(0, 23)), max_size=30), st.integers(0, 23),
       st.integers(0, 23))
def test_merge_and_clip_are_the_union_of_the_hours_covered(pairs, low, high):
    """Against a reading hour by hour: spans in any order, with equal starts, nested, touching or empty."""
    assert merge([s(a, b) for a, b in pairs]) == _hour_runs(pairs, range(24))
    assert clip([s(a, b) for a, b in pairs], s(low, high)) == _hour_runs(pairs, range(low, high))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2)), max_size=8), st.randoms(use_true_random=False))
def test_merge_of_spans_mostly_apart_is_the_union_of_the_hours_covered(steps, random):
    """Spans laid one after another (gap, length), so that most lists are merged already and some only nearly:
    a gap of 0 touches, a length of 0 is empty; in order and shuffled."""
    pairs, hour = [], 0
    for gap, length in steps:
        pairs.append((hour + gap, hour + gap + length))
        hour += gap + length
    spans = [s(a, b) for a, b in pairs]
    assert merge(spans) == _hour_runs(pairs, range(24))
    random.shuffle(spans)
    assert merge(spans) == _hour_runs(pairs, range(24))


def _hour_runs(pairs: list[tuple[int, int]], inside: range) -> list[Span]:
    hours = sorted({h for a, b in pairs for h in range(a, b) if h in inside})
    runs: list[list[int]] = []
    for hour in hours:
        if runs and runs[-1][1] == hour:
            runs[-1][1] = hour + 1
        else:
            runs.append([hour, hour + 1])
    return [s(a, b) for a, b in runs]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 23), st.integers(0, 23)), max_size=30), st.integers(0, 23),
       st.integers(0, 23))
def test_clip_sorted_equals_clip_on_spans_in_order_of_start(pairs, low, high):
    spans = sorted((s(a, b) for a, b in pairs), key=lambda span: span.start)
    assert clip_sorted(spans, s(low, high)) == clip(spans, s(low, high))


def test_shared_gives_equal_spans_built_of_the_same_times():
    from pbxcal.spans import Shared

    shared = Shared()
    nine, ten, eleven = datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11)
    first = shared(Span(nine, ten))
    again = shared(Span(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10)))
    later = shared(Span(datetime(2026, 3, 2, 10), eleven))
    assert again == first == Span(nine, ten) and type(first) is Span
    assert again.start is first.start is nine and again.end is first.end is ten
    assert later.start is first.end and later == Span(ten, eleven)
    assert Shared()(Span(datetime(2026, 3, 2, 10), eleven)).start is not ten  # one table per expansion
