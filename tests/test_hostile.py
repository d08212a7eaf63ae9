"""Hostile and mangled input: a verified body or one clear error, in bounded time, never an exception."""

import time
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA
from pbxcal import Options, PbxcalError, ReadOptions, Window, convert
from pbxcal.errors import BadInputError, LimitExceededError
from pbxcal.spans import Span

SEEDS = sorted(p for p in DATA.glob("corpus/*.ics") if p.stat().st_size < 40_000)
WINDOW = Window(date(2019, 1, 1), date(2022, 1, 1))


@st.composite
def mangled(draw) -> bytes:
    data = draw(st.sampled_from(SEEDS)).read_bytes()
    lines = data.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["truncate", "flip", "drop", "duplicate"]))
        if action == "truncate":
            data = b"".join(lines)[: draw(st.integers(0, max(0, len(data) - 1)))]
            lines = data.splitlines(keepends=True)
        elif action == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
            lines = data.splitlines(keepends=True)
        elif lines:
            at = draw(st.integers(0, len(lines) - 1))
            lines = lines[:at] + lines[at + 1:] if action == "drop" else lines[:at + 1] + lines[at:]
            data = b"".join(lines)
    return data


@pytest.mark.parametrize("target", ["netsapiens", "telphin"])
@given(data=mangled())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mangled_files_give_a_body_or_a_clear_error(tmp_path, target, data):
    path = tmp_path / "mangled.ics"
    path.write_bytes(data)
    try:
        convert([str(path)], target, Options(WINDOW, zone="Europe/Berlin"))
    except PbxcalError as error:
        assert isinstance(error, BadInputError), error
        assert "\n" not in str(error) and str(error)


def write_event(tmp_path, rule: str) -> str:
    path = tmp_path / "hostile.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:h\r\nSUMMARY:Flood\r\n"
                    "DTSTART:20260101T000000Z\r\nDTEND:20260101T000001Z\r\n" + rule + "END:VEVENT\r\nEND:VCALENDAR\r\n")
    return str(path)


@pytest.mark.parametrize("rule", ["RRULE:FREQ=SECONDLY\r\n", "RRULE:FREQ=MINUTELY;INTERVAL=1\r\n",
                                  "RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;"
                                  "BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55\r\n"])
def test_endless_fine_grained_rules_stop_quickly_with_the_flag_named(tmp_path, rule):
    started = time.monotonic()
    with pytest.raises(LimitExceededError, match="--max-occurrences"):
        convert([write_event(tmp_path, rule)], "netsapiens", Options(Window(date(2026, 1, 1), date(2029, 1, 1))))
    assert time.monotonic() - started < 30  # generous for a slow machine; it takes well under a second here


def test_files_over_the_size_cap_are_refused_without_reading_them_whole(tmp_path):
    path = tmp_path / "big.ics"
    with path.open("wb") as stream:
        stream.write(b"BEGIN:VCALENDAR\r\n" + b"X-FILLER:" + b"x" * 70 + b"\r\n")
        stream.truncate(51 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(LimitExceededError, match="--max-bytes"):
        convert([str(path)], "netsapiens", Options(WINDOW))
    assert time.monotonic() - started < 30
    with pytest.raises(LimitExceededError, match="--max-entries"):
        convert(["holidays:US"], "netsapiens", Options(WINDOW, max_entries=5))
    small = ReadOptions(max_bytes=100)
    with pytest.raises(LimitExceededError):
        convert([str(DATA / "corpus" / "python-recurring-ical-events__Germany_Holidays.ics")], "netsapiens",
                Options(WINDOW, read=small))


def test_a_bad_event_inside_a_good_file_is_skipped_and_named(tmp_path):
    path = tmp_path / "mixed.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                    "BEGIN:VEVENT\r\nUID:good\r\nSUMMARY:Good\r\nDTSTART;VALUE=DATE:20200101\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:nostart\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:backwards\r\nSUMMARY:Backwards\r\nDTSTART:20200105T100000\r\n"
                    "DTEND:20200105T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    result = convert([str(path)], "netsapiens", Options(WINDOW))
    statuses = {o.item.key: (o.status, o.item.skipped) for o in result.report.outcomes.values()}
    assert statuses["good"][0] == "one-off"
    assert statuses["nostart"] == ("skipped", "event skipped: no DTSTART")
    assert statuses["backwards"] == ("one-off", None)  # read swapped, as recurring_ical_events reads it
    backwards = result.report.outcomes["backwards"].item
    assert backwards.repairs == ["repaired: DTEND (2020-01-05 09:00:00) is before DTSTART (2020-01-05 10:00:00); "
                                 "read swapped"]
    assert backwards.spans == [Span(datetime(2020, 1, 5, 9), datetime(2020, 1, 5, 10))]


def test_unknown_tzid_stops_unless_a_zone_is_assumed():
    path = str(DATA / "corpus" / "khal__event_rrule_recuid_invalid_tzid.ics")
    with pytest.raises(BadInputError, match="--assume-timezone"):
        convert([path], "netsapiens", Options(Window(date(2014, 1, 1), date(2016, 1, 1))))
    result = convert([path], "telphin", Options(Window(date(2014, 1, 1), date(2016, 1, 1)), zone="Europe/Berlin",
                                                read=ReadOptions(assume_timezone="Europe/London")))
    assert result.body["conditions"]


@pytest.mark.parametrize("body", [
    {"conditions": [1, "x", None]},
    {"name": "x", "timezone": "UTC", "conditions": [{"start_time": 9, "end_time": 17}]},
    {"name": "x", "timezone": "UTC", "conditions": [{"sched_start_date": "2026-01-01 00:00:00",
                                                     "sched_active_days": 0, "sched_skip_days": "a"}]},
    {"conditions": "all"},
    {"timeframe-type": "specific-dates", "timeframe-specific-dates-array": ["x", 3]},
    {"timeframe-type": "specific-dates", "timeframe-specific-dates-array": [{"timeframe-recurrence-type": 5}]},
    {"timeframe-type": "days-of-week", "timeframe-days-of-week-array": [{}]},
    {"timeframe-type": "custom", "timeframe-holiday-array": "x"},
])
def test_malformed_platform_bodies_are_one_clear_error(tmp_path, body):
    path = tmp_path / "body.json"
    path.write_text(__import__("json").dumps(body))
    with pytest.raises(BadInputError):
        convert([str(path)], "telphin", Options(WINDOW, zone="UTC"))
