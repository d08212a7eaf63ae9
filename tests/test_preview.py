"""The year view and plain words: snapshots checked against the holidays package, every recurrence form in words,
and no escape codes when piped."""

import json
import re
from datetime import date

import holidays
import pytest
from click.testing import CliRunner

from conftest import DATA, SAMPLES
from pbxcal.cli import main
from pbxcal.describe import describe
from pbxcal.model import By, Freq, Rule, Series
from pbxcal.platforms.netsapiens import target as ns
from pbxcal.platforms.telphin import target as tp

SNAPSHOTS = DATA / "snapshots"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def marked_days(view: str, year: int, mark: str) -> set[date]:
    """Read the grid back: the days carrying `mark`, by the month titles above them."""
    days: set[date] = set()
    lines = view.splitlines()
    for n, line in enumerate(lines):
        titles = re.findall(r"[A-Z][a-z]+", line)
        if titles and all(t in MONTHS for t in titles):
            for week in lines[n + 2 : n + 8]:
                for column, title in enumerate(titles):
                    cells = week[column * 23 : column * 23 + 21]
                    for k in range(0, len(cells), 3):
                        cell = cells[k : k + 3]
                        if cell.strip() and cell.endswith(mark):
                            days.add(date(year, MONTHS.index(title) + 1, int(cell[:2])))
    return days


@pytest.mark.parametrize(("args", "snapshot"), [
    (["holidays:US"], "holidays-US-2027.txt"),
    ([str(SAMPLES / "company-closures.ics")], "company-closures-2027.txt"),
])
def test_year_view_matches_its_snapshot(args, snapshot):
    result = run("preview", *args, "--year", "2027")
    assert result.exit_code == 0
    assert result.stdout == (SNAPSHOTS / snapshot).read_text()


def test_snapshot_marks_exactly_the_holidays_of_the_year():
    view = (SNAPSHOTS / "holidays-US-2027.txt").read_text()
    expected = {d for d in holidays.US(years=2027, language="en_US") if d.year == 2027}
    assert marked_days(view, 2027, "*") == expected
    assert marked_days(view, 2027, "+") == set()


def test_sample_view_marks_part_days_and_whole_days():
    view = (SNAPSHOTS / "company-closures-2027.txt").read_text()
    whole = marked_days(view, 2027, "*")
    part = marked_days(view, 2027, "+")
    assert {date(2027, 8, d) for d in range(2, 14)} <= whole  # the summer shutdown
    assert {date(2027, 11, 25), date(2027, 11, 26)} <= whole  # Thanksgiving break
    assert date(2027, 1, 8) in part and all(d.weekday() == 4 for d in part)  # early close on Fridays


def test_piped_output_has_no_escape_codes_unless_asked_and_a_flag_beats_no_color():
    # no-color.org: NO_COLOR turns default colour off; a command-line flag overrides it (as the README says)
    assert "\x1b[" not in run("preview", "holidays:US", "--year", "2027").stdout
    assert "\x1b[" in run("preview", "holidays:US", "--year", "2027", "--color").stdout
    forced = run("preview", "holidays:US", "--year", "2027", "--color", env={"NO_COLOR": "1"})
    assert "\x1b[" in forced.stdout


def test_preview_reads_a_body_through_its_evaluator(tmp_path):
    body = run("convert", "holidays:US", "--years", "2026-2030", "--to", "telphin", "--timezone", "UTC").stdout
    (tmp_path / "b.json").write_text(body)
    result = run("preview", str(tmp_path / "b.json"), "--year", "2027")
    assert marked_days(result.stdout, 2027, "*") == marked_days((SNAPSHOTS / "holidays-US-2027.txt").read_text(),
                                                                2027, "*")
    thanksgiving = "every year in November, the 4th Thursday (days 22-28), from 2026-11-26 to 2030-11-28, all day"
    assert thanksgiving in result.stdout  # the holiday set's rules end with the window: the body stops there too


def series(freq, start, by=By.DATE, interval=1, until=None, weekdays=(), offset=0, length=86400):
    return Series("x", Rule(freq, start, by, interval, until, frozenset(weekdays)), offset, length)


WORDS = [
    (series(Freq.ONCE, date(2027, 4, 2)), "2027-04-02, all day"),
    (series(Freq.YEARLY, date(2026, 12, 24), length=3 * 86400),
     "24 December, every year, 3 whole days, from 2026-12-24, no end"),
    (series(Freq.YEARLY, date(2028, 11, 23), By.NTH),
     "4th Thursday of November, every year, all day, from 2028-11-23, no end"),
    (series(Freq.YEARLY, date(2026, 5, 25), By.LAST, until=date(2030, 5, 27)),
     "last Monday of May, every year, all day, from 2026-05-25 through 2030-05-27"),
    (series(Freq.MONTHLY, date(2026, 1, 31), By.LAST_DAY),
     "last day of the month, every month, all day, from 2026-01-31, no end"),
    (series(Freq.MONTHLY, date(2026, 1, 15), interval=2), "day 15, every 2 months, all day, from 2026-01-15, no end"),
    (series(Freq.MONTHLY, date(2026, 1, 30), By.LAST),
     "last Friday of the month, every month, all day, from 2026-01-30, no end"),
    (series(Freq.WEEKLY, date(2026, 1, 5), By.WEEKDAYS, weekdays=range(5), offset=9 * 3600, length=8 * 3600),
     "Monday, Tuesday, Wednesday, Thursday, Friday, every week, 09:00-17:00, from 2026-01-05, no end"),
    (series(Freq.DAILY, date(2026, 1, 1), interval=3), "every 3 days, all day, from 2026-01-01, no end"),
]


@pytest.mark.parametrize(("one", "words"), WORDS)
def test_every_neutral_form_has_plain_words(one, words):
    assert describe(one) == words


def test_every_netsapiens_entry_form_reads_in_plain_words():
    window = __import__("pbxcal").Window(date(2026, 1, 1), date(2031, 1, 1))
    for one, words in WORDS:
        for entries in ns.candidates(one, window):
            described = [ns.describe(e) for e in entries]
            assert all(described), one
            if len(entries) == 1:
                assert described[0] == words


@pytest.mark.parametrize(("condition", "words"), [
    ({"month": 11, "start_dow": 5, "end_dow": 5, "start_mday": 22, "end_mday": 28},
     "every year in November, the 4th Thursday (days 22-28), all day"),
    ({"month": 5, "start_dow": 2, "end_dow": 2, "start_mday": 25, "end_mday": 31},
     "every year in May, the last Monday (days 25-31), all day"),
    ({"month": 12, "start_mday": 24, "end_mday": 26}, "every year in December, days 24-26, all day"),
    ({"start_mday": 1, "end_mday": 1, "start_time": "09:00:00", "end_time": "12:00:00"},
     "every month, day 1, 09:00-12:00"),
    ({"start_dow": 2, "end_dow": 6, "start_time": "09:00:00", "end_time": "18:00:00"},
     "every week, Monday to Friday, 09:00-18:00"),
    ({"start_dow": 7, "end_dow": 1}, "every week, Saturday to Sunday, all day"),
    ({"sched_start_date": "2026-01-05 00:00:00", "sched_active_days": 5, "sched_skip_days": 9},
     "every day, 5 day(s) on and 9 off from 2026-01-05, all day"),
    ({"start_datetime": "2027-04-02 00:00:00", "end_datetime": "2027-04-02 23:59:59"},
     "2027-04-02 00:00:00 .. 2027-04-03 00:00:00"),
    ({"start_time": "12:00:00", "end_time": "23:59:59"}, "every day, 12:00-24:00"),
])
def test_every_telphin_condition_form_reads_in_plain_words(condition, words):
    assert tp.describe({**dict.fromkeys(tp.FIELDS), **condition}) == words


def test_countries_lists_and_details():
    listing = run("countries").stdout
    assert "US  United States (57 subdivisions)" in listing and "DE  Germany" in listing
    detail = run("countries", "DE").stdout
    assert "BY  Bayern" in detail and "catholic" in detail and "en_US" in detail
    bad = run("countries", "QQ")
    assert bad.exit_code == 2 and "unknown country" in bad.stderr


def test_netsapiens_timeframe_migrates_to_telphin_and_still_matches_the_holidays(tmp_path):
    ns_body = run("convert", "holidays:US-CA", "--years", "2026-2028", "--to", "netsapiens").stdout
    (tmp_path / "ns.json").write_text(ns_body)
    moved = run("convert", str(tmp_path / "ns.json"), "--to", "telphin", "--years", "2026-2028",
                "--timezone", "America/Los_Angeles")
    assert moved.exit_code == 0, moved.stderr
    (tmp_path / "tp.json").write_text(moved.stdout)
    assert json.loads(moved.stdout)["name"] == "Holidays US-CA"
    check = run("verify", str(tmp_path / "tp.json"), "holidays:US-CA", "--years", "2026-2028")
    assert check.exit_code == 0, check.stderr


def test_help_has_an_example_on_every_command_and_version():
    for command in ("convert", "verify", "preview", "countries"):
        assert "Example" in run(command, "--help").stdout
    assert "pbxcal, version" in run("--version").stdout
