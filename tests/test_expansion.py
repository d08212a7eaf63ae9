"""The reader's cheaper expansion path (readers/series.py) gives exactly the occurrences of recurring_ical_events'
public API: on every corpus file (the copied subset, and the shared corpus when it sits beside the project) and on
generated series. The public API is the reference; the cheaper path only reuses the rule set the library built.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import FR, MO, TU, rrule, rrulestr
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from test_corpus import FILES, case_id, window_for

from pbxcal.readers import ics
from pbxcal.readers.series import _rule_of, series_of


def _key(uid: Any, start: Any, end: Any) -> tuple[str, str, str]:
    """An occurrence as text: value, type and zone, so that a date never equals a midnight, nor zones each other."""
    def text(value: Any) -> str:
        zone = getattr(value, "tzinfo", None)
        return f"{type(value).__name__}:{value.isoformat()}:{zone!s}:{getattr(value, 'fold', 0)}"

    return str(uid), text(start), text(end)


def public(calendar: icalendar.Calendar, first: datetime, until: datetime) -> list[tuple[str, str, str]] | str:
    """What recurring_ical_events.of(calendar).between(...) gives, or the kind of error it raises."""
    try:
        found = recurring_ical_events.of(calendar).between(first, until)
    except Exception as error:  # the cheaper path must fail alike
        return type(error).__name__
    return sorted(_key(c.get("UID"), c["DTSTART"].dt, c["DTEND"].dt if "DTEND" in c else c["DTSTART"].dt)
                  for c in found)


def cheaper(calendar: icalendar.Calendar, first: datetime, until: datetime,
            used: list[bool] | None = None) -> list[tuple[str, str, str]] | str:
    """The same through Expansion.between, series by series (fresh series: nothing shared with the other path)."""
    try:
        found = []
        for expansion in series_of(calendar):
            if used is not None:
                used.append(expansion.direct)
            for occurrence in expansion.between(first, until):
                component = occurrence.as_component(False)  # how the public API turns occurrences into components
                found.append(_key(component.get("UID"), component["DTSTART"].dt,
                                  component["DTEND"].dt if "DTEND" in component else component["DTSTART"].dt))
    except Exception as error:  # compared with the public API's failure
        return type(error).__name__
    return sorted(found)


def _calendars(path: Path) -> list[icalendar.Calendar]:
    """The file's calendars twice over: each VCALENDAR as icalendar parses it, and as the reader prepares it."""
    text = ics.decode(path.read_bytes())
    found = []
    for block in re.findall(r"^BEGIN:VCALENDAR.*?^END:VCALENDAR", text, re.M | re.S | re.I):
        icalendar.use_zoneinfo()  # no calendar sees another's VTIMEZONEs
        try:
            found.append(icalendar.Calendar.from_ical(block))
        except Exception:  # unreadable: the reader refuses it
            continue
    with contextlib.suppress(Exception):  # when the reader refuses the file, nothing of it is expanded
        found += ics.parse(str(path), path.read_bytes())
    return found


USED: list[bool] = []


@pytest.mark.parametrize("path", FILES, ids=case_id)
def test_the_cheaper_path_gives_the_public_api_s_occurrences_on_the_corpus(path):
    window = window_for(path)
    first, until = datetime(window.first.year - 1, 12, 30), datetime(window.until.year, 1, 2)
    for calendar in _calendars(path):
        assert cheaper(calendar, first, until, USED) == public(calendar, first, until)


def test_the_corpus_takes_the_cheaper_path():
    """Not vacuous: most corpus series have no modification, so they take the rule set, and some do not."""
    if not USED:
        for path in FILES:
            window = window_for(path)
            for calendar in _calendars(path):
                cheaper(calendar, datetime(window.first.year, 1, 1), datetime(window.until.year, 1, 1), USED)
    assert any(USED) and not all(USED)


@pytest.mark.parametrize(("package", "read", "next_minor"), [("recurring-ical-events", "3.8.2", "3.9.0"),
                                                              ("python-dateutil", "2.9.0.post0", "2.10.0")])
def test_the_pinned_library_versions_are_the_installed_one(package, read, next_minor):
    """readers/series.py reads recurring_ical_events' and dateutil's internals as they are in the pinned versions."""
    text = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    pin = re.search(rf'"{package}([^"]+)"', text)
    assert pin is not None
    assert Version(metadata.version(package)) in SpecifierSet(pin[1])
    assert SpecifierSet(pin[1]).contains(read) and not SpecifierSet(pin[1]).contains(next_minor)


# Generated series: every kind of start, rules with UNTIL in each form, several rules, EXDATEs in and out of the
# pattern in other forms and zones, RDATEs, and sometimes what only Series.between handles (a moved occurrence,
# THISANDFUTURE, an RDATE period).
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
CUSTOM = """BEGIN:VTIMEZONE\r
TZID:Custom Zone\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""


def _value(moment: date | datetime, form: str) -> str:
    """A property's parameters and value: 'date', 'floating', 'utc' or a TZID."""
    if form == "date":
        return f";VALUE=DATE:{moment:%Y%m%d}"
    if form == "floating":
        return f":{moment:%Y%m%dT%H%M%S}"
    if form == "utc":
        return f":{moment:%Y%m%dT%H%M%S}Z"
    return f";TZID={form}:{moment:%Y%m%dT%H%M%S}"


@st.composite
def rules(draw: st.DrawFn, start: datetime, form: str) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if freq in ("WEEKLY", "MONTHLY") and draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=1, max_size=3,
                             unique=True))
        parts.append("BYDAY=" + ",".join(days))
        if freq == "WEEKLY" and draw(st.booleans()):
            parts.append(f"WKST={draw(st.sampled_from(['MO', 'SU', 'WE']))}")
    if freq == "MONTHLY" and draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.sampled_from(['1', '15', '-1', '31', '29,30']))}")
    if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
        parts.append(draw(st.sampled_from(["BYDAY=-1FR", "BYDAY=2MO", "BYDAY=+1TU,-2SU", "BYDAY=0MO", "BYDAY=+MO",
                                           "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "BYDAY=SA,SU;BYSETPOS=1,2"])))
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append(draw(st.sampled_from(["BYMONTH=3,10", "BYMONTH=2;BYMONTHDAY=29", "BYYEARDAY=1,-1",
                                           "BYWEEKNO=20;BYDAY=MO", "BYMONTH=13"])))
    if freq == "DAILY" and draw(st.booleans()):
        parts.append(draw(st.sampled_from(["BYMONTH=1,7", "BYDAY=MO,FR", "BYHOUR=9,17", "X-NAME=1", "BYEASTER=0"])))
    if freq == "HOURLY":
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    else:
        end = draw(st.sampled_from(["count", "until", "none", "odd count"]))
        if end == "count":
            parts.append(f"COUNT={draw(st.integers(1, 30))}")
        elif end == "odd count":
            parts.append(f"COUNT={draw(st.sampled_from(['0', '-2', '2,3']))}")
        elif end == "until":
            until = start + timedelta(days=draw(st.integers(-3, 400)), hours=draw(st.integers(0, 23)))
            until_form = draw(st.sampled_from(["date", "utc", "floating"] if form != "date" else ["date", "utc"]))
            parts.append(f"UNTIL={_value(until, until_form).split(':', 1)[1]}")
    text = ";".join(draw(st.permutations(parts)))
    # Spellings the library reads by the rule's text: lower case, a trailing semicolon, a part twice.
    text = draw(st.sampled_from([text, text, text, text.lower(), text + ";", f"{text};INTERVAL=2"]))
    return "RRULE:" + text


@st.composite
def calendars(draw: st.DrawFn) -> str:
    start = datetime(2026, 1, 1) + timedelta(days=draw(st.integers(0, 700)), minutes=15 * draw(st.integers(0, 95)))
    form = draw(st.sampled_from(["date", "floating", "utc", "Custom Zone", *ZONES]))
    if form == "date":
        start = datetime(start.year, start.month, start.day)
    lines = ["BEGIN:VEVENT", "UID:generated", "DTSTAMP:20260101T000000Z", f"DTSTART{_value(start, form)}"]
    length = draw(st.sampled_from(["dtend", "duration", "none"]))
    days = draw(st.integers(0, 3))
    hours = 0 if form == "date" else draw(st.integers(0, 5))
    if length == "dtend":
        lines.append(f"DTEND{_value(start + timedelta(days=days, hours=hours), form)}")
    elif length == "duration":
        lines.append(f"DURATION:P{days}D" if form == "date" else f"DURATION:P{days}DT{hours}H")
    for _ in range(draw(st.integers(0, 2))):
        lines.append(draw(rules(start, form)))
    exforms = ["date", "utc", form, *ZONES] if form != "date" else ["date"]
    for _ in range(draw(st.integers(0, 4))):
        moment = start + timedelta(days=draw(st.integers(0, 60)), hours=draw(st.sampled_from([0, 0, 0, 1, -1, 6])))
        lines.append(f"EXDATE{_value(moment, draw(st.sampled_from(exforms)))}")
    for _ in range(draw(st.integers(0, 2))):
        moment = start + timedelta(days=draw(st.integers(-5, 90)), hours=draw(st.sampled_from([0, 0, 2])))
        lines.append(f"RDATE{_value(moment, draw(st.sampled_from(exforms)))}")
    extra = draw(st.sampled_from(["none", "none", "none", "moved", "thisandfuture", "period", "cancelled"]))
    if extra == "period" and form not in ("date", "floating"):
        lines.append(f"RDATE;VALUE=PERIOD:{start + timedelta(days=3):%Y%m%dT%H%M%S}Z/PT3H")
    if extra == "cancelled":
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    for _ in range(draw(st.integers(1, 3)) if extra in ("moved", "thisandfuture") else 0):
        then = start + timedelta(days=draw(st.integers(0, 14)), hours=draw(st.sampled_from([0, 0, 0, 1])))
        rid = f"RECURRENCE-ID;RANGE=THISANDFUTURE{_value(then, form)}" if extra == "thisandfuture" else \
            f"RECURRENCE-ID{_value(then, form)}"
        # Moved a little or far (into or out of a window), sometimes with rules or a SEQUENCE of its own.
        moved = timedelta(days=draw(st.sampled_from([0, 0, -40, -3, 1, 30, 400])),
                          hours=0 if form == "date" else draw(st.sampled_from([2, 0, -5])))
        own = draw(st.sampled_from([[], [], [], ["SEQUENCE:2"], ["SEQUENCE:0"], ["RRULE:FREQ=DAILY;COUNT=2"]]))
        lines += ["BEGIN:VEVENT", "UID:generated", "DTSTAMP:20260101T000000Z", rid,
                  f"DTSTART{_value(then + moved, form)}", *own, "END:VEVENT"]
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pbxcal//tests//EN\r\n" + CUSTOM
    return head + "\r\n".join(lines) + "\r\nEND:VCALENDAR\r\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=calendars(), first=st.integers(-30, 800), length=st.integers(0, 900))
def test_the_cheaper_path_gives_the_public_api_s_occurrences_on_generated_series(text, first, length):
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(text)
    low = datetime(2026, 1, 1) + timedelta(days=first)
    high = low + timedelta(days=length)
    assert cheaper(calendar, low, high) == public(calendar, low, high)


# A lone RRULE is built from its values (series._rule_of) rather than from its text: the same rule dateutil's
# rrulestr builds from the text the library would give it, or None (the library's own path).
PARTS = {
    "INTERVAL": ["1", "2", "3"],
    "COUNT": ["1", "5", "40"],
    "WKST": ["MO", "SU", "WE", "SA"],
    "BYDAY": ["MO", "SU,WE", "-1FR", "2MO,-2SU", "+1TU", "MO,TU,WE,TH,FR"],
    "BYMONTH": ["2", "3,10", "12"],
    "BYMONTHDAY": ["1", "-1", "29,30,31", "15"],
    "BYSETPOS": ["1", "-1", "2,-2"],
    "BYYEARDAY": ["1", "-1", "100"],
    "BYWEEKNO": ["1", "20", "-1"],
    "BYHOUR": ["9", "9,17"],
    "BYMINUTE": ["0,30"],
}


@st.composite
def rule_texts(draw: st.DrawFn) -> str:
    parts = {"FREQ": draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))}
    for name in draw(st.lists(st.sampled_from(sorted(PARTS)), max_size=4, unique=True)):
        parts[name] = draw(st.sampled_from(PARTS[name]))
    return ";".join(f"{name}={value}" for name, value in parts.items())


@settings(max_examples=600, deadline=None)
@given(text=rule_texts(), zone=st.sampled_from([None, "Europe/Berlin", "America/New_York", "UTC"]),
       day=st.integers(0, 3000), minutes=st.integers(0, 95), until=st.one_of(st.none(), st.integers(0, 2000)))
def test_a_rule_built_from_its_values_is_the_rule_rrulestr_reads_from_its_text(text, zone, day, minutes, until):
    start = datetime(2020, 1, 1, tzinfo=ZoneInfo(zone) if zone else None) + timedelta(days=day, minutes=15 * minutes)
    if until is not None:
        end = start.astimezone(ZoneInfo("UTC")) if zone else start
        text += f";UNTIL={end + timedelta(days=until):%Y%m%dT%H%M%S}{'Z' if zone else ''}"
    recur = icalendar.vRecur.from_ical(text)
    built = _rule_of(recur, start)
    assert built is not None  # every part above is read from its value
    reference = rrulestr(recur.to_ical().decode(), dtstart=start)
    assert list(built.xafter(start - timedelta(days=1), count=60, inc=True)) == \
        list(reference.xafter(start - timedelta(days=1), count=60, inc=True))
    expected_until = icalendar.vDDDTypes.from_ical(text.split("UNTIL=")[1]) if until is not None else None
    assert built.until == expected_until


@pytest.mark.parametrize("text", ["FREQ=HOURLY;COUNT=3", "FREQ=DAILY;COUNT=-2", "FREQ=DAILY;COUNT=0",
                                  "FREQ=DAILY;BYDAY=0MO", "FREQ=DAILY;X-NAME=1", "FREQ=DAILY;BYEASTER=0",
                                  "FREQ=DAILY;INTERVAL=1,2", "FREQ=DAILY;UNTIL=20300101T000000"])
def test_parts_read_otherwise_leave_the_rule_to_the_library_s_text(text):
    assert _rule_of(icalendar.vRecur.from_ical(text), datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Europe/Berlin"))) is None


# A rule whose BY parts only pick days of its period (series._Periods: DAILY without them, WEEKLY weekdays, MONTHLY
# days of the month, YEARLY months and days) counts its way to the window (series._Stepped) instead of iterating from
# its start: the same occurrences as dateutil's own rule with the same arguments. Other parts (ordinal weekdays,
# negative days, BYHOUR, BYSETPOS) are drawn too: dateutil iterates those, and must still agree with itself.
STEP_ZONES = [None, "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Pacific/Kiritimati",
              "Pacific/Pago_Pago"]  # the last two: 25 hours apart
FREQUENCIES = {"YEARLY": 0, "MONTHLY": 1, "WEEKLY": 2, "DAILY": 3}
BY_PARTS = st.fixed_dictionaries({}, optional={
    "byweekday": st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, MO(1), FR(-1), TU(2)]), min_size=1, max_size=4),
    "bymonthday": st.lists(st.sampled_from([1, 5, 15, 28, 29, 30, 31, -1]), min_size=1, max_size=3),
    "bymonth": st.lists(st.integers(1, 12), min_size=1, max_size=3),
    "byhour": st.sampled_from([[9], [7, 18]]),
    "bysetpos": st.just([1]),
})


@settings(max_examples=1500, deadline=None)
@given(zone=st.sampled_from(STEP_ZONES), bounds_zone=st.sampled_from(STEP_ZONES),
       start=st.datetimes(datetime(2018, 1, 1), datetime(2030, 12, 31)), fold=st.integers(0, 1),
       freq=st.sampled_from(list(FREQUENCIES)), interval=st.integers(1, 5),
       wkst=st.sampled_from([None, "MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
       parts=st.one_of(st.just({}), BY_PARTS),
       count=st.one_of(st.none(), st.integers(1, 60)), until_days=st.one_of(st.none(), st.integers(-2, 3000)),
       after_days=st.integers(-30, 4000), after_seconds=st.integers(0, 86399), length=st.integers(0, 800))
@example(zone=None, bounds_zone=None, start=datetime(2026, 3, 1, 9), fold=0, freq="DAILY", interval=1, wkst=None,
         parts={}, count=None, until_days=10, after_days=2, after_seconds=0, length=20)  # UNTIL on an occurrence
@example(zone="Europe/Berlin", bounds_zone="UTC", start=datetime(2026, 3, 1, 9), fold=0, freq="WEEKLY", interval=2,
         wkst="SU", parts={}, count=None, until_days=28, after_days=2, after_seconds=0, length=40)
@example(zone="Europe/Berlin", bounds_zone=None, start=datetime(2024, 2, 29, 9), fold=0, freq="YEARLY", interval=1,
         wkst=None, parts={}, count=3, until_days=None, after_days=700, after_seconds=0, length=3000)  # leap days
@example(zone=None, bounds_zone=None, start=datetime(2026, 1, 31, 9), fold=0, freq="MONTHLY", interval=1,
         wkst=None, parts={}, count=7, until_days=None, after_days=40, after_seconds=0, length=400)  # short months
@example(zone="America/New_York", bounds_zone="UTC", start=datetime(2026, 3, 4, 9), fold=0, freq="WEEKLY",
         interval=2, wkst="SU", parts={"byweekday": [0, 2, 6]}, count=9, until_days=None, after_days=15,
         after_seconds=0, length=60)  # weekdays before DTSTART's in its own week
@example(zone="Pacific/Pago_Pago", bounds_zone="Pacific/Kiritimati", start=datetime(2026, 3, 1, 23), fold=0,
         freq="DAILY", interval=1, wkst=None, parts={}, count=None, until_days=None, after_days=10,
         after_seconds=3600, length=5)  # the first occurrence in: two wall days before the window's (25 hours apart)
@example(zone="Pacific/Kiritimati", bounds_zone="Pacific/Pago_Pago", start=datetime(2026, 3, 1, 0, 30), fold=0,
         freq="DAILY", interval=1, wkst=None, parts={}, count=None, until_days=None, after_days=10,
         after_seconds=73740, length=5)  # the last occurrence in: two wall days after the window's end (23:59)
def test_a_stepped_rule_gives_dateutil_s_occurrences(zone, bounds_zone, start, fold, freq, interval, wkst, parts,
                                                     count, until_days, after_days, after_seconds, length):
    from pbxcal.readers.series import _Stepped

    tz = ZoneInfo(zone) if zone else None
    first = start.replace(tzinfo=tz, fold=fold)
    arguments: dict[str, Any] = {"interval": interval, "count": count, **parts}
    if wkst:
        arguments["wkst"] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(wkst)
    if until_days is not None:  # on an occurrence (for a whole number of steps) or between two
        until = first + timedelta(days=until_days, hours=5 * (until_days % 2))
        arguments["until"] = until.astimezone(ZoneInfo("UTC")) if tz else until
    stepped = _Stepped(FREQUENCIES[freq], dtstart=first, cache=False, **arguments)
    reference = rrule(FREQUENCIES[freq], dtstart=first, **arguments)
    other = ZoneInfo(bounds_zone) if bounds_zone and tz else tz  # aware bounds for an aware rule, as the library's
    low = start.replace(tzinfo=other, fold=0) + timedelta(days=after_days, seconds=after_seconds)
    high = low + timedelta(days=length, hours=3)

    def text(moments: list[datetime]) -> list[str]:
        return [f"{m.isoformat()}|{m.fold}|{m.tzinfo!r}" for m in moments]

    assert text(stepped.between(low, high, inc=True)) == text(reference.between(low, high, inc=True))


# Review findings: the ends of the calendar. A week before DTSTART's may begin before year 1 (with COUNT, every window
# counts from there); dateutil raises on a week that runs past 9999-12-31 once it reaches a day there.
@pytest.mark.parametrize(("start", "parts", "low", "high"), [
    (datetime(1, 1, 1, 9), {"wkst": 6, "byweekday": [0, 6]}, datetime(1, 1, 1), datetime(1, 3, 1)),
    (datetime(1, 1, 1, 9), {"wkst": 6, "byweekday": [6]}, datetime(1, 1, 1), datetime(1, 3, 1)),  # week 0 empty
    (datetime(1, 1, 1, 9), {"wkst": 1, "byweekday": [5], "count": 3}, datetime(1, 1, 1), datetime(1, 3, 1)),
    (datetime(1, 1, 1, 9), {"wkst": 6, "byweekday": [6], "count": 200000}, datetime(2026, 3, 1), datetime(2026, 4, 1)),
    (datetime(1, 1, 2, 9, 30), {"wkst": 2, "byweekday": [2, 0], "interval": 1000}, datetime(1, 1, 1),
     datetime(3000, 1, 1)),
    (datetime(9999, 12, 20, 9), {"byweekday": [0, 6]}, datetime(9999, 12, 1), datetime(9999, 12, 31, 23)),
    (datetime(9999, 12, 20, 9), {"byweekday": [0, 6]}, datetime(9999, 12, 1), datetime(9999, 12, 26, 12)),
    (datetime(9998, 1, 31, 9), {"count": 30}, datetime(9998, 6, 1), datetime(9999, 12, 31, 23)),
    # review 29: a week made in bulk (from the second on) whose weekday falls after 9999-12-31
    (datetime(9999, 1, 3, 10), {"byweekday": [6]}, datetime(9999, 12, 1), datetime(9999, 12, 24)),
    (datetime(9999, 1, 2, 10), {"wkst": 6, "byweekday": [5]}, datetime(9999, 12, 1), datetime(9999, 12, 23)),
])
def test_a_stepped_rule_at_the_ends_of_the_calendar_is_dateutil_s(start, parts, low, high):
    from pbxcal.readers.series import _Stepped

    freq = 2 if "byweekday" in parts else 1

    def outcome(rule: rrule) -> list[datetime] | str:
        try:
            return rule.between(low, high, inc=True)
        except ValueError:
            return "ValueError"

    assert outcome(_Stepped(freq, dtstart=start, cache=False, **parts)) == outcome(rrule(freq, dtstart=start, **parts))


@pytest.mark.parametrize(("freq", "parts", "counted"), [
    (2, {"byweekday": [7]}, False), (2, {"byweekday": [-1, 0]}, False), (2, {"wkst": 7, "byweekday": [0]}, False),
    (3, {}, True), (2, {}, True), (2, {"byweekday": [0, 3]}, True), (1, {}, True), (1, {"bymonthday": [1, 31]}, True),
    (0, {}, True), (0, {"bymonth": [2, 3], "bymonthday": [29]}, True), (0, {"bymonth": [13]}, False),
    (1, {"byweekday": [MO(2)]}, False), (1, {"bymonthday": [-1]}, False), (2, {"byhour": [7, 18]}, False),
    (3, {"byweekday": [0]}, False), (0, {"byweekno": [1]}, False), (1, {"bysetpos": [1], "byweekday": [0]}, False)])
def test_only_rules_that_pick_days_of_their_period_are_counted(freq, parts, counted):
    """Which rules the stepped path counts and which dateutil iterates: the hypothesis test above compares both
    with dateutil, this says that the counted ones are the cheap ones."""
    from pbxcal.readers.series import _Stepped

    rule = _Stepped(freq, dtstart=datetime(2026, 1, 31, 9), cache=False, **parts)
    assert (rule.periods is not None) == counted


# Review findings: inputs on which Python's datetime order is not one order (a time in a DST gap among dates of
# other zones; a custom zone jumping back by more than a day), where the cheaper path must still read as dateutil.
GAP_AMONG_ZONES = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
                   "DTSTART;TZID=Europe/Berlin:20240331T013000\r\nDURATION:PT10M\r\n"
                   "RDATE;TZID=America/New_York:20240330T220000\r\nRDATE;TZID=Europe/Berlin:20240331T024500\r\n"
                   "RDATE:20240331T011500Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
JUMP_BACK = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Jump\r\n"
             "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:-2300\r\nTZOFFSETTO:-2300\r\nEND:STANDARD\r\n"
             "BEGIN:STANDARD\r\nDTSTART:20240602T000000\r\nTZOFFSETFROM:-2300\r\nTZOFFSETTO:+2300\r\nEND:STANDARD\r\n"
             "BEGIN:STANDARD\r\nDTSTART:20240602T123000\r\nTZOFFSETFROM:+2300\r\nTZOFFSETTO:-2300\r\nEND:STANDARD\r\n"
             "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Jump:20240530T120000\r\nDURATION:PT1H\r\n"
             "RRULE:FREQ=DAILY;COUNT=10\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize(("text", "first", "until"), [
    (GAP_AMONG_ZONES, datetime(2024, 3, 31, 1, 50), datetime(2024, 3, 31, 3, 0)),
    (JUMP_BACK, datetime(2024, 6, 2, 12, 0, tzinfo=ZoneInfo("UTC")), datetime(2024, 6, 4, tzinfo=ZoneInfo("UTC"))),
])
def test_dates_out_of_one_order_read_as_the_public_api_reads_them(text, first, until):
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(text)
    assert cheaper(calendar, first, until) == public(calendar, first, until)


def _moved_far(thisandfuture: str = "") -> str:
    """A weekly series that ends in March, its overrides moved to December, written out of date order."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "BEGIN:VEVENT", "UID:s", "DTSTART:20260105T090000",
             "DTEND:20260105T100000", "RRULE:FREQ=WEEKLY;COUNT=10", "END:VEVENT"]
    for recurrence_id, day in (("0223", "1214"), ("0309", "1228"), ("0302", "1207"), ("0216", "1221")):
        lines += ["BEGIN:VEVENT", "UID:s", f"RECURRENCE-ID{thisandfuture}:2026{recurrence_id}T090000",
                  f"DTSTART:2026{day}T220000", f"DTEND:2026{day}T230000", "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


@pytest.mark.parametrize(("thisandfuture", "days"), [
    ("", [14, 28, 7, 21]),  # not reached by the rules (they end in March): in file order
    (";RANGE=THISANDFUTURE", [21, 14, 7, 28]),  # each reached from its recurrence id on: in the rules' order
])
def test_overrides_the_rules_do_not_reach_come_in_file_order(thisandfuture, days):
    # The library adds them from a set, in an order that changed from run to run (and a report's notes with it).
    calendar = icalendar.Calendar.from_ical(_moved_far(thisandfuture))
    first, until = datetime(2026, 6, 1), datetime(2027, 1, 1)
    for _ in range(20):  # fresh series each time: new objects, new addresses
        [expansion] = series_of(calendar)
        assert [o.start.day for o in expansion.between(first, until)] == days
    assert cheaper(calendar, first, until) == public(calendar, first, until)


EDGES = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:edges\r\n"
         "DTSTART{zone}:20260301T090000\r\nDTEND{zone}:20260301T100000\r\nRRULE:FREQ=DAILY{until}\r\n{more}"
         "END:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize("zone", [";TZID=Europe/Berlin", ""])
@pytest.mark.parametrize("until", ["", ";UNTIL=20260304T080000Z", ";UNTIL=20260304T090000", ";COUNT=4"])
@pytest.mark.parametrize("more", ["", "EXDATE;TZID=Europe/Berlin:20260303T090000\r\n",
                                  "RDATE;TZID=Europe/Berlin:20260302T090000,20260306T090000\r\n"])
@pytest.mark.parametrize(("first", "until_"), [
    (datetime(2026, 3, 2, 10), datetime(2026, 3, 5, 9)),  # one occurrence ends where the bounds start, one starts
    (datetime(2026, 3, 2, 9, 59), datetime(2026, 3, 5, 9, 1)),  # where they end; and a minute inside each
    (datetime(2026, 3, 1, 10), datetime(2026, 3, 1, 10)),  # empty bounds at an end
])
def test_occurrences_at_the_bounds_edges_are_the_public_api_s(zone, until, more, first, until_):
    """The bulk path (series._stretches) cuts its starts and ends by bisection: an occurrence ending exactly where
    the bounds start, or starting where they end, is out, as the public API has it."""
    if not zone and "TZID" in until + more:
        more = more.replace(";TZID=Europe/Berlin", "")
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(EDGES.format(zone=zone, until=until, more=more))
    assert cheaper(calendar, first, until_) == public(calendar, first, until_)
