"""Telphin (Ringme) interval conditions: writer, reader and evaluator, per docs/telphin.md."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

from ...describe import ORDINALS
from ...errors import BadInputError
from ...infer import Capabilities
from ...model import SECONDS_PER_DAY, By, Freq, Rule, Series, Window, days_in_month, midnight
from ...normalize import Clock
from ...spans import DAY, Span, clip, merge, span_of

NAME = "telphin"
CLOCK = Clock(resolution=1, end_of_day=SECONDS_PER_DAY - 1)
SPANS_BY_ENTRY = True  # spans() is the union of each entry's spans alone
HAS_ZONE = True
FIELDS = ("start_dow", "end_dow", "start_mday", "end_mday", "start_time", "end_time", "month",
          "start_datetime", "end_datetime", "sched_start_date", "sched_active_days", "sched_skip_days")
PAIRS = (("start_dow", "end_dow"), ("start_mday", "end_mday"), ("start_time", "end_time"),
         ("start_datetime", "end_datetime"))
SCHED = ("sched_start_date", "sched_active_days", "sched_skip_days")
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# A calendar form limited to the days [first, last] is the form AND a scheduled-days block of exactly those days,
# whose next block (sched_skip_days must be at least 1; no maximum is documented) begins here, past any window.
BLOCK_HORIZON = date(2300, 1, 1)
# What it writes exactly: scheduled-day cycles of any length for every N days or weeks; calendar fields for every
# month and every year, including the fifth weekday of a month (that weekday on days 29-31).
CAPABILITIES = Capabilities({Freq.DAILY: None, Freq.WEEKLY: None, Freq.MONTHLY: 1, Freq.YEARLY: 1},
                            fifth_weekday=True, weekdays="ranges",
                            costs={(Freq.MONTHLY, By.LAST): 12, (Freq.MONTHLY, By.LAST_DAY): 7})


def detect(body: object) -> bool:
    return isinstance(body, dict) and "conditions" in body


def dow(weekday: int) -> int:
    """Telphin's day of week (1 = Sunday ... 7 = Saturday) for Python's weekday (0 = Monday)."""
    return (weekday + 1) % 7 + 1


# ---- writer ---------------------------------------------------------------------------------------------------

def _condition(**fields: Any) -> dict[str, Any]:
    condition = dict.fromkeys(FIELDS)
    condition.update(fields)
    return condition


def _clock(seconds: int) -> str:
    if seconds >= SECONDS_PER_DAY:
        return "23:59:59"
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _stamp(moment: datetime) -> str:
    if moment.time() == time():
        return (moment - DAY).strftime("%Y-%m-%d") + " 23:59:59"
    return moment.strftime(DATETIME_FORMAT)


def once(span: Span, zone: str | None = None, name: str = "") -> list[dict[str, Any]]:
    return [_condition(start_datetime=span.start.strftime(DATETIME_FORMAT), end_datetime=_stamp(span.end))]


def _day_fields(rule: Rule, shift: int) -> list[dict[str, Any]] | None:
    """Calendar fields that pick the rule's days moved by `shift` days, when a fixed form exists."""
    start = rule.start
    if rule.freq is Freq.YEARLY and rule.interval == 1:
        if rule.by is By.DATE:
            if (start.month, start.day) == (2, 29):
                return [{"month": 2, "start_mday": 29, "end_mday": 29}] if shift == 0 else None
            plain, leap = (date(year, start.month, start.day) + timedelta(days=shift) for year in (2001, 2004))
            if (plain.month, plain.day) != (leap.month, leap.day):
                return None
            return [{"month": plain.month, "start_mday": plain.day, "end_mday": plain.day}]
        if rule.by is By.NTH and 7 * rule.nth + shift <= days_in_month(2001, start.month):
            low = 7 * rule.nth - 6 + shift
            return [{"month": start.month, "start_dow": dow((start.weekday() + shift) % 7),
                     "end_dow": dow((start.weekday() + shift) % 7), "start_mday": low, "end_mday": low + 6}]
        length = days_in_month(2001, start.month)
        if rule.by is By.LAST and shift == 0 and start.month != 2:
            return [{"month": start.month, "start_dow": dow(start.weekday()), "end_dow": dow(start.weekday()),
                     "start_mday": length - 6, "end_mday": length}]
        return None
    if rule.freq is Freq.MONTHLY and rule.interval == 1:
        if rule.by is By.DATE and (shift == 0 or start.day + shift <= 28):
            return [{"start_mday": start.day + shift, "end_mday": start.day + shift}]
        if rule.by is By.NTH and 7 * rule.nth + shift <= 28:
            weekday = dow((start.weekday() + shift) % 7)
            low = 7 * rule.nth - 6 + shift
            return [{"start_dow": weekday, "end_dow": weekday, "start_mday": low, "end_mday": low + 6}]
        if rule.by is By.NTH and rule.nth == 5 and shift == 0:  # a fifth weekday is that weekday on days 29-31
            weekday = dow(start.weekday())
            return [{"start_dow": weekday, "end_dow": weekday, "start_mday": 29, "end_mday": 31}]
        return None
    if rule.freq is Freq.WEEKLY and rule.interval == 1:
        return [{"start_dow": low, "end_dow": high} for low, high in _dow_ranges(
            {dow((w + shift) % 7) for w in rule.weekdays})]
    if rule.freq is Freq.DAILY and rule.interval == 1:
        return [{}]
    return None


def _dow_ranges(days: set[int]) -> list[tuple[int, int]]:
    """Contiguous Telphin weekday ranges covering days, wrapping Saturday -> Sunday where that saves one."""
    if len(days) == 7:
        return [(1, 7)]
    ranges: list[list[int]] = []
    for day in sorted(days):
        if ranges and ranges[-1][1] == day - 1:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    if len(ranges) > 1 and ranges[0][0] == 1 and ranges[-1][1] == 7:
        ranges[0][0] = ranges.pop()[0]
    return [(low, high) for low, high in ranges]


def _sched(rule: Rule, shift: int) -> list[dict[str, Any]] | None:
    """Every-N-days cycles anchored on the rule's start (weekly and daily rules): one per run of adjacent days."""
    if rule.freq is Freq.DAILY:
        cycle, offsets = rule.interval, [0]
    elif rule.freq is Freq.WEEKLY:
        cycle, offsets = 7 * rule.interval, sorted((w - rule.start.weekday()) % 7 for w in rule.weekdays)
    else:
        return None
    runs: list[list[int]] = []
    for offset in offsets:
        if runs and runs[-1][-1] == offset - 1:
            runs[-1].append(offset)
        else:
            runs.append([offset])
    if any(len(run) >= cycle for run in runs):
        return None  # sched_skip_days must be at least 1
    return [{"sched_start_date": f"{rule.start + timedelta(days=run[0] + shift):%Y-%m-%d} 00:00:00",
             "sched_active_days": len(run), "sched_skip_days": cycle - len(run)} for run in runs]


def candidates(series: Series, window: Window, zone: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Condition lists that should reproduce the series; the caller keeps the first that evaluates exactly."""
    rule = series.rule
    if rule.freq is Freq.ONCE:
        yield once(series.span_on(rule.start))
        return
    days = series.length // SECONDS_PER_DAY if series.whole_days else 1
    times = {} if series.whole_days else {"start_time": _clock(series.offset),
                                          "end_time": _clock(series.offset + series.length)}
    if not series.whole_days and series.offset + series.length > SECONDS_PER_DAY:
        return
    calendar = _conditions(_day_fields, rule, days, times)
    if rule.until is None:  # forms without a block recur forever: only for a rule the source keeps (SEMANTICS §5)
        if calendar is not None:
            yield calendar
        cycle = _conditions(_sched, rule, days, times)
        if cycle is not None:
            yield cycle
    if calendar is not None:  # exact when the rule starts or ends inside the window
        last = rule.until + timedelta(days=days - 1) if rule.until else None
        yield [{**c, **_block(rule.start, last)} for c in calendar]
    if rule.freq is Freq.MONTHLY and rule.interval == 1 and days == 1:
        if rule.by is By.LAST_DAY:
            yield _last_days(series, window, times)
        elif rule.by is By.LAST:
            yield _last_weekdays(series, window, times)


def _last_weekdays(series: Series, window: Window, times: dict[str, str]) -> list[dict[str, Any]]:
    """The last weekday W of every month: W in the month's last seven days, one condition per month but February
    (no fixed window: leap years), whose days are date-time ranges for the window's years."""
    rule = series.rule
    weekday = dow(rule.start.weekday())
    block = _block(rule.start, rule.until)
    conditions = [_condition(month=m, start_dow=weekday, end_dow=weekday, start_mday=days_in_month(2001, m) - 6,
                             end_mday=days_in_month(2001, m), **times, **block) for m in range(1, 13) if m != 2]
    last = min(rule.until or window.until, window.until - timedelta(days=1))
    for year in range(rule.start.year, last.year + 1):
        day = date(year, 3, 1) - timedelta(days=(date(year, 3, 1).weekday() - rule.start.weekday() - 1) % 7 + 1)
        if rule.start <= day <= last:
            conditions += once(series.span_on(day))
    return conditions


def _last_days(series: Series, window: Window, times: dict[str, str]) -> list[dict[str, Any]]:
    """The last day of every month: day 31, day 30 of the four 30-day months, 29 February, and 28 February of each
    year that is not a leap year (one date-time range each), all limited to the rule's days in the window, as
    28 February cannot be said for every year to come."""
    rule = series.rule
    last = min(rule.until or window.until, window.until - timedelta(days=1))
    block = _block(rule.start, last)
    conditions = [_condition(start_mday=31, end_mday=31, **times, **block)]
    conditions += [_condition(month=m, start_mday=30, end_mday=30, **times, **block) for m in (4, 6, 9, 11)]
    years = range(rule.start.year, last.year + 1)
    if any(calendar.isleap(year) for year in years):
        conditions.append(_condition(month=2, start_mday=29, end_mday=29, **times, **block))
    for year in years:
        day = date(year, 2, 28)
        if not calendar.isleap(year) and rule.start <= day <= last:
            conditions += once(series.span_on(day))
    return conditions


def _conditions(form: Callable[[Rule, int], list[dict[str, Any]] | None], rule: Rule, days: int,
                times: dict[str, str]) -> list[dict[str, Any]] | None:
    """One form's conditions for every day of a multi-day block, or None where the form cannot say one of them."""
    conditions = []
    for shift in range(days):
        fields = form(rule, shift)
        if fields is None:
            return None
        conditions.extend(_condition(**f, **times) for f in fields)
    return conditions


def _block(first: date, last: date | None) -> dict[str, Any]:
    """Scheduled-days fields active from first through last (no end: up to the horizon), then not again."""
    end = last or BLOCK_HORIZON - timedelta(days=2)
    active = (end - first).days + 1
    return {"sched_start_date": f"{first:%Y-%m-%d} 00:00:00", "sched_active_days": active,
            "sched_skip_days": (BLOCK_HORIZON - first).days - active}


def _key_without(condition: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(condition[f] for f in FIELDS if f not in names)


def _merge_ranges(conditions: list[dict[str, Any]], low: str, high: str) -> list[dict[str, Any]]:
    """Join conditions equal but for adjacent or overlapping [low, high] ranges: the union stays exact."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for condition in conditions:
        groups.setdefault(_key_without(condition, low, high), []).append(condition)
    joined: list[dict[str, Any]] = []
    for members in groups.values():
        ranged = [m for m in members if m[low] is not None and m[low] <= m[high]]
        joined.extend(m for m in members if m[low] is None or m[low] > m[high])
        current: dict[str, Any] | None = None
        for member in sorted(ranged, key=lambda m: (m[low], m[high])):
            if current is not None and current[high] + 1 >= member[low]:
                current[high] = max(current[high], member[high])
            else:
                current = dict(member)
                joined.append(current)
    return joined


def _merge_datetimes(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranges = [c for c in conditions if c["start_datetime"] is not None]
    rest = [c for c in conditions if c["start_datetime"] is None]
    spans = merge(_datetime_span(c) for c in ranges)
    return rest + [c for s in spans for c in once(s)]


def remark(series: Series, chosen: list[Any]) -> str | None:
    rule = series.rule
    per_month = any(c["month"] is not None and c["start_dow"] is not None for c in chosen)
    if rule.freq is Freq.MONTHLY and rule.by is By.LAST and rule.until is None and per_month:
        return "February has no Telphin form for every year: its days are written for the window's years only"
    return None


def finish(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge adjacent days and equal windows into fewer conditions; every merge keeps the same active time."""
    unique = list({tuple(c[f] for f in FIELDS): c for c in conditions}.values())
    return _merge_ranges(_merge_ranges(_merge_datetimes(unique), "start_mday", "end_mday"), "start_dow", "end_dow")


def body(conditions: list[dict[str, Any]], name: str, zone: str | None) -> dict[str, Any]:
    if not zone:
        raise BadInputError("Telphin intervals need a time zone: pass --timezone (an IANA name such as Europe/Moscow)")
    return {"name": name, "timezone": zone, "conditions": conditions}


def entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    conditions = body.get("conditions")
    if not isinstance(conditions, list):
        raise BadInputError("a Telphin interval needs a 'conditions' list")
    return conditions


# ---- reader and evaluator -------------------------------------------------------------------------------------

# Exactly the documented digits: strptime would also take '2026-1-5 9:0:0', and is slow on big bodies.
CLOCK_TEXT = re.compile(r"(\d\d):(\d\d):(\d\d)", re.ASCII)
STAMP_TEXT = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", re.ASCII)


def _parse_clock(value: Any, field: str, end: bool = True) -> int:
    found = CLOCK_TEXT.fullmatch(str(value))
    hour, minute, second = (int(n) for n in found.groups()) if found else (0, 0, 0)
    if not found or hour > 23 or minute > 59 or second > 59:
        raise BadInputError(f"condition field {field} must be hh:mm:ss, got {value!r}")
    seconds = hour * 3600 + minute * 60 + second
    return SECONDS_PER_DAY if end and seconds == CLOCK.end_of_day else seconds


def _parse_stamp(value: Any, field: str, end: bool = False) -> datetime:
    """A 'YYYY-MM-DD hh:mm:ss' value; as an end, 23:59:59 means the next midnight (docs/telphin.md)."""
    found = STAMP_TEXT.fullmatch(str(value))
    try:
        if not found:
            raise ValueError(value)
        moment = datetime(*(int(n) for n in found.groups()))
    except ValueError:
        raise BadInputError(f"condition field {field} must be 'YYYY-MM-DD hh:mm:ss', got {value!r}") from None
    return midnight(moment.date()) + DAY if end and moment.time() == time(23, 59, 59) else moment


def _datetime_span(condition: dict[str, Any]) -> Span:
    start = _parse_stamp(condition["start_datetime"], "start_datetime")
    end = _parse_stamp(condition["end_datetime"], "end_datetime", end=True)
    if end <= start:
        raise BadInputError(f"datetime range ends before it starts: {condition['start_datetime']}")
    return Span(start, end)


def _check(condition: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(condition, dict):
        raise BadInputError(f"a condition must be a JSON object, got {condition!r:.60}")
    unknown = set(condition) - set(FIELDS) - {"type", "id"}
    if unknown:
        raise BadInputError(f"unknown condition field(s): {', '.join(sorted(unknown))}")
    full = {f: condition.get(f) for f in FIELDS}
    for low, high in PAIRS:
        if (full[low] is None) != (full[high] is None):
            given, missing = (low, high) if full[low] is not None else (high, low)
            raise BadInputError(f"condition sets {given} without {missing} (fields come in pairs)")
    if any(full[f] is None for f in SCHED) and any(full[f] is not None for f in SCHED):
        raise BadInputError("condition sets some of sched_start_date/sched_active_days/sched_skip_days, not all")
    for low, high, least, most in (("start_dow", "end_dow", 1, 7), ("start_mday", "end_mday", 1, 31)):
        if full[low] is not None:
            values = (full[low], full[high])
            if not all(isinstance(v, int) and least <= v <= most for v in values):
                raise BadInputError(f"{low}/{high} must be whole numbers {least}..{most}, got {values}")
    if full["start_mday"] is not None and full["start_mday"] > full["end_mday"]:
        raise BadInputError("start_mday is after end_mday (day-of-month ranges do not wrap)")
    if full["month"] is not None and not (isinstance(full["month"], int) and 1 <= full["month"] <= 12):
        raise BadInputError(f"month must be 1..12, got {full['month']!r}")
    for key in ("start_time", "end_time", "start_datetime", "end_datetime", "sched_start_date"):
        if full[key] is not None and not isinstance(full[key], str):
            raise BadInputError(f"{key} must be a string, got {full[key]!r:.60}")
    for key in ("sched_active_days", "sched_skip_days"):
        if full[key] is not None and not (isinstance(full[key], int) and full[key] >= 1):
            raise BadInputError(f"{key} must be a whole number of at least 1, got {full[key]!r:.60}")
    if full["start_time"] is not None and (
        _parse_clock(full["start_time"], "start_time", end=False) >= _parse_clock(full["end_time"], "end_time")
    ):
        raise BadInputError("start_time is not before end_time (times do not wrap)")
    return full


class _Day(NamedTuple):
    """A window day with what conditions test, and its whole-day span, made once per window."""

    month: int
    mday: int
    dow: int
    midnight: datetime
    whole: Span


@lru_cache(maxsize=8)
def _window_days(first: date, until: date) -> tuple[_Day, ...]:
    """Every day of a window, computed once per window."""
    days = (first + timedelta(days=n) for n in range((until - first).days))
    return tuple(_Day(d.month, d.day, dow(d.weekday()), m := midnight(d), Span(m, m + DAY)) for d in days)


@lru_cache(maxsize=8)
def _month_days(first: date, until: date) -> dict[int, tuple[_Day, ...]]:
    """The window's days by month."""
    return {m: tuple(d for d in _window_days(first, until) if d.month == m) for m in range(1, 13)}


def _in_blocks(days: tuple[_Day, ...], first: date, active: int, skip: int, window: Window) -> tuple[_Day, ...]:
    """The window days inside a scheduled-days block: `active` days from `first`, every active + skip days."""
    offset, cycle = (first - window.first).days, active + skip
    begin = offset if offset >= 0 else offset + (-offset) // cycle * cycle  # the block holding day 0 (or before)
    blocks = range(begin, len(days), cycle)
    if len(blocks) == 1:
        return days[max(begin, 0):max(begin + active, 0)]
    return tuple(d for b in blocks for d in days[max(b, 0):max(b + active, 0)])


def _matching_days(condition: dict[str, Any], window: Window) -> tuple[_Day, ...]:
    days = _window_days(window.first, window.until)
    if condition["sched_start_date"] is not None:
        first = _parse_stamp(condition["sched_start_date"], "sched_start_date").date()
        days = _in_blocks(days, first, int(condition["sched_active_days"]), int(condition["sched_skip_days"]),
                          window)
    if condition["month"] is not None:
        whole = len(days) == (window.until - window.first).days
        days = (_month_days(window.first, window.until)[condition["month"]] if whole
                else tuple(d for d in days if d.month == condition["month"]))
    if condition["start_mday"] is not None:
        low, high = condition["start_mday"], condition["end_mday"]
        days = tuple(d for d in days if low <= d.mday <= high)
    if condition["start_dow"] is not None:
        low, high = condition["start_dow"], condition["end_dow"]
        allowed = set(range(low, high + 1)) if low <= high else set(range(low, 8)) | set(range(1, high + 1))
        days = tuple(d for d in days if d.dow in allowed)
    return days


def condition_spans(condition: dict[str, Any], window: Window) -> list[Span]:
    """When one condition is active inside the window."""
    full = _check(condition)
    if full["start_datetime"] is not None:
        span = _datetime_span(full)
        return [span] if span.end > window.span.start and span.start < window.span.end else []
    if full["start_time"] is None:
        return [d.whole for d in _matching_days(full, window)]
    start = _parse_clock(full["start_time"], "start_time", end=False)
    begin, end = timedelta(seconds=start), timedelta(seconds=_parse_clock(full["end_time"], "end_time"))
    return [span_of((d.midnight + begin, d.midnight + end)) for d in _matching_days(full, window)]


def spans(conditions: list[dict[str, Any]], window: Window) -> list[Span]:
    """When the conditions (ORed) are active inside the window."""
    return clip(chain.from_iterable(condition_spans(c, window) for c in conditions), window.span)


DOW_NAMES = {dow(w): calendar.day_name[w] for w in range(7)}


def _days(full: dict[str, Any]) -> str:
    """Which days of the period: 'the 4th Thursday (days 22-28)', 'days 24-26', 'Monday to Friday'."""
    low, high = full["start_mday"], full["end_mday"]
    mdays = None if low is None else (f"day {low}" if low == high else f"days {low}-{high}")
    if full["start_dow"] is None:
        return mdays or ""
    first, last = DOW_NAMES[full["start_dow"]], DOW_NAMES[full["end_dow"]]
    weekdays = first if first == last else f"{first} to {last}"
    if mdays is None:
        return weekdays
    if first == last and high - low == 6:
        month_length = days_in_month(2001, full["month"]) if full["month"] else None
        which = ORDINALS.get(high // 7) if high % 7 == 0 else ("last" if high == month_length else None)
        if which:
            return f"the {which} {first} ({mdays})"
    return f"{weekdays} on {mdays}"


def describe(condition: dict[str, Any]) -> str:
    """The condition in plain words."""
    full = _check(condition)
    if full["start_datetime"] is not None:
        return f"{_datetime_span(full)}"
    if full["month"] is not None:
        period = f"every year in {calendar.month_name[full['month']]}"
    elif full["start_mday"] is not None:
        period = "every month"
    elif full["start_dow"] is not None:
        period = "every week"
    else:
        period = "every day"
    parts = [period, _days(full)]
    if full["sched_start_date"] is not None:
        active, skip = full["sched_active_days"], full["sched_skip_days"]
        first = _parse_stamp(full["sched_start_date"], "sched_start_date").date()
        if first.toordinal() + active + skip != BLOCK_HORIZON.toordinal():  # ordinals: huge counts cannot overflow
            parts.append(f"{active} day(s) on and {skip} off from {first}")
        elif skip == 1:
            parts.append(f"from {first} on")
        else:
            parts.append(f"from {first} to {first + timedelta(days=active - 1)}")
    if full["start_time"] is None:
        parts.append("all day")
    else:
        end = _parse_clock(full["end_time"], "end_time")
        closing = "24:00" if end == SECONDS_PER_DAY else str(full["end_time"])[:5]
        parts.append(f"{str(full['start_time'])[:5]}-{closing}")
    return ", ".join(p for p in parts if p)


def zone_of(body: dict[str, Any]) -> str | None:
    zone = body.get("timezone")
    if zone is not None and not isinstance(zone, str):
        raise BadInputError(f"the interval's timezone must be a string, got {zone!r:.60}")
    return zone or None


def read(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [_check(c) for c in entries(body)]


__all__ = [
    "CAPABILITIES",
    "CLOCK",
    "FIELDS",
    "HAS_ZONE",
    "NAME",
    "SPANS_BY_ENTRY",
    "body",
    "candidates",
    "condition_spans",
    "describe",
    "detect",
    "dow",
    "entries",
    "finish",
    "once",
    "read",
    "remark",
    "spans",
    "zone_of",
]
