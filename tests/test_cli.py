"""The command line as other tools call it: stdout only JSON, one-line errors, documented exit statuses."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from pbxcal.cli import main, window_from

YEARS = ["--years", "2026-2028"]


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.ics")))
@pytest.mark.parametrize("target", ["netsapiens", "telphin"])
def test_every_sample_converts_and_verifies(tmp_path, sample, target):
    result = run("convert", str(SAMPLES / sample), "--to", target, *YEARS)
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert "verified" in result.stderr
    path = tmp_path / "body.json"
    path.write_text(result.stdout)
    check = run("verify", str(path), str(SAMPLES / sample), *YEARS)
    assert check.exit_code == 0, check.stderr
    assert body  # stdout held nothing but the JSON body


def test_holidays_us_ca_to_netsapiens_verifies(tmp_path):
    result = run("convert", "holidays:US-CA", *YEARS, "--to", "netsapiens")
    assert result.exit_code == 0
    (tmp_path / "b.json").write_text(result.stdout)
    assert run("verify", str(tmp_path / "b.json"), "holidays:US-CA", *YEARS).exit_code == 0


def test_a_tampered_body_fails_verification_with_the_difference(tmp_path):
    body = json.loads(run("convert", "holidays:US", *YEARS, "--to", "telphin", "--timezone", "UTC").stdout)
    body["conditions"].pop(0)
    (tmp_path / "b.json").write_text(json.dumps(body))
    result = run("verify", str(tmp_path / "b.json"), "holidays:US", *YEARS)
    assert result.exit_code == 1
    assert "missing from the body: 2026-01-01 00:00:00 .. 2026-01-02 00:00:00" in result.stderr


def test_a_body_that_cannot_be_read_is_named_and_a_source_that_cannot_is_not_blamed_on_it(tmp_path):
    body = json.loads(run("convert", "holidays:US", *YEARS, "--to", "telphin", "--timezone", "UTC").stdout)
    body["conditions"][0]["month"] = 13  # the message ("month must be 1..12") does not say "body"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(body))
    result = run("verify", str(path), "holidays:US", *YEARS)
    assert result.exit_code == 2
    assert f"{path}: month must be 1..12, got 13" in result.stderr
    fine = run("convert", "holidays:US", *YEARS, "--to", "telphin", "--timezone", "UTC").stdout
    path.write_text(fine)
    source = run("verify", str(path), "holidays:XX", *YEARS)
    assert source.exit_code == 2 and str(path) not in source.stderr
    option = run("verify", str(path), "holidays:US", *YEARS, "--timezone", "Bogus/Zone")
    assert option.exit_code == 2 and "unknown time zone 'Bogus/Zone'" in option.stderr
    assert str(path) not in option.stderr
    body["conditions"][0]["month"] = 1
    body["timezone"] = "Bogus/Body"
    path.write_text(json.dumps(body))
    own = run("verify", str(path), "holidays:US", *YEARS)
    assert own.exit_code == 2 and f"{path}: unknown time zone 'Bogus/Body'" in own.stderr


def test_report_lists_every_item_and_strict_exits_3_on_approximation(tmp_path):
    ics = tmp_path / "sec.ics"
    ics.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:a\nSUMMARY:Odd seconds\n"
                   "DTSTART:20260310T090030\nDTEND:20260310T100000\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\n"
                   "SUMMARY:Zero\nDTSTART:20260311T090000\nDTEND:20260311T090000\nEND:VEVENT\nEND:VCALENDAR\n")
    report = tmp_path / "r.json"
    result = run("convert", str(ics), "--to", "netsapiens", *YEARS, "--report", str(report), "--strict")
    assert result.exit_code == 3
    items = {i["id"]: i for i in json.loads(report.read_text())["items"]}
    assert items["a"]["approximated"] and items["b"]["status"] == "skipped"
    assert "Odd seconds" in result.stderr and "never active" in result.stderr
    assert run("convert", str(ics), "--to", "telphin", *YEARS, "--timezone", "UTC").exit_code == 0


@pytest.mark.parametrize(("args", "words"), [
    (["convert", "nowhere.ics", "--to", "telphin"], "nowhere.ics: cannot read"),
    (["convert", "holidays:US", "--to", "telphin", "--timezone", "Mars/Base"], "unknown time zone 'Mars/Base'"),
    (["convert", "holidays:US", "--to", "telphin", *YEARS], "need a time zone"),
    (["convert", "holidays:QQ", "--to", "netsapiens"], "unknown country 'QQ'"),
    (["convert", "holidays:US", "--to", "netsapiens", "--years", "2028-2026"], "before the first"),
    (["convert", "holidays:US", "--to", "netsapiens", "--from", "2026-13-01"], "YYYY-MM-DD"),
])
def test_bad_input_is_one_line_and_exit_2(args, words):
    result = run(*args)
    assert result.exit_code == 2
    assert words in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""


def test_not_a_calendar_and_stdin(tmp_path):
    junk = tmp_path / "junk.ics"
    junk.write_text("hello")
    result = run("convert", str(junk), "--to", "netsapiens")
    assert result.exit_code == 2 and "junk.ics: not an iCalendar file" in result.stderr
    text = (SAMPLES / "google-export.ics").read_text()
    assert run("convert", "-", "--to", "telphin", *YEARS, stdin=text).exit_code == 0


def test_default_window_is_three_years_from_the_first_of_this_month():
    window = window_from(None, None, None, today=__import__("datetime").date(2026, 11, 23))
    assert (str(window.first), str(window.until)) == ("2026-11-01", "2029-11-01")


def test_console_script_runs_without_traceback():
    result = subprocess.run([sys.executable, "-m", "pbxcal.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Exit status" in result.stdout


def test_to_ics_writes_rrules_that_verify_and_read_back_as_a_source(tmp_path):
    result = run("convert", "holidays:US", "--years", "2026-2028", "--to", "ics", "--timezone", "America/New_York")
    assert result.exit_code == 0 and result.stdout.startswith("BEGIN:VCALENDAR")
    assert "RRULE:FREQ=YEARLY;UNTIL=20281123;BYDAY=+4TH;BYMONTH=11" in result.stdout.replace("\r\n", "\n")
    path = tmp_path / "holidays.ics"
    path.write_text(result.stdout)
    assert run("verify", str(path), "holidays:US", *YEARS).exit_code == 0
    back = run("convert", str(path), "--to", "telphin", *YEARS, "--timezone", "America/New_York")
    assert back.exit_code == 0, back.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["convert", "--bogus"], "No such option '--bogus' (see 'pbxcal convert --help')"),
    (["bogus"], "No such command 'bogus' (see 'pbxcal --help')"),
    (["convert", "x.ics"], "Missing option '--to'. Choose from: "),
    (["convert", "x.ics", "--to"], "Option '--to' requires an argument (see 'pbxcal convert --help')"),
    (["-q", "-v", "countries"], "-q and -v contradict each other (see 'pbxcal --help')"),
])
def test_usage_errors_are_one_line_naming_the_option_and_the_help_to_read(args, said):
    result = subprocess.run([sys.executable, "-m", "pbxcal", *args], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("pbxcal: error: ")
    assert said in result.stderr


def test_a_body_read_as_a_source_keeps_the_line_of_its_error(tmp_path, monkeypatch):
    """readers/platform.py re-raises a target's error with the file's path, and keeps the line it names."""
    from pbxcal.errors import BadInputError
    from pbxcal.platforms.kazoo import target as kz
    from pbxcal.readers import ReadOptions, open_source

    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"name": "x", "timezone": "UTC", "rules": []}))

    def refuse(body):
        raise BadInputError("rule 3 is bad", line=7)

    monkeypatch.setattr(kz, "entries", refuse)
    with pytest.raises(BadInputError) as caught:
        open_source(str(path), ReadOptions())
    assert (caught.value.path, caught.value.line) == (str(path), 7)
