"""3CX: the evaluator against hand-worked readings of SEMANTICS.md section 6, the writer's forms, its bodies against
the holidays package and recurring_ical_events, the round trip through the reader, and CLI transcripts."""

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
from pbxcal.platforms import get_target
from pbxcal.platforms.threecx import durations
from pbxcal.platforms.threecx import target as tx
from pbxcal.spans import Span, merge

W = Window(date(2026, 1, 1), date(2029, 1, 1))


def holiday(first, last=None, start="PT0S", end="PT23H59M", recurrent=False, name="Body · Item 2026-01-01"):
    last = last or first
    return {"Name": name, "Year": first.year, "Month": first.month, "Day": first.day, "YearEnd": last.year,
            "MonthEnd": last.month, "DayEnd": last.day, "TimeOfStartDate": start, "TimeOfEndDate": end,
            "IsRecurrent": recurrent}


def days(first, count=1):
    return Span(datetime.combine(first, datetime.min.time()),
                datetime.combine(first + timedelta(days=count), datetime.min.time()))


# ---- evaluator, by hand ---------------------------------------------------------------------------------------

def test_whole_day_and_multi_day_ranges_run_through_the_end_of_their_last_day():
    assert tx.spans([holiday(date(2026, 12, 24), date(2026, 12, 26))], W) == [days(date(2026, 12, 24), 3)]
    assert tx.spans([holiday(date(2026, 7, 4))], W) == [days(date(2026, 7, 4))]


def test_timed_holidays_end_at_their_closing_instant_and_pt23h59m_means_midnight():
    found = tx.spans([holiday(date(2026, 3, 5), start="PT9H30M", end="PT12H")], W)
    assert found == [Span(datetime(2026, 3, 5, 9, 30), datetime(2026, 3, 5, 12))]
    found = tx.spans([holiday(date(2026, 3, 5), start="PT17H", end="PT23H59M")], W)
    assert found == [Span(datetime(2026, 3, 5, 17), datetime(2026, 3, 6))]
    found = tx.spans([holiday(date(2026, 3, 5), start="PT17H", end="PT23H58M")], W)
    assert found == [Span(datetime(2026, 3, 5, 17), datetime(2026, 3, 5, 23, 58))]


def test_a_recurrent_holiday_is_active_every_year_whatever_its_year_fields_say():
    found = tx.spans([holiday(date(2030, 12, 24), date(2030, 12, 26), recurrent=True)], W)
    assert found == [days(date(year, 12, 24), 3) for year in (2026, 2027, 2028)]


def test_a_recurrent_timed_holiday_is_that_time_on_its_month_day_every_year():
    evening = holiday(date(2030, 12, 24), start="PT12H", end="PT23H59M", recurrent=True)
    assert tx.spans([evening], W) == [Span(datetime(y, 12, 24, 12), datetime(y, 12, 25)) for y in (2026, 2027, 2028)]
    meeting = holiday(date(2020, 5, 1), start="PT9H30M", end="PT17H", recurrent=True)
    assert tx.spans([meeting], Window(date(2026, 3, 1), date(2027, 3, 1))) == [
        Span(datetime(2026, 5, 1, 9, 30), datetime(2026, 5, 1, 17))]


@pytest.mark.parametrize(("bad", "error", "words"), [
    (holiday(date(2026, 1, 1), date(2026, 1, 2), start="PT9H"), AmbiguousBodyError, "whole days"),
    (holiday(date(2028, 2, 29), recurrent=True), AmbiguousBodyError, "29 February"),
    (holiday(date(2026, 12, 31), date(2027, 1, 1), recurrent=True), AmbiguousBodyError, "31 December"),
    (holiday(date(2026, 1, 1), start="PT12H", end="PT9H"), BadInputError, "ends before"),
    (holiday(date(2026, 1, 1), end="PT24H"), BadInputError, "TimeOfEndDate"),
    (holiday(date(2026, 1, 1), end="PT"), BadInputError, "TimeOfEndDate"),
    (holiday(date(2026, 1, 1), end="09:00"), BadInputError, "TimeOfEndDate"),
    ({**holiday(date(2026, 1, 1)), "Day": 32}, BadInputError, "no date"),
    ({**holiday(date(2026, 1, 1)), "Colour": "red"}, BadInputError, "unknown"),
    ({**holiday(date(2026, 1, 1)), "IsRecurrent": "yes"}, BadInputError, "IsRecurrent"),
])
def test_forms_the_contract_leaves_open_or_malformed_are_refused_with_the_field_named(bad, error, words):
    with pytest.raises(error, match=words):
        tx.spans([bad], W)


def test_durations_read_and_write_the_few_forms_3cx_uses():
    assert [durations.seconds(t, "t") for t in ("PT0S", "PT9H30M", "PT23H59M", "PT45M", "PT1H0M30S")] == [
        0, 34200, 86340, 2700, 3630]
    assert [durations.text(s) for s in (0, 34200, 2700)] == ["PT0S", "PT9H30M", "PT45M"]
    assert durations.text(86400, end_of_day=tx.END_OF_DAY) == "PT23H59M"


def test_describe_says_it_in_words():
    christmas = holiday(date(2026, 12, 24), date(2026, 12, 26), recurrent=True, name="Office · Christmas 2026-12-24")
    assert tx.describe(christmas) == "Christmas: 24-26 December every year, whole days"
    assert tx.describe(holiday(date(2026, 11, 26), name="Office · Thanksgiving Day 2026-11-26")) == (
        "Thanksgiving Day: 2026-11-26, all day")
    evening = holiday(date(2026, 3, 5), start="PT9H", end="PT23H59M", name="x")
    assert tx.describe(evening) == "x: 2026-03-05, 09:00-24:00"


def test_downloaded_shapes_are_bodies():
    one = holiday(date(2026, 1, 1))
    assert tx.detect({"name": "x", "timezone": "UTC", "holidays": []})
    assert tx.detect({"@odata.context": "x", "value": [{**one, "Id": 4}]}) and tx.detect([one])
    assert not tx.detect({"conditions": []}) and not tx.detect([])


# ---- writer ---------------------------------------------------------------------------------------------------

def test_us_holidays_open_ended_recur_only_on_fixed_dates_and_floating_ones_are_one_per_year():
    window = Window(date(2026, 1, 1), date(2036, 1, 1))
    result = convert(["holidays:US"], "3cx", Options(window, zone="America/New_York", open_ended=True))
    found = result.body["holidays"]
    recurrent = {tx.item_of(h) for h in found if h["IsRecurrent"]}
    assert "Christmas Day" in recurrent and "Independence Day" in recurrent
    thanksgiving = [h for h in found if tx.item_of(h) == "Thanksgiving Day"]
    assert len(thanksgiving) == 10 and not any(h["IsRecurrent"] for h in thanksgiving)
    assert all(h["Name"].startswith("Holidays US · ") for h in found)
    assert len({h["Name"] for h in found}) == len(found)
    assert all((h["Month"], h["Day"]) != (2, 29) for h in found if h["IsRecurrent"])


def test_without_an_open_ended_source_nothing_recurs():
    result = convert(["holidays:GB"], "3cx", Options(W, zone="Europe/London"))
    assert not any(h["IsRecurrent"] for h in result.body["holidays"])


def test_a_timed_span_across_midnight_is_one_holiday_per_day_and_never_pt24h():
    found = tx.once(Span(datetime(2026, 5, 1, 18), datetime(2026, 5, 4, 9)), name="Move")
    assert [(h["Day"], h["DayEnd"], h["TimeOfStartDate"], h["TimeOfEndDate"]) for h in found] == [
        (1, 1, "PT18H", "PT23H59M"), (2, 3, "PT0S", "PT23H59M"), (4, 4, "PT0S", "PT9H")]
    assert tx.spans(found, W) == [Span(datetime(2026, 5, 1, 18), datetime(2026, 5, 4, 9))]


def test_a_new_year_closure_recurs_as_two_holidays_never_across_31_december(tmp_path):
    path = tmp_path / "ny.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:ny\r\nDTSTAMP:20250101T000000Z\r\n"
                    "SUMMARY:New Year closure\r\nDTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260103\r\n"
                    "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    window = Window(date(2026, 6, 1), date(2029, 6, 1))  # from January on, Jan 1-2 2026 would be its own piece
    found = convert([str(path)], "3cx", Options(window, zone="Europe/Berlin")).body["holidays"]
    assert all(h["IsRecurrent"] for h in found) and len(found) == 2
    assert {(h["Month"], h["Day"], h["MonthEnd"], h["DayEnd"]) for h in found} == {(12, 31, 12, 31), (1, 1, 1, 2)}


def test_body_names_are_unique_and_a_body_needs_a_zone():
    twice = tx.once(Span(datetime(2026, 5, 1, 9), datetime(2026, 5, 1, 10)), name="Meeting") + tx.once(
        Span(datetime(2026, 5, 1, 14), datetime(2026, 5, 1, 15)), name="Meeting")
    names = [h["Name"] for h in tx.body(twice, "Office", "UTC")["holidays"]]
    assert names == ["Office · Meeting 2026-05-01", "Office · Meeting 2026-05-01 #2"]
    with pytest.raises(BadInputError, match="--timezone"):
        tx.body(twice, "Office", None)


def test_a_recurrent_holiday_is_named_by_its_month_day_so_every_window_names_it_alike():
    names = {}
    for first in (2026, 2027):
        window = Window(date(first, 1, 1), date(first + 5, 1, 1))
        found = convert(["holidays:US"], "3cx", Options(window, zone="UTC", open_ended=True)).body["holidays"]
        assert len({h["Name"] for h in found}) == len(found)
        names[first] = {h["Name"] for h in found if h["IsRecurrent"]}
        assert all(not h["Name"].endswith(f"{first}-{h['Month']:02d}-{h['Day']:02d}") for h in found
                   if h["IsRecurrent"])
    assert "Holidays US · Christmas Day every 12-25" in names[2026] and names[2026] == names[2027]
    assert tx.item_of({"Name": "Holidays US · Christmas Day every 12-25"}) == "Christmas Day"
    assert tx.item_of({"Name": "Office · Meeting every 05-01 #2"}) == "Meeting"
    assert tx.item_of({"Name": "Office · Open every day"}) == "Open every day"
    twice = [tx.once(Span(datetime(2026, 5, 1, h), datetime(2026, 5, 1, h + 1)), name="Meeting")[0] for h in (9, 14)]
    named = tx.body([{**h, "IsRecurrent": True} for h in twice], "Office", "UTC")["holidays"]
    assert [h["Name"] for h in named] == ["Office · Meeting every 05-01", "Office · Meeting every 05-01 #2"]


@pytest.mark.parametrize("country", ["US", "GB", "DE", "JP", "IN"])
def test_holiday_bodies_match_the_holidays_package(country):
    window = Window(date(2026, 1, 1), date(2031, 1, 1))
    for open_ended in (False, True):
        result = convert([f"holidays:{country}"], "3cx", Options(window, zone="UTC", open_ended=open_ended))
        listed = holidays.country_holidays(country, years=range(2026, 2031), language="en_US")
        assert tx.spans(tx.entries(result.body), window) == merge(days(d) for d in listed)


@given(country=st.sampled_from(["US", "GB", "DE", "FR", "JP", "BR"]), first=st.integers(2020, 2040),
       years=st.integers(1, 6), open_ended=st.booleans())
@settings(max_examples=15, deadline=None)
def test_any_holiday_window_is_exact_and_recurs_only_on_fixed_dates(country, first, years, open_ended):
    window = Window(date(first, 1, 1), date(first + years, 1, 1))
    result = convert([f"holidays:{country}"], "3cx", Options(window, zone="UTC", open_ended=open_ended))
    listed = holidays.country_holidays(country, years=range(first, first + years), language="en_US")
    assert tx.spans(tx.entries(result.body), window) == merge(days(d) for d in listed)
    for one in result.body["holidays"]:
        if one["IsRecurrent"]:  # open-ended in the source only, never 29 February or across 31 December
            assert open_ended and (one["Month"], one["Day"]) != (2, 29) and one["Year"] == one["YearEnd"]


@given(case=events(), target_zone=st.sampled_from([None, "Asia/Tokyo", "America/Los_Angeles"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_body_is_active_exactly_when_recurring_ical_events_says(tmp_path, case, target_zone):
    ics, zone = case
    path = tmp_path / "cal.ics"
    path.write_text(ics)
    wall = target_zone or zone or "UTC"
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    result = convert([str(path)], "3cx", Options(window, zone=wall))
    holidays_written = tx.entries(result.body)
    assert tx.spans(holidays_written, window) == reference_spans(ics, wall, window)
    for one in holidays_written:  # multi-day only as whole days; recurrence only on fixed dates
        meaning = tx.check(one)
        assert meaning["first"] == meaning["last"] or (meaning["start"], meaning["end"]) == (0, 86400)
        assert one["TimeOfEndDate"] != "PT24H"


# ---- round trip and command line ------------------------------------------------------------------------------

def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def test_round_trip_body_to_reader_to_writer_and_migration_to_the_other_platforms(tmp_path):
    window = ["--years", "2026-2030", "--timezone", "America/New_York"]
    first = run("convert", "holidays:US", "--to", "3cx", *window, "--name", "US", "--open-ended")
    assert first.exit_code == 0, first.stderr
    path = tmp_path / "us.json"
    path.write_text(first.stdout)
    again = run("convert", path, "--to", "3cx", *window, "--name", "US")
    assert again.exit_code == 0, again.stderr
    spans = tx.spans(tx.entries(json.loads(again.stdout)), Window(date(2026, 1, 1), date(2031, 1, 1)))
    assert spans == tx.spans(tx.entries(json.loads(first.stdout)), Window(date(2026, 1, 1), date(2031, 1, 1)))
    assert {h["IsRecurrent"] for h in json.loads(again.stdout)["holidays"]} == {True, False}
    listed = tmp_path / "listed.json"  # a downloaded list of Pbx.Holiday objects, with ids
    listed.write_text(json.dumps([{**h, "Id": n} for n, h in enumerate(json.loads(first.stdout)["holidays"])]))
    netsapiens = run("convert", listed, "--to", "netsapiens", *window)
    assert netsapiens.exit_code == 0, netsapiens.stderr
    entries = json.loads(netsapiens.stdout)["timeframe-specific-dates-array"]
    assert any(e["timeframe-recurrence-type"] == "yearly-last" for e in entries)  # Memorial Day, recovered
    # Each migrated body, through its own platform's evaluator, against the holidays package (not pbxcal's code).
    expected = merge(days(d) for d in holidays.country_holidays("US", years=range(2026, 2031), language="en_US"))
    five_years = Window(date(2026, 1, 1), date(2031, 1, 1))
    for name in ("netsapiens", "telphin", "ics"):
        migrated = run("convert", listed, "--to", name, *window)
        assert migrated.exit_code == 0, migrated.stderr
        module = get_target(name)
        text = migrated.stdout if name == "ics" else json.loads(migrated.stdout)
        assert module.spans(module.entries(text), five_years) == expected, name


def test_cli_convert_verify_and_preview(tmp_path):
    result = run("convert", "holidays:US", "--to", "3cx", "--years", "2026-2028", "--timezone", "America/Chicago",
                 "--name", "Office")
    assert result.exit_code == 0 and "verified" in result.stderr and "3cx entries" in result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"name", "timezone", "holidays"} and body["timezone"] == "America/Chicago"
    path = tmp_path / "office.json"
    path.write_text(result.stdout)
    verified = run("verify", path, "holidays:US", "--years", "2026-2028")
    assert verified.exit_code == 0, verified.stderr
    wrong = run("verify", path, "holidays:GB", "--years", "2026-2028")
    assert wrong.exit_code == 1 and "differs" in wrong.stderr
    preview = run("preview", path, "--year", "2027", "--no-color")
    assert preview.exit_code == 0 and "- Thanksgiving Day: 2027-11-25, all day" in preview.stdout
    assert "active on no day after 2028-12-25" in preview.stdout
    missing = run("convert", "holidays:US", "--to", "threecx", "--years", "2026")
    assert missing.exit_code == 2 and "--timezone" in missing.stderr and missing.stderr.count("\n") == 1


def test_a_bare_holiday_list_is_read_by_convert_verify_and_preview_and_other_json_values_are_refused(tmp_path):
    result = run("convert", "holidays:US", "--to", "3cx", "--years", "2026-2027", "--timezone", "UTC", "--name", "US")
    listed = tmp_path / "all.json"  # what download --platform 3cx writes without --name
    listed.write_text(json.dumps([{**h, "Id": n} for n, h in enumerate(json.loads(result.stdout)["holidays"])]))
    verified = run("verify", listed, "holidays:US", "--years", "2026-2027", "--timezone", "UTC")
    assert verified.exit_code == 0 and "verified" in verified.stderr, verified.stderr
    assert run("preview", listed, "--year", "2026", "--no-color").exit_code == 0
    assert run("convert", listed, "--to", "telphin", "--years", "2026-2027", "--timezone", "UTC").exit_code == 0
    text = tmp_path / "text.json"  # a JSON string holding a calendar is no body
    text.write_text(json.dumps("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"))
    for command in (["convert", text, "--to", "ics", "--years", "2026"], ["preview", text, "--year", "2026"]):
        refused = run(*command)
        assert refused.exit_code == 2 and str(text) in refused.stderr and refused.stderr.count("\n") == 1, (
            refused.stderr)
