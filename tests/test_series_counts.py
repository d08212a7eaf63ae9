"""Entry counts for series a platform expresses natively (the target-aware rules table): each body verifies
against recurring_ical_events' expansion of the calendar, and its entry count is pinned where it reached the
native form. Calendars: tests/data/series (written for these tests; see SOURCES.md)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import DATA
from pbxcal import Options, Window, convert
from pbxcal.platforms import get_target
from pbxcal.spans import Span, clip, merge

SERIES = DATA / "series"
ZONE = "America/New_York"
# calendar, years, NetSapiens entries, Telphin conditions (the table's "now" was 75/99, 42/53, 7, 5, -/12, -/8, -/9;
# None: not pinned, the body is still checked)
COUNTS = [
    ("every-30-days", (2026, 2035), 1, 1),
    ("every-10-weeks", (2026, 2035), 1, 1),
    ("every-18-months", (2026, 2035), 1, None),
    ("every-2-years", (2026, 2035), 1, None),
    ("last-friday-every-2-months", (2026, 2027), None, 6),
    ("last-friday-monthly", (2026, 2027), 1, 13),  # Telphin: month + Friday + last 7 days, 11 months; February per year
    ("second-monday-quarterly", (2026, 2027), None, 4),  # not the 91-day cycle that fits 2026-2029 only
    ("fifth-friday", (2026, 2027), None, 1),
    ("last-day-evening", (2026, 2027), None, 7),
    ("weekdays-berlin-lunch", (2026, 2035), None, 41),  # one weekly block per stretch between the zones' changes
]


def _days(path, window: Window) -> set[date]:
    """The days the calendar is active on, by recurring_ical_events (the reference, not pbxcal's reader)."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    found = recurring_ical_events.of(calendar).between(datetime(window.first.year, 1, 1),
                                                       datetime(window.until.year, 1, 1))
    return {e["DTSTART"].dt if isinstance(e["DTSTART"].dt, date) and not isinstance(e["DTSTART"].dt, datetime)
            else e["DTSTART"].dt.date() for e in found}


@pytest.mark.parametrize(("name", "years", "netsapiens", "telphin"), COUNTS, ids=[c[0] for c in COUNTS])
def test_native_forms_are_one_entry_where_the_platform_has_one(name, years, netsapiens, telphin):
    window = Window(date(years[0], 1, 1), date(years[1] + 1, 1, 1))
    path = SERIES / f"{name}.ics"
    expected_days = _days(path, window)
    for target, pinned in (("netsapiens", netsapiens), ("telphin", telphin)):
        result = convert([str(path)], target, Options(window, zone=ZONE))  # verified against the source
        module = get_target(target)
        entries = module.entries(result.body)
        active = {span.start.date() for span in module.spans(entries, window)}
        assert active == expected_days
        if pinned is not None:
            assert len(entries) == pinned, (target, len(entries))


def test_a_rule_with_one_occurrence_in_all_is_written_as_a_one_off():
    from pbxcal.model import By, Freq, Rule, Schedule, Series
    from pbxcal.pipeline import write
    from pbxcal.report import Report

    ns = get_target("netsapiens")
    window = Window(date(2026, 1, 1), date(2029, 1, 1))
    ended = Rule(Freq.YEARLY, date(2028, 11, 23), By.NTH, 1, date(2028, 11, 23))  # "from 2028-11-23 to 2028-11-23"
    schedule = Schedule("x", None, window, [], [Series("Late", ended, 0, 86400, frozenset({"k"}))])
    [entry] = write(schedule, ns, Report([]))
    assert entry[ns.TYPE] == "doesNotRecur" and entry[ns.BEGIN_DATE] == "20281123"


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def recurring_calendars(draw) -> tuple[str, str]:
    """An all-day event with a generated rule: every N days or weeks (N up to a year's worth), monthly on an
    n-th weekday (1-5, last) every 1-3 months, or on the last day of the month."""
    start = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
    kind = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    if kind == "DAILY":
        rule = f"FREQ=DAILY;INTERVAL={draw(st.integers(2, 120))}"
    elif kind == "WEEKLY":
        rule = f"FREQ=WEEKLY;INTERVAL={draw(st.integers(2, 20))};BYDAY={WEEKDAYS[start.weekday()]}"
    elif draw(st.booleans()):
        nth = draw(st.sampled_from([1, 2, 3, 4, 5, -1]))
        rule = f"FREQ=MONTHLY;INTERVAL={draw(st.integers(1, 3))};BYDAY={nth}{WEEKDAYS[start.weekday()]}"
    else:
        rule = "FREQ=MONTHLY;BYMONTHDAY=-1"
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN", "BEGIN:VEVENT",
                        "UID:generated@pbxcal.test", "DTSTAMP:20260101T000000Z", f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                        f"RRULE:{rule}", "SUMMARY:Generated", "END:VEVENT", "END:VCALENDAR", ""])
    return text, rule


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recurring_calendars())
def test_generated_intervals_and_ordinals_are_exact_on_every_target(tmp_path, calendar):
    text, rule = calendar
    path = tmp_path / "generated.ics"
    path.write_text(text, newline="")
    window = Window(date(2026, 1, 1), date(2029, 1, 1))
    expected_days = _days(path, window)
    for target in ("netsapiens", "telphin"):
        result = convert([str(path)], target, Options(window, zone=ZONE))
        module = get_target(target)
        active = {span.start.date() + __import__("datetime").timedelta(days=k) for span in
                  module.spans(module.entries(result.body), window)
                  for k in range((span.end - span.start).days or 1)}
        assert active == expected_days, (rule, target)


def _body_days(target: str, body, window: Window) -> set[date]:
    module = get_target(target)
    return {span.start.date() + timedelta(days=k) for span in module.spans(module.entries(body), window)
            for k in range((span.end - span.start).days or 1)}


def test_a_quarterly_ordinal_stays_right_after_the_window():
    """2nd Monday of Jan/Apr/Jul/Oct: every 91 days over 2026-2029, but not in 2030 (14 Jan, then 15 Apr is the
    3rd Monday); the body takes the calendar form, so it keeps matching the source after the window."""
    path = SERIES / "second-monday-quarterly.ics"
    window, after = Window(date(2026, 1, 1), date(2028, 1, 1)), Window(date(2028, 1, 1), date(2040, 1, 1))
    for target in ("netsapiens", "telphin"):
        result = convert([str(path)], target, Options(window, zone=ZONE))
        assert _body_days(target, result.body, after) == _days(path, after), target


@st.composite
def month_set_calendars(draw) -> tuple[str, str]:
    """An open-ended all-day event on the n-th (or last) weekday of a set of months, or every N months on it."""
    months = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=6)))
    nth = draw(st.sampled_from([1, 2, 3, 4, -1]))
    weekday = draw(st.sampled_from(WEEKDAYS))
    if draw(st.booleans()):
        rule = f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYDAY={nth}{weekday}"
    else:
        rule = f"FREQ=MONTHLY;INTERVAL={draw(st.integers(2, 6))};BYDAY={nth}{weekday}"
    start = date(2026, months[0], 1)
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN", "BEGIN:VEVENT",
                        "UID:month-set@pbxcal.test", "DTSTAMP:20260101T000000Z", f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                        f"RRULE:{rule}", "SUMMARY:Generated", "END:VEVENT", "END:VCALENDAR", ""])
    return text, rule


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month_set_calendars())
def test_month_sets_are_exact_and_never_wrong_after_the_window(tmp_path, calendar):
    """In the window the body is the source (recurring_ical_events); after it, whatever the body still says is
    what the source says (a rule that fits the window by coincidence must end with it, or not be chosen)."""
    text, rule = calendar
    path = tmp_path / "generated.ics"
    path.write_text(text, newline="")
    window, after = Window(date(2026, 1, 1), date(2028, 1, 1)), Window(date(2028, 1, 1), date(2045, 1, 1))
    for target in ("netsapiens", "telphin"):
        result = convert([str(path)], target, Options(window, zone=ZONE))
        assert _body_days(target, result.body, window) == _days(path, window), (rule, target)
        assert _body_days(target, result.body, after) <= _days(path, after), (rule, target)


def test_a_native_form_with_more_entries_than_dates_gives_way_to_the_dates(tmp_path):
    """Three last Fridays: Telphin's every-month form takes 12 conditions, its dates three."""
    text = (SERIES / "last-friday-monthly.ics").read_text().replace("BYDAY=-1FR", "BYDAY=-1FR;COUNT=3")
    path = tmp_path / "three.ics"
    path.write_text(text)
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    result = convert([str(path)], "telphin", Options(window, zone=ZONE))
    assert len(get_target("telphin").entries(result.body)) == 3
    assert _body_days("telphin", result.body, window) == _days(path, window) == {
        date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)}
    [item] = result.report.as_json()["items"]
    assert "its telphin form takes 12 entries, its dates fewer" in item["reason"]  # 11 months + February 2026


PAIR_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo",
              "Europe/London", "Pacific/Auckland", "UTC"]


@st.composite
def zone_pair_meetings(draw) -> tuple[str, str, str]:
    """A weekly meeting on some weekdays in one zone, and the PBX's zone it is read on."""
    source, pbx = draw(st.sampled_from(PAIR_ZONES)), draw(st.sampled_from(PAIR_ZONES))
    days = sorted(draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1, max_size=5)), key=WEEKDAYS.index)
    start = datetime(2026, 1, 5, draw(st.integers(7, 18)), draw(st.sampled_from([0, 30])))
    minutes = draw(st.sampled_from([30, 60, 90]))
    until = draw(st.sampled_from(["", ";UNTIL=20270630T000000Z"]))
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN", "BEGIN:VEVENT",
                        "UID:pair@pbxcal.test", "DTSTAMP:20260101T000000Z",
                        f"DTSTART;TZID={source}:{start:%Y%m%dT%H%M%S}", f"DURATION:PT{minutes}M",
                        f"RRULE:FREQ=WEEKLY;BYDAY={','.join(days)}{until}", "SUMMARY:Meeting", "END:VEVENT",
                        "END:VCALENDAR", ""])
    return text, source, pbx


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zone_pair_meetings())
def test_weekly_meetings_read_on_another_zones_clock_are_exact(tmp_path, meeting):
    """Every target's body is active on the PBX's wall clock exactly when the meeting is (recurring_ical_events'
    occurrences moved to the PBX's zone by UTC arithmetic), whether the two zones change clocks on the same days
    or not."""
    text, source, pbx = meeting
    path = tmp_path / "meeting.ics"
    path.write_text(text, newline="")
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    calendar = icalendar.Calendar.from_ical(text)
    expected = []
    for event in recurring_ical_events.of(calendar).between(datetime(2025, 12, 30), datetime(2028, 1, 2)):
        start, end = (event[k].dt.astimezone(ZoneInfo(pbx)).replace(tzinfo=None) for k in ("DTSTART", "DTEND"))
        assume(end - start == event["DTEND"].dt - event["DTSTART"].dt)  # no clock change of the PBX inside it
        expected.append(Span(start, end))
    expected = clip(merge(expected), window.span)
    for target in ("netsapiens", "telphin", "ics"):
        result = convert([str(path)], target, Options(window, zone=pbx))
        module = get_target(target)
        assert module.spans(module.entries(result.body), window) == expected, (source, pbx, target)


def _calendar(tmp_path, name: str, *lines: str):
    path = tmp_path / f"{name}.ics"
    path.write_text("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN", "BEGIN:VEVENT",
                                 f"UID:{name}@pbxcal.test", "DTSTAMP:20260101T000000Z", *lines, f"SUMMARY:{name}",
                                 "END:VEVENT", "END:VCALENDAR", ""]), newline="")
    return path


def test_an_open_ended_rule_keeps_its_form_even_where_its_dates_would_be_fewer(tmp_path):
    """24-26 December every year: three day conditions merged into one (days 24-26), recurring after the window,
    not two date ranges that run out (the count is taken after merging, and a rule without end keeps its form)."""
    path = _calendar(tmp_path, "xmas", "DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227", "RRULE:FREQ=YEARLY")
    window, after = Window(date(2026, 1, 1), date(2028, 1, 1)), Window(date(2028, 1, 1), date(2032, 1, 1))
    result = convert([str(path)], "telphin", Options(window, zone=ZONE))
    assert len(get_target("telphin").entries(result.body)) == 1
    christmases = {date(year, 12, day) for year in range(2028, 2032) for day in (24, 25, 26)}
    assert _body_days("telphin", result.body, after) == christmases


def test_the_february_remark_is_made_whenever_the_per_month_form_is_written(tmp_path):
    """March 2026 - January 2027 holds no February: the 11 month conditions recur, later Februaries do not."""
    path = _calendar(tmp_path, "lastfri", "DTSTART;VALUE=DATE:20260327", "RRULE:FREQ=MONTHLY;BYDAY=-1FR")
    result = convert([str(path)], "telphin", Options(Window(date(2026, 3, 1), date(2027, 2, 1)), zone=ZONE))
    [item] = result.report.as_json()["items"]
    assert "February has no Telphin form for every year" in (item["reason"] or "")
