"""The spans of a direct series' core occurrences (readers/ics._Spans through Reading.instants, once per series) are
exactly today's per-occurrence `_span` of the library's own occurrence, and they are what UTC arithmetic in this file
gives for the occurrences of recurring_ical_events' public API: wall time -> UTC (RFC 5545: a repeated time is its
first pass, a skipped one takes the offset before the gap) -> the target zone's wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_corpus import FILES, case_id, window_for
from test_expansion import CUSTOM, _calendars

from pbxcal.readers import ics
from pbxcal.readers.rfc5545 import Reading
from pbxcal.readers.series import CoreOccurrence, CoreRun, flat, series_of
from pbxcal.spans import Span
from pbxcal.wallclock import WallClock, Walls

TARGETS = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati"]
FAST: list[bool] = []  # whether each core occurrence compared took the per-series path
RUNS: list[bool] = []  # whether each series compared came with a CoreRun


def _today(occurrence: Any, reading: Reading, clock: WallClock | None) -> Any:
    """`_span` of the library's own occurrence (or the error it raises), as the reader computed every span before."""
    library = occurrence.library() if isinstance(occurrence, CoreOccurrence) else occurrence
    try:
        return ics._span(library, reading, clock, "test")
    except Exception as error:  # the new path must fail alike
        return type(error).__name__


def _at_once(spans: Any, occurrences: list[Any], many: int) -> list[Any]:
    """`_Spans.all` of occurrences (or runs of them) that stand for `many`, or its error for each."""
    try:
        return spans.all(occurrences)  # type: ignore[no-any-return]
    except Exception as error:  # compared with the other reading's failure
        return [type(error).__name__] * many


def _new(spans: Any, occurrences: list[Any]) -> list[Any]:
    """The reader's spans of a series' occurrences, read all at once (`_Spans.all`) and one by one: the same, and
    an error where one of them fails."""
    together = _at_once(spans, occurrences, len(occurrences))
    alone = []
    for occurrence in occurrences:
        try:
            alone.append(spans(occurrence))
        except Exception as error:
            alone.append(type(error).__name__)
    if together != alone:  # together, an error stands for every occurrence; alone, for one of them
        assert any(isinstance(one, str) for one in alone) and all(isinstance(one, str) for one in together)
    return alone


def _series_occurrences(calendar: icalendar.Calendar, first: datetime, until: datetime) -> list[list[Any]]:
    """Every series' occurrences; none of a series the library cannot expand (the reader skips it, and
    tests/test_expansion.py checks it fails alike on both paths)."""
    try:
        expansions = series_of(calendar)
    except Exception:  # a broken corpus event
        return []
    found = []
    for expansion in expansions:
        try:
            found.append(expansion.in_runs(first, until))
        except Exception:  # the library's own error
            continue
    return found


def _occurrences(calendar: icalendar.Calendar, first: datetime, until: datetime) -> list[Any]:
    return [o for series in _series_occurrences(calendar, first, until) for o in flat(series)]


def _compare_with_today(calendar: icalendar.Calendar, first: datetime, until: datetime, zone: str | None) -> None:
    reading, clock = Reading(calendar), WallClock(zone) if zone else None
    spans = ics._Spans(reading, clock, "test")
    for runs in _series_occurrences(calendar, first, until):
        series = flat(runs)
        RUNS.append(any(isinstance(one, CoreRun) for one in runs))
        # A CoreRun reads as the occurrences it stands for.
        assert _at_once(spans, runs, len(series)) == _at_once(spans, series, len(series))
        for occurrence in series:
            if isinstance(occurrence, CoreOccurrence):
                FAST.append(spans._instants(occurrence.shape, occurrence.start.tzinfo) is not None
                            if isinstance(occurrence.start, datetime) and occurrence.start.tzinfo else False)
        today = [_today(occurrence, reading, clock) for occurrence in series]
        assert _new(spans, series) == today, series[0].start if series else None


@pytest.mark.parametrize("path", FILES, ids=case_id)
def test_the_series_spans_are_today_s_spans_on_the_corpus(path):
    window = window_for(path)
    first, until = datetime(window.first.year - 1, 12, 30), datetime(window.until.year, 1, 2)
    for calendar in _calendars(path):
        _compare_with_today(calendar, first, until, "Europe/Berlin")


def test_the_corpus_takes_the_per_series_path():
    """Not vacuous: most corpus core occurrences are timed in a zone and take the per-series path, some do not."""
    if not FAST:
        for path in FILES[:40]:
            window = window_for(path)
            for calendar in _calendars(path):
                _compare_with_today(calendar, datetime(window.first.year, 1, 1), datetime(window.until.year, 1, 1),
                                    "Europe/Berlin")
    assert sum(FAST) > len(FAST) / 2 and not all(FAST)
    assert any(RUNS) and not all(RUNS)


# Generated series: starts in and beside DST folds and gaps, zones that move by half an hour (Lord Howe) or skipped a
# day (Kiritimati, 1994), all-day and floating starts, DTEND or DURATION (nominal days and exact hours), EXDATEs and
# RDATEs.
SOURCE_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati", "UTC"]
# Local times near the zones' transitions: Berlin's and New York's folds and gaps, Lord Howe's half hours.
NEAR_CHANGES = [datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30), datetime(2026, 3, 8, 2, 30),
                datetime(2026, 11, 1, 1, 30), datetime(2026, 4, 5, 1, 45), datetime(2026, 10, 4, 2, 15),
                datetime(1994, 12, 31, 12, 0), datetime(1994, 12, 30, 23, 0)]


def _value(moment: datetime, form: str) -> str:
    if form == "date":
        return f";VALUE=DATE:{moment:%Y%m%d}"
    if form == "floating":
        return f":{moment:%Y%m%dT%H%M%S}"
    if form == "UTC":
        return f":{moment:%Y%m%dT%H%M%S}Z"
    return f";TZID={form}:{moment:%Y%m%dT%H%M%S}"


@st.composite
def series_texts(draw: st.DrawFn) -> str:
    start = draw(st.one_of(st.sampled_from(NEAR_CHANGES),
                           st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31)).map(
                               lambda t: t.replace(second=0, microsecond=0))))
    form = draw(st.sampled_from(["date", "floating", "Custom Zone", *SOURCE_ZONES]))
    if form == "date":
        start = datetime(start.year, start.month, start.day)
    lines = ["BEGIN:VEVENT", "UID:generated", "DTSTAMP:20260101T000000Z", f"DTSTART{_value(start, form)}"]
    length = draw(st.sampled_from(["dtend", "duration", "none"]))
    days, hours, minutes = draw(st.integers(0, 2)), draw(st.integers(0, 4)), draw(st.sampled_from([0, 0, 30]))
    if form == "date":
        hours = minutes = 0
    if length == "dtend":
        end = start + timedelta(days=days, hours=hours, minutes=minutes)
        end_forms = [form, form, "UTC"] if form not in ("date", "floating") else [form]
        lines.append(f"DTEND{_value(end, draw(st.sampled_from(end_forms)))}")
    elif length == "duration":
        lines.append(f"DURATION:P{days}D" if form == "date" else f"DURATION:P{days}DT{hours}H{minutes}M")
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    extra = draw(st.sampled_from(["", "", ";INTERVAL=2", ";BYDAY=MO,SA,SU" if freq == "WEEKLY" else ""]))
    lines.append(f"RRULE:FREQ={freq}{extra};COUNT={draw(st.integers(1, 40))}")
    other_forms = [form, form, "UTC"] if form not in ("date", "floating") else [form]
    for _ in range(draw(st.integers(0, 3))):
        then = start + timedelta(days=draw(st.integers(0, 30)))
        lines.append(f"EXDATE{_value(then, draw(st.sampled_from(other_forms)))}")
    for _ in range(draw(st.integers(0, 2))):
        then = start + timedelta(days=draw(st.integers(-3, 60)), hours=draw(st.sampled_from([0, 1, 5])))
        lines.append(f"RDATE{_value(then, form)}")
    lines.append("END:VEVENT")
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pbxcal//tests//EN\r\n" + CUSTOM
    return head + "\r\n".join(lines) + "\r\nEND:VCALENDAR\r\n"


def _utc(local: datetime, zone: Any) -> datetime:
    """RFC 5545 §3.3.5 through zoneinfo: fold=0 is the first pass of a repeated time and the offset before a gap."""
    return local.replace(tzinfo=None).replace(tzinfo=zone, fold=0).astimezone(UTC)


def _length(master: icalendar.Event) -> tuple[str, Any]:
    """How the master's length reads in real time: DTEND's exact length, DURATION's nominal days and exact rest."""
    start = master["DTSTART"].dt
    if not isinstance(start, datetime) or start.tzinfo is None:  # dates and floating times are never moved
        return "none", None
    if "DTEND" in master:
        return "exact", _utc(master["DTEND"].dt, master["DTEND"].dt.tzinfo or start.tzinfo) - _utc(start, start.tzinfo)
    if "DURATION" in master:
        duration = master["DURATION"].dt
        return "nominal", (timedelta(days=duration.days), duration - timedelta(days=duration.days))
    return "none", None


def _offsets_move(zone: ZoneInfo, first: datetime, last: datetime) -> bool:
    """Whether the zone's UTC offset changes between two instants (no zone changes it twice in half an hour)."""
    moment, offset = first, first.astimezone(zone).utcoffset()
    while moment < last:
        moment = min(moment + timedelta(minutes=30), last)
        if moment.astimezone(zone).utcoffset() != offset:
            return True
    return False


def reference(calendar: icalendar.Calendar, first: datetime, until: datetime, target: str) -> dict[str, Any]:
    """The public API's occurrences by start, each with its span as this file computes it: None when never active,
    'moves' when the target's offset changes during it (the wall span then covers both passes or the gap)."""
    master = next(e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e)
    kind, length = _length(master)
    zone = ZoneInfo(target)
    found: dict[str, Any] = {}
    for component in recurring_ical_events.of(calendar).between(first, until):
        start = component["DTSTART"].dt
        key = f"{start.isoformat()}|{getattr(start, 'tzinfo', None)}"
        if not isinstance(start, datetime):
            found[key] = (Span(datetime(start.year, start.month, start.day),
                               datetime.combine(component["DTEND"].dt, datetime.min.time())), True)
            continue
        if start.tzinfo is None:
            end = component["DTEND"].dt if "DTEND" in component else start
            found[key] = (Span(start, end), True) if end > start else None
            continue
        real_start = _utc(start, start.tzinfo)
        if kind == "exact":
            real_end = real_start + length
        elif kind == "nominal":
            real_end = _utc(start.replace(tzinfo=None) + length[0], start.tzinfo) + length[1]
        else:
            real_end = real_start
        if real_end <= real_start:
            found[key] = None
        elif _offsets_move(zone, real_start - timedelta(days=1), real_end + timedelta(days=1)):
            found[key] = "moves", (real_start.astimezone(zone).replace(tzinfo=None),
                                   real_end.astimezone(zone).replace(tzinfo=None))
        else:
            found[key] = (Span(real_start.astimezone(zone).replace(tzinfo=None),
                               real_end.astimezone(zone).replace(tzinfo=None)), True)
    return found


def _agrees(mine: Any, expected: Any) -> bool:
    if isinstance(expected, tuple) and expected[0] == "moves":
        (span, _exact), (wall_start, wall_end) = mine, expected[1]
        return span.start <= min(wall_start, wall_end) and span.end >= max(wall_start, wall_end)
    return bool(mine == expected)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=series_texts(), target=st.sampled_from(TARGETS), first_days=st.integers(-10, 60),
       length=st.integers(1, 400))
@example(text=("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:generated\r\n"
               "DTSTART;TZID=Europe/Berlin:20261025T023000\r\nDTEND;TZID=Europe/Berlin:20261025T033000\r\n"
               "RRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE;TZID=Europe/Berlin:20261101T023000\r\nEND:VEVENT\r\n"
               "END:VCALENDAR\r\n"), target="Europe/Berlin", first_days=-3, length=40)  # a fold, its first pass
@example(text=("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:generated\r\n"
               "DTSTART;TZID=Pacific/Kiritimati:19941230T230000\r\nDURATION:P1DT2H\r\n"
               "RRULE:FREQ=DAILY;COUNT=4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
         target="Pacific/Kiritimati", first_days=-2, length=10)  # the skipped day: a nominal day across it
def test_the_series_spans_are_utc_arithmetic_and_today_s_spans_on_generated_series(text, target, first_days, length):
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(text)
    start = calendar.walk("VEVENT")[0]["DTSTART"].dt
    first = datetime(start.year, start.month, start.day) + timedelta(days=first_days)
    until = first + timedelta(days=length)
    _compare_with_today(calendar, first, until, target)
    if "TZID=Custom Zone:" in text:  # read by its definition, not by zoneinfo: compared with today's spans only
        return
    reading, clock = Reading(calendar), WallClock(target)
    spans = ics._Spans(reading, clock, "test")
    mine = {f"{o.start.isoformat()}|{getattr(o.start, 'tzinfo', None)}": spans(o)
            for o in _occurrences(calendar, first, until)}
    expected = reference(calendar, first, until, target)
    assert mine.keys() == expected.keys()
    for key, span in mine.items():
        assert _agrees(span, expected[key]), (key, span, expected[key])


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)), fold=st.integers(0, 1),
       zone=st.sampled_from([*SOURCE_ZONES, "Europe/Dublin"]))
def test_a_wall_time_by_subtraction_is_the_wall_time(moment, fold, zone):
    aware = moment.replace(tzinfo=ZoneInfo(zone), fold=fold)
    wall = Walls(ZoneInfo(zone)).of(aware)
    assert wall == moment and wall.tzinfo is None and isinstance(wall, datetime) and type(wall) is datetime


def _text(moment: date | datetime) -> str:
    zone, fold = getattr(moment, "tzinfo", None), getattr(moment, "fold", 0)
    return f"{type(moment).__name__}:{moment.isoformat()}:{zone}:{fold}"


@pytest.mark.parametrize("start", ["DTSTART;TZID=Europe/Berlin:20260105T090000\r\nDURATION:PT15M",
                                   "DTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260107",
                                   "DTSTART:20260105T090000\r\nDTEND:20260105T093000"])
def test_a_core_occurrence_is_the_library_s_occurrence(start):
    """What the reader asks of an occurrence (start, end, its VEVENT, its component) equals the library's own."""
    text = (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Standup\r\n{start}\r\n"
            "RRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(text)
    (expansion,) = series_of(calendar)
    found = expansion.between(datetime(2026, 1, 1), datetime(2026, 2, 1))
    public = recurring_ical_events.of(calendar).between(datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert all(isinstance(o, CoreOccurrence) for o in found) and len(found) == len(public) == 3
    for occurrence, component in zip(found, public, strict=True):
        assert (_text(occurrence.start), _text(occurrence.end)) == (_text(component["DTSTART"].dt),
                                                                    _text(component["DTEND"].dt))
        assert occurrence.component is calendar.walk("VEVENT")[0]
        assert occurrence.as_component(False).to_ical() == component.to_ical()
        for low, high in [(date(2026, 1, 6), date(2026, 1, 7)), (datetime(2026, 1, 5, 9, 20), datetime(2026, 1, 6))]:
            assert occurrence.is_in_span(low, high) == occurrence.library().is_in_span(low, high)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_a_start_in_a_repeated_hour_keeps_today_s_span_to_its_fold(zone):
    """A start in the second pass of a repeated hour (fold=1; the rules give none, but a library might) and one
    beside it: today's spans, down to each time's fold (Walls drops it, which `Reading.utc` keeps for UTC)."""
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            f"DTSTART;TZID={zone}:20261025T013000\r\nDTEND;TZID={zone}:20261025T040000\r\n"
            "RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(text)
    (expansion,) = series_of(calendar)
    (occurrence, *_) = expansion.between(datetime(2026, 10, 1), datetime(2026, 11, 1))
    reading, clock = Reading(calendar), WallClock("Europe/Berlin")
    for fold in (0, 1):
        start = occurrence.start.replace(hour=2, fold=fold) if zone != "America/New_York" else occurrence.start
        moved = CoreOccurrence(start, start + occurrence.shape.duration, occurrence.shape)
        mine, today = ics._Spans(reading, clock, "test")(moved), _today(moved, reading, clock)
        assert [_text(t) for t in mine[0]] + [mine[1]] == [_text(t) for t in today[0]] + [today[1]]


def test_a_calendar_s_series_are_let_go_as_they_are_expanded(tmp_path, monkeypatch):
    """Series are built one at a time and nothing keeps one after its occurrences are collected (a cache of every
    series' shape once held them all: 20k events took 263 instead of 202 MB)."""
    import gc
    import weakref

    from pbxcal import Options, Window, convert
    from pbxcal.readers import series as series_module

    events = [line for n in range(30) for line in (
        "BEGIN:VEVENT", f"UID:e{n}", f"DTSTART;TZID=Europe/Berlin:202701{n % 28 + 1:02d}T090000",
        f"DTEND;TZID=Europe/Berlin:202701{n % 28 + 1:02d}T100000", "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT")]
    path = tmp_path / "many.ics"
    path.write_text("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", *events, "END:VCALENDAR", ""]))
    built: list[weakref.ref[Any]] = []
    most_alive = [0]
    original = series_module.Deferred.build

    def build(self: Any) -> Any:
        gc.collect()
        most_alive[0] = max(most_alive[0], sum(ref() is not None for ref in built))
        expansion = original(self)
        built.append(weakref.ref(expansion.series))
        return expansion

    monkeypatch.setattr(series_module.Deferred, "build", build)
    convert([str(path)], "telphin", Options(Window(date(2027, 1, 1), date(2028, 1, 1)), zone="Europe/Berlin"))
    assert len(built) >= 30 and most_alive[0] <= 2


@pytest.mark.parametrize("short", [1, 0])
def test_the_occurrence_backstop_counts_the_occurrences_a_run_stands_for(short):
    """A series of about a hundred occurrences comes as a few CoreRuns: the backstop counts the occurrences (as
    the library gives them), not the runs."""
    from pbxcal.errors import LimitExceededError
    from pbxcal.model import Item
    from pbxcal.spans import Shared

    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Standup\r\n"
            "DTSTART;TZID=Europe/Berlin:20260105T090000\r\nDURATION:PT15M\r\nRRULE:FREQ=DAILY;COUNT=100\r\n"
            "EXDATE;TZID=Europe/Berlin:20260201T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    icalendar.use_zoneinfo()
    calendar = icalendar.Calendar.from_ical(text)
    first, until = datetime(2026, 1, 1), datetime(2027, 1, 1)
    expected = len(list(recurring_ical_events.of(calendar).between(first, until)))
    (expansion,) = series_of(calendar)
    runs = expansion.in_runs(first, until)
    assert sum(isinstance(one, CoreRun) for one in runs) >= 2 and len(flat(runs)) == expected == 99
    items = {"a": Item("test", "a", "Standup", "a")}
    collect = lambda: ics._collect("test", iter([("a", runs)]), items, Reading(calendar),  # noqa: E731
                                   WallClock("Europe/Berlin"), expected - short, [0], set(), Shared())
    if short:
        with pytest.raises(LimitExceededError):
            collect()
    else:
        collect()
        assert len(items["a"].spans) == expected


def test_a_reading_that_forgets_reads_each_component_afresh():
    """`Reading.forget` lets go of the components read; what it kept per component id goes with them, since a
    component made later may get a freed one's id."""
    def event(minutes: int) -> icalendar.Event:
        return icalendar.Event.from_ical(
            f"BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\n"
            f"DTEND;TZID=Europe/Berlin:20260105T09{minutes:02d}00\r\nEND:VEVENT\r\n")

    icalendar.use_zoneinfo()
    reading = Reading(icalendar.Calendar())
    zone = event(15)["DTSTART"].dt.tzinfo
    starts = [datetime(2026, 1, 5, 9, tzinfo=zone)]
    for minutes in range(10, 60, 5):  # made after the one before is freed: often at its address
        one = event(minutes)
        real_starts, real_ends = reading.instants(one, zone, timedelta(minutes=minutes))(starts, starts)
        assert real_ends[0] - real_starts[0] == timedelta(minutes=minutes)
        reading.forget()
        assert not reading._lengths and not reading._exact
        del one
