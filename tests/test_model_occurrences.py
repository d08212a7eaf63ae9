"""Rule.occurrences and Rule.next_after by date arithmetic against dateutil's expansion of the same rule
(model._expanded, and next_after as it stood before its arithmetic, below)."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

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


def reference_next_after(rule: Rule, day: date) -> date | None:
    """dateutil's next occurrence of the rule's own RRULEs, without `until`: next_after before its arithmetic."""
    after = [r.after(datetime.combine(day, time())) for r in replace(rule, until=None)._rrules()]
    found = [d.date() for d in after if d is not None]
    return min(found) if found else None


@settings(max_examples=1500, deadline=None)
@given(rules(), st.integers(-800, 12000))
def test_next_after_equals_dateutils(rule, offset):
    day = rule.start + timedelta(days=offset)
    assert rule.next_after(day) == reference_next_after(rule, day)


def test_next_after_skips_months_without_the_day_and_ends_with_the_calendar():
    assert Rule(Freq.MONTHLY, date(2026, 1, 31)).next_after(date(2026, 1, 31)) == date(2026, 3, 31)
    leap = Rule(Freq.YEARLY, date(2000, 2, 29), interval=100)
    assert leap.next_after(date(2000, 2, 29)) == date(2400, 2, 29) == reference_next_after(leap, date(2000, 2, 29))
    last = Rule(Freq.MONTHLY, date(9999, 11, 30), By.LAST_DAY)
    assert last.next_after(date(9999, 12, 30)) == date(9999, 12, 31)
    assert last.next_after(date(9999, 12, 31)) is None
