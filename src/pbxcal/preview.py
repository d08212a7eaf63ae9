"""A year at a glance: twelve month grids marking the days a schedule is active all day or part of the day."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from .spans import Span, clip

FULL, PART, NONE = "*", "+", " "
COLOURS = {FULL: "\x1b[7m", PART: "\x1b[4m"}  # reverse video for whole days, underline for part days
RESET = "\x1b[0m"
MONTHS_PER_ROW = 3
CELL = 3  # two digits and a marker
GAP = "  "
LEGEND = f"{FULL} active all day   {PART} active part of the day"


def day_marks(spans: list[Span], year: int) -> dict[date, str]:
    """FULL or PART for every day of the year the spans touch."""
    window = Span(datetime(year, 1, 1), datetime(year + 1, 1, 1))
    marks: dict[date, str] = {}
    for span in clip(spans, window):
        day = span.start.date()
        while datetime.combine(day, datetime.min.time()) < span.end:
            start = datetime.combine(day, datetime.min.time())
            covered = min(span.end, start + timedelta(days=1)) - max(span.start, start)
            full = covered == timedelta(days=1)
            marks[day] = FULL if full or marks.get(day) == FULL else PART
            day += timedelta(days=1)
    return marks


def _cell(day: date, marks: dict[date, str], colour: bool) -> str:
    mark = marks.get(day, NONE)
    text = f"{day.day:2d}{mark}"
    if colour and mark in COLOURS:
        return f"{COLOURS[mark]}{text[:2]}{RESET}{mark}"
    return text


def month_lines(year: int, month: int, marks: dict[date, str], colour: bool) -> list[str]:
    width = 7 * CELL
    lines = [calendar.month_name[month].center(width).rstrip().ljust(width),
             "".join(f"{name[:2]} " for name in calendar.day_abbr)]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        lines.append("".join(_cell(d, marks, colour) if d.month == month else " " * CELL for d in week))
    while len(lines) < 8:  # a title, the day names and six weeks, so rows of months line up
        lines.append(" " * width)
    return lines


def year_view(spans: list[Span], year: int, colour: bool = False) -> str:
    """Twelve month grids, three to a row, Monday first, with a legend."""
    marks = day_marks(spans, year)
    rows = [str(year).center(MONTHS_PER_ROW * 7 * CELL + (MONTHS_PER_ROW - 1) * len(GAP)).rstrip(), ""]
    for first in range(1, 13, MONTHS_PER_ROW):
        grids = [month_lines(year, m, marks, colour) for m in range(first, first + MONTHS_PER_ROW)]
        rows += [GAP.join(parts).rstrip() for parts in zip(*grids, strict=True)]
        rows.append("")
    full = sum(1 for m in marks.values() if m == FULL)
    part = len(marks) - full
    rows += [LEGEND, f"{full} day{'' if full == 1 else 's'} active all day, {part} day{'' if part == 1 else 's'} "
                     "active part of the day"]
    return "\n".join(rows) + "\n"


__all__ = ["FULL", "LEGEND", "PART", "day_marks", "month_lines", "year_view"]
