"""Embedded VTIMEZONEs: replaced by the IANA zone of the same name only where every offset agrees."""

from datetime import date, datetime

import pytest

from pbxcal.model import Window
from pbxcal.pipeline import Options, convert
from pbxcal.readers.tzids import prefer_iana
from pbxcal.spans import Span


def definition(tzid: str, daylight_start: str, daylight_rule: str, standard_start: str, standard_rule: str) -> str:
    return "\r\n".join([
        "BEGIN:VTIMEZONE", f"TZID:{tzid}",
        "BEGIN:STANDARD", f"DTSTART:{standard_start}", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
        f"RRULE:{standard_rule}", "END:STANDARD",
        "BEGIN:DAYLIGHT", f"DTSTART:{daylight_start}", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
        f"RRULE:{daylight_rule}", "END:DAYLIGHT",
        "END:VTIMEZONE",
    ])


MARCH = "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
OCTOBER = "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
OUTLOOK = definition("W. Europe Standard Time", "16010101T020000", MARCH, "16010101T030000", OCTOBER)
# The same zone with summer time starting an hour late, and one ending a week early: both differ from Europe/Berlin.
LATE_HOUR = definition("W. Europe Standard Time", "16010101T030000", MARCH, "16010101T030000", OCTOBER)
EARLY_WEEK = definition("W. Europe Standard Time", "16010101T020000", MARCH, "16010101T030000",
                        "FREQ=YEARLY;BYDAY=-2SU;BYMONTH=10")


def calendar(zone_definition: str) -> str:
    events = []
    for month, day in ((3, 29), (3, 30), (10, 18), (10, 25), (10, 26)):
        events += ["BEGIN:VEVENT", f"UID:m{month}-{day}@x", f"DTSTART;TZID=W. Europe Standard Time:2026{month:02}"
                   f"{day:02}T090000", f"DTEND;TZID=W. Europe Standard Time:2026{month:02}{day:02}T100000",
                   f"SUMMARY:Meeting {month}-{day}", "END:VEVENT"]
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", zone_definition, *events, "END:VCALENDAR",
                        ""])


def test_an_outlook_definition_of_an_iana_zone_is_read_as_that_zone():
    text, messages = prefer_iana(calendar(OUTLOOK))
    assert "TZID=Europe/Berlin:20260329T090000" in text
    assert messages == ["time zone 'W. Europe Standard Time' read as Europe/Berlin (the same offsets 2007-2099)"]


@pytest.mark.parametrize("different", [LATE_HOUR, EARLY_WEEK], ids=["late-hour", "early-week"])
def test_a_definition_that_differs_anywhere_is_kept(different):
    text, messages = prefer_iana(calendar(different))
    assert "TZID=W. Europe Standard Time:20260329T090000" in text and messages == []


# 09:00 local on 29 and 30 March, 18, 25 and 26 October 2026, in UTC hours, worked out from each definition's rules:
# summer time (+0200) from 29 March; back to +0100 on 25 October, or on 18 October for EARLY_WEEK (the
# second-to-last Sunday). LATE_HOUR starts summer time at 03:00 instead of 02:00, which no 09:00 meeting sees.
@pytest.mark.parametrize("zone_definition, hours", [
    (OUTLOOK, [7, 7, 7, 8, 8]), (LATE_HOUR, [7, 7, 7, 8, 8]), (EARLY_WEEK, [7, 7, 8, 8, 8])],
    ids=["outlook", "late-hour", "early-week"])
def test_the_body_follows_the_file_s_own_definition(tmp_path, zone_definition, hours):
    path = tmp_path / "zone.ics"
    path.write_text(calendar(zone_definition), newline="")
    window = Window(date(2026, 1, 1), date(2027, 1, 1))
    result = convert([str(path)], "telphin", Options(window, zone="UTC"))
    days = [(3, 29), (3, 30), (10, 18), (10, 25), (10, 26)]
    assert result.schedule.active() == [Span(datetime(2026, m, d, h), datetime(2026, m, d, h + 1))
                                        for (m, d), h in zip(days, hours, strict=True)]
