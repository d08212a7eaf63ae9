"""3CX v20 holidays (`Pbx.Holiday`): writer, reader and evaluator, per SEMANTICS.md section 6 and docs/3cx.md."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from ...errors import AmbiguousBodyError, BadInputError
from ...infer import Capabilities
from ...model import SECONDS_PER_DAY, By, Freq, Series, Window, midnight
from ...normalize import Clock
from ...spans import DAY, Span, clip, day_parts
from . import durations

NAME = "3cx"
END_OF_DAY = 23 * 3600 + 59 * 60  # PT23H59M: through the end of the day
CLOCK = Clock(resolution=60, end_of_day=END_OF_DAY)
HAS_ZONE = True
# 3CX repeats nothing but a fixed month-day range every year (IsRecurrent); inference is kept to plain intervals,
# as every other rule is written one holiday per occurrence anyway.
CAPABILITIES = Capabilities({Freq.YEARLY: 1, Freq.MONTHLY: 1, Freq.WEEKLY: 1, Freq.DAILY: 1})
SEPARATOR = " · "  # a holiday's Name is NAME · ITEM YYYY-MM-DD; an upload owns the names whose NAME is its own
EVERY = "every"  # a recurrent holiday's Name is NAME · ITEM every MM-DD: the same name in every year's body
DEFAULT_ITEM = "Holiday"
DATE_FIELDS = ("Year", "Month", "Day", "YearEnd", "MonthEnd", "DayEnd")
FIELDS = ("Name", *DATE_FIELDS, "TimeOfStartDate", "TimeOfEndDate", "IsRecurrent")  # what pbxcal writes
READ_ONLY = ("Id",)
OPTIONAL = ("Group", "HolidayPrompt")  # in the schema, never written by pbxcal, read and kept by the client


def detect(body: object) -> bool:
    """A pbxcal 3CX body, an OData list answer ({"value": [...]}), or a bare list of Pbx.Holiday objects."""
    if isinstance(body, dict):
        if isinstance(body.get("holidays"), list):
            return True
        value = body.get("value")
        return isinstance(value, list) and (bool(value) or "@odata.context" in body) and all(map(_looks, value))
    return isinstance(body, list) and bool(body) and all(map(_looks, body))


def _looks(entry: object) -> bool:
    return isinstance(entry, dict) and "TimeOfStartDate" in entry and "Day" in entry


# ---- writer ---------------------------------------------------------------------------------------------------

def _holiday(item: str, first: date, start: int, last: date, end: int, recurrent: bool = False) -> dict[str, Any]:
    """One holiday from (first, start seconds) to (last, end seconds); an end of a whole day is PT23H59M."""
    return {"Name": item or DEFAULT_ITEM, "Year": first.year, "Month": first.month, "Day": first.day,
            "YearEnd": last.year, "MonthEnd": last.month, "DayEnd": last.day,
            "TimeOfStartDate": durations.text(start), "TimeOfEndDate": durations.text(end, end_of_day=END_OF_DAY),
            "IsRecurrent": recurrent}


def once(span: Span, zone: str | None = None, name: str = "") -> list[dict[str, Any]]:
    """Exact one-off holidays for a span: its whole days as one holiday, each timed edge as its own (rule 1)."""
    pieces = day_parts(span)
    holidays = []
    for piece in pieces:
        offset = _seconds(piece.start)
        if offset == 0 and piece.end == midnight(piece.end.date()):  # whole days
            holidays.append(_holiday(name, piece.start.date(), 0, piece.end.date() - DAY, SECONDS_PER_DAY))
        else:
            end = _seconds(piece.end) or SECONDS_PER_DAY
            holidays.append(_holiday(name, piece.start.date(), offset, piece.start.date(), end))
    return holidays


def _seconds(moment: datetime) -> int:
    return int((moment - midnight(moment.date())).total_seconds())


def _fixed_last(first: date, days: int) -> tuple[int, int] | None:
    """The month and day a range of `days` days from first's month-day ends on, when that is the same in leap and
    other years and inside the same year; None otherwise."""
    ends = set()
    for year in (2001, 2004):  # a common year and a leap year
        start = date(year, first.month, first.day)
        last = start + timedelta(days=days - 1)
        if last.year != year:
            return None
        ends.add((last.month, last.day))
    return ends.pop() if len(ends) == 1 else None


def _recurrent(item: str, first: date, days: int, start: int, end: int) -> list[dict[str, Any]] | None:
    """IsRecurrent holidays for a month-day range every year: one, or two when it crosses 31 December."""
    if (first.month, first.day) == (2, 29):
        return None
    year_end = date(first.year, 12, 31)
    head = min(days, (year_end - first).days + 1)
    parts = [(first, head)] + ([(date(first.year + 1, 1, 1), days - head)] if days > head else [])
    holidays = []
    for part_first, part_days in parts:
        last = _fixed_last(part_first, part_days)
        if last is None:
            return None
        holidays.append(_holiday(item, part_first, start, date(part_first.year, *last), end, recurrent=True))
    return holidays


def candidates(series: Series, window: Window, zone: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """IsRecurrent for a yearly fixed date with no end (SEMANTICS §6); the caller keeps it only when it evaluates
    exactly over the window, and otherwise writes one holiday per occurrence."""
    rule = series.rule
    if rule.freq is Freq.ONCE:
        yield once(series.span_on(rule.start), name=series.name)
        return
    if rule.freq is not Freq.YEARLY or rule.by is not By.DATE or rule.interval != 1 or rule.until is not None:
        return
    if series.whole_days:
        found = _recurrent(series.name, rule.start, series.length // SECONDS_PER_DAY, 0, SECONDS_PER_DAY)
    elif series.offset + series.length <= SECONDS_PER_DAY:
        found = _recurrent(series.name, rule.start, 1, series.offset, series.offset + series.length)
    else:
        found = None
    if found is not None:
        yield found


def remark(series: Series, chosen: list[Any]) -> str | None:
    return None


def finish(holidays: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {tuple(h[f] for f in FIELDS): h for h in holidays}
    return sorted(unique.values(), key=lambda h: (*(h[f] for f in DATE_FIELDS[:3]), h["Name"],
                                                  h["TimeOfStartDate"]))


def body(holidays: list[dict[str, Any]], name: str, zone: str | None) -> dict[str, Any]:
    """{"name", "timezone", "holidays"}: each holiday named NAME · ITEM YYYY-MM-DD, or NAME · ITEM every MM-DD when
    IsRecurrent (its year fields change with the window, its name does not); a number is added to repeats."""
    if not zone:
        raise BadInputError("3CX holidays run on the PBX's clock: pass --timezone (the 3CX system's IANA zone, "
                            "e.g. Europe/London)")
    if not name or SEPARATOR.strip() in name:
        raise BadInputError(f"a 3CX body name must be non-empty and without {SEPARATOR.strip()!r} (it starts "
                            f"every holiday's name), got {name!r}")
    seen: dict[str, int] = {}
    named = []
    for holiday in holidays:
        item = " ".join(str(holiday["Name"]).replace(SEPARATOR.strip(), "-").split()) or DEFAULT_ITEM
        when = f"{holiday['Month']:02d}-{holiday['Day']:02d}"
        when = f"{EVERY} {when}" if holiday["IsRecurrent"] else f"{holiday['Year']:04d}-{when}"
        full = f"{name}{SEPARATOR}{item} {when}"
        seen[full] = seen.get(full, 0) + 1
        named.append({**holiday, "Name": full if seen[full] == 1 else f"{full} #{seen[full]}"})
    return {"name": name, "timezone": zone, "holidays": named}


# ---- reader and evaluator -------------------------------------------------------------------------------------

def entries(body: Any) -> list[dict[str, Any]]:
    """The holidays of a pbxcal body, an OData list answer, or a bare list."""
    found = body
    if isinstance(body, dict):
        found = body.get("holidays") if "holidays" in body else body.get("value")
    if not isinstance(found, list):
        raise BadInputError("a 3CX body needs a 'holidays' list (or an OData 'value' list)")
    return found


def _int(holiday: dict[str, Any], field: str) -> int:
    value = holiday.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadInputError(f"holiday field {field} must be a whole number, got {value!r:.60}")
    return value


def _date(holiday: dict[str, Any], year: str, month: str, day: str) -> date:
    values = (_int(holiday, year), _int(holiday, month), _int(holiday, day))
    try:
        return date(*values)
    except ValueError:
        raise BadInputError(f"holiday {holiday.get('Name')!r}: {year}/{month}/{day} {values} is no date") from None


def check(holiday: Any) -> dict[str, Any]:
    """The holiday's meaning: first and last date, start and end seconds (end of day read as 86400), recurrence.
    Raises BadInputError for a malformed holiday, AmbiguousBodyError for a form SEMANTICS §6 leaves open."""
    if not isinstance(holiday, dict):
        raise BadInputError(f"a holiday must be a JSON object, got {holiday!r:.60}")
    name = holiday.get("Name")
    if not isinstance(name, str):
        raise BadInputError(f"a holiday's Name must be a string, got {name!r:.60}")
    unknown = {k for k in set(holiday) - {*FIELDS, *READ_ONLY, *OPTIONAL} if not k.startswith("@odata.")}
    if unknown:
        raise BadInputError(f"holiday {name!r}: unknown holiday field(s): {', '.join(sorted(unknown))} (a 3CX "
                            f"holiday has {', '.join((*FIELDS, *OPTIONAL))} and its Id)")
    odd = [f for f in OPTIONAL if holiday.get(f) is not None and not isinstance(holiday[f], str)]
    if odd:
        raise BadInputError(f"holiday {name!r}: {odd[0]} must be a string or null, got {holiday[odd[0]]!r:.60}")
    recurrent = holiday.get("IsRecurrent")
    if recurrent is not None and not isinstance(recurrent, bool):
        raise BadInputError(f"holiday {name!r}: IsRecurrent must be true, false or null, got {recurrent!r:.60}")
    first, last = _date(holiday, "Year", "Month", "Day"), _date(holiday, "YearEnd", "MonthEnd", "DayEnd")
    start = durations.seconds(holiday.get("TimeOfStartDate"), f"holiday {name!r}: TimeOfStartDate")
    end = durations.seconds(holiday.get("TimeOfEndDate"), f"holiday {name!r}: TimeOfEndDate")
    end = SECONDS_PER_DAY if end == END_OF_DAY else end
    if last > first and (start, end) != (0, SECONDS_PER_DAY):
        raise AmbiguousBodyError(f"holiday {name!r}: a range of several days ({first} .. {last}) is read only as "
                                 "whole days (PT0S .. PT23H59M): whether it is one block or a daily window is not "
                                 "documented")
    if (last - first).days * SECONDS_PER_DAY + end - start <= 0:
        raise BadInputError(f"holiday {name!r} ends before it starts ({first} {holiday.get('TimeOfStartDate')} .. "
                            f"{last} {holiday.get('TimeOfEndDate')})")
    if recurrent:
        if (first.month, first.day) == (2, 29) or (last.month, last.day) == (2, 29):
            raise AmbiguousBodyError(f"holiday {name!r}: a recurrent 29 February has no documented meaning in "
                                     "other years")
        if (last.month, last.day) < (first.month, first.day) or last.year > first.year:
            raise AmbiguousBodyError(f"holiday {name!r}: a recurrent range across 31 December has no documented "
                                     "meaning")
    return {"name": name, "first": first, "last": last, "start": start, "end": end, "recurrent": bool(recurrent)}


def holiday_spans(holiday: dict[str, Any], window: Window) -> list[Span]:
    """When one holiday is active inside the window: its range, or (IsRecurrent) its month-day range every year,
    whatever its year fields say."""
    meaning = check(holiday)
    first, last = meaning["first"], meaning["last"]
    begin, close = timedelta(seconds=meaning["start"]), timedelta(seconds=meaning["end"])
    if not meaning["recurrent"]:
        return clip([Span(midnight(first) + begin, midnight(last) + close)], window.span)
    found = []
    for year in range(window.first.year - 1, window.until.year + 1):
        found.append(Span(midnight(date(year, first.month, first.day)) + begin,
                          midnight(date(year, last.month, last.day)) + close))
    return clip(found, window.span)


def spans(holidays: list[dict[str, Any]], window: Window) -> list[Span]:
    """When the holidays (any of them) are active inside the window."""
    return clip((s for h in holidays for s in holiday_spans(h, window)), window.span)


def item_of(holiday: dict[str, Any]) -> str:
    """ITEM of a Name `NAME · ITEM YYYY-MM-DD` or `NAME · ITEM every MM-DD` (the same item in several years is one
    recurrence), else the Name."""
    name = str(holiday.get("Name", ""))
    _, found, rest = name.partition(SEPARATOR)
    if not found:
        return name
    words = rest.split(" ")
    if words and words[-1].startswith("#"):
        words.pop()
    if words and _is_date(words[-1]):
        words.pop()
    elif len(words) >= 2 and words[-2] == EVERY and _is_date(f"2000-{words[-1]}"):
        del words[-2:]
    return " ".join(words) or rest


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _clock(seconds: int) -> str:
    return "24:00" if seconds == SECONDS_PER_DAY else f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def describe(holiday: dict[str, Any]) -> str:
    """The holiday in plain words: 'Christmas Day: 25 December every year, all day'."""
    meaning = check(holiday)
    first, last = meaning["first"], meaning["last"]
    whole = (meaning["start"], meaning["end"]) == (0, SECONDS_PER_DAY)
    if meaning["recurrent"]:
        month = calendar.month_name[first.month]
        if first == last or (first.month, first.day) == (last.month, last.day):
            when = f"{first.day} {month} every year"
        elif first.month == last.month:
            when = f"{first.day}-{last.day} {month} every year"
        else:
            when = f"{first.day} {month} to {last.day} {calendar.month_name[last.month]} every year"
    else:
        when = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    hours = ("all day" if first == last else "whole days") if whole else \
        f"{_clock(meaning['start'])}-{_clock(meaning['end'])}"
    return f"{item_of(holiday)}: {when}, {hours}"


def zone_of(body: Any) -> str | None:
    zone = body.get("timezone") if isinstance(body, dict) else None
    if zone is not None and not isinstance(zone, str):
        raise BadInputError(f"the body's timezone must be a string, got {zone!r:.60}")
    return zone or None


def read(body: Any) -> list[dict[str, Any]]:
    found = entries(body)
    for holiday in found:
        check(holiday)
    return found


__all__ = [
    "CAPABILITIES",
    "CLOCK",
    "FIELDS",
    "HAS_ZONE",
    "NAME",
    "SEPARATOR",
    "body",
    "candidates",
    "check",
    "describe",
    "detect",
    "entries",
    "finish",
    "holiday_spans",
    "item_of",
    "once",
    "read",
    "remark",
    "spans",
    "zone_of",
]
