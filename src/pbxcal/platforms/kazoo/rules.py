"""When one Kazoo temporal rule is active: `cf_temporal_route` of Kazoo 4.3/master as it behaves, bugs included
(kazoo-temporal-rules.md sections 6-7, 11; SEMANTICS.md section 7).

Each occurrence date D is active during [D + time_window_start, D + time_window_stop], both ends inclusive, to the
second. What the evaluator really does, reproduced here so that verification catches a body that relies on it:

- `daily` with an interval above 1 never matches its start day, nor does a monthly rule with an interval above 1
  that starts on a 1st, nor a yearly one that starts on 1 January (the search from yesterday starts in the period
  before, and trunc(-1 / N) = 0 takes it for an inactive one);
- monthly and yearly `days` are searched from yesterday in list order, so unsorted days lose entries, and a day
  past the month's end rolls over to the next month (a match on the 1st when it is one day past the end);
- monthly `fifth` (interval 1) also matches a 1st of the month that is that weekday, but 1 January;
- `date` rules with a stop of 86400 also match 00:00:00 of the next day;
- an ordinal rule without exactly one weekday, and yearly `every`, crash (the call takes the `_` branch): refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ...errors import AmbiguousBodyError, BadInputError
from ...model import SECONDS_PER_DAY, days_in_month, midnight
from ...spans import Span

GREGORIAN_OFFSET = 62167219200  # Gregorian seconds (from 0000-01-01) = Unix seconds + this
SCHEMA_START = 62586115200  # the schema's default start_date, which Crossbar stores when none is sent
CYCLES = ("date", "daily", "weekly", "monthly", "yearly")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WDAYS = {**{name: n for n, name in enumerate(WEEKDAY_NAMES)}, "wensday": 2}  # the schema's own typo, read as well
ORDINALS = ("every", "first", "second", "third", "fourth", "fifth", "last")
NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
FIELDS = ("name", "cycle", "interval", "start_date", "time_window_start", "time_window_stop", "days", "wdays",
          "ordinal", "month", "enabled")
IGNORED = ("end_date", "exclude")  # Kazoo 5 fields that 4.3/master store and never read


@dataclass(frozen=True)
class Meaning:
    """A rule as the evaluator reads it: defaults filled in, weekdays as Python numbers (0 = Monday)."""

    name: str
    cycle: str
    interval: int
    start: date  # the local date of start_date
    days: tuple[int, ...]
    wdays: tuple[int, ...]  # sorted, as the evaluator sorts them
    ordinal: str
    month: int
    window: tuple[int, int]  # time_window_start, time_window_stop (inclusive)
    enabled: bool | None


def to_gregorian(day: date, zone: str) -> int:
    """Date D as Gregorian seconds of local noon of D in the zone (SEMANTICS §7: survives a zone guessed +-11 h)."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(zone))
    return int(noon.timestamp()) + GREGORIAN_OFFSET


def from_gregorian(seconds: int, zone: str) -> date:
    """The local date in the zone of a Gregorian-seconds instant (kz_date:from_gregorian_seconds/2)."""
    instant = datetime.fromtimestamp(seconds - GREGORIAN_OFFSET, UTC)
    return instant.astimezone(ZoneInfo(zone)).date()


def _integer(rule: dict[str, Any], field: str, default: int | None) -> int | None:
    """kz_json:get_integer_value: a whole number or a numeric string; absent gives the default."""
    value = rule.get(field)
    if value is None:
        return default
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise BadInputError(f"rule {rule.get('name')!r}: {field} must be a whole number, got {value!r:.60}")


def read(rule: Any, zone: str | None) -> Meaning:
    """A rule's meaning, with Kazoo's defaults; BadInputError for a malformed rule or a form that crashes Kazoo."""
    if not isinstance(rule, dict):
        raise BadInputError(f"a temporal rule must be a JSON object, got {rule!r:.60}")
    name = rule.get("name", "no_name")
    if not isinstance(name, str):
        raise BadInputError(f"a rule's name must be a string, got {name!r:.60}")
    cycle = rule.get("cycle")
    if cycle not in CYCLES:
        raise BadInputError(f"rule {name!r}: cycle must be one of {', '.join(CYCLES)}, got {cycle!r:.60}")
    interval = _integer(rule, "interval", 1)
    assert interval is not None
    if interval < 1:
        raise BadInputError(f"rule {name!r}: interval must be at least 1, got {interval}")
    start_seconds = _integer(rule, "start_date", SCHEMA_START)
    assert start_seconds is not None
    if zone is None:
        raise BadInputError(f"rule {name!r}: a start_date counts only as a date in the evaluating zone, and these "
                            "rules carry none: pass --timezone (the callflow's or account's zone), or use a body "
                            "with a 'timezone'")
    try:
        start = from_gregorian(start_seconds, zone)
    except (OverflowError, OSError, ValueError):
        raise BadInputError(f"rule {name!r}: start_date {start_seconds} is out of range") from None
    days = rule.get("days") or []
    if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 31
                                             for d in days):
        raise BadInputError(f"rule {name!r}: days must be a list of whole numbers 1-31, got {days!r:.60}")
    wdays = rule.get("wdays") or []
    if not isinstance(wdays, list) or not all(isinstance(w, str) and w in WDAYS for w in wdays):
        raise BadInputError(f"rule {name!r}: wdays must be a list of {', '.join(WEEKDAY_NAMES)}, got {wdays!r:.60}")
    numbers = tuple(sorted({WDAYS[w] for w in wdays})) or tuple(range(7))  # an empty list is all seven days
    ordinal = rule.get("ordinal") or "first"
    if ordinal not in ORDINALS:
        raise BadInputError(f"rule {name!r}: ordinal must be one of {', '.join(ORDINALS)}, got {ordinal!r:.60}")
    month = _integer(rule, "month", 1)
    assert month is not None
    if not 1 <= month <= 12:
        raise BadInputError(f"rule {name!r}: month must be 1-12, got {month}")
    window = (_integer(rule, "time_window_start", 0), _integer(rule, "time_window_stop", SECONDS_PER_DAY))
    if not all(w is not None and 0 <= w <= SECONDS_PER_DAY for w in window):
        raise BadInputError(f"rule {name!r}: time windows must be 0-86400 seconds, got {window}")
    enabled = rule.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise BadInputError(f"rule {name!r}: enabled must be true, false or absent, got {enabled!r:.60}")
    meaning = Meaning(name, cycle, interval, start, tuple(days), numbers, ordinal, month,
                      (window[0] or 0, window[1] or 0), enabled)
    if enabled is None:
        _refuse_crashes(meaning, len(wdays))
    return meaning


def _refuse_crashes(rule: Meaning, listed: int) -> None:
    """The forms Kazoo's code crashes on (the call then takes the `_` branch and later rules are never tested)."""
    if rule.cycle not in ("monthly", "yearly") or rule.days:
        return
    if listed != 1:
        raise BadInputError(f"rule {rule.name!r}: a {rule.cycle} {rule.ordinal} rule without exactly one weekday "
                            f"(wdays has {listed}) crashes Kazoo's evaluator, so calls take the '_' branch")
    if rule.cycle == "yearly" and rule.ordinal == "every":
        raise BadInputError(f"rule {rule.name!r}: yearly 'every' crashes Kazoo's evaluator on some days (the 1st "
                            "after a 31-day month, the 31st), so calls take the '_' branch")
    if rule.cycle == "yearly" and rule.ordinal == "fifth" and not any(
            len(_weekdays_of(rule.start.year + k * rule.interval, rule.month, rule.wdays[0])) == 5
            for k in range(1, 401)):  # the calendar repeats every 400 years
        raise BadInputError(f"rule {rule.name!r}: a yearly 'fifth' whose month never has a fifth such weekday in "
                            "its years makes Kazoo's evaluator search for ever, so calls never route")
    if rule.cycle == "monthly" and rule.ordinal == "fifth" and rule.interval > 1:
        raise AmbiguousBodyError(f"rule {rule.name!r}: monthly 'fifth' with an interval above 1 carries a 'known "
                                 "bug' warning in Kazoo's code whose effect was never reproduced")


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _months(first: date, until: date) -> Iterator[tuple[int, int]]:
    index = _month_index(first.year, first.month)
    while index <= _month_index(until.year, until.month):
        yield index // 12, index % 12 + 1
        index += 1


def _first_after(days: tuple[int, ...], day: int) -> int | None:
    """The first listed day greater than `day`, in list order (how the evaluator walks `days` from yesterday)."""
    return next((d for d in days if d > day), None)


def _days_in(rule: Meaning, year: int, month: int, active: bool, previous_active: bool) -> list[date]:
    """Dates of (year, month) a `days` rule matches, searching from each yesterday as Kazoo does: day t (t >= 2)
    when the first listed day above t - 1 is t; the 1st when the previous month's search rolls one day over its
    end, or else when the month is active and lists 1 first."""
    length = days_in_month(year, month)
    found = [date(year, month, t) for t in range(2, length + 1) if active and _first_after(rule.days, t - 1) == t]
    before = date(year, month, 1) - timedelta(days=1)
    rolled = _first_after(rule.days, before.day) if previous_active else None
    if rolled is not None:
        if rolled == before.day + 1:
            found.insert(0, date(year, month, 1))
    elif active and rule.days[0] == 1:
        found.insert(0, date(year, month, 1))
    return found


def _weekdays_of(year: int, month: int, weekday: int) -> list[date]:
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    return [day + timedelta(days=7 * k) for k in range(5) if (day + timedelta(days=7 * k)).month == month]


def _ordinal_in(rule: Meaning, year: int, month: int) -> list[date]:
    """Dates of (year, month) an ordinal rule picks (one weekday: crashing forms were refused)."""
    found = _weekdays_of(year, month, rule.wdays[0])
    if rule.ordinal == "every":
        return found
    if rule.ordinal == "last":
        return found[-1:]
    nth = NTH[rule.ordinal]
    return found[nth - 1 : nth]


def occurrences(rule: Meaning, first: date, until: date) -> list[date]:
    """The rule's occurrence dates d, first <= d < until, never before its start date (the start gate)."""
    low = max(first, rule.start)
    if low >= until:
        return []
    found: list[date] = []
    if rule.cycle == "date":
        found = [rule.start]
    elif rule.cycle == "daily":
        step = rule.interval
        skip = 0 if step == 1 else 1  # interval > 1: the start day itself never matches (trunc(-1/N) = 0)
        begin = max(skip, -(-(low - rule.start).days // step))
        count = (until - rule.start).days
        found = [rule.start + timedelta(days=k * step) for k in range(begin, count // step + 1)]
    elif rule.cycle == "weekly":
        anchor = rule.start.toordinal() - rule.start.weekday()  # the Monday of start_date's ISO week
        day = low
        while day < until:
            week = (day.toordinal() - day.weekday() - anchor) // 7
            if week % rule.interval == 0 and day.weekday() in rule.wdays:
                found.append(day)
            day += timedelta(days=1)
    else:
        found = _periodic(rule, low, until)
        if rule.interval > 1 and _searched_from_before(rule):
            found = [d for d in found if d != rule.start]
    return [d for d in found if low <= d < until]


def _searched_from_before(rule: Meaning) -> bool:
    """Whether the search for the start day (from yesterday) begins in the month (monthly) or year (yearly) before
    the start's: then Distance is -1, and with an interval N above 1 trunc(-1 / N) * N = 0 differs from it, so
    Kazoo takes that period for an inactive one and looks N periods ahead: the start day never matches (the same
    trunc bug as `daily`)."""
    if rule.cycle == "monthly":
        return rule.start.day == 1
    return (rule.start.month, rule.start.day) == (1, 1)


def _periodic(rule: Meaning, low: date, until: date) -> list[date]:
    start_index = _month_index(rule.start.year, rule.start.month)
    found: list[date] = []
    for year, month in _months(low - timedelta(days=31), until):
        if rule.cycle == "monthly":
            index = _month_index(year, month)
            active = (index - start_index) % rule.interval == 0
            previous = (index - 1 - start_index) % rule.interval == 0
        else:
            active = month == rule.month and (year - rule.start.year) % rule.interval == 0
            before = month - 1 or 12
            previous = before == rule.month and (year - (month == 1) - rule.start.year) % rule.interval == 0
        if rule.days:
            found += _days_in(rule, year, month, active, previous)
        elif active:
            found += _ordinal_in(rule, year, month)
        if rule.cycle == "monthly" and rule.ordinal == "fifth" and not rule.days and previous and month != 1:
            # the 5th weekday of a 4-weekday month rolls over onto this 1st; Kazoo keeps it only when the month
            # number grows (guard `D1 < D2; M1 < M2`), so never from December onto 1 January
            first = date(year, month, 1)
            if first.weekday() == rule.wdays[0] and first not in found:
                found.append(first)
    return sorted(found)


def spans(rule: Meaning, first: date, until: date) -> list[Span]:
    """When the rule is active over [first, until): each occurrence's window, to the second, both ends inclusive
    (written here half-open: stop + 1 s). Only `date` rules reach past their day (a stop of 86400 matches 00:00:00
    of the next day); other cycles look for a new occurrence then."""
    if rule.enabled is not None:  # after the start gate: a rule whose start date is to come is dropped first
        low = max(first, rule.start)
        return [Span(midnight(low), midnight(until))] if rule.enabled and low < until else []
    start, stop = rule.window
    if stop < start:
        return []
    found = []
    for day in occurrences(rule, first - timedelta(days=1), until):
        base = midnight(day)
        end = base + timedelta(seconds=stop + 1)
        if rule.cycle != "date":
            end = min(end, base + timedelta(days=1))
        if base + timedelta(seconds=start) < end:
            found.append(Span(base + timedelta(seconds=start), end))
    return found


__all__ = ["CYCLES", "FIELDS", "GREGORIAN_OFFSET", "IGNORED", "NTH", "ORDINALS", "SCHEMA_START", "WDAYS",
           "WEEKDAY_NAMES", "Meaning", "from_gregorian", "occurrences", "read", "spans", "to_gregorian"]
