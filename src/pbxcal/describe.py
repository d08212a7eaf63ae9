"""Plain-language wording of series: '4th Thursday of November, all day, every year 2026-2035'."""

from __future__ import annotations

import calendar
from datetime import timedelta

from .model import SECONDS_PER_DAY, By, Freq, Rule, Series

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
UNITS = {Freq.YEARLY: "year", Freq.MONTHLY: "month", Freq.WEEKLY: "week", Freq.DAILY: "day"}


def _weekday(number: int) -> str:
    return calendar.day_name[number]


def _every(rule: Rule) -> str:
    unit = UNITS[rule.freq]
    return f"every {unit}" if rule.interval == 1 else f"every {rule.interval} {unit}s"


def pattern(rule: Rule) -> str:
    start = rule.start
    if rule.freq is Freq.ONCE:
        return start.isoformat()
    if rule.freq is Freq.DAILY:
        return _every(rule)
    if rule.freq is Freq.WEEKLY:
        days = ", ".join(_weekday(w) for w in sorted(rule.weekdays))
        return f"{days}, {_every(rule)}"
    month = f" of {calendar.month_name[start.month]}" if rule.freq is Freq.YEARLY else " of the month"
    picks = {
        By.DATE: (f"{start.day} {calendar.month_name[start.month]}" if rule.freq is Freq.YEARLY
                  else f"day {start.day}"),
        By.NTH: f"{ORDINALS.get(rule.nth, str(rule.nth))} {_weekday(start.weekday())}{month}",
        By.LAST: f"last {_weekday(start.weekday())}{month}",
        By.LAST_DAY: f"last day{month}",
    }
    return f"{picks[rule.by]}, {_every(rule)}"


def block(series: Series) -> str:
    if series.whole_days:
        days = series.length // SECONDS_PER_DAY
        return "all day" if days == 1 else f"{days} whole days"
    start = timedelta(seconds=series.offset)
    end = timedelta(seconds=series.offset + series.length)
    return f"{_clock(start)}-{_clock(end)}"


def _clock(moment: timedelta) -> str:
    seconds = int(moment.total_seconds())
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")


def span_of(rule: Rule) -> str:
    if rule.freq is Freq.ONCE:
        return ""
    if rule.until is None:
        return f"from {rule.start.isoformat()}, no end"
    return f"from {rule.start.isoformat()} through {rule.until.isoformat()}"


def describe(series: Series) -> str:
    parts = [pattern(series.rule), block(series), span_of(series.rule)]
    return ", ".join(p for p in parts if p)


__all__ = ["block", "describe", "pattern", "span_of"]
