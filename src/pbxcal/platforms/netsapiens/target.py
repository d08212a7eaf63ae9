"""NetSapiens v2 specific-dates timeframes: writer, reader and evaluator, per docs/netsapiens.md."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ...describe import describe as describe_series
from ...errors import AmbiguousBodyError, BadInputError
from ...infer import Capabilities
from ...model import (
    SECONDS_PER_DAY,
    By,
    Freq,
    Rule,
    Series,
    Window,
    days_in_month,
    is_last_weekday,
    midnight,
    nth_of_month,
)
from ...normalize import Clock
from ...spans import Span, day_parts, merge
from . import holiday_api

NAME = "netsapiens"
CLOCK = Clock(resolution=60, end_of_day=23 * 3600 + 59 * 60)
SPANS_BY_ENTRY = True  # spans() is the union of each entry's spans alone
HAS_ZONE = False
# What it writes exactly: `custom` counts of days, weeks and months are open (every 2 years is every 24 months); a
# `custom` year count is always 1; ordinals 1-4 and last, no fifth weekday.
CAPABILITIES = Capabilities({Freq.DAILY: None, Freq.WEEKLY: None, Freq.MONTHLY: None, Freq.YEARLY: 1})
ARRAY = "timeframe-specific-dates-array"

BEGIN_DATE = "timeframe-specific-dates-begin-date"
BEGIN_TIME = "timeframe-specific-dates-begin-time"
END_DATE = "timeframe-specific-dates-end-date"
END_TIME = "timeframe-specific-dates-end-time"
TYPE = "timeframe-recurrence-type"
INTERVAL = "timeframe-recurrence-custom-interval"
COUNT = "timeframe-recurrence-custom-interval-count"
OPTION = "timeframe-recurrence-custom-interval-option"
END_OPTION = "timeframe-recurrence-end-option"
END_ON = "timeframe-recurrence-end-date"
FIELDS = (BEGIN_DATE, BEGIN_TIME, END_DATE, END_TIME, TYPE, INTERVAL, COUNT, OPTION, END_OPTION, END_ON)

# How each recurrence type picks its days. A "selector" is read off the begin-date (SEMANTICS.md section 2).
TYPES: dict[str, tuple[Freq, str]] = {
    "doesNotRecur": (Freq.ONCE, "same-day"),
    "yearly-on-selected-dates": (Freq.YEARLY, "same-day"),
    "annual-month-day": (Freq.YEARLY, "same-day"),
    "yearly-first": (Freq.YEARLY, "first"),
    "yearly-last": (Freq.YEARLY, "last"),
    "monthly-date": (Freq.MONTHLY, "same-day"),
    "monthly-on-last-day": (Freq.MONTHLY, "last-day"),
    "monthly-on-first-last": (Freq.MONTHLY, "first-last"),
    "monthly-on-ordinal-weekday": (Freq.MONTHLY, "ordinal"),
}
CUSTOM_UNITS: dict[str, Freq] = {"days": Freq.DAILY, "weeks": Freq.WEEKLY, "months": Freq.MONTHLY, "years": Freq.YEARLY}
CUSTOM_OPTIONS: dict[str, tuple[Freq, str]] = {
    "monthly-same-day": (Freq.MONTHLY, "same-day"),
    "monthly-ordinal-weekday": (Freq.MONTHLY, "ordinal"),
    "monthly-first-last-weekday": (Freq.MONTHLY, "first-last"),
    "monthly-on-last-day": (Freq.MONTHLY, "last-day"),
    "yearly-same-day": (Freq.YEARLY, "same-day"),
    "yearly-ordinal-weekday": (Freq.YEARLY, "ordinal"),
    "yearly-first-last-weekday": (Freq.YEARLY, "first-last"),
}
UNIT_OF = {freq: unit for unit, freq in CUSTOM_UNITS.items()}
PLAIN_TYPE_OF = {
    (Freq.YEARLY, "same-day"): "yearly-on-selected-dates",
    (Freq.YEARLY, "first"): "yearly-first",
    (Freq.YEARLY, "last"): "yearly-last",
    (Freq.MONTHLY, "same-day"): "monthly-date",
    (Freq.MONTHLY, "last-day"): "monthly-on-last-day",
    (Freq.MONTHLY, "first-last"): "monthly-on-first-last",
    (Freq.MONTHLY, "ordinal"): "monthly-on-ordinal-weekday",
}
OPTION_OF = {value: option for option, value in CUSTOM_OPTIONS.items()}


def detect(body: object) -> bool:
    return isinstance(body, dict) and (ARRAY in body or "timeframe-type" in body)


# ---- writer ---------------------------------------------------------------------------------------------------

def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}{seconds % 3600 // 60:02d}"


def _block(series: Series, day: date) -> dict[str, str]:
    end = series.offset + series.length
    if series.whole_days:
        last, end_time = day + timedelta(days=series.length // SECONDS_PER_DAY - 1), "2359"
    else:
        last, end_time = day, ("2359" if end == SECONDS_PER_DAY else _hhmm(end))
    return {BEGIN_DATE: _date(day), BEGIN_TIME: _hhmm(series.offset), END_DATE: _date(last), END_TIME: end_time}


def _entry(series: Series, day: date, kind: str, until: date | None, unit: str = "", count: str = "",
           option: str = "") -> dict[str, str]:
    entry = dict.fromkeys(FIELDS, "")
    entry.update(_block(series, day))
    entry[TYPE] = kind
    entry.update({INTERVAL: unit, COUNT: count, OPTION: option})
    if kind != "doesNotRecur":
        entry[END_OPTION] = "onADate" if until else "never"
        entry[END_ON] = _date(until) if until else ""
    return entry


def _selector(rule: Rule) -> str | None:
    """The selector that reproduces the rule's days from its start, or None if no type has one."""
    if rule.by is By.DATE:
        return "same-day" if not (rule.freq is Freq.YEARLY and (rule.start.month, rule.start.day) == (2, 29)) else None
    if rule.by is By.LAST_DAY:
        return "last-day" if rule.freq is Freq.MONTHLY else None
    if rule.by is By.LAST:
        return "last"
    if rule.by is By.NTH:
        return "first" if rule.nth == 1 else "ordinal"
    return None


def _anchored(rule: Rule, window: Window) -> tuple[list[date], Rule] | None:
    """Ordinal rule: the occurrences before the first one whose weekday is not also the last, and the rule from it."""
    end = min(rule.until + timedelta(days=1), window.until) if rule.until else window.until
    days = rule.occurrences(rule.start, end)
    for n, day in enumerate(days):
        if not is_last_weekday(day):
            return days[:n], replace(rule, start=day)
    return None


def candidates(series: Series, window: Window, zone: str | None = None) -> Iterator[list[dict[str, str]]]:
    """Entry lists that should reproduce the series natively; the caller keeps the first that evaluates exactly.

    With Holiday API rows in context (--netsapiens-type holiday), a matching holiday entry comes first.
    """
    rows = holiday_api.ROWS.get()
    if rows is not None:
        yield from holiday_api.candidates(series, window, rows)
    if not (series.whole_days or series.offset + series.length <= SECONDS_PER_DAY):
        return
    rule = series.rule
    if rule.freq is Freq.ONCE:
        yield [_entry(series, rule.start, "doesNotRecur", None)]
        return
    if rule.freq is Freq.DAILY:
        yield [_entry(series, rule.start, "custom", rule.until, "days", str(rule.interval))]
        return
    if rule.freq is Freq.WEEKLY:
        firsts = sorted(rule.start + timedelta(days=(w - rule.start.weekday()) % 7) for w in rule.weekdays)
        yield [_entry(series, f, "custom", rule.until, "weeks", str(rule.interval)) for f in firsts]
        return
    selector = _selector(rule)
    if selector is None or (rule.freq is Freq.YEARLY and rule.interval != 1):
        return
    lead: list[date] = []
    if selector == "ordinal":
        anchored = _anchored(rule, window)
        if anchored is None:
            return
        lead, rule = anchored
    if selector in ("first", "last") and rule.freq is Freq.MONTHLY:
        selector = "first-last"
    entries = [_entry(series, day, "doesNotRecur", None) for day in lead]
    if rule.interval == 1 and (rule.freq, selector) in PLAIN_TYPE_OF:
        entries.append(_entry(series, rule.start, PLAIN_TYPE_OF[rule.freq, selector], rule.until))
    else:
        option = OPTION_OF[(rule.freq, "first-last" if selector in ("first", "last") else selector)]
        entries.append(_entry(series, rule.start, "custom", rule.until, UNIT_OF[rule.freq], str(rule.interval),
                              option))
    yield entries


def once(span: Span, zone: str | None = None, name: str = "") -> list[dict[str, str]]:
    """Exact one-off entries for a span: whole days in one entry, timed edges in their own (multi-day rule)."""
    pieces = day_parts(span)
    entries = []
    for piece in pieces:
        offset = int((piece.start - midnight(piece.start.date())).total_seconds())
        series = Series("", Rule.once(piece.start.date()), offset, int(piece.duration.total_seconds()))
        entries.append(_entry(series, piece.start.date(), "doesNotRecur", None))
    return entries


def finish(entries: list[dict[str, str]]) -> list[dict[str, str]]:
    unique: dict[tuple[tuple[str, str], ...], dict[str, str]] = {tuple(sorted(e.items())): e for e in entries}
    return list(unique.values())


def remark(series: Series, chosen: list[dict[str, str]]) -> str | None:
    """What the report should add: a holiday the Holiday API rows did not match."""
    if holiday_api.ROWS.get() is not None and not any(holiday_api.is_holiday(e) for e in chosen):
        return "no Holiday API row has exactly these dates; written as specific dates"
    return None


def body(entries: list[dict[str, str]], name: str, zone: str | None) -> dict[str, Any]:
    holidays = [e for e in entries if holiday_api.is_holiday(e)]
    dates = [e for e in entries if not holiday_api.is_holiday(e)]
    if not holidays:
        return {"synchronous": "yes", "timeframe-name": name, "timeframe-type": "specific-dates", ARRAY: dates}
    kind = "custom" if dates else "holiday"
    arrays = {holiday_api.ARRAY: holidays, **({ARRAY: dates} if dates else {})}
    return {"synchronous": "yes", "timeframe-name": name, "timeframe-type": kind, **arrays}


READABLE_ARRAYS = {"specific-dates": (ARRAY,), "holiday": (holiday_api.ARRAY,),
                   "custom": (holiday_api.ARRAY, ARRAY)}


def entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    kind = body.get("timeframe-type", "specific-dates")
    if not isinstance(kind, str) or kind not in READABLE_ARRAYS or body.get("timeframe-days-of-week-array"):
        raise BadInputError(f"NetSapiens timeframe type {kind!r} is not supported here "
                            "(specific-dates, holiday, or custom without days of week)")
    found = [body.get(array) or [] for array in READABLE_ARRAYS[kind]]
    if not all(isinstance(part, list) for part in found):
        raise BadInputError("a timeframe's entry arrays must be lists")
    return [entry for part in found for entry in part]


# ---- reader and evaluator -------------------------------------------------------------------------------------

def _parse_date(entry: dict[str, Any], key: str) -> date:
    value = str(entry.get(key, ""))
    try:
        if len(value) != 8 or not (value.isascii() and value.isdigit()):
            raise ValueError(value)
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise BadInputError(f"entry field {key} must be a YYYYMMDD date, got {entry.get(key)!r}") from None


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise BadInputError(f"entry field {key} must be a string, got {value!r:.60}")
    return value


def _parse_time(entry: dict[str, Any], key: str) -> int:
    value = str(entry.get(key, ""))
    if len(value) != 4 or not (value.isascii() and value.isdigit()) or int(value[:2]) > 23 or int(value[2:]) > 59:
        raise BadInputError(f"entry field {key} must be an hhmm time, got {value!r}")
    return int(value[:2]) * 3600 + int(value[2:]) * 60


def _by(freq: Freq, selector: str, begin: date) -> By:
    """The day-picking rule that a selector gives for this begin-date; raises where the docs leave it open."""
    if freq in (Freq.ONCE, Freq.DAILY):
        return By.DATE
    if freq is Freq.WEEKLY:
        return By.WEEKDAYS
    n, last = nth_of_month(begin), is_last_weekday(begin)
    if selector == "same-day":
        if freq is Freq.YEARLY and (begin.month, begin.day) == (2, 29):
            raise AmbiguousBodyError("a yearly same-day entry on 29 February has no documented meaning in other years")
        return By.DATE
    if selector == "last-day":
        if begin.day != days_in_month(begin.year, begin.month):
            raise AmbiguousBodyError(f"a last-day entry must begin on a month's last day, not {begin}")
        return By.LAST_DAY
    if selector == "first" or (selector == "first-last" and n == 1):
        if n != 1:
            raise AmbiguousBodyError(f"a first-weekday entry must begin on a first weekday, not {begin}")
        return By.NTH
    if selector == "last" or (selector == "first-last" and last):
        if not last:
            raise AmbiguousBodyError(f"a last-weekday entry must begin on a last weekday, not {begin}")
        return By.LAST
    if selector == "ordinal" and n in (2, 3, 4) and not last:
        return By.NTH
    raise AmbiguousBodyError(f"{selector} entry beginning {begin} is not a weekday the type defines")


def read_entry(entry: dict[str, Any]) -> Series:
    """The series one specific-dates entry means under docs/netsapiens.md."""
    if not isinstance(entry, dict):
        raise BadInputError(f"an entry must be a JSON object, got {entry!r:.60}")
    begin, last = _parse_date(entry, BEGIN_DATE), _parse_date(entry, END_DATE)
    start, end = _parse_time(entry, BEGIN_TIME), _parse_time(entry, END_TIME)
    end = SECONDS_PER_DAY if end == CLOCK.end_of_day else end
    length = (last - begin).days * SECONDS_PER_DAY + end - start
    if last > begin and (start, end) != (0, SECONDS_PER_DAY):
        raise AmbiguousBodyError(f"multi-day entry {begin}..{last} is not whole days (0000-2359)")
    if length <= 0:
        raise BadInputError(f"entry ends before it begins: {begin} {entry.get(BEGIN_TIME)} .. {last}")
    kind = _text(entry, TYPE)
    if kind == "custom":
        unit = CUSTOM_UNITS.get(_text(entry, INTERVAL))
        if unit is None:
            raise BadInputError(f"unknown custom interval {entry.get(INTERVAL)!r}")
        count = str(entry.get(COUNT, ""))
        if not count.isdigit() or int(count) < 1 or (unit is Freq.YEARLY and count != "1"):
            raise BadInputError(f"bad custom interval count {count!r}")
        freq, selector, interval = unit, "same-day", int(count)
        if unit in (Freq.MONTHLY, Freq.YEARLY):
            freq, selector = CUSTOM_OPTIONS.get(_text(entry, OPTION), (None, ""))
            if freq is not unit:
                raise BadInputError(f"custom option {entry.get(OPTION)!r} does not fit {entry.get(INTERVAL)!r}")
    elif kind in TYPES:
        (freq, selector), interval = TYPES[kind], 1
    else:
        raise BadInputError(f"unknown recurrence type {kind!r}")
    until = None
    if freq is not Freq.ONCE:
        option = _text(entry, END_OPTION)
        if option == "onADate":
            until = _parse_date(entry, END_ON)
        elif option != "never":
            raise BadInputError(f"unknown recurrence end option {option!r}")
    weekdays = frozenset({begin.weekday()}) if freq is Freq.WEEKLY else frozenset()
    rule = Rule(freq, begin, _by(freq, selector, begin), interval, until, weekdays)
    return Series("", rule, start, length)


def zone_of(body: dict[str, Any]) -> str | None:
    """NetSapiens bodies carry no zone: they run on the domain's wall clock."""
    return None


def describe(entry: dict[str, Any]) -> str:
    """The entry in plain words."""
    if holiday_api.is_holiday(entry):
        end = entry.get("timeframe-recurrence-end-date") or "no end"
        return (f"holiday {entry.get('timeframe-holiday-name')!r} (Holiday API), all day, every year from "
                f"{entry.get('timeframe-holiday-begin-date')} to {end}")
    return describe_series(read_entry(entry))


def read(body: dict[str, Any]) -> list[Series]:
    return [read_entry(e) for e in entries(body)]


def spans(entry_list: list[dict[str, Any]], window: Window) -> list[Span]:
    """When the entries are active inside the window."""
    rows = holiday_api.ROWS.get()

    def one(entry: dict[str, Any]) -> list[Span]:
        if holiday_api.is_holiday(entry):
            return holiday_api.spans(entry, window, rows)
        return read_entry(entry).spans(window.span)

    return merge(s for entry in entry_list for s in one(entry))


__all__ = [
    "CAPABILITIES",
    "CLOCK",
    "FIELDS",
    "HAS_ZONE",
    "NAME",
    "SPANS_BY_ENTRY",
    "TYPES",
    "body",
    "candidates",
    "describe",
    "detect",
    "entries",
    "finish",
    "once",
    "read",
    "read_entry",
    "remark",
    "spans",
    "zone_of",
]
