"""What a PBX administrator meets in the first hour: defaults that fit, no dead ends, loud empty output, one-line
errors naming the option, the conventions of a command-line tool (exit 130 on Ctrl-C, -q/-v, exit codes in
--help), and a repository that stands alone."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import NS_ENV, FakeServer, NetSapiensApi, holiday_rows

from conftest import SAMPLES
from pbxcal import pipeline
from pbxcal.cli import main
from pbxcal.errors import LimitExceededError
from pbxcal.model import Window

ROOT = Path(__file__).resolve().parents[1]
YEARS = ["--years", "2026-2028"]


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def test_python_dash_m_pbxcal_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "pbxcal", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("Usage: pbxcal ")


def test_the_exit_codes_in_help_and_readme_are_the_same():
    helped = set(re.findall(r"^\s+(\d+)\s{2,}", run("--help").stdout, re.M))
    documented = set(re.findall(r"^\| (\d+) \|", (ROOT / "README.md").read_text(), re.M))
    assert helped == documented == {"0", "1", "2", "3", "4", "130"}


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "convert", interrupted)
    result = run("convert", "holidays:US", "--to", "netsapiens", *YEARS)
    assert result.exit_code == 130 and "Aborted" not in result.output and "Traceback" not in result.output
    assert result.stderr.strip().endswith("interrupted")


def test_quiet_prints_errors_only_and_verbose_times_each_phase():
    quiet = run("-q", "convert", "holidays:US", "--to", "netsapiens", *YEARS)
    assert quiet.exit_code == 0 and quiet.stderr == "" and json.loads(quiet.stdout)
    failed = run("-q", "convert", "holidays:QQ", "--to", "netsapiens")
    assert failed.exit_code == 2 and failed.stderr.startswith("pbxcal: error: unknown country 'QQ'")
    loud = run("-v", "convert", "holidays:US", "--to", "netsapiens", *YEARS)
    for phase in ("reading", "expanding", "normalizing", "writing", "verifying"):
        assert re.search(rf"^pbxcal: {phase}: \d+\.\d\d s$", loud.stderr, re.M), phase
    assert run("-q", "-v", "countries").exit_code == 2


def test_the_window_in_force_comes_first_and_is_recorded_for_a_later_verify(tmp_path):
    report = tmp_path / "report.json"
    result = run("convert", SAMPLES / "company-closures.ics", "--to", "netsapiens", "--from", "2026-11-01",
                 "--report", report)
    assert result.stderr.splitlines()[0] == "pbxcal: window 2026-11-01 .. 2029-11-01 (exclusive)"
    recorded = json.loads(report.read_text())
    assert recorded["window"] == {"from": "2026-11-01", "until": "2029-11-01", "until_is": "exclusive"}
    body = tmp_path / "body.json"
    body.write_text(result.stdout)
    later = run("verify", body, SAMPLES / "company-closures.ics", "--window-from", report)
    assert later.exit_code == 0 and "2026-11-01 .. 2029-11-01" in later.stderr
    both = run("verify", body, SAMPLES / "company-closures.ics", "--window-from", report, *YEARS)
    assert both.exit_code == 2 and "--window-from cannot be combined" in both.stderr


ONE_EVENT = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:one@test\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20261224\r
SUMMARY:Closed\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_empty_body_is_loud(tmp_path):
    source = tmp_path / "one.ics"
    source.write_text(ONE_EVENT)
    result = run("convert", source, "--to", "netsapiens", "--years", "2030")
    assert result.exit_code == 0 and "warning: the body is empty: 1 item of the sources fell outside" in result.stderr
    assert "wrote 0 netsapiens entries;" in result.stderr
    strict = run("convert", source, "--to", "netsapiens", "--years", "2030", "--strict")
    assert strict.exit_code == 3


def test_an_empty_body_replaces_a_full_one_only_when_asked(tmp_path):
    full = tmp_path / "full.json"
    full.write_text(run("convert", "holidays:US", "--to", "netsapiens", *YEARS, "--name", "Office").stdout)
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"timeframe-name": "Office", "timeframe-type": "specific-dates",
                                 "timeframe-specific-dates-array": []}))
    with FakeServer(NetSapiensApi()) as fake:
        where = ["--server", fake.url, "--backup-dir", tmp_path]
        assert run("upload", full, *where, env=NS_ENV).exit_code == 0
        refused = run("upload", empty, *where, env=NS_ENV)
        assert refused.exit_code == 2 and "--allow-empty" in refused.stderr
        [stored] = fake.state.store.values()
        assert stored["timeframe-specific-dates-array"]
        emptied = run("upload", empty, *where, "--allow-empty", env=NS_ENV)
        assert emptied.exit_code == 0 and "replaced" in emptied.stderr, emptied.stderr
        assert stored["timeframe-specific-dates-array"] == []


def test_a_body_that_runs_out_says_when(tmp_path):
    result = run("convert", "holidays:US", "--to", "netsapiens", *YEARS)
    assert re.search(r"the body is active on no day after \d{4}-\d\d-\d\d: convert again before then",
                     result.stderr)
    body = tmp_path / "body.json"
    body.write_text(result.stdout)
    shown = run("preview", body, "--year", "2027", "--no-color")
    assert "the body is active on no day after" in shown.stdout


def test_preview_reads_a_body_with_holiday_entries_given_the_rows_it_was_written_with(tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([r for year in (2026, 2027, 2028) for r in holiday_rows("US", year)]))
    body = tmp_path / "body.json"
    body.write_text(run("convert", "holidays:US", "--to", "netsapiens", *YEARS, "--holiday-data", rows).stdout)
    unread = run("preview", body, "--year", "2027", "--no-color")
    assert unread.exit_code == 2 and "--holiday-data" in unread.stderr
    shown = run("preview", body, "--year", "2027", "--no-color", "--holiday-data", rows)
    assert shown.exit_code == 0 and "Thanksgiving" in shown.stdout, shown.stderr


@pytest.mark.parametrize("alias", ["UK", "GBR", "gb"])
def test_the_holiday_packages_other_country_codes_are_accepted(alias):
    wanted = run("convert", "holidays:GB", "--to", "netsapiens", *YEARS)
    same = run("convert", f"holidays:{alias}", "--to", "netsapiens", *YEARS)
    assert same.exit_code == 0 and json.loads(same.stdout)["timeframe-specific-dates-array"] == json.loads(
        wanted.stdout)["timeframe-specific-dates-array"]


def test_countries_shows_a_subdivision_and_refuses_an_unknown_code_in_one_line():
    sub = run("countries", "US-CA")
    assert sub.exit_code == 0 and sub.stdout.startswith("US-CA  California, United States")
    unknown = run("countries", "XX")
    assert unknown.exit_code == 2 and unknown.stderr.count("\n") == 1 and unknown.stdout == ""


@pytest.mark.parametrize(("args", "option"), [(["--from", "2026-13-01"], "--from 2026-13-01"),
                                               (["--until", "someday"], "--until someday")])
def test_errors_name_the_option(args, option):
    result = run("convert", "holidays:US", "--to", "netsapiens", *args)
    assert result.exit_code == 2 and option in result.stderr


def test_counts_are_singular_or_plural(tmp_path):
    source = tmp_path / "one.ics"
    source.write_text(ONE_EVENT)
    one = run("convert", source, "--to", "netsapiens", *YEARS)
    assert "wrote 1 netsapiens entry;" in one.stderr, one.stderr


def test_the_entry_limit_stops_writing_early():
    schedule, _ = pipeline.load(["holidays:US"], pipeline.get_target("netsapiens"),
                                pipeline.Options(Window(__import__("datetime").date(2026, 1, 1),
                                                        __import__("datetime").date(2036, 1, 1))))
    seen: list[int] = []
    with pytest.raises(LimitExceededError, match="--max-entries"):
        pipeline.write(schedule, pipeline.get_target("netsapiens"), pipeline.Report(schedule.items),
                       lambda phase, done, total: seen.append(done), max_entries=2)
    assert max(seen) < len(schedule.series) - 1


def test_verify_refuses_a_body_of_another_platform_naming_the_file(tmp_path):
    telphin = tmp_path / "tp.json"
    telphin.write_text(run("convert", "holidays:US", "--to", "telphin", "--timezone", "UTC", *YEARS).stdout)
    calendar = tmp_path / "clean.ics"
    calendar.write_text(run("convert", SAMPLES / "outlook-closures.ics", "--to", "ics", *YEARS).stdout)
    for body, words in ((telphin, "written for telphin, not netsapiens"), (calendar, "written for ics")):
        result = run("verify", body, "holidays:US", *YEARS, "--to", "netsapiens")
        assert result.exit_code == 2 and f"{body}: the body is {words}" in result.stderr, result.stderr
    junk = tmp_path / "junk.json"
    junk.write_text("x")
    result = run("verify", junk, "holidays:US", *YEARS)
    assert result.exit_code == 2 and "neither a JSON body nor an iCalendar file" in result.stderr


def test_an_empty_body_from_unreadable_events_does_not_blame_the_window(tmp_path):
    source = tmp_path / "broken.ics"
    source.write_text(ONE_EVENT.replace("DTSTART;VALUE=DATE:20261224", "DTSTART;VALUE=DATE:2026122X"))
    result = run("convert", source, "--to", "netsapiens", "--years", "2026", "--strict")
    assert result.exit_code == 3 and "1 item could not be read" in result.stderr, result.stderr
    assert "fell outside" not in result.stderr and "--strict: exit 3: the body is empty" in result.stderr


def test_download_checks_its_options_before_any_request(tmp_path):
    token = tmp_path / "token"
    token.write_text("a-token")
    with FakeServer(NetSapiensApi()) as fake:
        base = ["download", "--platform", "netsapiens", "--server", fake.url, "--token-file", token]
        for extra, words in ((["--holidays", "XX", "--years", "2026"], "unknown country 'XX'"),
                             (["--holidays", "US-CA"], "--holidays needs --years"),
                             (["--years", "2026"], "--years goes with --holidays"),
                             (["--holidays", "US", "--years", "2026", "--name", "X"], "give one of them")):
            result = run(*base, *extra)
            assert result.exit_code == 2 and words in result.stderr, (extra, result.stderr)
        assert fake.state.requests == []


def test_preview_year_errors_name_its_own_option_and_color_can_be_forced():
    result = run("preview", "holidays:US", "--year", "1800")
    assert result.exit_code == 2 and "--year 1800" in result.stderr
    forced = run("preview", "holidays:US", "--year", "2027", "--color", env={"NO_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    assert re.search(r"\b1 day active|\d+ days active", forced.stdout)


def test_occurrence_limits_are_checked_before_anything_is_expanded(tmp_path, monkeypatch):
    from pbxcal.readers import ics as ics_reader

    expanded: list[int] = []
    original = ics_reader._collect
    monkeypatch.setattr(ics_reader, "_collect", lambda *a, **k: expanded.append(1) or original(*a, **k))
    many = tmp_path / "many.ics"
    events = [f"BEGIN:VEVENT\r\nUID:e{n}@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260105\r\n"
              f"RRULE:FREQ=WEEKLY\r\nSUMMARY:E{n}\r\nEND:VEVENT\r\n" for n in range(30)]
    many.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n")
    total = run("convert", many, "--to", "netsapiens", *YEARS, "--max-total-occurrences", "1000")
    assert total.exit_code == 2 and "--max-total-occurrences" in total.stderr and expanded == []
    one = run("convert", many, "--to", "netsapiens", *YEARS, "--max-occurrences", "100")
    assert one.exit_code == 2 and "repeats about" in one.stderr and "--max-occurrences" in one.stderr
    assert expanded == []
    fine = run("convert", many, "--to", "netsapiens", *YEARS)
    assert fine.exit_code == 0 and expanded


def test_holiday_data_the_package_lacks_in_the_window_is_a_warning_and_strict_exits_3(tmp_path):
    report = tmp_path / "report.json"
    beyond = run("convert", "holidays:IN", "--years", "2036-2037", "--to", "netsapiens", "--strict",
                 "--report", report)
    assert beyond.exit_code == 3 and "warning: holidays:IN:" in beyond.stderr
    assert json.loads(report.read_text())["incomplete"]
    inside = run("convert", "holidays:IN", "--years", "2026-2027", "--to", "netsapiens", "--strict")
    assert inside.exit_code == 0 and "warning: holidays:IN" not in inside.stderr


def test_an_ics_converted_again_keeps_its_uids_so_a_reimport_updates_instead_of_doubling(monkeypatch):
    import pbxcal.platforms.ics.target as ics_target

    def uids(text: str) -> list[str]:
        return sorted(line for line in text.splitlines() if line.startswith("UID:"))

    first = run("convert", SAMPLES / "outlook-closures.ics", "--to", "ics", *YEARS).stdout
    later = ics_target.datetime(2031, 5, 6, 7, 8, 9, tzinfo=ics_target.UTC)  # a run at another moment
    monkeypatch.setattr(ics_target, "_now", lambda: later)
    second = run("convert", SAMPLES / "outlook-closures.ics", "--to", "ics", *YEARS).stdout
    assert "DTSTAMP:20310506T070809Z" in second and "DTSTAMP:20310506T070809Z" not in first
    assert uids(first) == uids(second) and len(set(uids(first))) == len(uids(first)) > 1
