"""Speed-ups of writing and verifying that must not show: collection paused and restored, last_day's early stop."""

import gc
from datetime import date, timedelta

import pytest

from conftest import SAMPLES
from pbxcal import pipeline
from pbxcal.model import Window
from pbxcal.pipeline import Options, _collection_paused, convert
from pbxcal.platforms import get_target
from pbxcal.spans import merge


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_comes_back_as_it_was_even_after_an_error(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with _collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError), _collection_paused():
            raise ValueError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_full_collections_come_back_as_they_were_even_after_an_error():
    from pbxcal.pipeline import _young_collections_only

    thresholds = gc.get_threshold()
    with _young_collections_only():
        assert gc.get_threshold()[:2] == thresholds[:2] and gc.get_threshold()[2] > 10**9
    assert gc.get_threshold() == thresholds
    with pytest.raises(ValueError), _young_collections_only():
        raise ValueError
    assert gc.get_threshold() == thresholds
    first, second = _young_collections_only(), _young_collections_only()  # two conversions overlapping in time
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[2] > 10**9  # the second still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == thresholds


@pytest.mark.parametrize("name", ["telphin", "netsapiens"])
@pytest.mark.parametrize("sample", ["company-closures.ics", "google-export.ics", "outlook-closures.ics"])
def test_a_target_read_entry_by_entry_is_active_as_its_whole_body(name, sample):
    """SPANS_BY_ENTRY (last_day stops at the first entry active after the window) holds: the body's spans are the
    union of each entry's, in the window and in the year after it."""
    target = get_target(name)
    assert target.SPANS_BY_ENTRY
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    result = convert([str(SAMPLES / sample)], name, Options(window, zone="Europe/Berlin"))
    entries = target.entries(result.body)
    for stretch in (window, Window(window.until, window.until + timedelta(days=366)), Window(date(2026, 5, 1),
                                                                                         date(2026, 5, 9))):
        assert target.spans(entries, stretch) == merge(s for e in entries for s in target.spans([e], stretch))
        assert pipeline._active_in(target, entries, stretch) is bool(target.spans(entries, stretch))


def _generated(tmp_path, shape: str) -> str:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from generate import calendar

    path = tmp_path / f"{shape}.ics"
    path.write_text(calendar(300, shape=shape))
    return str(path)


@pytest.mark.parametrize("source", ["outlook", "rrule", "holidays:US", *(str(SAMPLES / s) for s in (
    "company-closures.ics", "google-export.ics", "outlook-closures.ics"))])
def test_a_conversion_makes_next_to_no_cyclic_garbage(source, tmp_path):
    """The premise of pausing the collector for a whole conversion: what it makes is freed without it. Before the
    ics reader's Source stopped holding itself through `expand`, every parsed calendar was cyclic garbage."""
    spec = _generated(tmp_path, source) if source in ("outlook", "rrule") else source
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        result = convert([spec], "telphin", Options(Window(date(2026, 1, 1), date(2028, 1, 1)), zone="Europe/Berlin"))
        assert result.body["conditions"]
        del result
        assert gc.collect() < 100
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("source", ["holidays:DE-BY", str(SAMPLES / "outlook-closures.ics")])
def test_a_source_is_freed_as_soon_as_it_is_let_go(source):
    import weakref

    from pbxcal.readers import ReadOptions, open_source

    was = gc.isenabled()
    gc.disable()
    try:
        opened = open_source(source, ReadOptions())
        assert opened.items("Europe/Berlin", Window(date(2026, 1, 1), date(2027, 1, 1)))
        alive = weakref.ref(opened)
        del opened
        assert alive() is None
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("broken", ["DTSTART:20260230T0900{n:02d}Z", "DTSTART;TZID=Europe/Berlin:20260230T0900{n:02d}",
                                    "DTSTART:20260310T0900{n:02d}Z\r\nEXDATE:20260231T090000Z"])
def test_broken_values_leave_no_cyclic_garbage(broken, tmp_path):
    """Review finding: icalendar keeps an unparsable value as a vBroken holding its error, whose traceback holds the
    parser's frames (and through them the whole file's lines) in a cycle: 300 broken events left 25k objects that
    no collection frees while a conversion runs. The reader now drops those tracebacks after parsing."""
    events = "".join(f"BEGIN:VEVENT\r\nUID:b{n}\r\n{broken.format(n=n % 60)}\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
                     for n in range(300))
    path = tmp_path / "broken.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:good\r\n"
                    "DTSTART:20260310T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n" + events + "END:VCALENDAR\r\n")
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        result = convert([str(path)], "telphin", Options(Window(date(2026, 1, 1), date(2027, 1, 1)), zone="UTC"))
        assert result.body["conditions"]
        del result
        assert gc.collect() < 100
    finally:
        (gc.enable if was else gc.disable)()


def test_the_parsed_calendars_are_let_go_before_normalizing(tmp_path, monkeypatch):
    """Memory: a parsed calendar (about 120 MB at 20k events) was kept through writing and verifying, by the
    sources and by the `later` of open-ended items. Only what `later` needs may live into normalizing; nothing of
    it after."""
    import weakref

    from pbxcal.readers import ics

    parsed: list[weakref.ref] = []
    events: list[tuple[str, weakref.ref]] = []
    parse = ics.parse

    def watched(*arguments, **keywords):
        calendars = parse(*arguments, **keywords)
        parsed.extend(weakref.ref(c) for c in calendars)
        events.extend((str(e.get("UID")), weakref.ref(e)) for c in calendars for e in c.walk("VEVENT"))
        return calendars

    alive_when_normalizing: list[int] = []
    events_alive: list[set[str]] = []
    open_ended: list[set[str]] = []
    build_schedule = pipeline.build_schedule

    def normalizing(items, *rest):
        alive_when_normalizing.append(sum(ref() is not None for ref in parsed))
        events_alive.append({uid for uid, ref in events if ref() is not None})
        open_ended.append({item.key for item in items if item.open_ended})
        return build_schedule(items, *rest)

    monkeypatch.setattr(ics, "parse", watched)
    monkeypatch.setattr(pipeline, "build_schedule", normalizing)
    spec = _generated(tmp_path, "outlook")
    was = gc.isenabled()
    gc.disable()
    try:
        schedule, _ = pipeline.load([spec], get_target("telphin"), Options(Window(date(2026, 1, 1), date(2028, 1, 1)),
                                                                          zone="Europe/Berlin"))
        assert parsed and alive_when_normalizing == [0]
        # Of the events, only those of open-ended items (their `later` reads them again): no reading's cache holds
        # the rest.
        assert len(events) > 100 and events_alive[0] <= open_ended[0]
        assert any(item.open_ended for item in schedule.items)
        assert all(item.later is None for item in schedule.items)
        assert all(span.start < schedule.window.span.end for item in schedule.items for span in item.spans)
    finally:
        (gc.enable if was else gc.disable)()


def test_equal_times_of_a_calendar_s_spans_are_one_object(tmp_path):
    """Memory: a million spans made one by one held two new datetimes each. Those past the window (the lookahead
    of open-ended items, let go once the rules are settled) are made as they come."""
    from pbxcal.readers import ReadOptions, open_source

    opened = open_source(_generated(tmp_path, "outlook"), ReadOptions())
    window = Window(date(2026, 1, 1), date(2028, 1, 1))
    spans = [s for item in opened.items("Europe/Berlin", window) for s in item.spans]
    inside = [t for span in spans if span.start < window.span.end for t in span]
    past = [t for span in spans if span.start >= window.span.end for t in span]
    assert len(inside) > 2000 and past
    assert len({id(t) for t in inside}) == len(set(inside)) < len(inside)
    assert len({id(t) for t in past}) > len(set(past))


def test_an_open_ended_item_is_followed_later_through_its_own_series_alone(tmp_path):
    """`later` reads the item's own series (by UID) past the window, none of the calendar's others."""
    from pbxcal.readers import ReadOptions, open_source

    def event(uid: str, hour: int, day: str) -> str:
        return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{uid}\r\n"
                f"DTSTART;TZID=Europe/Berlin:202601{day}T{hour:02d}0000\r\n"
                f"DTEND;TZID=Europe/Berlin:202601{day}T{hour + 1:02d}0000\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n")

    path = tmp_path / "two.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + event("monday", 9, "05")
                    + event("tuesday", 14, "06") + "END:VCALENDAR\r\n", newline="")
    items = open_source(str(path), ReadOptions()).items("Europe/Berlin", Window(date(2026, 1, 1), date(2027, 1, 1)))
    by_key = {item.key: item for item in items}
    first, until = date(2029, 1, 1), date(2029, 3, 1)
    for item, weekday, hour in ((by_key["monday"], 0, 9), (by_key["tuesday"], 1, 14)):
        assert item.later is not None
        later = item.later(first, until)
        assert later and {(span.start.weekday(), span.start.hour) for span in later} == {(weekday, hour)}
        days = {span.start.date() for span in later if first <= span.start.date() < until}
        assert days == {first + timedelta(days=n) for n in range((until - first).days)
                        if (first + timedelta(days=n)).weekday() == weekday}
