"""The library entry points: read sources into a schedule, write a target body, verify it against the sources."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import ModuleType
from typing import Any

from .errors import BadInputError, BodyError, LimitExceededError, VerificationError
from .model import Freq, Item, Rule, Schedule, Series, Window
from .normalize import build_schedule
from .platforms import PLATFORMS, detect_target, get_target
from .platforms.netsapiens.holiday_api import ROWS, HolidayRows
from .readers import ReadOptions, open_source
from .report import Report
from .spans import Span, subtract
from .zones import check_zone

MAX_DIFFERENCES_SHOWN = 10


@dataclass(frozen=True)
class Options:
    """Everything a conversion depends on besides the sources and the target."""

    window: Window
    zone: str | None = None
    name: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    open_ended: bool = False
    max_entries: int = 5000
    progress: Callable[[str, int, int], None] | None = None  # (phase, done, total): reading ... verifying
    holiday_rows: HolidayRows | None = None  # NetSapiens Holiday API rows: write holiday-type entries


@dataclass
class Conversion:
    target: ModuleType
    body: dict[str, Any] | str  # JSON for the PBX targets, iCalendar text for ics
    schedule: Schedule
    report: Report
    messages: list[str] = field(default_factory=list)
    last_day: date | None = None  # the body runs out after this day (see last_day)


def load(sources: list[str], target: ModuleType, options: Options) -> tuple[Schedule, list[str]]:
    """Open every source, settle the target zone, and build the schedule the target's clock can write."""
    with _young_collections_only():
        return _load(sources, target, options)


def _load(sources: list[str], target: ModuleType, options: Options) -> tuple[Schedule, list[str]]:
    read = _read(sources, options)
    (options.progress or _quiet)("normalizing", 0, 1)
    # The sources are let go before normalizing: what is left of a parsed calendar is then only what open-ended
    # items need to be followed past the window, and build_schedule lets go of that too.
    schedule = build_schedule(read.items, options.window, target.CLOCK, read.name, read.zone, options.open_ended,
                              getattr(target, "CAPABILITIES", None))
    schedule.incomplete = read.incomplete
    messages = read.messages + [f"warning: {gap} (the window's holidays there are missing from the body)"
                                for gap in schedule.incomplete]
    return schedule, messages


@dataclass
class _Read:
    """What the sources say once expanded, without the sources themselves."""

    items: list[Item]
    messages: list[str]
    name: str
    zone: str | None
    incomplete: list[str]


def _read(sources: list[str], options: Options) -> _Read:
    tick = options.progress or _quiet
    opened = []
    for done, spec in enumerate(sources):
        tick("reading", done, len(sources))
        opened.append(open_source(spec, options.read))
    messages: list[str] = []
    zone = options.zone and check_zone(options.zone)
    if zone is None:
        hinted = ((s.label, s.zone_in(options.window)) for s in opened)
        label, zone = next(((label, zone) for label, zone in hinted if zone), ("", None))
        if zone:
            check_zone(zone)
            messages.append(f"time zone {zone} (from {label}; pass --timezone to choose the PBX's own)")
    items = []
    for done, source in enumerate(opened):
        tick("expanding", done, len(opened))
        items.extend(source.items(zone, options.window))
    messages += [m for source in opened for m in source.messages]
    name = options.name or next((s.name for s in opened if s.name), "Schedule")
    incomplete = [m for source in opened for m in getattr(source, "incomplete", [])]
    return _Read(items, messages, name, zone, incomplete)


def _quiet(phase: str, done: int, total: int) -> None:
    pass


def write(schedule: Schedule, target: ModuleType, report: Report,
          progress: Callable[[str, int, int], None] | None = None, max_entries: int | None = None) -> list[Any]:
    """Entries for every series: the first native candidate that evaluates exactly, else exact one-offs.
    Stops as soon as more than `max_entries` distinct entries are certain."""
    window = schedule.window
    written: list[Any] = []
    check_at = max_entries
    for done, series in enumerate(schedule.series):
        (progress or _quiet)("writing", done, len(schedule.series))
        if check_at is not None and max_entries is not None and len(written) > check_at:
            _limit(len(target.finish(written)), max_entries)
            check_at = len(written) + max(1, max_entries // 10)
        expected = series.spans(window.span)
        if not expected:
            continue
        series = _one_off_if_single(series)
        proposals = target.candidates(series, window, zone=schedule.zone)
        if series.rule.freq is Freq.ONCE:  # one-offs are exact by construction; the whole body is checked below
            chosen = next(proposals, None)
        else:
            chosen = _fewest_exact(proposals, target, window, expected)
        # A rule with an end whose form takes more entries (once merged) than its dates is written as the dates; a
        # rule without one keeps its form, which stays right after the window.
        finite = chosen is None or series.rule.until is not None
        dates = None if not finite or (chosen is not None and len(chosen) <= len(expected)) else [
            e for span in expected for e in target.once(span, zone=schedule.zone, name=series.name)]
        if dates is not None and (chosen is None or len(target.finish(dates)) < len(target.finish(chosen))):
            reason = (f"no exact {target.NAME} form for this rule in the window" if chosen is None
                      else f"its {target.NAME} form takes {len(chosen)} entries, its dates fewer")
            reason += "; expanded" + (" to the window's end" if series.rule.until is None else "")
            chosen = dates
            report.expanded(series, len(chosen), reason)
        elif series.rule.freq is Freq.ONCE:
            report.one_off(series, len(chosen))
        else:
            report.native(series, len(chosen))
        for remark in (series.remark, target.remark(series, chosen)):
            if remark:
                report.note(series, remark)
        written.extend(chosen)
    return target.finish(written)


def _fewest_exact(proposals: Iterable[list[Any]], target: ModuleType, window: Window,
                  expected: list[Span]) -> list[Any] | None:
    """The exact proposal with the fewest entries (the first of equals); a single entry cannot be beaten."""
    best: list[Any] | None = None
    for proposal in proposals:
        if (best is None or len(proposal) < len(best)) and target.spans(proposal, window) == expected:
            best = proposal
            if len(best) == 1:
                break
    return best


def _one_off_if_single(series: Series) -> Series:
    """A rule with an end and one occurrence in all (from 2028-11-23 to 2028-11-23) is a one-off."""
    rule = series.rule
    if rule.freq is Freq.ONCE or rule.until is None:
        return series
    following = rule.next_after(rule.start)
    return replace(series, rule=Rule.once(rule.start)) if following is None or following > rule.until else series


def _limit(count: int, max_entries: int) -> None:
    if count > max_entries:
        raise LimitExceededError(f"{count} entries exceed the limit of {max_entries}; narrow the window or raise "
                                 "--max-entries")


def differences(expected: list[Span], actual: list[Span]) -> list[str]:
    """Where two span lists differ, as lines for the user."""
    lines = [f"missing from the body: {s}" for s in subtract(expected, actual)]
    lines += [f"active in the body but not in the source: {s}" for s in subtract(actual, expected)]
    return lines


def reader(target: ModuleType, body: Any, zone: str | None) -> Callable[[Any], list[Any]]:
    """How to read a body's entries: on its own zone; a body that names none whose dates depend on one (Kazoo rules
    downloaded from an account that inherits its zone: "timezone": null) on `zone` (--timezone), when given."""
    on_wall = getattr(target, "entries_on", None)
    if on_wall is not None and zone and target.zone_of(body) is None:
        return lambda found: on_wall(found, zone)
    return target.entries  # type: ignore[no-any-return]


def check(body: dict[str, Any] | str, target: ModuleType, schedule: Schedule,
          read: Callable[[Any], list[Any]] | None = None) -> list[Span]:
    """Raise VerificationError unless the body is active exactly when the schedule is, inside its window;
    return the body's spans there. `read`: how to read its entries (see reader)."""
    actual = target.spans((read or target.entries)(body), schedule.window)
    found = differences(schedule.active(), actual)
    if found:
        shown = found[:MAX_DIFFERENCES_SHOWN]
        more = len(found) - len(shown)
        raise VerificationError(
            f"{target.NAME} body differs from the source in {schedule.window}:\n  " + "\n  ".join(shown)
            + (f"\n  ... and {more} more" if more else "")
        )
    return actual


def convert(sources: list[str], target_name: str, options: Options) -> Conversion:
    """Read sources, write the target's body, and verify it; raises PbxcalError subclasses on failure."""
    target = get_target(target_name)
    token = ROWS.set(options.holiday_rows)
    try:
        return _convert(sources, target, options)
    finally:
        ROWS.reset(token)


def _convert(sources: list[str], target: ModuleType, options: Options) -> Conversion:
    with _young_collections_only():  # restored only at the end: a full collection would traverse all that was read
        schedule, messages = load(sources, target, options)
        report = Report(schedule.items, schedule.window, schedule.zone, schedule.incomplete)
        with _collection_paused():
            entries = write(schedule, target, report, options.progress, options.max_entries)
            _limit(len(entries), options.max_entries)
            body = target.body(entries, schedule.name, schedule.zone)
            (options.progress or _quiet)("verifying", 0, 1)
            active = check(body, target, schedule)
            ends = last_day(body, target, schedule.window, active)
    return Conversion(target, body, schedule, report, messages, ends)


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """No full cyclic garbage collection while sources are read and expanded; the young generations are still
    collected. Reading makes objects by the million (a parsed calendar, its occurrences, their spans) and next to no
    cyclic garbage, yet every full collection traverses all of them: 11 at 20k events, 2.2 s, each finding nothing.
    The one source of it found, icalendar's errors kept for values it cannot parse (their tracebacks hold the
    parser's frames), is broken where it is made (readers.ics._forget_parse_errors); on the corpus at most 19
    objects are left for a file that converts."""
    with _HELD_OFF.lock:  # counted, so that overlapping conversions (threads) restore the setting only once
        if _HELD_OFF.depth == 0:
            _HELD_OFF.thresholds = gc.get_threshold()
            gc.set_threshold(*_HELD_OFF.thresholds[:2], NO_FULL_COLLECTION)
        _HELD_OFF.depth += 1
    try:
        yield
    finally:
        with _HELD_OFF.lock:
            _HELD_OFF.depth -= 1
            if _HELD_OFF.depth == 0:
                gc.set_threshold(*_HELD_OFF.thresholds)


class _HeldOff:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.thresholds: tuple[int, ...] = ()


_HELD_OFF = _HeldOff()
NO_FULL_COLLECTION = 2**31 - 1  # young collections between two full ones: never reached


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection at all while a schedule's body is written and checked: spans are made by the
    hundred thousand, never in a cycle, and collecting them was a third of verifying."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def last_day(body: dict[str, Any] | str, target: ModuleType, window: Window,
             active: list[Span] | None = None, read: Callable[[Any], list[Any]] | None = None) -> date | None:
    """The body's last active day when it is active on no day of the year after the window (it runs out);
    None when it goes on, or is never active. `active`: its spans in the window, when already known."""
    entries = (read or target.entries)(body)
    try:
        if _active_in(target, entries, Window(window.until, window.until + timedelta(days=366))):
            return None
    except BadInputError:  # not readable past the window (Holiday API rows end with it): say nothing
        return None
    ends = [span.end for span in (target.spans(entries, window) if active is None else active)]
    return (max(ends) - timedelta(microseconds=1)).date() if ends else None


def _active_in(target: ModuleType, entries: list[Any], window: Window) -> bool:
    """Whether the entries are active at all in window: entry by entry, up to the first that is, where the target's
    spans are the union of each entry's own (SPANS_BY_ENTRY)."""
    if getattr(target, "SPANS_BY_ENTRY", False):
        return any(target.spans([entry], window) for entry in entries)
    return bool(target.spans(entries, window))


def verify(body: dict[str, Any] | list[Any] | str, sources: list[str], options: Options,
           target_name: str | None = None) -> Schedule:
    """Check a body someone wrote against the sources; returns the schedule it was compared with.
    Raises BodyError for a body that cannot be read, other BadInputErrors for the sources."""
    found = detect_target(body)
    target = get_target(target_name) if target_name else found
    if target is None:
        raise BodyError(f"the body has the shape of no platform ({', '.join(p.name for p in PLATFORMS)}); "
                        "pass --to")
    if found is not None and found is not target:
        raise BodyError(f"the body is written for {found.NAME}, not {target.NAME} (leave out --to, or pass "
                        f"--to {found.NAME})")
    wall = options.zone and check_zone(options.zone)  # an option's error, not the body's
    token = ROWS.set(options.holiday_rows)  # NetSapiens holiday entries are read through these rows
    try:
        with _body_errors():
            own = target.zone_of(body)
            if own:
                check_zone(own)
            read = reader(target, body, wall)
            read(body)
        if own and options.zone and check_zone(own) != options.zone:
            raise BodyError(f"the body runs on {own}; --timezone {options.zone} would compare a different clock")
        schedule, _ = load(sources, target, replace(options, zone=own or options.zone))
        with _body_errors(), _collection_paused():
            check(body, target, schedule, read)
    finally:
        ROWS.reset(token)
    return schedule


@contextmanager
def _body_errors() -> Iterator[None]:
    """Errors raised while reading the body are the body's."""
    try:
        yield
    except BodyError:
        raise
    except BadInputError as problem:
        raise BodyError(problem.reason, line=problem.line) from None


__all__ = ["Conversion", "Options", "check", "convert", "differences", "last_day", "load", "reader", "verify",
           "write"]
