"""NetSapiens: the evaluator against hand-worked readings of SEMANTICS.md section 2, and the writer's forms."""

from datetime import date, datetime

import pytest

from pbxcal.errors import AmbiguousBodyError, BadInputError
from pbxcal.model import By, Freq, Rule, Series, Window
from pbxcal.platforms.netsapiens import target as ns
from pbxcal.spans import Span

W = Window(date(2026, 1, 1), date(2029, 1, 1))


def entry(begin, end, kind="doesNotRecur", t0="0000", t1="2359", unit="", count="", option="", until=None):
    e = dict.fromkeys(ns.FIELDS, "")
    e.update({ns.BEGIN_DATE: begin, ns.END_DATE: end, ns.BEGIN_TIME: t0, ns.END_TIME: t1, ns.TYPE: kind,
              ns.INTERVAL: unit, ns.COUNT: count, ns.OPTION: option})
    if kind != "doesNotRecur":
        e[ns.END_OPTION], e[ns.END_ON] = ("onADate", until) if until else ("never", "")
    return e


def days(*pairs):
    return [Span(datetime(*a), datetime(*b)) for a, b in pairs]


def test_2359_means_through_the_end_of_the_day_and_other_ends_are_exclusive():
    assert ns.spans([entry("20260310", "20260310")], W) == days(((2026, 3, 10), (2026, 3, 11)))
    assert ns.spans([entry("20260310", "20260310", t0="0900", t1="1700")], W) == days(
        ((2026, 3, 10, 9), (2026, 3, 10, 17)))


def test_multi_day_entries_must_be_whole_days():
    assert ns.spans([entry("20290101", "20290102")], Window(date(2029, 1, 1), date(2029, 2, 1))) == days(
        ((2029, 1, 1), (2029, 1, 3)))
    with pytest.raises(AmbiguousBodyError):
        ns.spans([entry("20260101", "20260102", t0="0900", t1="1700")], W)


def test_yearly_same_date_with_end_date_inclusive():
    found = ns.spans([entry("20261224", "20261226", "yearly-on-selected-dates", until="20271224")], W)
    assert found == days(((2026, 12, 24), (2026, 12, 27)), ((2027, 12, 24), (2027, 12, 27)))


def test_monthly_date_skips_months_without_the_day():
    found = ns.spans([entry("20260131", "20260131", "monthly-date", until="20260601")], W)
    assert [s.start.date() for s in found] == [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31)]


def test_ordinal_types_refuse_a_begin_date_that_is_also_the_last_weekday():
    # 2026-11-26 is the 4th and last Thursday of November 2026: the docs leave that reading open.
    with pytest.raises(AmbiguousBodyError):
        ns.spans([entry("20261126", "20261126", "custom", unit="years", count="1",
                        option="yearly-ordinal-weekday")], W)
    found = ns.spans([entry("20281123", "20281123", "custom", unit="years", count="1",
                            option="yearly-ordinal-weekday")], Window(date(2028, 1, 1), date(2031, 1, 1)))
    assert [s.start.date() for s in found] == [date(2028, 11, 23), date(2029, 11, 22), date(2030, 11, 28)]


def test_first_last_follows_the_begin_date_and_custom_intervals_count():
    found = ns.spans([entry("20260130", "20260130", "monthly-on-first-last", until="20260430")], W)
    assert [s.start.date() for s in found] == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27),
                                               date(2026, 4, 24)]
    found = ns.spans([entry("20260105", "20260105", "custom", unit="weeks", count="2", until="20260202")], W)
    assert [s.start.date() for s in found] == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]
    with pytest.raises(AmbiguousBodyError):
        ns.spans([entry("20260113", "20260113", "monthly-on-first-last")], W)


def test_yearly_on_29_february_is_refused_and_bad_fields_are_named():
    with pytest.raises(AmbiguousBodyError):
        ns.spans([entry("20280229", "20280229", "yearly-on-selected-dates")], W)
    with pytest.raises(BadInputError, match="begin-time"):
        ns.spans([entry("20260101", "20260101", t0="2500")], W)
    with pytest.raises(BadInputError, match="recurrence type"):
        ns.spans([entry("20260101", "20260101", kind="weekly-ish")], W)


def test_thanksgiving_anchors_on_2028_with_earlier_years_as_one_offs():
    rule = Rule(Freq.YEARLY, date(2026, 11, 26), By.NTH, until=None)
    [entries] = list(ns.candidates(Series("Thanksgiving", rule, 0, 86400), W))
    assert [(e[ns.BEGIN_DATE], e[ns.TYPE], e[ns.OPTION]) for e in entries] == [
        ("20261126", "doesNotRecur", ""), ("20271125", "doesNotRecur", ""),
        ("20281123", "custom", "yearly-ordinal-weekday")]
    assert entries[-1][ns.END_OPTION] == "never" and entries[-1][ns.COUNT] == "1"


def test_every_entry_carries_every_field_and_29_february_is_never_yearly():
    leap = Rule(Freq.YEARLY, date(2028, 2, 29), By.DATE)
    assert list(ns.candidates(Series("Leap", leap, 0, 86400), W)) == []
    [entries] = list(ns.candidates(Series("x", Rule(Freq.WEEKLY, date(2026, 1, 5), By.WEEKDAYS,
                                                    weekdays=frozenset({0, 2})), 9 * 3600, 8 * 3600), W))
    assert all(list(e) == list(ns.FIELDS) for e in entries)
    assert [(e[ns.BEGIN_DATE], e[ns.BEGIN_TIME], e[ns.END_TIME]) for e in entries] == [
        ("20260105", "0900", "1700"), ("20260107", "0900", "1700")]


def test_once_splits_a_timed_span_across_midnight():
    found = ns.once(Span(datetime(2026, 6, 12, 15), datetime(2026, 6, 15, 10)))
    assert [(e[ns.BEGIN_DATE], e[ns.BEGIN_TIME], e[ns.END_DATE], e[ns.END_TIME]) for e in found] == [
        ("20260612", "1500", "20260612", "2359"), ("20260613", "0000", "20260614", "2359"),
        ("20260615", "0000", "20260615", "1000")]


def test_dates_and_times_take_only_ascii_digits():
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in "20260105")  # int() reads them; the docs' format does not
    good = {"timeframe-specific-dates-begin-date": "20260105", "timeframe-specific-dates-end-date": "20260105",
            "timeframe-specific-dates-begin-time": "0900", "timeframe-specific-dates-end-time": "1000",
            "timeframe-recurrence-type": "doesNotRecur"}
    for field, value in (("timeframe-specific-dates-begin-date", fullwidth),
                         ("timeframe-specific-dates-begin-time", fullwidth[:4])):
        with pytest.raises(BadInputError, match=field):
            ns.read_entry({**good, field: value})
