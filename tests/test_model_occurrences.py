"""Rule.occurrences by date arithmetic against dateutil's expansion of the same rule (model._expanded)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal.model import By, Freq, Rule, _expanded

PICKS = st.sampled_from([By.DATE, By.NTH, By.LAST, By.LAST_DAY])


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    freq = draw(st.sampled_from([Freq.DAILY, Freq.WEEKLY, Freq.MONTHLY, Freq.YEARLY]))
    start = draw(st.dates(date(1995, 1, 1), date(2040, 12, 31)))
    until = draw(st.none() | st.dates(start - timedelta(days=40), start + timedelta(days=4000)))
    weekdays = draw(st.frozensets(st.integers(0, 6), max_size=7)) if freq is Freq.WEEKLY else frozenset()
    by = By.WEEKDAYS if freq is Freq.WEEKLY else By.DATE if freq is Freq.DAILY else draw(PICKS)
    return Rule(freq, start, by, draw(st.integers(1, 40)), until, weekdays)


@settings(max_examples=1500, deadline=None)
@given(rules(), st.integers(-800, 6000), st.integers(0, 3000))
def test_occurrences_equal_dateutils(rule, offset, days):
    first = rule.start + timedelta(days=offset)
    until = first + timedelta(days=days)
    assert rule.occurrences(first, until) == list(_expanded(rule, first, until))


def test_occurrences_skip_months_without_the_day():
    rule = Rule(Freq.MONTHLY, date(2026, 1, 31))
    assert rule.occurrences(date(2026, 1, 1), date(2026, 6, 1)) == [date(2026, 1, 31), date(2026, 3, 31),
                                                                     date(2026, 5, 31)]
    fifth = Rule(Freq.MONTHLY, date(2026, 1, 29), By.NTH)  # the fifth Thursday
    assert fifth.occurrences(date(2026, 1, 1), date(2026, 6, 1)) == [date(2026, 1, 29), date(2026, 4, 30)]
    leap = Rule(Freq.YEARLY, date(2024, 2, 29), until=date(2032, 3, 1))
    assert leap.occurrences(date(2020, 1, 1), date(2040, 1, 1)) == [date(2024, 2, 29), date(2028, 2, 29),
                                                                    date(2032, 2, 29)]
