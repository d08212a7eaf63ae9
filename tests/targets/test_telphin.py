"""Telphin: the evaluator against hand-worked readings of SEMANTICS.md section 3, and the writer's forms."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal.errors import BadInputError
from pbxcal.model import By, Freq, Rule, Series, Window
from pbxcal.platforms.telphin import target as tp
from pbxcal.spans import Span

W = Window(date(2026, 1, 1), date(2029, 1, 1))


def cond(**fields):
    return {**dict.fromkeys(tp.FIELDS), **fields}


def starts(conditions, window=W):
    """The days on which the conditions are active (spans of whole days, unmerged)."""
    return sorted({s.start.date() for c in conditions for s in tp.condition_spans(c, window)})


def test_dow_is_sunday_one_and_ranges_wrap():
    week = Window(date(2026, 1, 4), date(2026, 1, 11))  # Sunday .. Saturday
    assert starts([cond(start_dow=1, end_dow=1)], week) == [date(2026, 1, 4)]
    assert starts([cond(start_dow=3, end_dow=1)], week) == [date(2026, 1, 4)] + [
        date(2026, 1, d) for d in range(6, 11)]  # every day but Monday
    # adjacent days merge into one span
    assert len(tp.spans([cond(start_dow=2, end_dow=6)], week)) == 1


def test_thanksgiving_window_and_times():
    found = tp.spans([cond(month=11, start_dow=5, end_dow=5, start_mday=22, end_mday=28,
                           start_time="09:00:00", end_time="23:59:59")], W)
    assert found == [Span(datetime(y, 11, d, 9), datetime(y, 11, d + 1)) for y, d in
                     ((2026, 26), (2027, 25), (2028, 23))]


def test_datetime_range_ignores_nothing_else_and_ends_at_end_of_day():
    found = tp.spans([cond(start_datetime="2026-12-24 00:00:00", end_datetime="2026-12-26 23:59:59")], W)
    assert found == [Span(datetime(2026, 12, 24), datetime(2026, 12, 27))]


def test_sched_cycles_from_the_start_date():
    found = starts([cond(sched_start_date="2026-01-01 00:00:00", sched_active_days=1, sched_skip_days=2)],
                   Window(date(2025, 12, 1), date(2026, 1, 11)))
    assert found == [date(2026, 1, 1), date(2026, 1, 4), date(2026, 1, 7), date(2026, 1, 10)]


def test_invalid_conditions_are_refused_with_the_field_named():
    for bad, word in ((cond(start_dow=2), "end_dow"), (cond(start_mday=5, end_mday=1), "start_mday"),
                      (cond(start_time="17:00:00", end_time="09:00:00"), "start_time"),
                      (cond(month=13), "month"), ({"start_week": 1}, "unknown")):
        with pytest.raises(BadInputError, match=word):
            tp.spans([bad], W)


def test_christmas_block_is_one_condition_and_nth_weekday_uses_a_seven_day_window():
    rule = Rule(Freq.YEARLY, date(2026, 12, 24), By.DATE)
    conditions, _limited = tp.candidates(Series("Xmas", rule, 0, 3 * 86400), W)
    assert tp.finish(conditions) == [cond(month=12, start_mday=24, end_mday=26)]
    rule = Rule(Freq.YEARLY, date(2026, 11, 26), By.NTH)
    conditions, _limited = tp.candidates(Series("Thanksgiving", rule, 0, 2 * 86400), W)
    assert conditions == [cond(month=11, start_dow=5, end_dow=5, start_mday=22, end_mday=28),
                          cond(month=11, start_dow=6, end_dow=6, start_mday=23, end_mday=29)]


def test_weekly_monday_to_friday_is_one_range_and_weekend_wraps():
    rule = Rule(Freq.WEEKLY, date(2026, 1, 5), By.WEEKDAYS, weekdays=frozenset(range(5)))
    first, _sched, _limited = tp.candidates(Series("Hours", rule, 9 * 3600, 8 * 3600), W)
    assert first == [cond(start_dow=2, end_dow=6, start_time="09:00:00", end_time="17:00:00")]
    weekend = Rule(Freq.WEEKLY, date(2026, 1, 3), By.WEEKDAYS, weekdays=frozenset({5, 6}))
    first, _sched, _limited = tp.candidates(Series("Weekend", weekend, 0, 86400), W)
    assert first == [cond(start_dow=7, end_dow=1)]


def test_once_writes_midnight_as_the_end_of_the_previous_day():
    [c] = tp.once(Span(datetime(2026, 5, 1), datetime(2026, 5, 2)))
    assert (c["start_datetime"], c["end_datetime"]) == ("2026-05-01 00:00:00", "2026-05-01 23:59:59")
    assert list(c) == list(tp.FIELDS)


def test_a_rule_that_starts_and_ends_inside_the_window_is_one_condition_limited_by_a_block():
    """Thanksgiving 2027-2029 only, in a ten-year window: the calendar form AND one scheduled-days block."""
    ten_years = Window(date(2026, 1, 1), date(2036, 1, 1))
    series = Series("Thanksgiving", Rule(Freq.YEARLY, date(2027, 11, 25), By.NTH, until=date(2029, 11, 22)), 0, 86400)
    exact = [c for c in tp.candidates(series, ten_years) if tp.spans(c, ten_years) == series.spans(ten_years.span)]
    [limited] = exact[0]
    assert limited == cond(month=11, start_dow=5, end_dow=5, start_mday=22, end_mday=28,
                           sched_start_date="2027-11-25 00:00:00", sched_active_days=729,
                           sched_skip_days=(date(2300, 1, 1) - date(2029, 11, 22)).days - 1)
    # the days by hand: the 4th Thursdays of November 2027, 2028 and 2029, nothing before or after
    assert starts([limited], ten_years) == [date(2027, 11, 25), date(2028, 11, 23), date(2029, 11, 22)]
    assert tp.describe(limited) == ("every year in November, the 4th Thursday (days 22-28), from 2027-11-25 to "
                                    "2029-11-22, all day")


def test_an_open_ended_rule_that_starts_inside_the_window_is_limited_at_its_start_only():
    weekly = Series("Fridays", Rule(Freq.WEEKLY, date(2027, 1, 1), By.WEEKDAYS, weekdays=frozenset({4})),
                    15 * 3600, 2 * 3600)
    *_, limited = tp.candidates(weekly, W)
    [condition] = limited
    assert condition["sched_start_date"] == "2027-01-01 00:00:00" and condition["sched_skip_days"] == 1
    assert tp.describe(condition) == "every week, Friday, from 2027-01-01 on, 15:00-17:00"


FULLWIDTH_09 = "\uff10\uff19"  # digits to int() and to a Unicode-aware regex, but not the documented format


@pytest.mark.parametrize("field, value", [
    ("start_time", f"{FULLWIDTH_09}:00:00"), ("start_time", "9:00:00"),
    ("start_datetime", f"2026-01-05 {FULLWIDTH_09}:00:00"), ("end_datetime", "2026-1-5 10:00:00")])
def test_times_and_stamps_take_only_the_documented_ascii_digits(field, value):
    base = (cond(start_dow=2, end_dow=6, start_time="09:00:00", end_time="17:00:00") if field.endswith("_time")
            else cond(start_datetime="2026-01-05 09:00:00", end_datetime="2026-01-05 10:00:00"))
    with pytest.raises(BadInputError, match=field):
        tp.spans([{**base, field: value}], W)


def test_describe_tells_blocks_from_cycles_and_survives_huge_counts():
    cycle = cond(sched_start_date="2026-01-05 00:00:00", sched_active_days=1, sched_skip_days=3_000_000)
    assert "1 day(s) on and 3000000 off from 2026-01-05" in tp.describe(cycle)
    near = cond(sched_start_date="2026-01-01 00:00:00", sched_active_days=100, sched_skip_days=100_000)
    assert "100 day(s) on and 100000 off" in tp.describe(near)  # it comes back, in 2300: not a block


def _reading(condition, day: date) -> bool:
    """SEMANTICS.md section 3 for one date, field by field (no shortcuts)."""
    if condition["month"] is not None and day.month != condition["month"]:
        return False
    if condition["start_dow"] is not None:
        weekday = (day.weekday() + 1) % 7 + 1  # 1 = Sunday ... 7 = Saturday
        low, high = condition["start_dow"], condition["end_dow"]
        if not (low <= weekday <= high if low <= high else weekday >= low or weekday <= high):
            return False
    if condition["start_mday"] is not None and not condition["start_mday"] <= day.day <= condition["end_mday"]:
        return False
    if condition["sched_start_date"] is not None:
        first = date.fromisoformat(condition["sched_start_date"][:10])
        period = condition["sched_active_days"] + condition["sched_skip_days"]
        if day < first or (day - first).days % period >= condition["sched_active_days"]:
            return False
    return True


@st.composite
def conditions(draw, around: date):
    fields = {}
    if draw(st.booleans()):
        fields["month"] = draw(st.integers(1, 12))
    if draw(st.booleans()):
        fields["start_dow"], fields["end_dow"] = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    if draw(st.booleans()):
        low = draw(st.integers(1, 31))
        fields["start_mday"], fields["end_mday"] = low, draw(st.integers(low, 31))
    if draw(st.booleans()):
        first = around + timedelta(days=draw(st.integers(-800, 800)))  # blocks before, across and after a window
        fields["sched_start_date"] = f"{first:%Y-%m-%d} 00:00:00"
        fields["sched_active_days"] = draw(st.integers(1, 400))
        fields["sched_skip_days"] = draw(st.one_of(st.integers(1, 60), st.integers(1, 200_000)))
    if draw(st.booleans()):
        low = draw(st.integers(0, 86398))
        fields["start_time"], fields["end_time"] = (f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in
                                                    (low, draw(st.integers(low + 1, 86399))))
    return cond(**fields)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.dates(date(2025, 1, 1), date(2029, 12, 31)), st.integers(1, 2000))
def test_the_evaluator_reads_every_condition_as_the_contract_does(data, first, days):
    condition = data.draw(conditions(first))
    window = Window(first, first + timedelta(days=days))
    every = [first + timedelta(days=n) for n in range(days)]
    assert starts([condition], window) == [d for d in every if _reading(condition, d)]
    timed = condition["start_time"] is not None
    begin = _seconds(condition["start_time"]) if timed else 0
    end = _seconds(condition["end_time"]) + (condition["end_time"] == "23:59:59") if timed else 86400  # 23:59:59: 24:00
    midnights = [datetime(d.year, d.month, d.day) for d in every if _reading(condition, d)]
    assert tp.condition_spans(condition, window) == [
        Span(m + timedelta(seconds=begin), m + timedelta(seconds=end)) for m in midnights]


def _seconds(clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + seconds
