"""The library entry points: read sources into a schedule, write a target body, verify it against the sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

from .errors import BadInputError, LimitExceededError, VerificationError
from .holiday_api import ROWS, HolidayRows
from .model import Freq, Schedule, Window
from .normalize import build_schedule
from .readers import ReadOptions, open_source
from .report import Report
from .spans import Span, subtract
from .targets import detect_target, get_target
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
    progress: Callable[[int, int], None] | None = None  # called as (done, total) while writing
    holiday_rows: HolidayRows | None = None  # NetSapiens Holiday API rows: write holiday-type entries


@dataclass
class Conversion:
    target: ModuleType
    body: dict[str, Any] | str  # JSON for the PBX targets, iCalendar text for ics
    schedule: Schedule
    report: Report
    messages: list[str] = field(default_factory=list)


def load(sources: list[str], target: ModuleType, options: Options) -> tuple[Schedule, list[str]]:
    """Open every source, settle the target zone, and build the schedule the target's clock can write."""
    opened = [open_source(spec, options.read) for spec in sources]
    messages: list[str] = []
    zone = options.zone and check_zone(options.zone)
    if zone is None:
        hinted = ((s.label, s.zone_in(options.window)) for s in opened)
        label, zone = next(((label, zone) for label, zone in hinted if zone), ("", None))
        if zone:
            check_zone(zone)
            messages.append(f"time zone {zone} (from {label}; pass --timezone to choose the PBX's own)")
    items = [item for source in opened for item in source.items(zone, options.window)]
    messages += [m for source in opened for m in source.messages]
    name = options.name or next((s.name for s in opened if s.name), "Schedule")
    schedule = build_schedule(items, options.window, target.CLOCK, name, zone, options.open_ended)
    return schedule, messages


def write(schedule: Schedule, target: ModuleType, report: Report,
          progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """Entries for every series: the first native candidate that evaluates exactly, else exact one-offs."""
    window = schedule.window
    written: list[Any] = []
    for done, series in enumerate(schedule.series, start=1):
        if progress:
            progress(done, len(schedule.series))
        expected = series.spans(window.span)
        if not expected:
            continue
        proposals = target.candidates(series, window, zone=schedule.zone)
        if series.rule.freq is Freq.ONCE:  # one-offs are exact by construction; the whole body is checked below
            chosen = next(proposals, None)
        else:
            chosen = next((c for c in proposals if target.spans(c, window) == expected), None)
        if chosen is None:
            chosen = [e for span in expected for e in target.once(span, zone=schedule.zone, name=series.name)]
            reason = f"no exact {target.NAME} form for this rule in the window; expanded"
            if series.rule.until is None:
                reason += " to the window's end"
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


def differences(expected: list[Span], actual: list[Span]) -> list[str]:
    """Where two span lists differ, as lines for the user."""
    lines = [f"missing from the body: {s}" for s in subtract(expected, actual)]
    lines += [f"active in the body but not in the source: {s}" for s in subtract(actual, expected)]
    return lines


def check(body: dict[str, Any] | str, target: ModuleType, schedule: Schedule) -> None:
    """Raise VerificationError unless the body is active exactly when the schedule is, inside its window."""
    actual = target.spans(target.entries(body), schedule.window)
    found = differences(schedule.active(), actual)
    if found:
        shown = found[:MAX_DIFFERENCES_SHOWN]
        more = len(found) - len(shown)
        raise VerificationError(
            f"{target.NAME} body differs from the source in {schedule.window}:\n  " + "\n  ".join(shown)
            + (f"\n  ... and {more} more" if more else "")
        )


def convert(sources: list[str], target_name: str, options: Options) -> Conversion:
    """Read sources, write the target's body, and verify it; raises PbxcalError subclasses on failure."""
    target = get_target(target_name)
    token = ROWS.set(options.holiday_rows)
    try:
        return _convert(sources, target, options)
    finally:
        ROWS.reset(token)


def _convert(sources: list[str], target: ModuleType, options: Options) -> Conversion:
    schedule, messages = load(sources, target, options)
    report = Report(schedule.items)
    entries = write(schedule, target, report, options.progress)
    if len(entries) > options.max_entries:
        raise LimitExceededError(f"{len(entries)} entries exceed the limit of {options.max_entries}; "
                                 "narrow the window or raise --max-entries")
    body = target.body(entries, schedule.name, schedule.zone)
    check(body, target, schedule)
    return Conversion(target, body, schedule, report, messages)


def verify(body: dict[str, Any] | str, sources: list[str], options: Options,
           target_name: str | None = None) -> Schedule:
    """Check a body someone wrote against the sources; returns the schedule it was compared with."""
    target = get_target(target_name) if target_name else detect_target(body)
    if target is None:
        raise BadInputError("the body is neither a NetSapiens timeframe nor a Telphin interval; pass --to")
    own = target.zone_of(body)
    if own and options.zone and check_zone(own) != options.zone:
        raise BadInputError(f"the body runs on {own}; --timezone {options.zone} would compare a different clock")
    zone = own or options.zone
    token = ROWS.set(options.holiday_rows)
    try:
        schedule, _ = load(sources, target, replace(options, zone=zone))
        check(body, target, schedule)
    finally:
        ROWS.reset(token)
    return schedule


__all__ = ["Conversion", "Options", "check", "convert", "differences", "load", "verify", "write"]
