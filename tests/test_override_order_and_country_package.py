"""Found by review of the speed changes: overrides the rules reach keep the library's order (only those it adds from
a set are put in file order), and the deferred `holidays.countries` package serves threads and `dir()` as imported."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import icalendar
import pytest
import recurring_ical_events

from pbxcal.readers.series import series_of

# A weekly series whose last two occurrences are overrides the rules DO reach, written out of date order.
REACHED = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x",
    "BEGIN:VEVENT", "UID:s1", "DTSTART;TZID=Europe/Berlin:20260105T090000",
    "DTEND;TZID=Europe/Berlin:20260105T100000", "RRULE:FREQ=WEEKLY;COUNT=5", "SUMMARY:S", "END:VEVENT",
    "BEGIN:VEVENT", "UID:s1", "RECURRENCE-ID;TZID=Europe/Berlin:20260202T090000",
    "DTSTART;TZID=Europe/Berlin:20260202T120007", "DTEND;TZID=Europe/Berlin:20260202T130000", "END:VEVENT",
    "BEGIN:VEVENT", "UID:s1", "RECURRENCE-ID;TZID=Europe/Berlin:20260126T090000",
    "DTSTART;TZID=Europe/Berlin:20260126T110007", "DTEND;TZID=Europe/Berlin:20260126T120000", "END:VEVENT",
    "END:VCALENDAR", ""])


THISANDFUTURE = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x",
    "BEGIN:VEVENT", "UID:t", "DTSTART;TZID=Europe/Berlin:20260105T090000",
    "DTEND;TZID=Europe/Berlin:20260105T100000", "RRULE:FREQ=WEEKLY;COUNT=8", "END:VEVENT",
    "BEGIN:VEVENT", "UID:t", "RECURRENCE-ID;TZID=Europe/Berlin:20260202T090000",
    "DTSTART;TZID=Europe/Berlin:20260202T110007", "DTEND;TZID=Europe/Berlin:20260202T120000", "END:VEVENT",
    "BEGIN:VEVENT", "UID:t", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260112T090000",
    "DTSTART;TZID=Europe/Berlin:20260112T090007", "DTEND;TZID=Europe/Berlin:20260112T100000", "END:VEVENT",
    "END:VCALENDAR", ""])


@pytest.mark.parametrize("text", [REACHED, THISANDFUTURE], ids=["reached", "thisandfuture"])
def test_overrides_the_rules_reach_keep_the_library_s_order(text):
    """Overrides the rules reach come where the library puts them (by date), also every occurrence after a
    THISANDFUTURE; a re-sort of all trailing overrides once moved them and the note that names the first."""
    calendar = icalendar.Calendar.from_ical(text)
    first, until = datetime(2026, 1, 1), datetime(2027, 1, 1)
    [library] = recurring_ical_events.of(calendar).series
    expected = [o.start for o in library.between(first, until)]
    [expansion] = series_of(calendar)
    assert [o.start for o in expansion.between(first, until)] == expected


def test_cli_names_the_first_approximated_occurrence(tmp_path):
    source = tmp_path / "reached.ics"
    source.write_text(REACHED, newline="")
    done = subprocess.run([sys.executable, "-m", "pbxcal.cli", "convert", str(source), "--to", "netsapiens",
                           "--timezone", "Europe/Berlin", "--years", "2026", "-o", str(tmp_path / "out.json")],
                          capture_output=True, text=True, check=True)
    assert "approximated: 2026-01-26 11:00:07" in done.stderr


THREADS = """
import threading
import pbxcal.readers.holidays  # any pbxcal conversion of holidays imports it
import holidays.countries as countries
errors = []
def use(name):
    try:
        getattr(countries, name)
    except AttributeError as error:
        errors.append(str(error))
threads = [threading.Thread(target=use, args=(name,)) for name in ("Germany", "France")]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(errors or "ok")
"""


def test_the_deferred_country_package_serves_concurrent_threads():
    """Threads that use the deferred package at once all find what they ask for (its __init__ runs once, under a
    lock, the others waiting for it as for an import)."""
    done = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "ok"


def test_the_deferred_country_package_lists_its_countries():
    script = ("import pbxcal.readers.holidays\nimport holidays.countries as c\n"
              "print('Germany' in dir(c))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
