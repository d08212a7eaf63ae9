"""Kazoo: the evaluator against hand-worked cases from kazoo-temporal-rules.md (each bug of Kazoo's own code
included), a walk over generated rules that fails if the writer ever proposes a buggy form, its bodies against the
holidays package and recurring_ical_events, the round trip through the reader, and CLI transcripts."""

import json
from datetime import date, datetime, timedelta

import holidays
import kazoo_reference
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import events

from conftest import reference_spans
from pbxcal import Options, Window, convert
from pbxcal.cli import main
from pbxcal.errors import AmbiguousBodyError, BadInputError
from pbxcal.model import SECONDS_PER_DAY, By, Freq, Rule, Series, days_in_month, midnight
from pbxcal.platforms.kazoo import rules
from pbxcal.platforms.kazoo import target as kz
from pbxcal.spans import Span, merge

W = Window(date(2020, 1, 1), date(2031, 1, 1))
NY = "America/New_York"


def rule(cycle, start=date(2020, 1, 1), **fields):
    return {"name": "R", "cycle": cycle, "start_date": rules.to_gregorian(start, NY), "time_window_stop": 86399,
            **fields}


def dates(one, first=date(2020, 1, 1), until=date(2031, 1, 1)):
    """The days on which the rule is active at some time."""
    found = kz.spans(kz.entries({"timezone": NY, "rules": [one]}), Window(first, until))
    covered = set()
    for span in found:
        day = span.start.date()
        while day <= (span.end - timedelta(seconds=1)).date():
            covered.add(day)
            day += timedelta(days=1)
    return sorted(covered)


def days(first, count=1):
    return Span(datetime.combine(first, datetime.min.time()),
                datetime.combine(first + timedelta(days=count), datetime.min.time()))


# ---- evaluator, by hand ---------------------------------------------------------------------------------------

def test_gregorian_seconds_and_the_local_date_of_start_date():
    assert rules.to_gregorian(date(2025, 12, 25), NY) == 63933901200  # local noon (the reference's table)
    assert rules.from_gregorian(63933858000, NY) == date(2025, 12, 25)  # local midnight
    assert rules.from_gregorian(63933840000, NY) == date(2025, 12, 24)  # midnight UTC: the day before (bug 9)
    assert rules.from_gregorian(rules.SCHEMA_START, "America/Los_Angeles") == date(1983, 4, 11)
    assert rules.from_gregorian(rules.to_gregorian(date(2026, 1, 1), "Pacific/Kiritimati"), "Pacific/Kiritimati") == \
        date(2026, 1, 1)


def test_windows_are_inclusive_to_the_second_and_never_cross_midnight():
    one = rule("date", date(2026, 3, 5), time_window_start=32400, time_window_stop=61200)
    assert kz.spans(kz.entries({"timezone": NY, "rules": [one]}), W) == [
        Span(datetime(2026, 3, 5, 9), datetime(2026, 3, 5, 17, 0, 1))]
    never = rule("date", date(2026, 3, 5), time_window_start=79200, time_window_stop=21600)
    assert dates(never) == []
    whole = rule("date", date(2026, 3, 5), time_window_start=0, time_window_stop=86399)
    assert kz.spans(kz.entries({"timezone": NY, "rules": [whole]}), W) == [days(date(2026, 3, 5))]


def test_a_stop_of_86400_spills_one_second_only_for_date_rules():
    default = {"name": "R", "cycle": "date", "start_date": rules.to_gregorian(date(2026, 3, 5), NY)}  # 0-86400
    spill = kz.spans(kz.entries({"timezone": NY, "rules": [default]}), W)
    assert spill == [Span(datetime(2026, 3, 5), datetime(2026, 3, 6, 0, 0, 1))]
    yearly = rule("yearly", date(2026, 3, 5), month=3, days=[5], time_window_stop=86400)
    found = kz.spans(kz.entries({"timezone": NY, "rules": [yearly]}), Window(date(2026, 1, 1), date(2027, 1, 1)))
    assert found == [days(date(2026, 3, 5))]


def test_daily_with_an_interval_never_matches_its_start_day():
    assert dates(rule("daily", date(2026, 1, 1), interval=3), until=date(2026, 1, 12)) == [
        date(2026, 1, 4), date(2026, 1, 7), date(2026, 1, 10)]
    assert dates(rule("daily", date(2026, 1, 1)), until=date(2026, 1, 4)) == [
        date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]


def test_monthly_and_yearly_with_an_interval_skip_a_start_on_the_1st():
    # the search from yesterday starts in the period before: Distance -1, trunc(-1 / N) * N = 0, so Kazoo takes the
    # start period for an inactive one and looks N periods ahead (the trunc bug of daily interval > 1)
    quarterly = dates(rule("monthly", date(2026, 4, 1), interval=3, days=[1]), date(2026, 3, 1), date(2027, 1, 2))
    assert quarterly == [date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1)]
    assert dates(rule("monthly", date(2026, 4, 1), interval=3, days=[1, 2]), date(2026, 3, 1),
                 date(2026, 4, 3)) == [date(2026, 4, 2)]
    assert dates(rule("monthly", date(2026, 4, 2), interval=3, days=[1, 2]), date(2026, 3, 1),
                 date(2026, 7, 2)) == [date(2026, 4, 2), date(2026, 7, 1)]  # a start after the 1st: nothing skipped
    mondays = dates(rule("monthly", date(2025, 9, 1), interval=2, ordinal="first", wdays=["monday"]),
                    date(2025, 8, 1), date(2026, 2, 1))
    assert mondays == [date(2025, 11, 3), date(2026, 1, 5)]  # 2025-09-01 is the first Monday, and skipped
    thursdays = dates(rule("monthly", date(2026, 1, 1), interval=2, ordinal="every", wdays=["thursday"]),
                      date(2026, 1, 1), date(2026, 1, 16))
    assert thursdays == [date(2026, 1, 8), date(2026, 1, 15)]
    new_year = dates(rule("yearly", date(2026, 1, 1), interval=2, month=1, days=[1]), date(2025, 1, 1),
                     date(2031, 1, 1))
    assert new_year == [date(2028, 1, 1), date(2030, 1, 1)]
    first_thursday = dates(rule("yearly", date(2026, 1, 1), interval=2, month=1, ordinal="first",
                                wdays=["thursday"]), date(2025, 1, 1), date(2029, 1, 1))
    assert first_thursday == [date(2028, 1, 6)]
    assert dates(rule("yearly", date(2026, 1, 1), month=1, days=[1]), date(2026, 1, 1), date(2027, 1, 2)) == [
        date(2026, 1, 1), date(2027, 1, 1)]  # interval 1: Distance -1 = trunc(-1 / 1)
    assert dates(rule("monthly", date(2026, 4, 1), days=[1]), date(2026, 4, 1), date(2026, 5, 2)) == [
        date(2026, 4, 1), date(2026, 5, 1)]


def test_weekly_counts_iso_weeks_from_the_week_of_start_date():
    # start on a Wednesday: week 0 is Monday 2026-01-05 .. Sunday 2026-01-11; its Monday is before the start
    found = dates(rule("weekly", date(2026, 1, 7), interval=2, wdays=["monday", "wednesday"]),
                  until=date(2026, 2, 1))
    assert found == [date(2026, 1, 7), date(2026, 1, 19), date(2026, 1, 21)]
    assert dates(rule("weekly", date(2026, 1, 7)), until=date(2026, 1, 10)) == [
        date(2026, 1, 7), date(2026, 1, 8), date(2026, 1, 9)]  # no wdays: all seven


@pytest.mark.parametrize(("listed", "extra"), [
    ([31], [date(2024, 5, 1), date(2024, 7, 1), date(2024, 10, 1), date(2024, 12, 1)]),
    ([30], [date(2024, 3, 1)]),
])
def test_monthly_days_past_the_end_of_a_month_also_match_the_next_1st(listed, extra):
    found = dates(rule("monthly", date(2024, 1, 1), days=listed), date(2024, 1, 1), date(2025, 1, 1))
    normal = [date(2024, m, listed[0]) for m in range(1, 13) if listed[0] <= days_in_month(2024, m)]
    assert found == sorted(normal + extra)


def test_monthly_29_and_a_range_to_31_match_1_march_2023():
    assert date(2023, 3, 1) in dates(rule("monthly", date(2023, 1, 1), days=[29]), date(2023, 1, 1), date(2024, 1, 1))
    found = dates(rule("monthly", date(2023, 2, 1), days=list(range(25, 32))), date(2023, 2, 1), date(2023, 3, 5))
    assert found == [date(2023, 2, d) for d in range(25, 29)] + [date(2023, 3, 1)]


def test_unsorted_days_lose_entries():
    assert dates(rule("monthly", date(2026, 1, 1), days=[15, 1]), date(2026, 1, 1), date(2026, 3, 1)) == [
        date(2026, 1, 15), date(2026, 2, 15)]
    assert dates(rule("yearly", date(2026, 1, 1), month=6, days=[26, 24, 25]), date(2026, 1, 1),
                 date(2027, 1, 1)) == [date(2026, 6, 26)]
    assert dates(rule("yearly", date(2026, 1, 1), month=6, days=[24, 25, 26]), date(2026, 1, 1),
                 date(2027, 1, 1)) == [date(2026, 6, 24), date(2026, 6, 25), date(2026, 6, 26)]


def test_monthly_fifth_also_matches_a_1st_that_is_that_weekday():
    fridays = dates(rule("monthly", date(2024, 1, 1), ordinal="fifth", wdays=["friday"]), date(2024, 1, 1),
                    date(2025, 1, 1))
    fifths = [d for d in (date(2024, m, 29) + timedelta(days=k) for m in range(1, 13) for k in range(3))
              if d.weekday() == 4 and d.month == (d - timedelta(days=28)).month]
    assert fridays == sorted({*fifths, date(2024, 3, 1), date(2024, 11, 1)})
    mondays = dates(rule("monthly", date(2024, 1, 2), ordinal="fifth", wdays=["monday"]), date(2024, 1, 1),
                    date(2025, 1, 1))
    assert {date(2024, 4, 1), date(2024, 7, 1)} <= set(mondays)
    # never from December onto 1 January: the guard `D1 < D2; M1 < M2` fails from month 12 to month 1
    thursdays = dates(rule("monthly", date(2026, 10, 1), ordinal="fifth", wdays=["thursday"]), date(2026, 10, 1),
                      date(2027, 2, 1))
    assert thursdays == [date(2026, 10, 1), date(2026, 10, 29), date(2026, 12, 31)]  # a 1st after September
    fridays = dates(rule("monthly", date(2026, 10, 1), ordinal="fifth", wdays=["friday"]), date(2026, 10, 1),
                    date(2027, 2, 1))
    assert fridays == [date(2026, 10, 30), date(2027, 1, 29)]  # 2027-01-01 is a Friday, and not matched


def test_yearly_invalid_dates_roll_over_and_ordinals_are_right():
    leap = dates(rule("yearly", date(2022, 1, 1), month=2, days=[29]), date(2022, 1, 1), date(2026, 1, 1))
    assert leap == [date(2022, 3, 1), date(2023, 3, 1), date(2024, 2, 29), date(2025, 3, 1)]
    assert dates(rule("yearly", date(2026, 1, 1), month=4, days=[31]), date(2026, 1, 1), date(2027, 1, 1)) == [
        date(2026, 5, 1)]
    thanksgiving = dates(rule("yearly", date(2023, 1, 1), month=11, ordinal="fourth", wdays=["thursday"]),
                         date(2023, 1, 1), date(2029, 1, 1))
    assert thanksgiving == [date(2023, 11, 23), date(2024, 11, 28), date(2025, 11, 27), date(2026, 11, 26),
                            date(2027, 11, 25), date(2028, 11, 23)]
    memorial = dates(rule("yearly", date(2026, 1, 1), month=5, ordinal="last", wdays=["monday"]), date(2026, 1, 1),
                     date(2028, 1, 1))
    assert memorial == [date(2026, 5, 25), date(2027, 5, 31)]
    fifth = dates(rule("yearly", date(2021, 1, 1), month=5, ordinal="fifth", wdays=["monday"]), date(2021, 1, 1),
                  date(2028, 1, 1))
    assert [d.year for d in fifth] == [2021, 2022, 2023, 2027]


def test_nothing_before_the_start_date_and_every_interval_counts_from_it():
    found = dates(rule("monthly", date(2026, 3, 15), interval=2, days=[10, 20]), date(2026, 1, 1), date(2026, 8, 1))
    assert found == [date(2026, 3, 20), date(2026, 5, 10), date(2026, 5, 20), date(2026, 7, 10), date(2026, 7, 20)]


@pytest.mark.parametrize(("fields", "error", "words"), [
    ({"cycle": "monthly", "ordinal": "first", "wdays": ["monday", "friday"]}, BadInputError, "crashes"),
    ({"cycle": "yearly", "ordinal": "last", "month": 5}, BadInputError, "crashes"),
    ({"cycle": "yearly", "ordinal": "every", "wdays": ["monday"]}, BadInputError, "crashes"),
    ({"cycle": "monthly", "ordinal": "fifth", "wdays": ["monday"], "interval": 2}, AmbiguousBodyError, "known bug"),
    ({"cycle": "hourly"}, BadInputError, "cycle"),
    ({"cycle": "monthly", "days": [0]}, BadInputError, "days"),
    ({"cycle": "weekly", "wdays": ["mon"]}, BadInputError, "wdays"),
    ({"cycle": "date", "time_window_stop": 90000}, BadInputError, "0-86400"),
    ({"cycle": "daily", "interval": 0}, BadInputError, "interval"),
])
def test_crashing_and_malformed_forms_are_refused_with_the_reason(fields, error, words):
    with pytest.raises(error, match=words):
        kz.entries({"timezone": NY, "rules": [{"name": "R", "start_date": rules.SCHEMA_START, **fields}]})


def test_enabled_overrides_the_time_fields_and_numeric_strings_are_read():
    always = rule("date", date(2020, 1, 1), enabled=True)
    assert kz.spans(kz.entries({"timezone": NY, "rules": [always]}), Window(date(2026, 1, 1), date(2026, 1, 3))) \
        == [days(date(2026, 1, 1), 2)]
    # the start gate comes first: a rule whose start date is to come is dropped before `enabled` is looked at
    later = rule("date", date(2026, 1, 2), enabled=True)
    assert kz.spans(kz.entries({"timezone": NY, "rules": [later]}), Window(date(2026, 1, 1), date(2026, 1, 4))) \
        == [days(date(2026, 1, 2), 2)]
    future = rule("date", date(2030, 1, 1), enabled=True)
    assert kz.spans(kz.entries({"timezone": NY, "rules": [future]}), Window(date(2026, 1, 1), date(2026, 1, 3))) \
        == []
    assert dates(rule("daily", enabled=False)) == []
    text = rule("date", date(2026, 3, 5), time_window_start="32400", time_window_stop="61199")
    assert kz.spans(kz.entries({"timezone": NY, "rules": [text]}), W) == [
        Span(datetime(2026, 3, 5, 9), datetime(2026, 3, 5, 17))]


def test_describe_says_it_in_words():
    def said(one):
        return kz.describe(kz.entries({"timezone": NY, "rules": [one]})[0])

    assert said(rule("yearly", date(2026, 11, 26), month=11, ordinal="fourth", wdays=["thursday"],
                     time_window_start=0, time_window_stop=86399)) == (
        "R: the 4th Thursday of November every year, from 2026-11-26, all day")
    assert said(rule("date", date(2026, 3, 5), time_window_start=32400, time_window_stop=61199)) == (
        "R: 2026-03-05, 09:00:00 to 16:59:59 inclusive")
    assert said({**rule("monthly", date(2026, 1, 1), days=[1, 15]), "end_date": 1}) == (
        "R: days 1, 15 of every month, from 2026-01-01, all day (end_date ignored by Kazoo 4.3)")


def test_downloaded_shapes_are_bodies():
    one = rule("date")
    assert kz.detect({"name": "x", "timezone": NY, "rules": []}) and kz.detect({"data": one})
    assert kz.detect({"data": [one]}) and kz.detect([one])
    assert not kz.detect({"data": [{"id": "x", "name": "y"}]}) and not kz.detect({"conditions": []})


# ---- the writer never proposes a buggy form -------------------------------------------------------------------

def safe(entry: kz.Entry, proposal: list[kz.Entry] = ()) -> bool:
    """Whether a rule is one of the forms SEMANTICS §7 lists as exact on Kazoo. A monthly rule with an interval
    above 1 starting on a 1st, or a yearly one starting on 1 January, skips its start day (trunc(-1 / N) = 0): it
    is safe only next to a `date` rule for that day with the same window."""
    fields = entry.fields
    if fields.get("interval", 1) > 1 and (
            (fields["cycle"] == "monthly" and entry.start.day == 1)
            or (fields["cycle"] == "yearly" and (entry.start.month, entry.start.day) == (1, 1))):
        window = (fields["time_window_start"], fields["time_window_stop"])
        if not any(e.fields["cycle"] == "date" and e.start == entry.start
                   and (e.fields["time_window_start"], e.fields["time_window_stop"]) == window for e in proposal):
            return False
    cycle, interval = fields["cycle"], fields.get("interval", 1)
    start, stop = fields["time_window_start"], fields["time_window_stop"]
    if not 0 <= start <= stop <= SECONDS_PER_DAY - 1:
        return False
    wdays, listed = fields.get("wdays"), fields.get("days")
    one_weekday = isinstance(wdays, list) and len(wdays) == 1 and listed is None
    if cycle == "date":
        return True
    if cycle == "daily":
        return interval == 1
    if cycle == "weekly":
        return bool(wdays) and wdays == sorted(wdays, key=rules.WEEKDAY_NAMES.index)
    if cycle == "monthly":
        if listed is not None:
            return listed == sorted(set(listed)) and all(1 <= d <= 28 for d in listed) and "ordinal" not in fields
        return one_weekday and fields.get("ordinal") in ("first", "second", "third", "fourth", "last")
    if cycle == "yearly":
        month = fields.get("month")
        if listed is not None:
            return (listed == sorted(set(listed)) and all(1 <= d <= days_in_month(2001, month) for d in listed)
                    and "ordinal" not in fields)
        return one_weekday and fields.get("ordinal") in ("first", "second", "third", "fourth", "fifth", "last")
    return False


@st.composite
def series(draw) -> Series:
    freq = draw(st.sampled_from([Freq.YEARLY, Freq.MONTHLY, Freq.WEEKLY, Freq.DAILY]))
    start = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    by = By.DATE
    weekdays: frozenset[int] = frozenset()
    if freq in (Freq.YEARLY, Freq.MONTHLY):
        by = draw(st.sampled_from([By.DATE, By.NTH, By.LAST, By.LAST_DAY] if freq is Freq.MONTHLY
                                  else [By.DATE, By.NTH, By.LAST]))
    if freq is Freq.WEEKLY:
        by = By.WEEKDAYS
        weekdays = frozenset(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7)))
    interval = draw(st.integers(1, 4))
    until = draw(st.none() | st.dates(start, date(2035, 1, 1)))
    shape = draw(st.sampled_from(["day", "days", "timed", "across"]))
    offset, length = {"day": (0, SECONDS_PER_DAY), "days": (0, draw(st.integers(2, 4)) * SECONDS_PER_DAY),
                      "timed": (draw(st.integers(0, 80000)), draw(st.integers(1, 6000))),
                      "across": (draw(st.integers(70000, 86399)), draw(st.integers(20000, 90000)))}[shape]
    return Series("S", Rule(freq, start, by, interval, until, weekdays), offset, length)


@given(one=series())
@settings(max_examples=300, deadline=None)
def test_the_writer_never_proposes_a_buggy_form(one):
    window = Window(date(2026, 1, 1), date(2029, 1, 1))
    for proposal in kz.candidates(one, window, zone=NY):
        assert all(safe(e, proposal) for e in proposal), [e.fields for e in proposal if not safe(e, proposal)]
        for entry in proposal:
            assert entry.fields["cycle"] == "date" or one.rule.until is None  # 4.3 never ends a recurring rule
        # a recurring rule never ends: it is exact past the window too, from its start on
        beyond = Window(one.rule.start, date(2036, 1, 1))
        assert kz.spans(proposal, beyond) == one.spans(beyond.span), [e.fields for e in proposal]
    for span in one.spans(window.span):
        assert all(safe(e) and e.fields["cycle"] == "date" for e in kz.once(span, zone=NY))


def test_weekly_iso_weeks_are_joined_only_when_they_are_the_sources_blocks():
    # every 2 weeks on Monday and Wednesday from Wednesday 2025-12-31: the source's Mondays are Jan 5 and 19, the
    # ISO weeks of a joined [monday, wednesday] rule give Jan 12 and 26, all after a window that ends with 2025
    window = Window(date(2025, 1, 1), date(2026, 1, 1))
    wkst = Series("S", Rule(Freq.WEEKLY, date(2025, 12, 31), By.WEEKDAYS, 2, None, frozenset({0, 2})), 0,
                  SECONDS_PER_DAY)
    proposals = list(kz.candidates(wkst, window))
    assert proposals and all(len(e.fields.get("wdays", [])) <= 1 for p in proposals for e in p)
    thursday = Series("S", Rule(Freq.WEEKLY, date(2025, 12, 29), By.WEEKDAYS, 2, None, frozenset({0, 3})), 0,
                      SECONDS_PER_DAY)  # from a Monday: every weekday is on or after it, one rule is exact
    assert [e.fields["wdays"] for e in next(kz.candidates(thursday, window))] == [["monday", "thursday"]]


def test_the_weekly_wkst_repro_is_exact_on_kazoos_code(tmp_path):
    path = tmp_path / "wkst.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:w1\r\n"
                    "DTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260101\r\n"
                    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,MO;WKST=WE\r\nSUMMARY:Fortnight\r\nEND:VEVENT\r\n"
                    "END:VCALENDAR\r\n")
    for until in (date(2026, 1, 1), date(2027, 1, 1)):
        result = convert([str(path)], "kazoo", Options(Window(date(2025, 1, 1), until), zone="UTC"))
        routed = set()
        for written in result.body["rules"]:
            built = kazoo_reference.build(written, rules.from_gregorian(written["start_date"], "UTC"))
            routed |= set(kazoo_reference.active_days(built, date(2025, 12, 1), date(2027, 6, 1)))
        source = {date(2025, 12, 31) + timedelta(days=14 * k + d) for k in range(40) for d in (0, 5)}
        assert routed <= source, sorted(routed - source)[:4]  # past the window too: a recurring rule never ends
        assert {d for d in routed if d < until} == {d for d in source if d < until}


def test_the_writer_splits_and_expands_what_kazoo_gets_wrong():
    window = Window(date(2026, 1, 1), date(2029, 1, 1))
    last_day = Series("S", Rule(Freq.MONTHLY, date(2026, 1, 31), By.LAST_DAY), 0, SECONDS_PER_DAY)
    assert list(kz.candidates(last_day, window)) == []  # days 29-31 roll over: written as dates
    leap = Series("S", Rule(Freq.YEARLY, date(2028, 2, 29)), 0, SECONDS_PER_DAY)
    assert list(kz.candidates(leap, window)) == []
    ended = Series("S", Rule(Freq.YEARLY, date(2026, 12, 25), until=date(2027, 12, 25)), 0, SECONDS_PER_DAY)
    assert list(kz.candidates(ended, window)) == []  # end_date is ignored by 4.3
    night = kz.once(Span(datetime(2026, 5, 1, 22), datetime(2026, 5, 3, 6)))
    assert [(e.start, e.fields["time_window_start"], e.fields["time_window_stop"]) for e in night] == [
        (date(2026, 5, 1), 79200, 86399), (date(2026, 5, 2), 0, 86399), (date(2026, 5, 3), 0, 21599)]
    christmas = Series("S", Rule(Freq.YEARLY, date(2026, 12, 24)), 0, 3 * SECONDS_PER_DAY)
    [joined, *_] = kz.candidates(christmas, window)
    assert [(e.fields["month"], e.fields["days"]) for e in joined] == [(12, [24, 25, 26])]
    new_year = Series("S", Rule(Freq.YEARLY, date(2026, 12, 31)), 0, 2 * SECONDS_PER_DAY)
    [split, *_] = kz.candidates(new_year, window)
    assert [(e.start, e.fields["month"], e.fields["days"]) for e in split] == [
        (date(2026, 12, 31), 12, [31]), (date(2027, 1, 1), 1, [1])]


# ---- writer against the references ----------------------------------------------------------------------------

@pytest.mark.parametrize("country", ["US", "GB", "DE", "JP", "IN"])
def test_holiday_bodies_match_the_holidays_package(country):
    window = Window(date(2026, 1, 1), date(2031, 1, 1))
    for open_ended in (False, True):
        result = convert([f"holidays:{country}"], "kazoo", Options(window, zone="Asia/Tokyo", open_ended=open_ended))
        listed = holidays.country_holidays(country, years=range(2026, 2031), language="en_US")
        assert kz.spans(kz.entries(result.body), window) == merge(days(d) for d in listed)
        if not open_ended:
            assert {r["cycle"] for r in result.body["rules"]} == {"date"}


@given(country=st.sampled_from(["US", "GB", "DE", "FR", "JP", "BR"]), first=st.integers(2020, 2040),
       years=st.integers(1, 6), open_ended=st.booleans(), zone=st.sampled_from([NY, "UTC", "Pacific/Kiritimati"]))
@settings(max_examples=15, deadline=None)
def test_any_holiday_window_is_exact_in_safe_forms(country, first, years, open_ended, zone):
    window = Window(date(first, 1, 1), date(first + years, 1, 1))
    result = convert([f"holidays:{country}"], "kazoo", Options(window, zone=zone, open_ended=open_ended))
    listed = holidays.country_holidays(country, years=range(first, first + years), language="en_US")
    found = kz.entries(result.body)
    assert kz.spans(found, window) == merge(days(d) for d in listed)
    assert all(safe(e, found) for e in found)
    for written in result.body["rules"]:  # start_date is local noon of its day
        local = datetime.fromtimestamp(written["start_date"] - rules.GREGORIAN_OFFSET, tz=__import__("zoneinfo")
                                       .ZoneInfo(zone))
        assert local.hour == 12 and local.minute == 0


@given(case=events(), target_zone=st.sampled_from([None, "Asia/Tokyo", "America/Los_Angeles"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_body_is_active_exactly_when_recurring_ical_events_says(tmp_path, case, target_zone):
    ics, zone = case
    path = tmp_path / "cal.ics"
    path.write_text(ics)
    wall = target_zone or zone or "UTC"
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    result = convert([str(path)], "kazoo", Options(window, zone=wall))
    found = kz.entries(result.body)
    assert kz.spans(found, window) == reference_spans(ics, wall, window)
    assert all(safe(e, found) for e in found)


# ---- round trip and command line ------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_round_trip_and_migration_to_the_other_platforms(tmp_path):
    window = ["--years", "2026-2030", "--timezone", NY]
    first = run("convert", "holidays:US", "--to", "kazoo", *window, "--name", "US", "--open-ended")
    assert first.exit_code == 0, first.stderr
    path = tmp_path / "us.json"
    path.write_text(first.stdout)
    again = run("convert", path, "--to", "kazoo", *window, "--name", "US")
    assert again.exit_code == 0, again.stderr
    span = Window(date(2026, 1, 1), date(2036, 1, 1))
    assert kz.spans(kz.entries(json.loads(again.stdout)), span) == kz.spans(kz.entries(json.loads(first.stdout)), span)
    assert json.loads(again.stdout)["rules"] == json.loads(first.stdout)["rules"]
    listed = tmp_path / "listed.json"  # a downloaded list of rules names no zone: read on the target's
    listed.write_text(json.dumps([{**r, "id": f"{n:032x}"} for n, r in enumerate(json.loads(first.stdout)["rules"])]))
    for target in ("netsapiens", "telphin", "3cx", "ics"):
        moved = run("convert", listed, "--to", target, *window)
        assert moved.exit_code == 0, moved.stderr
    back = run("convert", "holidays:US", "--to", "3cx", *window, "--open-ended")
    threecx = tmp_path / "3cx.json"
    threecx.write_text(back.stdout)
    assert run("convert", threecx, "--to", "kazoo", *window).exit_code == 0
    bare = run("convert", listed, "--to", "telphin", "--years", "2026-2030")
    assert bare.exit_code == 2 and str(listed) in bare.stderr and "--timezone" in bare.stderr


def test_cli_convert_verify_and_preview(tmp_path):
    result = run("convert", "holidays:US", "--to", "kazoo", "--years", "2026-2028", "--timezone", "America/Chicago",
                 "--name", "Office")
    assert result.exit_code == 0 and "verified" in result.stderr and "kazoo entries" in result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"name", "timezone", "rules"} and body["timezone"] == "America/Chicago"
    assert [r["name"] for r in body["rules"]][:2] == ["Office #1", "Office #2"]
    path = tmp_path / "office.json"
    path.write_text(result.stdout)
    assert run("verify", path, "holidays:US", "--years", "2026-2028").exit_code == 0
    wrong = run("verify", path, "holidays:GB", "--years", "2026-2028")
    assert wrong.exit_code == 1 and "differs" in wrong.stderr
    buggy = json.loads(result.stdout)
    buggy["rules"].append({**buggy["rules"][0], "name": "Office #99", "cycle": "monthly", "days": [31]})
    path.write_text(json.dumps(buggy))
    caught = run("verify", path, "holidays:US", "--years", "2026-2028")
    assert caught.exit_code == 1 and "active in the body but not in the source" in caught.stderr
    path.write_text(result.stdout)
    preview = run("preview", path, "--year", "2027", "--no-color")
    assert preview.exit_code == 0 and "2027-11-25, all day" in preview.stdout
    missing = run("convert", "holidays:US", "--to", "2600hz", "--years", "2026")
    assert missing.exit_code == 2 and "--timezone" in missing.stderr and missing.stderr.count("\n") == 1


# ---- differential: rules.py against an independent literal port of Kazoo's date code --------------------------

PENDING: set[tuple[str, str | None]] = set()
REACH = {"date": 40, "daily": 60, "weekly": 120, "monthly": 3 * 366, "yearly": 7 * 366}


FORMS = [("date", None), ("daily", None), ("weekly", None), *((c, f) for c in ("monthly", "yearly")
                                                              for f in ("days", *rules.ORDINALS))]


@st.composite
def kazoo_rules(draw, cycle, form, interval):
    """Rule fields of that cycle, form and interval, with start dates biased to 1sts, month ends, 1 January."""
    year = draw(st.integers(2019, 2030))
    start = draw(st.sampled_from(["any", "first", "new year", "end"]))
    if start == "any":
        day = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
    elif start == "first":
        day = date(year, draw(st.integers(1, 12)), 1)
    elif start == "new year":
        day = date(year, 1, 1)
    else:
        month = draw(st.integers(1, 12))
        day = date(year, month, days_in_month(year, month) - draw(st.integers(0, 2)))
    fields = {"cycle": cycle, "interval": interval, "time_window_start": 0, "time_window_stop": 86399}
    if cycle == "weekly":
        fields["wdays"] = draw(st.lists(st.sampled_from(rules.WEEKDAY_NAMES), max_size=4))
    if form == "days":
        listed = draw(st.lists(st.integers(1, 31), min_size=1, max_size=4, unique=True))
        fields["days"] = sorted(listed) if draw(st.integers(0, 3)) else listed
    elif form is not None:
        fields["ordinal"] = form
        fields["wdays"] = draw(st.lists(st.sampled_from(rules.WEEKDAY_NAMES), min_size=1, max_size=1)
                               | st.lists(st.sampled_from(rules.WEEKDAY_NAMES), max_size=2, unique=True))
    if cycle == "yearly":
        fields["month"] = draw(st.sampled_from([1, 1, 2, 12, *range(1, 13)]))
    if draw(st.integers(0, 9)) == 0:
        fields["enabled"] = draw(st.booleans())
    return fields, day


def reference_days(fields, start, first, until):
    """The days Kazoo (the port) routes at noon, or None when it crashes on one of them."""
    built = kazoo_reference.build(fields, start)
    try:
        return kazoo_reference.active_days(built, first, until)
    except kazoo_reference.Crash:
        return None


def pbxcal_days(fields, start, first, until):
    one = {"name": "R", **fields, "start_date": rules.to_gregorian(start, NY)}
    meaning = rules.read(one, NY)
    noon = timedelta(hours=12)
    return sorted({s.start.date() + timedelta(days=n) for s in rules.spans(meaning, first, until)
                   for n in range((s.end - s.start).days + 1)
                   if s.start <= midnight(s.start.date() + timedelta(days=n)) + noon < s.end})


@pytest.mark.parametrize("interval", [1, 2, 3, 4])
@pytest.mark.parametrize(("cycle", "form"), FORMS)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_the_evaluator_agrees_with_a_literal_port_of_kazoos_code(cycle, form, interval, data):
    if (cycle, form) in PENDING:
        return
    fields, start = data.draw(kazoo_rules(cycle, form, interval))
    first, until = start - timedelta(days=3), start + timedelta(days=REACH[fields["cycle"]])
    expected = reference_days(fields, start, first, until)
    try:
        found = pbxcal_days(fields, start, first, until)
    except (BadInputError, AmbiguousBodyError):
        # refused: a form that crashes Kazoo (here, or on some day: yearly every), or monthly fifth with an interval
        assert expected is None or (cycle, form) == ("yearly", "every") or (
            (cycle, form) == ("monthly", "fifth") and interval > 1)
        return
    assert expected is not None, "pbxcal reads a rule that crashes Kazoo"
    assert found == expected, (sorted(set(found) - set(expected))[:5], sorted(set(expected) - set(found))[:5])


def test_the_quarterly_1st_repro_is_exact_on_kazoos_code(tmp_path):
    """FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1 from 2025-01-01 written from 2026-03-10: Kazoo would skip 2026-04-01
    (the written start); the body carries a `date` rule for it, and the port of Kazoo's code agrees day by day."""
    path = tmp_path / "q.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:q1\r\n"
                    "DTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250101\r\nDTEND;VALUE=DATE:20250102\r\n"
                    "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1\r\nSUMMARY:Quarter close\r\nEND:VEVENT\r\n"
                    "END:VCALENDAR\r\n")
    zone = "Europe/Berlin"
    result = convert([str(path)], "kazoo", Options(Window(date(2026, 3, 10), date(2029, 1, 1)), zone=zone))
    first, until = date(2026, 3, 10), date(2030, 1, 1)
    routed = set()
    for written in result.body["rules"]:
        built = kazoo_reference.build(written, rules.from_gregorian(written["start_date"], zone))
        routed |= set(kazoo_reference.active_days(built, first, until))
    wanted = {date(y, m, 1) for y in range(2026, 2030) for m in (1, 4, 7, 10)} - {date(2026, 1, 1)}
    assert sorted(routed) == sorted(wanted)


def test_verify_and_preview_read_a_body_without_a_zone_on_the_timezone_given(tmp_path):
    """Rules downloaded from an account that inherits its zone carry "timezone": null: --timezone names it."""
    result = run("convert", "holidays:US", "--to", "kazoo", "--years", "2026-2027", "--timezone", "America/Chicago",
                 "--name", "Office")
    body = json.loads(result.stdout)
    body["timezone"] = None
    path = tmp_path / "inherits.json"
    path.write_text(json.dumps(body))
    chicago = ["--timezone", "America/Chicago"]
    verified = run("verify", path, "holidays:US", "--years", "2026-2027", *chicago)
    assert verified.exit_code == 0 and "verified" in verified.stderr, verified.stderr
    wrong = run("verify", path, "holidays:GB", "--years", "2026-2027", *chicago)
    assert wrong.exit_code == 1 and "differs" in wrong.stderr
    shown = run("preview", path, "--year", "2027", "--no-color", *chicago)
    assert shown.exit_code == 0 and "2027-11-25, all day" in shown.stdout, shown.stderr
    for command in (["verify", path, "holidays:US", "--years", "2026-2027"], ["preview", path, "--year", "2027"]):
        bare = run(*command)
        assert bare.exit_code == 2 and str(path) in bare.stderr and "--timezone" in bare.stderr, bare.stderr
