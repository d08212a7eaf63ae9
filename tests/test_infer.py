"""Rule inference: hand-checked holiday cases and properties against dateutil's own expansion."""

from datetime import date, datetime, time, timedelta

import holidays
from dateutil import rrule as du
from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal.infer import infer_rules
from pbxcal.model import By, Freq, Rule


def occurrences(rules: list[Rule], first: date, until: date) -> set[date]:
    return {d for r in rules for d in r.occurrences(first, until)}


def dates_of(country: str, name: str, years: range, **kwargs) -> list[date]:
    found = holidays.country_holidays(country, years=years, language="en_US", **kwargs)
    return sorted(d for d in found if name in found.get_list(d))


def test_thanksgiving_is_one_fourth_thursday_rule():
    days = dates_of("US", "Thanksgiving Day", range(2026, 2036))
    [rule] = infer_rules(days)
    assert (rule.freq, rule.by, rule.start, rule.until) == (Freq.YEARLY, By.NTH, date(2026, 11, 26), date(2035, 11, 22))
    assert rule.nth == 4 and rule.start.weekday() == 3


def test_memorial_day_is_last_monday_of_may():
    [rule] = infer_rules(dates_of("US", "Memorial Day", range(2026, 2036)))
    assert (rule.freq, rule.by, rule.start.month, rule.start.weekday()) == (Freq.YEARLY, By.LAST, 5, 0)


def test_gb_spring_bank_holiday_2022_breaks_the_rule():
    days = dates_of("GB", "Spring Bank Holiday", range(2019, 2026), subdiv="ENG")
    rules = infer_rules(days)
    assert occurrences(rules, date(2019, 1, 1), date(2026, 1, 1)) == set(days)
    yearly = [r for r in rules if r.freq is Freq.YEARLY]
    assert [(r.start.year, r.until.year) for r in yearly] == [(2019, 2021), (2023, 2025)]
    assert [r.start for r in rules if r.freq is Freq.ONCE] == [date(2022, 6, 2)]


def test_de_easter_monday_fits_no_rule_and_becomes_one_offs():
    days = dates_of("DE", "Easter Monday", range(2026, 2031))
    rules = infer_rules(days)
    assert all(r.freq is Freq.ONCE for r in rules) and sorted(r.start for r in rules) == days


def test_jp_marine_day_olympic_years_are_one_offs():
    days = dates_of("JP", "Marine Day", range(2018, 2026))
    rules = infer_rules(days)
    assert occurrences(rules, date(2018, 1, 1), date(2026, 1, 1)) == set(days)
    third_mondays = [r for r in rules if r.by is By.NTH and r.nth == 3 and r.start.weekday() == 0]
    assert [(r.start.year, r.until.year) for r in third_mondays] == [(2018, 2019), (2022, 2025)]
    # 2020 and 2021 (the Olympic moves) happen to be 4th Thursdays: either one-offs or that two-year rule.
    assert occurrences([r for r in rules if r not in third_mondays], date(2018, 1, 1), date(2026, 1, 1)) == {
        date(2020, 7, 23), date(2021, 7, 22)}


def test_weekly_monday_to_friday_is_one_rule():
    start = date(2026, 1, 5)
    days = [start + timedelta(days=i) for i in range(52 * 7) if (start + timedelta(days=i)).weekday() < 5]
    [rule] = infer_rules(days)
    assert (rule.freq, rule.weekdays, rule.interval) == (Freq.WEEKLY, frozenset(range(5)), 1)


def test_monthly_last_friday_and_every_two_weeks():
    last_fridays = [d.date() for d in du.rrule(du.MONTHLY, byweekday=du.FR(-1), count=24,
                                                dtstart=date(2026, 1, 1))]
    [rule] = infer_rules(last_fridays)
    assert (rule.freq, rule.by, rule.start.weekday()) == (Freq.MONTHLY, By.LAST, 4)
    fortnightly = [date(2026, 1, 6) + timedelta(days=14 * i) for i in range(30)]
    [rule] = infer_rules(fortnightly)
    assert (rule.freq, rule.interval, rule.weekdays) == (Freq.WEEKLY, 2, frozenset({1}))


FREQS = {"YEARLY": du.YEARLY, "MONTHLY": du.MONTHLY, "WEEKLY": du.WEEKLY, "DAILY": du.DAILY}


@st.composite
def plain_rules(draw):
    freq = draw(st.sampled_from(sorted(FREQS)))
    start = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
    kwargs = {}
    if freq == "YEARLY":
        month = draw(st.integers(1, 12))
        kwargs = {"bymonth": month}
        kwargs.update(draw(st.sampled_from([
            {"bymonthday": draw(st.integers(1, 28))},
            {"byweekday": du.weekday(draw(st.integers(0, 6)), draw(st.sampled_from([1, 2, 3, 4, -1])))},
        ])))
        interval = 1
    elif freq == "MONTHLY":
        kwargs = draw(st.sampled_from([
            {"bymonthday": draw(st.integers(1, 31))},
            {"bymonthday": -1},
            {"byweekday": du.weekday(draw(st.integers(0, 6)), draw(st.sampled_from([1, 2, 3, 4, -1])))},
        ]))
        interval = draw(st.sampled_from([1, 2, 3]))
    elif freq == "WEEKLY":
        kwargs = {"byweekday": sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=7)))}
        interval = draw(st.sampled_from([1, 2, 3]))
    else:
        interval = draw(st.integers(1, 10))
    return du.rrule(FREQS[freq], dtstart=start, interval=interval, until=date(2029, 12, 31), **kwargs)


@given(plain_rules(), st.sets(st.integers(0, 200), max_size=3))
@settings(max_examples=150, deadline=None)
def test_inferred_rules_give_exactly_the_dates(rule, dropped):
    days = [d.date() for d in rule]
    days = [d for n, d in enumerate(days) if n not in dropped]
    inferred = infer_rules(days)
    assert occurrences(inferred, date(2026, 1, 1), date(2030, 1, 1)) == set(days)
    if not dropped and len(days) >= 3:
        # RFC weeks start on WKST; a rule's weeks start on its first day. Every second week on several days,
        # begun mid-week, therefore needs the first partial week apart.
        mid_week = rule._freq == du.WEEKLY and rule._interval > 1 and len(rule._byweekday) > 1
        assert len(inferred) <= (2 if mid_week else 1), inferred


def test_a_long_interval_is_taken_for_all_of_a_series_not_for_a_coincidence_among_other_dates():
    from datetime import timedelta

    from pbxcal.infer import Capabilities
    from pbxcal.model import Freq

    open_caps = Capabilities({Freq.DAILY: None, Freq.WEEKLY: None, Freq.MONTHLY: None, Freq.YEARLY: 1})
    first = date(2026, 1, 5)
    every_126 = [first + timedelta(days=126 * k) for k in range(3)]
    [alone] = infer_rules(every_126, open_caps)  # every 126 days = every 18 weeks on Monday
    assert alone.freq is not Freq.ONCE and alone.occurrences(first, date(2027, 1, 1)) == every_126
    mixed = infer_rules([*every_126, date(2026, 3, 3), date(2026, 7, 21)], open_caps)
    assert all(rule.freq is Freq.ONCE for rule in mixed)  # three Mondays among other closures are no series


def test_the_cost_of_a_weekly_rule_is_what_each_target_writes_for_it():
    from pbxcal.infer import Capabilities
    from pbxcal.model import Freq

    def weekly(*days: int) -> Rule:
        return Rule(Freq.WEEKLY, date(2026, 1, 5), By.WEEKDAYS, weekdays=frozenset(days))

    caps = {kind: Capabilities({}, weekdays=kind) for kind in ("each", "ranges", "any")}
    assert [caps[k].cost(weekly(0, 2, 4)) for k in ("each", "ranges", "any")] == [3, 3, 1]  # Mon, Wed, Fri
    assert [caps[k].cost(weekly(0, 1, 2, 3, 4)) for k in ("each", "ranges", "any")] == [5, 1, 1]  # Mon-Fri
    assert caps["ranges"].cost(weekly(5, 6, 0)) == 1  # Sat, Sun, Mon: one range across the week's end
    assert caps["ranges"].cost(weekly(*range(7))) == 1


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([Freq.DAILY, Freq.WEEKLY]), st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       st.integers(1, 60), st.frozensets(st.integers(0, 6), min_size=1), st.integers(-30, 4000))
def test_next_after_steps_like_dateutil(freq, start, interval, weekdays, offset):
    """The arithmetic next occurrence equals dateutil's: one RRULE, weekly with BYDAY and the week starting on the
    start's weekday (the model's 7-day blocks from the start)."""
    rule = Rule(freq, start, By.WEEKDAYS if freq is Freq.WEEKLY else By.DATE, interval,
                weekdays=weekdays | {start.weekday()} if freq is Freq.WEEKLY else frozenset())
    day = start + timedelta(days=offset)
    if freq is Freq.WEEKLY:
        reference = du.rrule(du.WEEKLY, dtstart=datetime.combine(start, time()), interval=interval,
                             byweekday=sorted(rule.weekdays), wkst=start.weekday())
    else:
        reference = du.rrule(du.DAILY, dtstart=datetime.combine(start, time()), interval=interval)
    assert rule.next_after(day) == reference.after(datetime.combine(day, time())).date()
