"""Reading time exactly: colliding zone definitions, DST gaps and folds, DURATION, broken overrides, repairs.

Each case once gave a wrong body that convert and verify both called exact. Expected values are worked out by
hand from the zone rules (UTC offsets written into each test), never read back from pbxcal.
"""

import json
import re
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from conftest import DATA
from pbxcal import Options, Window, convert
from pbxcal.cli import main
from pbxcal.spans import Span

YEAR = Window(date(2027, 1, 1), date(2028, 1, 1))


def vtimezone(tzid, standard, daylight, std_rule, dst_rule, std_at="020000", dst_at="020000"):
    """An Outlook-style custom VTIMEZONE: offsets like '+0100', rules like 'BYDAY=-1SU;BYMONTH=10'."""
    return ["BEGIN:VTIMEZONE", f"TZID:{tzid}",
            "BEGIN:STANDARD", f"DTSTART:16010101T{std_at}", f"TZOFFSETFROM:{daylight}", f"TZOFFSETTO:{standard}",
            f"RRULE:FREQ=YEARLY;{std_rule}", "END:STANDARD",
            "BEGIN:DAYLIGHT", f"DTSTART:16010101T{dst_at}", f"TZOFFSETFROM:{standard}", f"TZOFFSETTO:{daylight}",
            f"RRULE:FREQ=YEARLY;{dst_rule}", "END:DAYLIGHT", "END:VTIMEZONE"]


BERLIN_RULES = ("+0100", "+0200", "BYDAY=-1SU;BYMONTH=10", "BYDAY=-1SU;BYMONTH=3", "030000")
NEW_YORK_RULES = ("-0500", "-0400", "BYDAY=1SU;BYMONTH=11", "BYDAY=2SU;BYMONTH=3")


def calendar(*lines):
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN", *lines, "END:VCALENDAR"])


def event(uid, start, end, *extra):
    return ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{uid}", f"DTSTART{start}", f"DTEND{end}", *extra, "END:VEVENT"]


def meeting(uid, tzid, day):
    """09:00-10:00 local on `day` in the zone `tzid`."""
    return event(uid, f";TZID={tzid}:{day}T090000", f";TZID={tzid}:{day}T100000")


def write(tmp_path, text, name="cal.ics"):
    path = tmp_path / name
    path.write_bytes((text + "\r\n").encode())
    return str(path)


def spans(result):
    target = result.target
    return target.spans(target.entries(result.body), result.schedule.window)


def at(*args):
    return datetime(*args)


# 1. Colliding TZIDs: every calendar keeps its own definition of "Customized Time Zone".

def test_two_files_defining_the_same_tzid_differently_keep_their_own_rules(tmp_path):
    berlin = write(tmp_path, calendar(*vtimezone("Customized Time Zone", *BERLIN_RULES),
                                      *meeting("b", "Customized Time Zone", "20270601")), "berlin.ics")
    new_york = write(tmp_path, calendar(*vtimezone("Customized Time Zone", *NEW_YORK_RULES),
                                        *meeting("n", "Customized Time Zone", "20270602")), "ny.ics")
    for sources in ([berlin, new_york], [new_york, berlin]):
        result = convert(sources, "telphin", Options(YEAR, zone="UTC"))
        # 09:00 CEST = 07:00 UTC; 09:00 EDT = 13:00 UTC
        assert spans(result) == [Span(at(2027, 6, 1, 7), at(2027, 6, 1, 8)),
                                 Span(at(2027, 6, 2, 13), at(2027, 6, 2, 14))]


def test_two_vcalendars_in_one_file_keep_their_own_rules(tmp_path):
    text = "\r\n".join([
        calendar(*vtimezone("Customized Time Zone", *BERLIN_RULES),
                 *meeting("b", "Customized Time Zone", "20270601")),
        calendar(*vtimezone("Customized Time Zone", *NEW_YORK_RULES),
                 *meeting("n", "Customized Time Zone", "20270602")),
    ])
    result = convert([write(tmp_path, text)], "netsapiens", Options(YEAR, zone="UTC"))
    assert spans(result) == [Span(at(2027, 6, 1, 7), at(2027, 6, 1, 8)), Span(at(2027, 6, 2, 13), at(2027, 6, 2, 14))]


# 2. One wall clock for NetSapiens, told or asked for.

def test_a_custom_zone_is_recognised_as_its_iana_zone_and_every_event_moves_into_it(tmp_path):
    text = calendar(*vtimezone("Customized Time Zone", *BERLIN_RULES),
                    *vtimezone("Customized Time Zone 1", *NEW_YORK_RULES),
                    *meeting("b1", "Customized Time Zone", "20270601"),
                    *meeting("b2", "Customized Time Zone", "20270603"),
                    *meeting("n", "Customized Time Zone 1", "20270602"))
    result = CliRunner().invoke(main, ["convert", write(tmp_path, text), "--to", "netsapiens", "--years", "2027"])
    assert result.exit_code == 0, result.stderr
    # Berlin's rules are those of several IANA zones; any of them is the same clock
    assert re.search(r"time zone Europe/\w+ \(from", result.stderr)
    entries = json.loads(result.stdout)["timeframe-specific-dates-array"]
    # 09:00 EDT on 2 June is 15:00 in Berlin
    assert sorted((e["timeframe-specific-dates-begin-date"], e["timeframe-specific-dates-begin-time"])
                  for e in entries) == [("20270601", "0900"), ("20270602", "1500"), ("20270603", "0900")]


def test_a_zone_that_matches_no_iana_zone_stops_netsapiens_and_asks_for_one(tmp_path):
    odd = ("+0100", "+0200", "BYDAY=2SU;BYMONTH=10", "BYDAY=1SU;BYMONTH=4")  # no IANA zone changes on these days
    text = calendar(*vtimezone("Customized Time Zone", *odd),
                    *meeting("x", "Customized Time Zone", "20270601"))
    result = CliRunner().invoke(main, ["convert", write(tmp_path, text), "--to", "netsapiens", "--years", "2027"])
    assert result.exit_code == 2 and "--timezone" in result.stderr and result.stdout == ""
    told = CliRunner().invoke(main, ["convert", write(tmp_path, text), "--to", "netsapiens", "--years", "2027",
                                     "--timezone", "UTC"])
    entries = json.loads(told.stdout)["timeframe-specific-dates-array"]
    assert [e["timeframe-specific-dates-begin-time"] for e in entries] == ["0700"]  # +0200 in June: 07:00 UTC


def test_all_day_and_floating_events_need_no_zone(tmp_path):
    text = calendar(*event("d", ";VALUE=DATE:20270601", ";VALUE=DATE:20270602"),
                    *event("f", ":20270603T090000", ":20270603T100000"))
    result = CliRunner().invoke(main, ["convert", write(tmp_path, text), "--to", "netsapiens", "--years", "2027"])
    assert result.exit_code == 0, result.stderr


def test_a_window_before_2007_reads_an_outlook_definition_itself(tmp_path):
    # Outlook writes today's US rules (second Sunday of March) for every year; the IANA zone knows 2005 began summer
    # time on 3 April. On 1 April 2005 the file's own zone is on PDT (-0700): 09:00 is 16:00 UTC, not 17:00.
    rules = ("-0800", "-0700", "BYDAY=1SU;BYMONTH=11", "BYDAY=2SU;BYMONTH=3")
    text = calendar(*vtimezone("Pacific Standard Time", *rules), *meeting("m", "Pacific Standard Time", "20050401"),
                    *meeting("n", "Pacific Standard Time", "20270401"))
    path = write(tmp_path, text)
    old = convert([path], "telphin", Options(Window(date(2005, 1, 1), date(2006, 1, 1)), zone="UTC"))
    assert spans(old) == [Span(at(2005, 4, 1, 16), at(2005, 4, 1, 17))]
    assert not any("read as" in m for m in old.messages)
    recent = convert([path], "telphin", Options(YEAR, zone="UTC"))
    assert spans(recent) == [Span(at(2027, 4, 1, 16), at(2027, 4, 1, 17))]


# 3. DST gap: the offset from before the gap (RFC 5545 §3.3.5).

@pytest.mark.parametrize("tzid, lines", [
    ("Europe/Berlin", []),
    ("Customized Time Zone", vtimezone("Customized Time Zone", *BERLIN_RULES)),
    ("W. Europe Standard Time", []),
])
def test_a_time_in_the_spring_forward_gap_takes_the_offset_from_before_it(tmp_path, tzid, lines):
    # Berlin springs forward on 2027-03-28 at 02:00 CET (01:00 UTC). 02:00-02:30 CET do not occur.
    text = calendar(*lines, *event("g", f";TZID={tzid}:20270328T020000", f";TZID={tzid}:20270328T043000"),
                    *event("h", f";TZID={tzid}:20270328T000000", f";TZID={tzid}:20270328T023000"))
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="Europe/Berlin"))
    # 'g' starts 02:00 CET = 01:00 UTC = 03:00 CEST; 'h' ends 02:30 CET = 01:30 UTC = 03:30 CEST.
    assert spans(result) == [Span(at(2027, 3, 28, 0), at(2027, 3, 28, 4, 30))]
    gap_only = convert([write(tmp_path, calendar(*lines, *event("h", f";TZID={tzid}:20270328T000000",
                                                                f";TZID={tzid}:20270328T023000")))],
                       "telphin", Options(YEAR, zone="Europe/Berlin"))
    assert spans(gap_only) == [Span(at(2027, 3, 28, 0), at(2027, 3, 28, 3, 30))]


# 4. A fold in the target zone: the covering wall span, reported as approximated.

def test_an_event_inside_the_repeated_hour_is_written_covering_and_reported(tmp_path):
    # 20:30-21:30 EDT on 2027-10-30 = 00:30-01:30 UTC on the 31st; Berlin falls back at 01:00 UTC:
    # 02:30 CEST .. 03:00 CEST, then 02:00 CET .. 02:30 CET. The wall clock covering both is 02:00-03:00.
    text = calendar(*event("f", ";TZID=America/New_York:20271030T203000", ";TZID=America/New_York:20271030T213000"))
    path = write(tmp_path, text)
    result = convert([path], "netsapiens", Options(YEAR, zone="Europe/Berlin"))
    assert spans(result) == [Span(at(2027, 10, 31, 2), at(2027, 10, 31, 3))]
    [outcome] = result.report.outcomes.values()
    assert outcome.item.approximated and outcome in result.report.lossy
    strict = CliRunner().invoke(main, ["convert", path, "--to", "netsapiens", "--years", "2027",
                                       "--timezone", "Europe/Berlin", "--strict"])
    assert strict.exit_code == 3 and "approximated" in strict.stderr


def test_a_weekly_series_keeps_its_fold_occurrence(tmp_path):
    text = calendar(*event("w", ";TZID=America/New_York:20271016T201500", ";TZID=America/New_York:20271016T213000",
                           "RRULE:FREQ=WEEKLY;COUNT=3"))
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="Europe/Berlin"))
    # 16 Oct: 02:15-03:30 CEST on the 17th; 23 Oct: same; 30 Oct: 00:15-01:30 UTC = 02:15 CEST .. 02:30 CET.
    assert spans(result) == [Span(at(2027, 10, 17, 2, 15), at(2027, 10, 17, 3, 30)),
                             Span(at(2027, 10, 24, 2, 15), at(2027, 10, 24, 3, 30)),
                             Span(at(2027, 10, 31, 2), at(2027, 10, 31, 3))]
    assert next(iter(result.report.outcomes.values())).item.approximated


def test_an_event_spanning_the_whole_fold_is_exact(tmp_path):
    text = calendar(*event("x", ";TZID=Europe/Berlin:20271031T010000", ";TZID=Europe/Berlin:20271031T040000"))
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="Europe/Berlin"))
    assert spans(result) == [Span(at(2027, 10, 31, 1), at(2027, 10, 31, 4))]
    assert not next(iter(result.report.outcomes.values())).item.approximated


# 5. DURATION: hours are exact, days nominal (RFC 5545 §3.3.6).

def test_duration_hours_are_exact_across_fall_back(tmp_path):
    # 12:00 EDT on 6 Nov 2027 (16:00 UTC) + 25 h = 17:00 UTC on the 7th = 12:00 EST.
    text = calendar("BEGIN:VEVENT", "UID:d", "DTSTART;TZID=America/New_York:20271106T120000", "DURATION:PT25H",
                    "END:VEVENT")
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="America/New_York"))
    assert spans(result) == [Span(at(2027, 11, 6, 12), at(2027, 11, 7, 12))]


def test_duration_days_are_nominal_across_fall_back(tmp_path):
    text = calendar("BEGIN:VEVENT", "UID:d", "DTSTART;TZID=America/New_York:20271106T120000", "DURATION:P1DT1H",
                    "END:VEVENT")
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="America/New_York"))
    assert spans(result) == [Span(at(2027, 11, 6, 12), at(2027, 11, 7, 13))]


def test_dtend_gives_every_member_the_first_ones_exact_length(tmp_path):
    # The first member runs 00:00 EDT .. 03:00 EST on 7 Nov: four real hours. So does every later one.
    text = calendar(*event("e", ";TZID=America/New_York:20271107T000000", ";TZID=America/New_York:20271107T030000",
                           "RRULE:FREQ=DAILY;COUNT=2"))
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="America/New_York"))
    assert spans(result) == [Span(at(2027, 11, 7, 0), at(2027, 11, 7, 3)), Span(at(2027, 11, 8, 0), at(2027, 11, 8, 4))]


# 6. A broken override drops only its own occurrence.

def test_a_broken_override_costs_one_occurrence_not_the_series(tmp_path):
    text = calendar(*event("s", ";VALUE=DATE:20270816", ";VALUE=DATE:20270817", "RRULE:FREQ=WEEKLY;COUNT=3"),
                    "BEGIN:VEVENT", "UID:s", "RECURRENCE-ID;VALUE=DATE:20270823", "DTSTART:20270823T100000",
                    "DURATION:PT1H", "DURATION:PT2H", "END:VEVENT")
    path = write(tmp_path, text)
    result = convert([path], "netsapiens", Options(YEAR))
    assert spans(result) == [Span.of_days(date(2027, 8, 16)), Span.of_days(date(2027, 8, 30))]
    [outcome] = result.report.outcomes.values()
    assert outcome.item.dropped and "20270823" in outcome.item.dropped[0] and outcome in result.report.lossy
    cli = CliRunner().invoke(main, ["convert", path, "--to", "netsapiens", "--years", "2027", "--strict"])
    assert cli.exit_code == 3 and "not written" in cli.stderr


def test_a_series_the_library_cannot_build_is_skipped_alone(tmp_path):
    # dateutil refuses BYSETPOS=0: the library cannot build that series (series are built one at a time now).
    text = calendar(*event("good", ":20270104T090000", ":20270104T100000", "RRULE:FREQ=WEEKLY;COUNT=2"),
                    *event("bad", ":20270105T090000", ":20270105T100000", "RRULE:FREQ=WEEKLY;BYDAY=TU;BYSETPOS=0"),
                    *event("after", ":20270106T090000", ":20270106T100000", "RRULE:FREQ=DAILY;COUNT=2"))
    result = convert([write(tmp_path, text)], "netsapiens", Options(YEAR, zone="UTC"))
    hours = [Span(at(2027, 1, d, 9), at(2027, 1, d, 10)) for d in (4, 6, 7, 11)]
    assert spans(result) == hours
    skipped = {o.item.key: o.item.skipped for o in result.report.outcomes.values()}
    assert skipped["good"] is None and skipped["after"] is None
    assert "its recurrence cannot be expanded" in skipped["bad"]


def test_argentina_holidays_keep_the_third_monday_of_august():
    # Thunderbird's overrides write DTSTART;VALUE=DATE with a DATE-TIME DTEND; repaired, the series stays whole.
    path = DATA / "corpus" / "thunderbird-holidays__ArgentinaHolidays.ics"
    result = convert([str(path)], "netsapiens", Options(Window(date(2026, 1, 1), date(2029, 1, 1))))
    active = spans(result)
    for day in (date(2026, 8, 17), date(2027, 8, 16), date(2028, 8, 21)):  # third Mondays of August
        assert Span.of_days(day) in active


# 7. Mixed DATE/DATE-TIME events are whole days; an end before its start is read swapped.

@pytest.mark.parametrize("end, days", [
    ("20270822T235900", [date(2027, 8, 22)]),
    ("20270823T000100", [date(2027, 8, 22)]),
    ("20270823T000200", [date(2027, 8, 22), date(2027, 8, 23)]),
    ("20270822T050001Z", [date(2027, 8, 22)]),
    ("20270820T120000", [date(2027, 8, 22)]),
])
def test_a_date_start_with_a_date_time_end_is_whole_days(tmp_path, end, days):
    text = calendar(*event("m", ";VALUE=DATE:20270822", f":{end}"))
    result = convert([write(tmp_path, text)], "telphin", Options(YEAR, zone="UTC"))
    assert spans(result) == [Span.of_days(days[0], len(days))]
    [outcome] = result.report.outcomes.values()
    assert outcome.item.repairs and outcome.item.repairs[0].startswith("repaired:")


def test_the_essentialpim_us_holidays_file_is_not_empty():
    path = DATA / "corpus" / "thunderbird-holidays__USHolidays.ics"
    result = convert([str(path)], "netsapiens", Options(Window(date(2026, 1, 1), date(2027, 1, 1))))
    assert Span.of_days(date(2026, 1, 1)) in spans(result) and Span.of_days(date(2026, 7, 4)) in spans(result)


def test_an_end_before_its_start_is_read_swapped(tmp_path):
    text = calendar(*event("x", ";TZID=Europe/Berlin:20270304T083000", ";TZID=Europe/Berlin:20270304T080000"))
    cli = CliRunner().invoke(main, ["convert", write(tmp_path, text), "--to", "telphin", "--years", "2027"])
    assert cli.exit_code == 0 and "repaired: DTEND" in cli.stderr
    [condition] = json.loads(cli.stdout)["conditions"]
    assert (condition["start_datetime"], condition["end_datetime"]) == ("2027-03-04 08:00:00", "2027-03-04 08:30:00")


# 8. Open-ended means checked for 28 more years.

def test_open_ended_does_not_keep_a_coincidence():
    window = Window(date(2026, 1, 1), date(2030, 1, 1))
    result = convert(["holidays:US-CA"], "netsapiens", Options(window, open_ended=True))
    after = [s for s in result.schedule.series if s.name == "Day After Thanksgiving"]
    assert after and all(s.rule.until is not None for s in after)
    outcome = next(o for o in result.report.outcomes.values() if o.item.name == "Day After Thanksgiving")
    assert any("departs" in reason for reason in outcome.reasons)
    thanksgiving = [s for s in result.schedule.series if s.name == "Thanksgiving Day"]
    assert any(s.rule.until is None for s in thanksgiving)  # the 4th Thursday holds for good


def test_an_rrule_without_end_stays_open_only_where_it_holds(tmp_path):
    # Every year on 1 June, except that the source itself stops following the date in 2040 (an EXDATE):
    # the inferred rule must keep its end.
    text = calendar(*event("y", ";VALUE=DATE:20260601", ";VALUE=DATE:20260602", "RRULE:FREQ=YEARLY",
                           "EXDATE;VALUE=DATE:20400601"))
    result = convert([write(tmp_path, text)], "netsapiens", Options(Window(date(2026, 1, 1), date(2029, 1, 1))))
    assert all(s.rule.until is not None for s in result.schedule.series)
    plain = calendar(*event("y", ";VALUE=DATE:20260601", ";VALUE=DATE:20260602", "RRULE:FREQ=YEARLY"))
    kept = convert([write(tmp_path, plain, "plain.ics")], "netsapiens",
                   Options(Window(date(2026, 1, 1), date(2029, 1, 1))))
    assert [s.rule.until for s in kept.schedule.series] == [None]


def test_open_ended_past_a_finite_source_is_unchecked_and_says_so(tmp_path):
    text = calendar(*event("y", ";VALUE=DATE:20260704", ";VALUE=DATE:20260705", "RRULE:FREQ=YEARLY;COUNT=4"))
    result = convert([write(tmp_path, text)], "netsapiens",
                     Options(Window(date(2026, 1, 1), date(2030, 1, 1)), open_ended=True))
    assert [s.rule.until for s in result.schedule.series] == [None]
    [outcome] = result.report.outcomes.values()
    assert any("without a check" in reason for reason in outcome.reasons)


def test_reading_a_source_twice_gives_the_same_items(tmp_path):
    """Repairs, dropped overrides and spans belong to one reading; a second reading neither loses nor repeats them."""
    from pbxcal.readers import ReadOptions, open_source

    text = calendar(*event("s", ";VALUE=DATE:20270816", ":20270816T235900", "RRULE:FREQ=WEEKLY;COUNT=3"),
                    "BEGIN:VEVENT", "UID:s", "RECURRENCE-ID;VALUE=DATE:20270823", "DTSTART:20270823T100000",
                    "DURATION:PT1H", "DURATION:PT2H", "END:VEVENT")
    source = open_source(write(tmp_path, text), ReadOptions())
    first, second = (source.items("UTC", YEAR) for _ in range(2))
    assert [(i.spans, i.repairs, i.dropped, i.notes) for i in first] == \
           [(i.spans, i.repairs, i.dropped, i.notes) for i in second]
    [item] = first
    assert item.repairs and item.dropped and item.spans == [Span.of_days(date(2027, 8, 16)),
                                                            Span.of_days(date(2027, 8, 30))]
