"""NetSapiens holiday-type entries: rows of the platform's Holiday API, matched to holidays by date and name.

The vendor leaves holiday entries loosely defined; pbxcal reads one (and writes only this form; docs/netsapiens.md)
as: active all day on every date on which the Holiday API lists a row with the entry's uuid AND name, from its
begin-date (to its end date), observed on the holiday only. Because the same uuid also marks "(substitute)" rows, a
uuid that carries any other name in the data is never written, so the uuid-only reading would give the same days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ...errors import AmbiguousBodyError, BadInputError
from ...files import load_json
from ...model import Freq, Series, Window
from ...spans import Span

ARRAY = "timeframe-holiday-array"
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OBSERVANCE = {f"timeframe-weekly-{day}-observance-option": "observe-on-holiday-only" for day in WEEKDAY_NAMES}
FIELDS = ("timeframe-holiday-uuid", "timeframe-holiday-name", "timeframe-holiday-begin-date", "country-abbreviation",
          "state-province-abbreviation", "holiday-api-location-hint", "timeframe-holiday-begin-time-1",
          "timeframe-holiday-end-time-1", "timeframe-holiday-begin-time-2", "timeframe-holiday-end-time-2",
          *OBSERVANCE, "timeframe-workweek-list", "timeframe-recurrence-type", "timeframe-recurrence-end-option",
          "timeframe-recurrence-end-date")
WORKWEEK = "M,T,W,Th,F"


@dataclass
class HolidayRows:
    """Saved Holiday API answers (GET /holidays/{country}[/{region}]/{year}), for the years they cover."""

    rows: list[dict[str, Any]]
    region: str = ""
    by_key: dict[tuple[str, str], set[date]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        by_key: dict[tuple[str, str], set[date]] = defaultdict(set)
        names: dict[str, set[str]] = defaultdict(set)
        for row in self.rows:
            day = _row_date(row)
            by_key[(str(row["uuid"]), str(row["name"]))].add(day)
            names[str(row["uuid"])].add(str(row["name"]))
            self.years.add(day.year)
        self.by_key, self.names = dict(by_key), dict(names)

    def on(self, day: date) -> list[dict[str, Any]]:
        return [r for r in self.rows if _row_date(r) == day]


ROWS: ContextVar[HolidayRows | None] = ContextVar("netsapiens_holiday_rows", default=None)


def _row_date(row: dict[str, Any]) -> date:
    return datetime.strptime(str(row["date"]), "%Y%m%d").date()


def load_rows(path: str, region: str = "") -> HolidayRows:
    """Rows from a saved answer: one year's list, a list of such lists, or {year: list}."""
    data = load_json(path)
    if isinstance(data, dict):
        data = list(data.values())
    if not isinstance(data, list):
        raise BadInputError("not Holiday API rows (expected a list, or {year: list})", path=path)
    rows = [r for part in data for r in (part if isinstance(part, list) else [part])]
    bad = next((r for r in rows if not (isinstance(r, dict) and {"uuid", "name", "date"} <= set(r))), None)
    if bad is not None or not rows:
        raise BadInputError("not Holiday API rows (each needs uuid, name and date)", path=path)
    try:
        return HolidayRows(rows, region)
    except ValueError as error:
        raise BadInputError(f"a row's date is not YYYYMMDD: {error}", path=path) from None


def is_holiday(entry: dict[str, Any]) -> bool:
    return isinstance(entry, dict) and "timeframe-holiday-uuid" in entry


def entry(row: dict[str, Any], first: date, until: date | None, region: str) -> dict[str, str]:
    made = dict.fromkeys(FIELDS, "")
    made.update(OBSERVANCE)
    made.update({
        "timeframe-holiday-uuid": str(row["uuid"]), "timeframe-holiday-name": str(row["name"]),
        "timeframe-holiday-begin-date": first.strftime("%Y%m%d"),
        "country-abbreviation": str(row.get("country", "")).upper(), "state-province-abbreviation": region.upper(),
        "holiday-api-location-hint": str(row.get("locations", "")), "timeframe-holiday-begin-time-1": "0000",
        "timeframe-holiday-end-time-1": "2359", "timeframe-workweek-list": WORKWEEK,
        "timeframe-recurrence-type": "yearlyOnHoliday",
        "timeframe-recurrence-end-option": "onDate" if until else "never",
        "timeframe-recurrence-end-date": until.strftime("%Y%m%d") if until else "",
    })
    return made


def candidates(series: Series, window: Window, rows: HolidayRows) -> Iterator[list[dict[str, str]]]:
    """A holiday entry for a series of single whole days, when one uuid and name give exactly its dates."""
    if not (series.whole_days and series.length == 86400):
        return
    days = {s.start.date() for s in series.spans(window.span)}
    if not days:
        return
    for row in rows.on(min(days)):
        uuid, name = str(row["uuid"]), str(row["name"])
        listed = {d for d in rows.by_key[(uuid, name)] if window.first <= d < window.until}
        if listed == days and rows.names[uuid] == {name}:
            # A one-off ends on its own date: a closure that happened once must not recur every year.
            until = series.rule.start if series.rule.freq is Freq.ONCE else series.rule.until
            yield [entry(row, min(days), until, rows.region)]


def spans(holiday: dict[str, Any], window: Window, rows: HolidayRows | None) -> list[Span]:
    """When one holiday entry is active inside the window, under the reading in this module's docstring."""
    if rows is None:
        raise AmbiguousBodyError("holiday entries need the Holiday API rows: pass --holiday-data FILE")
    options = {holiday.get(k) for k in OBSERVANCE}
    if options != {"observe-on-holiday-only"}:
        raise AmbiguousBodyError(f"observance options {sorted(map(str, options))} have no defined meaning "
                                 "(docs/netsapiens.md)")
    if (holiday.get("timeframe-holiday-begin-time-1"), holiday.get("timeframe-holiday-end-time-1")) != (
            "0000", "2359") or holiday.get("timeframe-holiday-begin-time-2"):
        raise AmbiguousBodyError("only whole-day holiday entries (0000-2359, no second window) are read")
    last_day = window.until - timedelta(days=1)
    missing = sorted(set(range(window.first.year, last_day.year + 1)) - rows.years)
    if missing:
        raise AmbiguousBodyError(f"no Holiday API rows for {missing[0]}: the holiday entries cannot be evaluated")
    kind, option = holiday.get("timeframe-recurrence-type"), holiday.get("timeframe-recurrence-end-option")
    if kind not in ("yearlyOnHoliday", "never") or (kind == "yearlyOnHoliday" and option not in ("never", "onDate")):
        raise BadInputError(f"holiday entry recurrence {kind!r} / end option {option!r} is not one the docs define")
    region = str(holiday.get("state-province-abbreviation") or "").upper()
    if region != rows.region.upper():
        raise AmbiguousBodyError(f"the holiday entry is for region {region or 'none'!r} but the rows are for "
                                 f"{rows.region or 'the whole country'!r}: pass the matching --holiday-region")
    try:
        first = datetime.strptime(holiday["timeframe-holiday-begin-date"], "%Y%m%d").date()
        end = holiday.get("timeframe-recurrence-end-date") or ""
        last = datetime.strptime(end, "%Y%m%d").date() if option == "onDate" else None
    except (KeyError, ValueError, TypeError):
        raise BadInputError("holiday entry dates must be YYYYMMDD") from None
    days = rows.by_key.get((str(holiday.get("timeframe-holiday-uuid")), str(holiday.get("timeframe-holiday-name"))),
                           set())
    once = holiday.get("timeframe-recurrence-type") == "never"
    return [Span.of_days(d) for d in sorted(days) if first <= d and (last is None or d <= last)
            and (not once or d == first) and window.first <= d < window.until]


__all__ = ["ARRAY", "FIELDS", "ROWS", "HolidayRows", "candidates", "entry", "is_holiday", "load_rows", "spans"]
