"""Webex: the evaluator against hand-worked readings of SEMANTICS.md section 8, the forms it refuses, the writer's
forms, its bodies against the holidays package and recurring_ical_events, the round trip through the reader, and
CLI transcripts."""

import json
from datetime import date, datetime, timedelta

import holidays
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import events

from conftest import reference_spans
from pbxcal import Options, Window, convert
from pbxcal.cli import main
from pbxcal.errors import AmbiguousBodyError, BadInputError
from pbxcal.model import Freq
from pbxcal.platforms.webex import target as wx
from pbxcal.spans import Span, merge, subtract

W = Window(date(2026, 1, 1), date(2029, 1, 1))
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{}END:VCALENDAR\r\n"


def event(first, last=None, start=None, end=None, recurrence=None, name="Day"):
    found = {"name": name, "startDate": first.isoformat(), "endDate": (last or first).isoformat(),
             "allDayEnabled": start is None}
    if start is not None:
        found.update(startTime=start, endTime=end)
    if recurrence is not None:
        found["recurrence"] = recurrence
    return found


def days(first, count=1):
    return Span(datetime.combine(first, datetime.min.time()),
                datetime.combine(first + timedelta(days=count), datetime.min.time()))


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute)


def yearly_by_date(day, month, end=None):
    return {"recurForEver": end is None, **({"recurEndDate": end} if end else {}),
            "recurYearlyByDate": {"dayOfMonth": day, "month": month}}


def yearly_by_day(day, week, month, end=None):
    return {"recurForEver": end is None, **({"recurEndDate": end} if end else {}),
            "recurYearlyByDay": {"day": day, "week": week, "month": month}}


def weekly(*names, end=None):
    return {"recurForEver": end is None, **({"recurEndDate": end} if end else {}),
            "recurWeekly": {key: key in names for key in wx.WEEKLY_KEYS}}


def calendar_file(tmp_path, *vevents, name="cal.ics"):
    path = tmp_path / name
    body = "".join(f"BEGIN:VEVENT\r\nUID:e{n}\r\nDTSTAMP:20250101T000000Z\r\n{v}END:VEVENT\r\n"
                   for n, v in enumerate(vevents))
    path.write_text(ICS.format(body))
    return path


# ---- evaluator, by hand ---------------------------------------------------------------------------------------

def test_all_day_events_cover_their_days_and_timed_ones_end_at_their_closing_minute():
    assert wx.spans([event(date(2026, 7, 4))], W) == [days(date(2026, 7, 4))]
    assert wx.spans([event(date(2026, 12, 24), date(2026, 12, 26))], W) == [days(date(2026, 12, 24), 3)]
    day = date(2026, 3, 5)
    assert wx.spans([event(day, start="09:30", end="12:00")], W) == [Span(at(day, 9, 30), at(day, 12))]
    # 23:59 is the exclusive closing minute like any other: the event misses the day's last minute (SEMANTICS §8)
    assert wx.spans([event(day, start="17:00", end="23:59")], W) == [Span(at(day, 17), at(day, 23, 59))]
    # allDayEnabled replaces the times (documented)
    assert wx.spans([{**event(day), "startTime": "09:00", "endTime": "10:00"}], W) == [days(day)]


def test_yearly_recurrences_by_date_by_nth_and_last_weekday():
    christmas = event(date(2026, 12, 25), recurrence=yearly_by_date(25, "DECEMBER"))
    assert wx.spans([christmas], W) == [days(date(y, 12, 25)) for y in (2026, 2027, 2028)]
    thanksgiving = event(date(2026, 11, 26), recurrence=yearly_by_day("THURSDAY", "FOURTH", "NOVEMBER"))
    # November 2026 has four Thursdays: FOURTH is the 4th, also when it is the last
    assert wx.spans([thanksgiving], W) == [days(date(2026, 11, 26)), days(date(2027, 11, 25)),
                                           days(date(2028, 11, 23))]
    memorial = event(date(2026, 5, 25), recurrence=yearly_by_day("MONDAY", "LAST", "MAY"))
    assert wx.spans([memorial], W) == [days(date(2026, 5, 25)), days(date(2027, 5, 31)), days(date(2028, 5, 29))]


def test_weekly_recurrence_and_an_end_date_that_is_no_occurrence_reads_the_same_either_way():
    # Monday and Friday lunch from Friday 2026-01-02; recurEndDate Tuesday 2026-01-13: the last is Monday the 12th
    lunch = event(date(2026, 1, 2), start="12:00", end="13:00", recurrence=weekly("monday", "friday",
                                                                                 end="2026-01-13"))
    assert wx.spans([lunch], W) == [Span(at(d, 12), at(d, 13)) for d in
                                    (date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 9), date(2026, 1, 12))]
    ended = event(date(2026, 1, 1), recurrence=yearly_by_date(1, "JANUARY", end="2027-01-02"))
    assert wx.spans([ended], W) == [days(date(2026, 1, 1)), days(date(2027, 1, 1))]


def test_read_event_gives_the_series_and_describe_says_it_in_words():
    series = wx.read_event(event(date(2026, 11, 26), recurrence=yearly_by_day("THURSDAY", "FOURTH", "NOVEMBER"),
                                 name="Thanksgiving 2026-11-26 #2"))
    assert series.rule.freq is Freq.YEARLY and series.rule.until is None
    assert wx.describe(event(date(2026, 12, 25), recurrence=yearly_by_date(25, "DECEMBER", end="2028-12-26"),
                             name="Christmas Day")) == (
        "Christmas Day: 25 December, every year, all day, from 2026-12-25 through 2028-12-25")
    assert wx.describe(event(date(2026, 3, 5), start="09:00", end="23:59", name="Late 2026-03-05")) == (
        "Late: 2026-03-05, 09:00-23:59")
    # wxcadm sends dayOfMonth as a zero-padded string
    assert wx.spans([event(date(2026, 1, 1), recurrence=yearly_by_date("01", "JANUARY"))], W)[0] == days(
        date(2026, 1, 1))


FOREVER_AND_END = {**yearly_by_date(1, "JANUARY"), "recurEndDate": "2027-01-02"}
NEITHER = {"recurYearlyByDate": {"dayOfMonth": 1, "month": "JANUARY"}}
TWO = {**yearly_by_date(1, "JANUARY"), "recurWeekly": weekly("thursday")["recurWeekly"]}


@pytest.mark.parametrize(("bad", "error", "words"), [
    (event(date(2026, 1, 1), recurrence=yearly_by_date(1, "JANUARY", end="2027-01-01")), AmbiguousBodyError,
     "itself an occurrence"),
    (event(date(2026, 1, 5), recurrence=weekly("monday", "tuesday", end="2026-01-13")), AmbiguousBodyError,
     "itself an occurrence"),
    (event(date(2026, 1, 1), recurrence=FOREVER_AND_END), AmbiguousBodyError, "both"),
    (event(date(2026, 1, 1), recurrence=NEITHER), AmbiguousBodyError, "neither"),
    (event(date(2026, 1, 1), recurrence=TWO), AmbiguousBodyError, "2 patterns"),
    (event(date(2021, 11, 3), start="09:00", end="17:00", recurrence=weekly("monday")), AmbiguousBodyError,
     "not an occurrence"),  # the docs' own example: a Wednesday start, Mondays only
    (event(date(2026, 11, 27), recurrence=yearly_by_day("THURSDAY", "FOURTH", "NOVEMBER")), AmbiguousBodyError,
     "not an occurrence"),
    (event(date(2026, 5, 18), recurrence=yearly_by_day("MONDAY", "LAST", "MAY")), AmbiguousBodyError,
     "not an occurrence"),
    (event(date(2028, 2, 29), recurrence=yearly_by_date(29, "FEBRUARY")), AmbiguousBodyError, "29 February"),
    (event(date(2026, 1, 1), date(2026, 1, 2), start="18:00", end="09:00"), AmbiguousBodyError, "several days"),
    (event(date(2026, 12, 24), date(2026, 12, 26), recurrence=yearly_by_date(24, "DECEMBER")), AmbiguousBodyError,
     "recurring event over several days"),
    (event(date(2026, 1, 1), start="18:00", end="24:00"), AmbiguousBodyError, "24:00"),
    (event(date(2026, 1, 1), start="9:00", end="17:00"), BadInputError, "HH:MM"),
    (event(date(2026, 1, 1), start="17:00", end="09:00"), BadInputError, "not after"),
    (event(date(2026, 1, 2), date(2026, 1, 1)), BadInputError, "before startDate"),
    (event(date(2026, 1, 1), recurrence=yearly_by_date(1, "JANUARY", end="2025-01-02")), BadInputError,
     "before startDate"),
    ({**event(date(2026, 1, 1)), "colour": "red"}, BadInputError, "unknown field"),
    (event(date(2026, 1, 1), recurrence={**yearly_by_date(1, "JANUARY"), "recurDaily": {}}), BadInputError,
     "weekly or yearly only"),
    (event(date(2026, 1, 1), recurrence=yearly_by_date(1, "Jan")), BadInputError, "JANUARY"),
    ({**event(date(2026, 1, 1)), "startDate": "20260101"}, BadInputError, "YYYY-MM-DD"),
    ({**event(date(2026, 1, 1)), "allDayEnabled": "yes"}, BadInputError, "allDayEnabled"),
])
def test_forms_the_contract_leaves_open_or_malformed_are_refused_with_the_field_named(bad, error, words):
    with pytest.raises(error, match=words):
        wx.spans([bad], W)


def test_shapes_a_download_or_a_backup_may_have_are_bodies_and_business_hours_is_refused():
    one = {**event(date(2026, 1, 1)), "id": "Y2lz"}
    assert wx.detect({"timezone": "UTC", "schedule": {"name": "x", "type": "holidays", "events": []}})
    assert wx.detect({"id": "Y2lz", "name": "x", "type": "holidays", "events": [one]})
    assert wx.entries({"id": "Y2lz", "name": "x", "type": "holidays", "events": [one]}) == [one]
    assert not wx.detect({"name": "x", "timezone": "UTC", "holidays": []}) and not wx.detect([one])
    with pytest.raises(BadInputError, match="businessHours"):
        wx.entries({"name": "x", "type": "businessHours", "events": []})


# ---- writer ---------------------------------------------------------------------------------------------------

def assert_well_formed(body):
    """Every event reads back, names are unique, one-day events only, startDate an occurrence of its pattern
    (read_event refuses otherwise), and every recurEndDate is the day after the last occurrence and no occurrence."""
    found = wx.entries(body)
    assert len({e["name"] for e in found}) == len(found)
    for one in found:
        series = wx.read_event(one)
        assert one["startDate"] == one["endDate"] and one.get("endTime") not in ("24:00", "00:00")
        end = one.get("recurrence", {}).get("recurEndDate")
        if end:
            last = series.rule.occurrences(series.rule.start, series.rule.until + timedelta(days=1))[-1]
            assert date.fromisoformat(end) == last + timedelta(days=1)


def test_us_holidays_recur_natively_and_open_ended_ones_recur_for_ever():
    window = Window(date(2026, 1, 1), date(2036, 1, 1))
    result = convert(["holidays:US"], "webex", Options(window, zone="America/New_York", open_ended=True))
    assert_well_formed(result.body)
    by_name = {e["name"]: e for e in wx.entries(result.body)}
    assert by_name["Thanksgiving Day"]["recurrence"] == {
        "recurForEver": True, "recurYearlyByDay": {"day": "THURSDAY", "week": "FOURTH", "month": "NOVEMBER"}}
    assert by_name["Memorial Day"]["recurrence"]["recurYearlyByDay"]["week"] == "LAST"
    assert by_name["Christmas Day"]["recurrence"]["recurYearlyByDate"] == {"dayOfMonth": 25, "month": "DECEMBER"}
    assert len(wx.entries(result.body)) < 40
    assert result.body["schedule"]["type"] == "holidays" and result.body["timezone"] == "America/New_York"


def test_a_rule_with_an_end_stops_the_day_after_its_last_occurrence():
    result = convert(["holidays:US"], "webex", Options(W, zone="America/New_York"))
    assert_well_formed(result.body)
    christmas = next(e for e in wx.entries(result.body) if e["name"] == "Christmas Day")
    assert christmas["recurrence"] == {"recurForEver": False, "recurEndDate": "2028-12-26",
                                       "recurYearlyByDate": {"dayOfMonth": 25, "month": "DECEMBER"}}


MONTHLY = ("SUMMARY:Payroll\r\nDTSTART;VALUE=DATE:20260115\r\nRRULE:FREQ=MONTHLY\r\n",
           "SUMMARY:Month end\r\nDTSTART;VALUE=DATE:20260131\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1\r\n",
           "SUMMARY:Quarterly\r\nDTSTART;VALUE=DATE:20260112\r\nRRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=2MO\r\n")


def test_anything_monthly_is_written_as_one_off_events_as_semantics_says(tmp_path):
    result = convert([str(calendar_file(tmp_path, *MONTHLY))], "webex", Options(W, zone="UTC"))
    assert_well_formed(result.body)
    found = wx.entries(result.body)
    assert not any("recurrence" in e for e in found) and len(found) == 36 + 36 + 12
    assert {o.status for o in result.report.outcomes.values()} == {"expanded"}


def test_monthly_as_yearly_per_month_is_exact_where_the_contract_allows_it(tmp_path, monkeypatch):
    monkeypatch.setattr(wx, "MONTHLY_AS_YEARLY", True)
    result = convert([str(calendar_file(tmp_path, *MONTHLY))], "webex", Options(W, zone="UTC"))
    assert_well_formed(result.body)
    found = wx.entries(result.body)
    payroll = [e for e in found if wx.item_of(e) == "Payroll"]
    assert len(payroll) == 12 and all("recurYearlyByDate" in e["recurrence"] for e in payroll)
    month_end = [e for e in found if wx.item_of(e) == "Month end"]
    assert sum("recurrence" in e for e in month_end) == 11  # 28 and 29 February have no yearly form
    assert sorted(e["startDate"] for e in month_end if "recurrence" not in e) == [
        "2026-02-28", "2027-02-28", "2028-02-29"]
    quarterly = [e for e in found if wx.item_of(e) == "Quarterly"]
    assert [e["recurrence"]["recurYearlyByDay"]["week"] for e in quarterly] == ["SECOND"] * 4
    assert any("one-offs" in r for o in result.report.outcomes.values() for r in o.reasons)


def test_the_registry_knows_webex_by_name_and_alias(tmp_path):
    from pbxcal.platforms import get_client, get_target

    assert get_target("webex") is wx and get_target("Webex-Calling") is wx
    assert get_client("webex").DEFAULT_SERVER == "https://webexapis.com"


def test_every_day_is_weekly_on_seven_days_and_an_end_no_date_can_say_is_split(tmp_path):
    path = calendar_file(tmp_path, "SUMMARY:Stocktake\r\nDTSTART:20260601T080000\r\nDTEND:20260601T120000\r\n"
                                   "RRULE:FREQ=DAILY;UNTIL=20260614T080000\r\n")
    found = wx.entries(convert([str(path)], "webex", Options(W, zone="UTC")).body)
    assert len(found) == 2  # the weekday after the last day (Monday the 15th) runs on its own
    assert {tuple(k for k, v in e["recurrence"]["recurWeekly"].items() if v) for e in found} == {
        ("sunday", "tuesday", "wednesday", "thursday", "friday", "saturday"), ("monday",)}
    assert {e["recurrence"]["recurEndDate"] for e in found} == {"2026-06-15", "2026-06-09"}
    assert wx.spans(found, W) == [Span(at(date(2026, 6, d), 8), at(date(2026, 6, d), 12)) for d in range(1, 15)]


def test_a_multi_day_closure_is_one_event_per_day_each_recurring_when_it_can(tmp_path):
    path = calendar_file(tmp_path, "SUMMARY:Christmas closure\r\nDTSTART;VALUE=DATE:20261224\r\n"
                                   "DTEND;VALUE=DATE:20261227\r\nRRULE:FREQ=YEARLY\r\n",
                         "SUMMARY:Thanksgiving break\r\nDTSTART;VALUE=DATE:20261126\r\nDTEND;VALUE=DATE:20261128\r\n"
                         "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\n")
    found = wx.entries(convert([str(path)], "webex", Options(W, zone="UTC")).body)
    christmas = [e for e in found if wx.item_of(e) == "Christmas closure"]
    assert [e["recurrence"]["recurYearlyByDate"]["dayOfMonth"] for e in christmas] == [24, 25, 26]
    thanksgiving = [e for e in found if wx.item_of(e) == "Thanksgiving break"]
    # the Thursday recurs; the Friday after the 4th Thursday is no Webex pattern: one event per year
    assert sum("recurrence" in e for e in thanksgiving) == 1 and len(thanksgiving) == 4


def test_a_timed_span_ending_at_midnight_ends_at_23_59_and_is_reported(tmp_path):
    path = calendar_file(tmp_path, "SUMMARY:Late\r\nDTSTART:20260305T180000\r\nDTEND:20260307T090000\r\n")
    result = convert([str(path)], "webex", Options(W, zone="UTC"))
    found = wx.entries(result.body)
    assert [(e["startDate"], e["allDayEnabled"], e.get("startTime"), e.get("endTime")) for e in found] == [
        ("2026-03-05", False, "18:00", "23:59"), ("2026-03-06", True, None, None),
        ("2026-03-07", False, "00:00", "09:00")]
    assert result.report.lossy and any("23:59" in n for i in result.schedule.items for n in i.notes)
    day = date(2026, 3, 5)
    assert wx.spans(found, W) == [Span(at(day, 18), at(day, 23, 59)), Span(at(day + timedelta(days=1), 0),
                                                                             at(day + timedelta(days=2), 9))]


def test_body_names_are_unique_and_a_body_needs_a_zone():
    twice = wx.once(Span(datetime(2026, 5, 1, 9), datetime(2026, 5, 1, 10)), name="Meeting") + wx.once(
        Span(datetime(2026, 5, 1, 14), datetime(2026, 5, 1, 15)), name="Meeting") + wx.once(
        Span(datetime(2026, 5, 2, 9), datetime(2026, 5, 2, 10)), name="Meeting")
    names = [e["name"] for e in wx.body(twice, "Office", "UTC")["schedule"]["events"]]
    assert names == ["Meeting 2026-05-01", "Meeting 2026-05-01 #2", "Meeting 2026-05-02"]
    assert wx.body(twice[:1], "Office", "UTC")["schedule"]["events"][0]["name"] == "Meeting"
    with pytest.raises(BadInputError, match="--timezone"):
        wx.body(twice, "Office", None)


@pytest.mark.parametrize("country", ["US", "GB", "DE", "JP", "IN"])
def test_holiday_bodies_match_the_holidays_package(country):
    window = Window(date(2026, 1, 1), date(2031, 1, 1))
    for open_ended in (False, True):
        result = convert([f"holidays:{country}"], "webex", Options(window, zone="UTC", open_ended=open_ended))
        listed = holidays.country_holidays(country, years=range(2026, 2031), language="en_US")
        assert wx.spans(wx.entries(result.body), window) == merge(days(d) for d in listed)
        assert_well_formed(result.body)


@given(country=st.sampled_from(["US", "GB", "DE", "FR", "JP", "BR"]), first=st.integers(2020, 2040),
       years=st.integers(1, 6), open_ended=st.booleans())
@settings(max_examples=15, deadline=None)
def test_any_holiday_window_is_exact_and_well_formed(country, first, years, open_ended):
    window = Window(date(first, 1, 1), date(first + years, 1, 1))
    result = convert([f"holidays:{country}"], "webex", Options(window, zone="UTC", open_ended=open_ended))
    listed = holidays.country_holidays(country, years=range(first, first + years), language="en_US")
    assert wx.spans(wx.entries(result.body), window) == merge(days(d) for d in listed)
    assert_well_formed(result.body)


def before_midnight(spans):
    """The minutes [23:59, 24:00) of each day: the only time a Webex body may leave out (reported)."""
    found = []
    for span in spans:
        day = span.start.date()
        while datetime.combine(day, datetime.min.time()) < span.end:
            found.append(Span(at(day, 23, 59), at(day + timedelta(days=1), 0)))
            day += timedelta(days=1)
    return merge(found)


@given(case=events(), target_zone=st.sampled_from([None, "Asia/Tokyo", "America/Los_Angeles"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_body_is_active_exactly_when_recurring_ical_events_says(tmp_path, case, target_zone):
    ics, zone = case
    path = tmp_path / "cal.ics"
    path.write_text(ics)
    wall = target_zone or zone or "UTC"
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    result = convert([str(path)], "webex", Options(window, zone=wall))
    written = wx.spans(wx.entries(result.body), window)
    reference = reference_spans(ics, wall, window)
    assert_well_formed(result.body)
    assert not subtract(written, reference)  # never active when the source is not
    missing = subtract(reference, written)  # only a timed day's last minute before midnight, and then reported
    assert not subtract(missing, before_midnight(missing))
    assert not missing or any(i.approximated for i in result.schedule.items)


# ---- round trip and command line ------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_round_trip_body_to_reader_to_writer_and_migration_to_the_other_platforms(tmp_path):
    window = ["--years", "2026-2030", "--timezone", "America/New_York"]
    first = run("convert", "holidays:US", "--to", "webex", *window, "--name", "US", "--open-ended")
    assert first.exit_code == 0, first.stderr
    path = tmp_path / "us.json"
    path.write_text(first.stdout)
    again = run("convert", path, "--to", "webex", *window, "--name", "US")
    assert again.exit_code == 0, again.stderr
    span = Window(date(2026, 1, 1), date(2031, 1, 1))
    assert wx.spans(wx.entries(json.loads(again.stdout)), span) == wx.spans(wx.entries(json.loads(first.stdout)), span)
    recurring = {e["name"]: e.get("recurrence") for e in wx.entries(json.loads(again.stdout))}
    assert recurring["Thanksgiving Day"]["recurForEver"] is True  # open-ended stays open-ended
    downloaded = tmp_path / "downloaded.json"  # a schedule as GET .../holidays/{id} answers it: no zone, ids
    schedule = json.loads(first.stdout)["schedule"]
    downloaded.write_text(json.dumps({"id": "Y2lz", **schedule,
                                      "events": [{**e, "id": f"e{n}"} for n, e in enumerate(schedule["events"])]}))
    for target in ("netsapiens", "telphin", "3cx", "ics"):
        migrated = run("convert", downloaded, "--to", target, *window)
        assert migrated.exit_code == 0, (target, migrated.stderr)
    netsapiens = json.loads(run("convert", downloaded, "--to", "netsapiens", *window).stdout)
    assert any(e["timeframe-recurrence-type"] == "yearly-last" for e in netsapiens["timeframe-specific-dates-array"])
    back = tmp_path / "telphin.json"
    back.write_text(run("convert", "holidays:US", "--to", "telphin", *window).stdout)
    assert run("convert", back, "--to", "webex", *window).exit_code == 0


def test_cli_convert_verify_preview_and_strict(tmp_path):
    result = run("convert", "holidays:US", "--to", "webex", "--years", "2026-2028", "--timezone", "America/Chicago",
                 "--name", "Office")
    assert result.exit_code == 0 and "verified" in result.stderr and "webex entries" in result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"timezone", "schedule"} and set(body["schedule"]) == {"name", "type", "events"}
    path = tmp_path / "office.json"
    path.write_text(result.stdout)
    assert run("verify", path, "holidays:US", "--years", "2026-2028").exit_code == 0
    wrong = run("verify", path, "holidays:GB", "--years", "2026-2028")
    assert wrong.exit_code == 1 and "differs" in wrong.stderr
    preview = run("preview", path, "--year", "2027", "--no-color")
    assert preview.exit_code == 0, preview.stderr
    assert ("- Thanksgiving Day: 4th Thursday of November, every year, all day, from 2026-11-26 through 2028-11-23"
            in preview.stdout)
    missing = run("convert", "holidays:US", "--to", "webex", "--years", "2026")
    assert missing.exit_code == 2 and "--timezone" in missing.stderr and missing.stderr.count("\n") == 1
    late = calendar_file(tmp_path, "SUMMARY:Late\r\nDTSTART:20260305T180000\r\nDTEND:20260306T000000\r\n",
                         name="late.ics")
    strict = run("convert", late, "--to", "webex", "--years", "2026", "--timezone", "UTC", "--strict")
    assert strict.exit_code == 3 and "23:59" in strict.stderr and json.loads(strict.stdout)
    ambiguous = tmp_path / "ambiguous.json"
    ambiguous.write_text(json.dumps({"name": "x", "type": "holidays", "events": [
        event(date(2026, 1, 1), recurrence=yearly_by_date(1, "JANUARY", end="2027-01-01"))]}))
    refused = run("convert", ambiguous, "--to", "ics", "--years", "2026")
    assert refused.exit_code == 2 and "itself an occurrence" in refused.stderr
    assert refused.stderr.count("\n") == 1 and refused.stdout == ""
