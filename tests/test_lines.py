"""The line tokenizer (readers/lines.py) reads every event as icalendar's parser reads it: on every corpus file and
on generated calendars mutated the ways real exports differ (folds anywhere, names in any case, parameters known and
unknown, quoting, escapes, nested alarms, broken lines, LF or CR line ends, repeated UIDs, series with rules, dates
added and excluded, and overrides). "Reads" is what pbxcal and recurring_ical_events read: the properties, their
values, zones and parameters, the reader's checks and estimates, and the occurrences expanded."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_corpus import FILES, case_id

from pbxcal.readers import ics
from pbxcal.readers.lines import parse_calendar

BLOCK = re.compile(r"^BEGIN:VCALENDAR.*?^END:VCALENDAR[^\r\n]*", re.M | re.S | re.I)


# What pbxcal and recurring_ical_events read of an event (src/pbxcal/readers/ics.py, recurring_ical_events' adapters).
READ = ("DTSTART", "DTEND", "DURATION", "STATUS", "UID", "SUMMARY", "SEQUENCE", "RRULE", "RDATE", "EXRULE", "EXDATE",
        "RECURRENCE-ID")
UNTIL = datetime(2031, 1, 1)  # the window end the occurrence estimate is compared for


def _value(value: Any) -> Any:
    """A property as the reader sees it: its type, text, parameters and Python value (zone included); for a list of
    dates each date's value and zone, for a rule each part's values."""
    if isinstance(value, list):
        return [_value(v) for v in value]
    return (type(value).__name__, _call(value.to_ical), sorted(dict(value.params).items()),
            _call(lambda: value.dt), _call(lambda: value.dt.tzinfo),
            _call(lambda: [(d.dt, getattr(d.dt, "tzinfo", None), dict(d.params)) for d in value.dts]),
            _call(lambda: sorted(value.items())) if isinstance(value, dict) else None)


def _call(read: Any) -> Any:
    try:
        return repr(read())
    except Exception as error:  # the same failure on both sides
        return type(error).__name__


def reading(calendar: icalendar.Calendar, window: tuple[date, date]) -> list[Any]:
    """Everything the reader reads from a calendar's events, in order, the other components by name, and the
    occurrences in the window."""
    found: list[Any] = [sorted((k, str(v)) for k, v in calendar.items())]
    for component in calendar.walk():
        if component.name != "VEVENT":
            found.append(component.name)
            continue
        found.append({name: _value(component[name]) for name in READ if name in component})
        found.append((_call(lambda c=component: c.start), _call(lambda c=component: c.end)))
        found.append(_call(lambda c=component: (c.rrules, c.exdates, c.rdates)))
        found.append((_call(lambda c=component: ics.problem(c)),
                      _call(lambda c=component: ics.estimate_occurrences(c, UNTIL))))
    found.append(_call(lambda: _occurrences(calendar, window)))
    return found


def _occurrences(calendar: icalendar.Calendar, window: tuple[date, date]) -> list[Any]:
    """What recurring_ical_events expands the calendar to (sorted: a series' order varies between runs)."""
    return sorted(repr((str(o.get("UID")), o.start, o.end, str(o.get("SUMMARY")), str(o.get("STATUS"))))
                  for o in recurring_ical_events.of(calendar).between(*window))


def _window(block: str) -> tuple[date, date]:
    """Two years from the earliest start written in the block: where its events are."""
    years = [int(y) for y in re.findall(r"^DTSTART[^:\n]*:(\d{4})", block, re.M | re.I) if 1900 < int(y) < 2100]
    first = min(years, default=2026)
    return date(first, 1, 1), date(first + 2, 1, 1)


def both(block: str) -> tuple[Any, Any, bool]:
    """icalendar's reading of a block and the tokenizer's (each with icalendar's zone cache emptied first), and
    whether the tokenizer read any of it."""
    window = _window(block)
    icalendar.use_zoneinfo()
    try:
        expected = reading(icalendar.Calendar.from_ical(block), window)
    except Exception as error:  # then the tokenizer must give up on it too
        expected = type(error).__name__
    icalendar.use_zoneinfo()
    try:
        fast = parse_calendar(block)
    except Exception as error:  # it must never raise: it gives up instead
        raise AssertionError(f"the tokenizer raised {error!r}") from error
    return expected, (reading(fast, window) if fast is not None else expected), fast is not None


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


# Series lines: {t} {d} the start, {t1} {t2} {d1} {d2} its time and date a week and two later, {u} {ud} later still.
RRULES = ["RRULE:FREQ=DAILY;COUNT=5", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;INTERVAL=2;COUNT=7",
          "RRULE:FREQ=WEEKLY;UNTIL={u}Z", "RRULE:FREQ=WEEKLY;UNTIL={u}",
          "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15;UNTIL={ud}", "RRULE:FREQ=MONTHLY;BYDAY=-1FR",
          "RRULE:FREQ=YEARLY;BYMONTH=3,10;BYDAY=2SU;WKST=SU",
          "RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR;COUNT=4",
          "RRULE:FREQ=DAILY;INTERVAL=3;UNTIL={u}Z", "RRULE:FREQ=WEEKLY;COUNT=3;", "rrule:freq=weekly;count=2",
          "RRULE:FREQ=HOURLY;INTERVAL=5;COUNT=6"]
EXDATES = ["EXDATE:{t1}Z", "EXDATE;TZID=Custom:{t1}", "EXDATE;TZID=Europe/Berlin:{t1},{t2}", "EXDATE;VALUE=DATE:{d1}",
           "EXDATE;VALUE=DATE:{d1},{d2}", "EXDATE:{t1}", "EXDATE;TZID=Custom:{d1}", "EXDATE;TZID=\"Custom\":{t2}",
           "EXDATE;VALUE=DATE-TIME:{t1}Z,{t2}Z", "EXDATE:{t1},{d2}"]
RDATES = ["RDATE:{t1}Z", "RDATE;VALUE=DATE:{d1},{d2}", "RDATE;TZID=Custom:{t1},{t2}", "RDATE;VALUE=PERIOD:{t1}Z/{t2}Z",
          "RDATE;VALUE=PERIOD:{t1}Z/PT2H", "RDATE;VALUE=PERIOD;TZID=Custom:{t1}/PT30M", "RDATE:", "RDATE;VALUE=DATE:",
          "RDATE;TZID=Europe/Berlin:{t1}", "RDATE:{t1}/PT1H"]
# Series lines icalendar refuses, stores oddly, or the tokenizer does not know.
ODD_SERIES = ["RRULE:FREQ=BOGUS", "RRULE:COUNT=x", "RRULE:", "RRULE;X-P=1:FREQ=DAILY;COUNT=2",
              "RRULE;VALUE=RECUR:FREQ=DAILY;COUNT=2", "RRULE;TZID=Custom:FREQ=DAILY;UNTIL={u}", "EXDATE:",
              "EXDATE;VALUE=PERIOD:{t1}/PT1H", "EXDATE;TZID=Nowhere/Zone:{t1}", "EXDATE:notadate",
              "EXDATE;X-FOO=1:{t1}Z", "EXDATE;value=date:{d2}", "RDATE;VALUE=TIME:100000", "RDATE;TZID=Custom:",
              "RDATE;LANGUAGE=en:{t1}Z", "RDATE:20260101T1000", "RDATE;VALUE=DATE:{t1}", "EXDATE;VALUE=DATE:{t1}"]
OVERRIDES = ["RECURRENCE-ID;TZID=Custom:{t1}", "RECURRENCE-ID:{t1}Z", "RECURRENCE-ID;VALUE=DATE:{d1}",
             "RECURRENCE-ID:{t1}", "EXRULE:FREQ=WEEKLY;COUNT=2"]


def _times(moment: datetime) -> dict[str, str]:
    later = {k: moment + timedelta(days=days) for k, days in (("1", 7), ("2", 14), ("u", 60))}
    return {"t": f"{moment:%Y%m%dT%H%M%S}", "d": f"{moment:%Y%m%d}", "t1": f"{later['1']:%Y%m%dT%H%M%S}",
            "t2": f"{later['2']:%Y%m%dT%H%M%S}", "d1": f"{later['1']:%Y%m%d}", "d2": f"{later['2']:%Y%m%d}",
            "u": f"{later['u']:%Y%m%dT%H%M%S}", "ud": f"{later['u']:%Y%m%d}"}


@st.composite
def recurrence(draw: st.DrawFn, times: dict[str, str]) -> list[str]:
    """A series' lines (rules, added and excluded dates, any of them repeated), sometimes an override's or EXRULE."""
    lines = [*draw(st.lists(st.sampled_from(RRULES), max_size=2)),
             *draw(st.lists(st.sampled_from(EXDATES), max_size=3)),
             *draw(st.lists(st.sampled_from(RDATES), max_size=2))]
    if draw(st.integers(0, 3)) == 0:
        lines.append(draw(st.sampled_from(ODD_SERIES)))
    if draw(st.integers(0, 4)) == 0:
        lines.append(draw(st.sampled_from(OVERRIDES)))
    return [line.format(**times) for line in draw(st.permutations(lines))]


@st.composite
def events(draw: st.DrawFn, n: int, series: bool) -> list[str]:
    moment = datetime(2026, 1, 1, 9) + timedelta(days=draw(st.integers(0, 500)), minutes=15 * draw(st.integers(0, 40)))
    later = moment + timedelta(hours=draw(st.integers(0, 30)))
    times = _times(moment)
    lines = ["BEGIN:VEVENT", f"UID:event-{draw(st.integers(0, n))}", f"SUMMARY:{draw(st.sampled_from(SUMMARIES))}",
             draw(st.sampled_from(STARTS)).format(**times)]
    end = draw(st.sampled_from(ENDS)).format(t=f"{later:%Y%m%dT%H%M%S}", d=f"{later + timedelta(days=1):%Y%m%d}")
    if end:
        lines.append(end)
    if series or draw(st.booleans()):
        lines += draw(recurrence(times))
    for extra in draw(st.lists(st.sampled_from(EXTRA), max_size=1 if series else 3)):
        lines.append(extra)
    return [*lines, "END:VEVENT"]


@st.composite
def calendars(draw: st.DrawFn, series: bool = False) -> str:
    """A calendar of a few events (with `series`, each one recurring and fewer odd lines), mutated."""
    count = draw(st.integers(1, 6))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal//tests//EN"]
    body = [line for _ in range(count) for line in draw(events(count + 1, series))]
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


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=calendars(series=True))
def test_every_series_reads_as_icalendar_reads_it_on_mutated_calendars(block):
    expected, found, _used = both(block)
    assert found == expected


def test_a_plain_export_is_read_by_the_tokenizer_and_the_rest_by_icalendar():
    block = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *VTIMEZONE,
                         "BEGIN:VEVENT", "UID:a", "SUMMARY:One\\, off", "DTSTART;TZID=Custom:20260105T100000",
                         "DTEND;TZID=Custom:20260105T1", " 10000", "DTSTAMP:20260101T000000Z", "END:VEVENT",
                         "BEGIN:VEVENT", "UID:b", "DTSTART:20260105T100000Z", "RRULE:FREQ=DAILY;COUNT=2",
                         "EXDATE;TZID=Custom:20260106T110000", "EXDATE;TZID=Custom:20260107T110000",
                         "DTSTAMP:20260101T000000Z", "END:VEVENT",
                         "BEGIN:VEVENT", "UID:c", "DTSTART:20260105T100000Z", "EXRULE:FREQ=DAILY;COUNT=2",
                         "DTSTAMP:20260101T000000Z", "END:VEVENT",
                         "END:VCALENDAR"]) + "\r\n"
    calendar = parse_calendar(block)
    assert calendar is not None
    plain, series, other = calendar.walk("VEVENT")
    assert "DTSTAMP" not in plain and str(plain["SUMMARY"]) == "One, off"  # only what the reader reads
    assert plain["DTEND"].dt.hour == 11 and str(plain["DTEND"].dt.tzinfo) == str(plain["DTSTART"].dt.tzinfo)
    assert "DTSTAMP" not in series and series["RRULE"]["COUNT"] == [2]
    _first, second = series["EXDATE"]  # one value per line, as icalendar's parser adds them
    assert second.params["TZID"] == "Custom" and second.dts[0].dt.utcoffset() == timedelta(hours=1)
    assert "DTSTAMP" in other  # an EXRULE: icalendar's own reading
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT", "VEVENT", "VEVENT"]
    assert both(block)[0] == both(block)[1]


def _block(*events: tuple[str, list[str]]) -> str:
    """A calendar of events (UID, lines), each with a DTSTAMP: the tokenizer drops it, icalendar keeps it."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *VTIMEZONE]
    for uid, body in events:
        lines += ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *body, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


START = "DTSTART;TZID=Custom:20260105T100000"
# Series, each with whether the tokenizer builds each of its events (else icalendar reads it).
SERIES_CASES: dict[str, tuple[list[tuple[str, list[str]]], list[bool]]] = {
    "rule, until utc, exdates with tzid and as dates": (
        [("a", [START, "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20260301T090000Z",
                "EXDATE;TZID=Custom:20260112T100000,20260115T100000", "EXDATE;VALUE=DATE:20260119",
                "EXDATE:20260122T090000Z"])], [True]),
    "until local and as a date, count, several rules": (
        [("a", [START, "RRULE:FREQ=DAILY;UNTIL=20260110T100000", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,-1;COUNT=4",
                "rrule:FREQ=YEARLY;UNTIL=20290105"])], [True]),
    "rdates as dates, date-times, periods, empty": (
        [("a", ["DTSTART;VALUE=DATE:20260105", "RDATE;VALUE=DATE:20260201,20260301", "RDATE:"]),
         ("b", [START, "RDATE;TZID=Custom:20260201T120000", "RDATE;VALUE=PERIOD:20260301T100000Z/PT2H",
                "RDATE;VALUE=PERIOD;TZID=Europe/Berlin:20260401T100000/20260401T123000", "RDATE;VALUE=DATE:"])],
        [True, True]),
    "an override shares the uid": (
        [("a", [START, "RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Custom:20260106T100000"]),
         ("a", ["RECURRENCE-ID;TZID=Custom:20260107T100000", "DTSTART;TZID=Custom:20260107T150000"]),
         ("b", [START, "RRULE:FREQ=DAILY;COUNT=2"])], [False, False, True]),
    "exrule": ([("a", [START, "RRULE:FREQ=DAILY;COUNT=5", "EXRULE:FREQ=DAILY;COUNT=2"])], [False]),
    "an unknown parameter on a rule": ([("a", [START, "RRULE;X-A=1:FREQ=DAILY;COUNT=5"])], [False]),
    "an exdate period": ([("a", [START, "RRULE:FREQ=DAILY;COUNT=5", "EXDATE;VALUE=PERIOD:20260106T100000Z/PT1H"])],
                         [False]),
    "an empty exdate": ([("a", [START, "RRULE:FREQ=DAILY;COUNT=5", "EXDATE:"])], [False]),
    "sequence twice": ([("a", [START, "RRULE:FREQ=DAILY;COUNT=5", "SEQUENCE:1", "SEQUENCE:2"])], [False]),
}


@pytest.mark.parametrize(("events", "tokenized"), SERIES_CASES.values(), ids=SERIES_CASES)
def test_a_series_reads_as_icalendar_reads_it(events, tokenized):
    block = _block(*events)
    expected, found, _used = both(block)
    assert found == expected
    calendar = parse_calendar(block)
    built = [False] * len(events) if calendar is None else ["DTSTAMP" not in e for e in calendar.walk("VEVENT")]
    assert built == tokenized
