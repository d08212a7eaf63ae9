"""An independent, literal Python port of Kazoo 4.3/master's date code, for differential tests of
pbxcal.platforms.kazoo.rules: `cf_temporal_route:next_rule_date/2` clause by clause, the start gate of
`maybe_build_rule/8`, the `enabled` and window tests of `process_rules/3`, and the `kz_date` helpers they call
(kazoo-temporal-rules.md sections 6-7 and 11).

It keeps Erlang's arithmetic: `trunc(A / B)` rounds toward zero, `div`/`rem` truncate, and a clause that does not
match (a bad date, a missing weekday, an unknown ordinal) raises `Crash`, as the Erlang process dies. Dates are
(year, month, day) tuples that may be improper ({2026, 4, 31}) until normalised. It shares no code with pbxcal.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from typing import Any


class Crash(Exception):
    """The Erlang process would die here (the call takes the `_` branch)."""


DOW = {"monday": 1, "tuesday": 2, "wednesday": 3, "wensday": 3, "thursday": 4, "friday": 5, "saturday": 6,
       "sunday": 7}  # kz_date:wday_to_dow/1
POSITION = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4}  # kz_date:ordinal_to_position/1


def trunc(a: int, b: int) -> int:
    return math.trunc(a / b)


def div(a: int, b: int) -> int:
    return math.trunc(a / b)


def rem(a: int, b: int) -> int:
    return a - div(a, b) * b


# ---- Erlang `calendar` ----------------------------------------------------------------------------------------

def last_day_of_the_month(y: int, m: int) -> int:
    if not 1 <= m <= 12:
        raise Crash(f"last_day_of_the_month({y}, {m})")
    return calendar.monthrange(y, m)[1]


def to_days(d: tuple[int, int, int]) -> int:
    try:
        return date(*d).toordinal()
    except ValueError:
        raise Crash(f"date_to_gregorian_days({d})") from None


def from_days(n: int) -> tuple[int, int, int]:
    day = date.fromordinal(n)
    return (day.year, day.month, day.day)


def day_of_the_week(d: tuple[int, int, int]) -> int:
    return date.fromordinal(to_days(d)).isoweekday()


def iso_week_number(d: tuple[int, int, int]) -> tuple[int, int]:
    year, week, _ = date.fromordinal(to_days(d)).isocalendar()
    return (year, week)


# ---- kz_date --------------------------------------------------------------------------------------------------

def normalize(d: tuple[int, int, int]) -> tuple[int, int, int]:
    y, m, dd = d
    if m == 0:
        return normalize((y - 1, 12, dd))
    if dd == 0:
        y1, m1, _ = normalize((y, m - 1, 1))
        return normalize((y1, m1, last_day_of_the_month(y1, m1)))
    if m > 12 and div(m, 12) > 0:
        return normalize((y + div(m, 12), rem(m, 12), dd))
    over = dd - last_day_of_the_month(y, m)
    if over > 0:
        return normalize((y, m + 1, over))
    return (y, m, dd)


def from_iso_week(year_week: tuple[int, int]) -> tuple[int, int, int]:
    """The Monday of ISO week (year, week); weeks past the year's last simply run on."""
    year, week = year_week
    jan4 = (year, 1, 4)
    return from_days(to_days(jan4) - (day_of_the_week(jan4) - 1) + (week - 1) * 7)


def iso_week_difference(d0: tuple[int, int, int], d1: tuple[int, int, int]) -> int:
    monday0 = to_days(from_iso_week(iso_week_number(d0)))
    monday1 = to_days(from_iso_week(iso_week_number(d1)))
    return trunc(abs(monday0 - monday1), 7)


def find_next_weekday(d: tuple[int, int, int], weekday: str) -> tuple[int, int, int]:
    y, m, dd = d
    want = DOW[weekday]
    have = day_of_the_week(d)
    if want == have:
        return normalize((y, m, dd + 7))
    if want > have:
        return normalize((y, m, dd + want - have))
    return normalize((y, m, dd + (7 - have) + want))


# ---- cf_temporal_route helpers --------------------------------------------------------------------------------

def date_of_dow(year: int, month: int, weekday: str, ordinal: str) -> tuple[int, int, int]:
    if month == 1:
        return date_of_dow(year - 1, 13, weekday, ordinal)
    ref = (year, month - 1, last_day_of_the_month(year, month - 1))
    ref_days = to_days(ref)
    want = DOW[weekday]
    if ordinal not in POSITION:
        raise Crash(f"ordinal_to_position({ordinal})")
    occurrence = POSITION[ordinal]
    ref_dow = day_of_the_week(ref)
    if ref_dow == want:
        days = ref_days + 7 + 7 * occurrence
    elif want < ref_dow:
        days = ref_days + want + (7 - ref_dow) + 7 * occurrence
    else:
        days = ref_days + abs(want - ref_dow) + 7 * occurrence
    return normalize(from_days(days))


def find_ordinal_weekday(y: int, m: int, weekday: str, ordinal: str) -> tuple[int, int, int]:
    if m == 13:
        return find_ordinal_weekday(y + 1, 1, weekday, ordinal)
    if m > 12:
        return find_ordinal_weekday(y + 1, m - 12, weekday, ordinal)
    try:
        return date_of_dow(y, m, weekday, ordinal)
    except Crash:
        return find_ordinal_weekday(y, m + 1, weekday, ordinal)


def find_last_weekday(d: tuple[int, int, int], weekday: str) -> tuple[int, int, int]:
    y, m, dd = d
    if m == 13:
        return find_last_weekday((y + 1, 1, dd), weekday)
    if m > 12:
        return find_last_weekday((y + 1, m - 12, dd), weekday)
    fifth = date_of_dow(y, m, weekday, "fifth")
    if fifth[:2] == (y, m):  # `{Y, M, _} = ...`: a badmatch falls back to the fourth
        return fifth
    return date_of_dow(y, m, weekday, "fourth")


def find_active_days(weekdays: list[str], dow0: int) -> list[int]:
    return [DOW[w] for w in weekdays if DOW[w] >= dow0]


def find_next_yearly_ordinal_weekday(y: int, month: int, weekday: str, ordinal: str,
                                     interval: int) -> tuple[int, int, int]:
    for _ in range(1000):  # Erlang recurses for ever when no year y + k * interval has the date: the call hangs
        found = find_ordinal_weekday(y, month, weekday, ordinal)
        if found[1] == month:
            return found
        y += interval
    raise Crash("find_next_yearly_ordinal_weekday never returns")


# ---- next_rule_date/2 -----------------------------------------------------------------------------------------

def next_rule_date(rule: dict[str, Any], today: tuple[int, int, int]) -> tuple[int, int, int]:
    cycle, i0, start = rule["cycle"], rule["interval"], rule["start"]
    y0, m0, d0 = start
    y1, m1, d1 = today
    days, weekdays, ordinal, month = rule["days"], rule["wdays"], rule["ordinal"], rule["month"]
    if cycle == "date":
        return start
    if cycle == "daily":
        offset = trunc(to_days(today) - to_days(start), i0) * i0
        return normalize((y0, m0, d0 + offset + i0))
    if cycle == "weekly":
        dow0 = day_of_the_week(today)
        distance = iso_week_difference(start, today)
        offset = trunc(distance, i0) * i0
        active = find_active_days(weekdays, dow0)
        if active and today < start and distance == offset:
            return next_rule_date(rule, start)
        if active and today == start and active[0] == dow0 and distance == offset:
            return start
        if active and distance == offset:
            return normalize((y1, m1, d1 + active[0] - dow0))
        if not weekdays:
            raise Crash("hd([])")
        wy0, w0 = iso_week_number(start)
        y2, m2, d2 = from_iso_week((wy0, w0 + offset + i0))
        return normalize((y2, m2, (d2 - 1) + DOW[weekdays[0]]))
    if cycle == "monthly":
        distance = (y1 - y0) * 12 - m0 + m1
        offset = trunc(distance, i0) * i0
        if days:
            later = [d for d in days if d > d1]
            if later and distance == offset:
                m01 = m0 + offset
                return normalize((y0 + div(m01, 12), rem(m01, 12), later[0]))
            m01 = m0 + offset + i0
            return normalize((y0 + div(m01, 12), rem(m01, 12), days[0]))
        if len(weekdays) != 1:
            raise Crash("function_clause")
        weekday = weekdays[0]
        if ordinal == "every":
            found = distance == offset and find_next_weekday(today, weekday)
            if found and found[:2] == (y1, m1):
                return found
            if found and i0 == 1:
                return found
            return find_ordinal_weekday(y0, m0 + offset + i0, weekday, "first")
        if ordinal == "last":
            found = distance == offset and find_last_weekday((y1, m1, 1), weekday)
            if found and d1 < found[2]:
                return found
            return find_last_weekday((y0, m0 + offset + i0, 1), weekday)
        found = distance == offset and find_ordinal_weekday(y1, m1, weekday, ordinal)
        if found:
            _, m2, d2 = found
            if m2 == m1 and d1 < d2 and i0 > 1:
                return found
            if i0 == 1 and (d1 < d2 or m1 < m2):
                return found
        return find_ordinal_weekday(y0, m0 + offset + i0, weekday, ordinal)
    if cycle == "yearly":
        distance = y1 - y0
        offset = trunc(distance, i0) * i0
        if days:
            if distance != offset:
                return (y0 + offset + i0, month, days[0])
            if m1 < month:
                return (y1, month, days[0])
            if m1 > month:
                return (y0 + offset + i0, month, days[0])
            rest = list(days)
            while rest and d1 >= rest[0]:
                rest.pop(0)
            return (y1, month, rest[0]) if rest else (y0 + offset + i0, month, days[0])
        if len(weekdays) != 1:
            raise Crash("function_clause")
        weekday = weekdays[0]
        if ordinal == "every":
            found = distance == offset and find_next_weekday((y1, month, d1), weekday)
            if found and found[:2] == (y1, month) and (m1 < month or (m1 == month and d1 < found[2])):
                return found
            return find_ordinal_weekday(y0 + offset + i0, month, weekday, "first")
        if ordinal == "last":
            found = distance == offset and find_last_weekday((y1, month, 1), weekday)
            if found and found[0] == y1 and (m1 < month or (m1 == month and d1 < found[2])):
                return found
            return find_last_weekday((y0 + offset + i0, month, 1), weekday)
        found = distance == offset and find_ordinal_weekday(y1, month, weekday, ordinal)
        if found and found[:2] == (y1, month) and (m1 < month or (m1 == month and d1 < found[2])):
            return found
        return find_next_yearly_ordinal_weekday(y0 + offset + i0, month, weekday, ordinal, i0)
    raise Crash(f"next_rule_date: cycle {cycle!r}")


# ---- rule building and process_rules --------------------------------------------------------------------------

def build(fields: dict[str, Any], start: date) -> dict[str, Any]:
    """A #rule{} from a rule's fields and the local date of its start_date (defaults of cf_temporal_route.hrl;
    sort_wdays/1 puts weekdays in Monday..Sunday order; no wdays is all seven)."""
    weekdays = sorted(fields.get("wdays") or [], key=DOW.__getitem__) or list(DOW.keys() - {"wensday"})
    weekdays.sort(key=DOW.__getitem__)
    return {"cycle": fields.get("cycle", ""), "interval": int(fields.get("interval", 1)),
            "start": (start.year, start.month, start.day), "days": [int(d) for d in fields.get("days") or []],
            "wdays": weekdays, "ordinal": fields.get("ordinal") or "first", "month": int(fields.get("month", 1)),
            "enabled": fields.get("enabled"), "tstart": int(fields.get("time_window_start", 0)),
            "tstop": int(fields.get("time_window_stop", 86400))}


def active_at(rule: dict[str, Any], day: date, second: int) -> bool:
    """Does the rule route a call at local `second` of local `day`? The start gate (a rule whose start date is
    after now is dropped) comes first, then `enabled`, then the search from yesterday (today for `weekly`: the
    weekly clause compares with the start date itself) and the inclusive window of the base date."""
    if day < date(*rule["start"]):
        return False
    if rule["enabled"] is not None:
        return bool(rule["enabled"])
    if not rule["cycle"]:
        return False
    today = (day.year, day.month, day.day)
    yesterday = normalize((day.year, day.month, day.day - 1))
    base = normalize(next_rule_date(rule, today if rule["cycle"] == "weekly" else yesterday))
    shift = (to_days(base) - day.toordinal()) * 86400
    return shift + rule["tstart"] <= second <= shift + rule["tstop"]


def active_days(rule: dict[str, Any], first: date, until: date, second: int = 43200) -> list[date]:
    """The days of [first, until) on which the rule is active at `second`."""
    return [first + timedelta(days=n) for n in range((until - first).days)
            if active_at(rule, first + timedelta(days=n), second)]
