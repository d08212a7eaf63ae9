"""Regressions from the first review: each case once gave a wrong body with exit 0, or an internal error."""

import json

import pytest
from click.testing import CliRunner
from fakes import FakeServer, NetSapiensApi

from pbxcal.cli import main

YEAR = ["--years", "2026"]


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def ics(tmp_path, *lines, name="cal.ics"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", *lines, "END:VCALENDAR"]) + "\r\n")
                     .encode())
    return path


def event(uid, start, end, *extra):
    return ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART{start}", f"DTEND{end}", *extra, "END:VEVENT"]


def begin_times(result):
    entries = json.loads(result.stdout)["timeframe-specific-dates-array"]
    return [e["timeframe-specific-dates-begin-time"] for e in entries]


def test_unknown_tzid_in_a_crlf_file_stops_or_is_assumed(tmp_path):
    path = ics(tmp_path, *event("u", ";TZID=Foo/Bar:20260310T100000", ";TZID=Foo/Bar:20260310T110000"))
    stopped = run("convert", path, "--to", "netsapiens", "--timezone", "Europe/Berlin", *YEAR)
    assert stopped.exit_code == 2 and "Foo/Bar" in stopped.stderr
    assumed = run("convert", path, "--to", "netsapiens", "--timezone", "Europe/Berlin", *YEAR,
                  "--assume-timezone", "America/New_York")
    assert begin_times(assumed) == ["1500"]


def test_vendor_prefixed_tzid_is_read_as_its_zone(tmp_path):
    path = ics(tmp_path, *event("u", ";TZID=Custom/America/New_York:20260310T100000",
                                ";TZID=Custom/America/New_York:20260310T110000"))
    assert begin_times(run("convert", path, "--to", "netsapiens", "--timezone", "Europe/Berlin", *YEAR)) == ["1500"]


def test_a_telphin_body_moves_to_the_target_zone_and_its_own_zone_wins_in_verify(tmp_path):
    body = tmp_path / "moscow.json"
    body.write_text(json.dumps({"name": "x", "timezone": "Europe/Moscow", "conditions": [
        {"start_datetime": "2026-03-10 09:00:00", "end_datetime": "2026-03-10 18:00:00"}]}))
    moved = run("convert", body, "--to", "telphin", "--timezone", "America/New_York", *YEAR)
    [condition] = json.loads(moved.stdout)["conditions"]
    assert (condition["start_datetime"], condition["end_datetime"]) == ("2026-03-10 02:00:00", "2026-03-10 11:00:00")
    source = ics(tmp_path, *event("u", ":20260310T060000Z", ":20260310T150000Z"))
    assert run("verify", body, source, *YEAR).exit_code == 0
    clash = run("verify", body, source, *YEAR, "--timezone", "America/New_York")
    assert clash.exit_code == 2 and "runs on Europe/Moscow" in clash.stderr


def test_a_start_at_23_59_59_is_a_start(tmp_path):
    path = ics(tmp_path, *event("u", ":20260310T235959", ":20260311T010000"))
    result = run("convert", path, "--to", "telphin", "--timezone", "UTC", *YEAR)
    assert result.exit_code == 0, result.stderr
    daily = ics(tmp_path, *event("d", ":20260310T235959", ":20260311T000000", "RRULE:FREQ=DAILY;COUNT=3"),
                name="daily.ics")
    assert run("convert", daily, "--to", "telphin", "--timezone", "UTC", *YEAR).exit_code == 0


def test_verify_says_when_it_only_matched_after_rounding(tmp_path):
    source = ics(tmp_path, *event("s", ":20260310T090030", ":20260310T093015"))
    body = tmp_path / "ns.json"
    body.write_text(run("convert", source, "--to", "netsapiens", *YEAR).stdout)
    result = run("verify", body, source, *YEAR)
    assert result.exit_code == 3 and "rounding" in result.stderr


def test_a_cancelled_series_keeps_its_confirmed_override(tmp_path):
    path = ics(tmp_path, *event("c", ":20260401T100000", ":20260401T110000", "RRULE:FREQ=DAILY;COUNT=2",
                                "STATUS:CANCELLED"),
               *event("c", ":20260403T120000", ":20260403T130000", "RECURRENCE-ID:20260402T100000",
                      "STATUS:CONFIRMED"))
    result = run("convert", path, "--to", "netsapiens", *YEAR)
    assert begin_times(result) == ["1200"]


def test_a_token_with_a_newline_is_refused_without_being_printed(tmp_path):
    body = tmp_path / "b.json"
    body.write_text(run("convert", "holidays:US", *YEAR, "--to", "netsapiens").stdout)
    with FakeServer(NetSapiensApi()) as fake:
        result = run("upload", body, "--server", fake.url, env={"NS_API_KEY": "sekrit-KEY-123\nX"})
    assert result.exit_code == 2 and "sekrit" not in result.stderr and "not a usable bearer token" in result.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--years", "9999"], "within 1900-2200"),
    (["--from", "9999-01-01", "--until", "9999-12-31"], "within 1900-2200"),
    (["--report", "-"], "file of its own"),
])
def test_odd_options_are_one_clear_error(args, words):
    result = run("convert", "holidays:US", "--to", "netsapiens", *args)
    assert result.exit_code == 2 and words in result.stderr


def test_a_json_source_with_a_bad_zone_or_a_utf16_body_is_handled(tmp_path):
    body = tmp_path / "zone.json"
    body.write_text(json.dumps({"name": "x", "timezone": "../../etc/passwd", "conditions": []}))
    assert run("convert", body, "--to", "telphin", *YEAR).exit_code == 2
    good = run("convert", "holidays:US", *YEAR, "--to", "telphin", "--timezone", "UTC").stdout
    utf16 = tmp_path / "u16.json"
    utf16.write_bytes(good.encode("utf-16"))
    assert run("verify", utf16, "holidays:US", *YEAR).exit_code == 0


def test_the_report_of_an_event_with_two_rrules_is_the_same_under_any_string_hashing(tmp_path):
    """recurring_ical_events gives several RRULEs as a set of texts, whose order followed PYTHONHASHSEED: the
    occurrences, and the notes of those never active, came in another order from run to run (review 30)."""
    import os
    import subprocess
    import sys

    source = tmp_path / "two.ics"
    source.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:two\r\n"
                      "DTSTAMP:20260101T000000Z\r\nSUMMARY:Two rules\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\n"
                      "DTEND;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3\r\n"
                      "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", newline="")
    reports = set()
    for seed in range(8):
        report = tmp_path / f"report-{seed}.json"
        subprocess.run([sys.executable, "-m", "pbxcal.cli", "convert", str(source), "--to", "telphin", "--from",
                        "2026-01-01", "--until", "2026-03-01", "--timezone", "Europe/Berlin", "--report", str(report),
                        "-o", str(tmp_path / "body.json")], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                       capture_output=True, check=False)
        reports.add(report.read_text())
    (only,) = reports
    assert only.count("has no duration") == 6
