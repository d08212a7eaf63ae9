"""A large, realistic Outlook-style calendar: Windows zone names with their VTIMEZONE, timed and all-day events,
multi-day closures, and RRULE series with EXDATEs and moved occurrences. Deterministic for a given size and seed.

Shapes: `outlook` (the default: 65% one-off meetings, 20% series) and `rrule` (every event one RRULE with an end,
daily to yearly, about 13 occurrences each: a recurring-heavy export).

Run: .venv/bin/python benchmarks/generate.py 20000 [outlook|rrule] > big.ics
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta

VTIMEZONE = """BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""
ZONE = "W. Europe Standard Time"
FIRST = date(2026, 1, 1)
DAYS = 5 * 365
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _event(uid: str, summary: str, lines: list[str]) -> list[str]:
    return ["BEGIN:VEVENT", "CLASS:PUBLIC", "DTSTAMP:20251201T120000Z", f"UID:{uid}", f"SUMMARY:{summary}",
            *lines, "X-MICROSOFT-CDO-BUSYSTATUS:OOF", "END:VEVENT"]


def _meeting(rng: random.Random, day: date, minutes: list[int]) -> tuple[datetime, datetime, list[str]]:
    """A meeting on day between 07:00 and 17:45 lasting one of `minutes`: its start, end and lines."""
    start = datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.choice([0, 15, 30, 45]))
    end = start + timedelta(minutes=rng.choice(minutes))
    return start, end, [f"DTSTART;TZID={ZONE}:{_stamp(start)}", f"DTEND;TZID={ZONE}:{_stamp(end)}"]


def events(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    for n in range(count):
        uid = f"040000008200E00074C5B7101A82E008{n:032X}"
        day = FIRST + timedelta(days=rng.randrange(DAYS))
        roll = rng.random()
        if roll < 0.15:  # all-day closure, sometimes several days
            length = 1 if rng.random() < 0.8 else rng.randint(2, 5)
            out += _event(uid, f"Closure {n}", [f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                                                f"DTEND;VALUE=DATE:{day + timedelta(days=length):%Y%m%d}",
                                                "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE"])
            continue
        start, end, lines = _meeting(rng, day, [30, 60, 90, 120, 180])
        if roll < 0.80:  # a one-off meeting
            out += _event(uid, f"Meeting {n}", lines)
            continue
        freq = rng.choice(["WEEKLY", "WEEKLY", "DAILY", "MONTHLY"])
        rule = f"RRULE:FREQ={freq}"
        if freq == "WEEKLY":
            rule += ";BYDAY=" + ",".join(sorted(rng.sample(WEEKDAYS, rng.randint(1, 3)), key=WEEKDAYS.index))
            rule += f";INTERVAL={rng.choice([1, 1, 2])}"
        until = start + timedelta(days=rng.randint(30, 700))
        rule += rng.choice([f";COUNT={rng.randint(5, 60)}", f";UNTIL={_stamp(until)}Z", ""])
        lines.append(rule)
        step = {"WEEKLY": 7, "DAILY": 1, "MONTHLY": 30}[freq]
        for k in rng.sample(range(1, 20), rng.randint(0, 3)):
            lines.append(f"EXDATE;TZID={ZONE}:{_stamp(start + timedelta(days=k * step))}")
        out += _event(uid, f"Series {n}", lines)
        if rng.random() < 0.3:  # one occurrence moved by an hour
            moved = start + timedelta(days=step)
            moved_end = end + timedelta(days=step, hours=1)
            out += _event(uid, f"Series {n} (moved)", [f"RECURRENCE-ID;TZID={ZONE}:{_stamp(moved)}",
                                                      f"DTSTART;TZID={ZONE}:{_stamp(moved + timedelta(hours=1))}",
                                                      f"DTEND;TZID={ZONE}:{_stamp(moved_end)}"])
    return out


def rrule_events(count: int, seed: int = 7) -> list[str]:
    """Every event one RRULE with COUNT or UNTIL (an export of recurring meetings and yearly closures)."""
    rng = random.Random(seed)
    out: list[str] = []
    for n in range(count):
        uid = f"040000008200E00074C5B7101A82E008{n:032X}"
        day = FIRST + timedelta(days=rng.randrange(DAYS))
        freq, step, most = rng.choice([("YEARLY", 365, 5), ("MONTHLY", 30, 24), ("WEEKLY", 7, 26), ("DAILY", 1, 10)])
        count_or_until = rng.randint(2, most)
        if rng.random() < 0.2:  # whole-day
            lines = [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
            until = f"{day + timedelta(days=step * (count_or_until - 1)):%Y%m%d}"
        else:
            start, _, lines = _meeting(rng, day, [30, 60, 90, 120])
            until = f"{_stamp(start + timedelta(days=step * (count_or_until - 1)))}Z"
        ending = f"COUNT={count_or_until}" if rng.random() < 0.5 else f"UNTIL={until}"
        lines.append(f"RRULE:FREQ={freq};{ending}")
        out += _event(uid, f"Recurring {n}", lines)
    return out


SHAPES = {"outlook": events, "rrule": rrule_events}


def calendar(count: int, seed: int = 7, shape: str = "outlook") -> str:
    head = ["BEGIN:VCALENDAR", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", "VERSION:2.0",
            "METHOD:PUBLISH", "X-WR-CALNAME:Shared calendar export"]
    return "\r\n".join(head) + "\r\n" + VTIMEZONE + "\r\n".join(SHAPES[shape](count, seed)) + "\r\nEND:VCALENDAR\r\n"


if __name__ == "__main__":
    sys.stdout.write(calendar(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, shape=sys.argv[2] if len(sys.argv) > 2
                              else "outlook"))
