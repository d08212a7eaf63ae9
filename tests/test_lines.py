"""The line tokenizer (readers/lines.py) reads every event as icalendar's parser reads it: on every corpus file and
on generated calendars mutated the ways real exports differ (folds anywhere, names in any case, parameters known and
unknown, quoting, escapes, nested alarms, broken lines, LF or CR line ends, repeated UIDs)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_corpus import FILES, case_id

from pbxcal.readers import ics
from pbxcal.readers.lines import KEPT, RECURRING, parse_calendar

BLOCK = re.compile(r"^BEGIN:VCALENDAR.*?^END:VCALENDAR[^\r\n]*", re.M | re.S | re.I)


def _value(value: Any) -> Any:
    """A property as the reader sees it: its type, text, parameters and Python value (zone included)."""
    if isinstance(value, list):
        return [_value(v) for v in value]
    return (type(value).__name__, _call(value.to_ical), sorted(dict(value.params).items()),
            _call(lambda: value.dt), _call(lambda: value.dt.tzinfo))


def _call(read: Any) -> Any:
    try:
        return repr(read())
    except Exception as error:  # the same failure on both sides
        return type(error).__name__


def reading(calendar: icalendar.Calendar) -> list[Any]:
    """Everything the reader reads from a calendar's events, in order, and the other components by name."""
    found: list[Any] = [sorted((k, str(v)) for k, v in calendar.items())]
    for component in calendar.walk():
        if component.name != "VEVENT":
            found.append(component.name)
            continue
        found.append({name: _value(component[name]) for name in (*KEPT, *RECURRING) if name in component})
        found.append((_call(lambda c=component: c.start), _call(lambda c=component: c.end)))
    return found


def both(block: str) -> tuple[Any, Any, bool]:
    """icalendar's reading of a block and the tokenizer's (each with icalendar's zone cache emptied first), and
    whether the tokenizer read any of it."""
    icalendar.use_zoneinfo()
    try:
        expected = reading(icalendar.Calendar.from_ical(block))
    except Exception as error:  # then the tokenizer must give up on it too
        expected = type(error).__name__
    icalendar.use_zoneinfo()
    try:
        fast = parse_calendar(block)
    except Exception as error:  # it must never raise: it gives up instead
        raise AssertionError(f"the tokenizer raised {error!r}") from error
    return expected, (reading(fast) if fast is not None else expected), fast is not None


TOKENIZED: list[bool] = []


@pytest.mark.parametrize("path", FILES, ids=case_id)
def test_every_event_reads_as_icalendar_reads_it_on_the_corpus(path):
    text = ics.decode(path.read_bytes())
    for block in BLOCK.findall(text):
        expected, found, used = both(block)
        TOKENIZED.append(used)
        assert found == expected


def test_the_corpus_takes_the_tokenizer():
    if not TOKENIZED:
        for path in FILES:
            TOKENIZED.extend([both(block)[2] for block in BLOCK.findall(ics.decode(path.read_bytes()))])
    assert any(TOKENIZED) and not all(TOKENIZED)


VTIMEZONE = ["BEGIN:VTIMEZONE", "TZID:Custom",
             "BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
             "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
             "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
             "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"]

SUMMARIES = ["Meeting", "Closed\\, all day", "Back\\nsoon", "Caf\u00e9 \u2615", "a\\;b\\\\c", "x:y", "", " lead"]
STARTS = ["DTSTART;TZID=Custom:{t}", "DTSTART;TZID=Europe/Berlin:{t}", "DTSTART:{t}Z", "DTSTART:{t}",
          "DTSTART;VALUE=DATE:{d}", "DTSTART;TZID=\"Custom\":{t}", "DTSTART;VALUE=DATE-TIME:{t}",
          "DTSTART;TZID=Nowhere/Zone:{t}", "DTSTART:{d}", "DTSTART;VALUE=PERIOD:{t}/PT1H", "DTSTART:notadate"]
ENDS = ["DTEND;TZID=Custom:{t}", "DTEND:{t}Z", "DTEND;VALUE=DATE:{d}", "DURATION:PT1H",
        "DURATION;X-PBXCAL-NOMINAL-DAYS=1:P1D", "DURATION:P1W", "", "DTEND:{t}"]
EXTRA = ["CLASS:PUBLIC", "DTSTAMP:20251201T120000Z", "X-MICROSOFT-CDO-BUSYSTATUS:OOF", "STATUS:CANCELLED",
         "STATUS:confirmed", "DESCRIPTION:long text with \\, commas\\; and a url https://x.example/a?b=c",
         "LOCATION;ALTREP=\"http://x.example/room\":Room 1", "SEQUENCE:2", "TRANSP:TRANSPARENT",
         "CATEGORIES:a,b", "ATTENDEE;CN=\"Doe, Jane\";ROLE=REQ-PARTICIPANT:mailto:jane@example.com",
         "SUMMARY;LANGUAGE=de:Zweite", "UID:second-uid", "RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE:20260105T100000Z",
         "RECURRENCE-ID:20260105T100000Z", "RDATE;VALUE=DATE:20260110", "BEGIN:VALARM\nACTION:DISPLAY\n"
         "TRIGGER:-PT15M\nEND:VALARM", "garbage line without colon", "X-ODD;X-P=\"a:b\":v", "bad;=:x",
         "DTSTART;X-UNKNOWN=1:20260101T100000", "SUMMARY;X-APPLE=1:odd", "X-EMPTY:", "ORGANIZER:mailto:a@b.c"]


@st.composite
def events(draw: st.DrawFn, n: int) -> list[str]:
    moment = datetime(2026, 1, 1, 9) + timedelta(days=draw(st.integers(0, 500)), minutes=15 * draw(st.integers(0, 40)))
    later = moment + timedelta(hours=draw(st.integers(0, 30)))
    t, d = f"{moment:%Y%m%dT%H%M%S}", f"{moment:%Y%m%d}"
    lines = ["BEGIN:VEVENT", f"UID:event-{draw(st.integers(0, n))}", f"SUMMARY:{draw(st.sampled_from(SUMMARIES))}",
             draw(st.sampled_from(STARTS)).format(t=t, d=d)]
    end = draw(st.sampled_from(ENDS)).format(t=f"{later:%Y%m%dT%H%M%S}", d=f"{later + timedelta(days=1):%Y%m%d}")
    if end:
        lines.append(end)
    for extra in draw(st.lists(st.sampled_from(EXTRA), max_size=3)):
        lines.append(extra)
    return [*lines, "END:VEVENT"]


@st.composite
def calendars(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 6))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal//tests//EN"]
    body = [line for _ in range(count) for line in draw(events(count + 1))]
    at = draw(st.sampled_from(["first", "first", "last", "none"]))  # a VTIMEZONE after events: icalendar re-reads
    lines += (VTIMEZONE if at == "first" else []) + body + (VTIMEZONE if at == "last" else []) + ["END:VCALENDAR"]
    lines = [part for line in lines for part in line.split("\n")]
    # Mutations, each on a few lines: names in other cases, folds at any point, stray spaces, blank lines.
    for _ in range(draw(st.integers(0, 4))):
        k = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["lower", "fold", "fold", "space-in-name", "blank", "cr", "tab-fold"]))
        line = lines[k]
        if kind == "lower":
            name, sep, rest = line.partition(":")
            lines[k] = name.lower() + sep + rest
        elif kind in ("fold", "tab-fold") and len(line) > 2:
            cut = draw(st.integers(1, len(line) - 1))
            lines[k] = line[:cut] + "\r\n" + (" " if kind == "fold" else "\t") + line[cut:]
        elif kind == "space-in-name" and ":" in line:
            lines[k] = line[:1] + " " + line[1:]
        elif kind == "blank":
            lines[k] = line + "\r\n"
        elif kind == "cr":
            lines[k] = line + "\r"
    ending = draw(st.sampled_from(["\r\n", "\r\n", "\n"]))
    return ending.join(lines) + ending


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=calendars())
def test_every_event_reads_as_icalendar_reads_it_on_mutated_calendars(block):
    expected, found, _used = both(block)
    assert found == expected


def test_a_plain_export_is_read_by_the_tokenizer_and_the_rest_by_icalendar():
    block = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *VTIMEZONE,
                         "BEGIN:VEVENT", "UID:a", "SUMMARY:One\\, off", "DTSTART;TZID=Custom:20260105T100000",
                         "DTEND;TZID=Custom:20260105T1", " 10000", "DTSTAMP:20260101T000000Z", "END:VEVENT",
                         "BEGIN:VEVENT", "UID:b", "DTSTART:20260105T100000Z", "RRULE:FREQ=DAILY;COUNT=2", "END:VEVENT",
                         "END:VCALENDAR"]) + "\r\n"
    calendar = parse_calendar(block)
    assert calendar is not None
    plain, series = calendar.walk("VEVENT")
    assert "DTSTAMP" not in plain and str(plain["SUMMARY"]) == "One, off"  # only what the reader reads
    assert plain["DTEND"].dt.hour == 11 and str(plain["DTEND"].dt.tzinfo) == str(plain["DTSTART"].dt.tzinfo)
    assert "DTSTAMP" not in series or series["RRULE"]  # the series as icalendar reads it
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT", "VEVENT"]
    assert both(block)[0] == both(block)[1]
