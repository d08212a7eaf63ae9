"""Compactness: entries pbxcal writes per target against one entry per date, for holiday sets and the samples.

Run: .venv/bin/python benchmarks/compactness.py [--years 2026-2035]
Every row is a verified conversion (pbxcal.convert() verifies each body before returning it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pbxcal import Options, Window, convert
from pbxcal.platforms import get_target

COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "JP", "BR", "IN", "RU")
SAMPLES = Path(__file__).parent.parent / "samples"
SERIES = Path(__file__).parent.parent / "tests" / "data" / "series"
# Series a platform expresses natively: calendar, years, and the goal (fewest exact entries) per target.
GOALS = {
    "every-30-days": ((2026, 2035), 1, 1),
    "every-10-weeks": ((2026, 2035), 1, 1),
    "every-18-months": ((2026, 2035), 1, None),
    "every-2-years": ((2026, 2035), 1, None),
    "last-friday-every-2-months": ((2026, 2027), None, 6),
    "last-friday-monthly": ((2026, 2027), 1, 13),  # Telphin: 11 months + each year's February
    "second-monday-quarterly": ((2026, 2027), None, 4),
    "fifth-friday": ((2026, 2027), None, 1),
    "last-day-evening": ((2026, 2027), None, 7),
    "weekdays-berlin-lunch": ((2026, 2035), None, 45),
}


def row(source: str, window: Window, zone: str | None = None) -> tuple[str, int, int, int, int]:
    """Source, occurrences (one entry per date), NetSapiens entries, Telphin conditions, native rules."""
    counts = []
    rules = 0
    zone = zone or ("UTC" if source.startswith("holidays:") else None)
    for name in ("netsapiens", "telphin"):
        result = convert([source], name, Options(window, zone=zone))
        counts.append(len(get_target(name).entries(result.body)))
        if name == "netsapiens":
            rules = sum(1 for s in result.schedule.series if s.rule.freq.value != "once")
            occurrences = sum(len(s.spans(window.span)) for s in result.schedule.series)
    return source, occurrences, counts[0], counts[1], rules


# Platforms whose entries are either one-offs or recurring: the countries shown, what the table calls entries and
# recurring ones, where a body lists its entries, and which of them recur.
RECURRING_TABLES: tuple[tuple[str, tuple[str, ...], str, str, Callable[[Any], list[Any]], Callable[[Any], bool], str],
                        ...] = (
    ("3cx", ("US", "GB", "DE"), "3CX holidays", "recurrent", lambda b: b["holidays"], lambda h: h["IsRecurrent"],
     "3CX holidays (IsRecurrent only for fixed dates the source keeps open; the rest one per occurrence)."),
    ("kazoo", COUNTRIES, "Kazoo rules", "recurring", lambda b: b["rules"], lambda r: r["cycle"] != "date",
     "Kazoo temporal rules (recurring only for rules the source keeps past the window; the rest `date`)."),
    ("webex", ("US", "GB", "DE", "FR", "JP"), "Webex events", "recurring", lambda b: b["schedule"]["events"],
     lambda e: "recurrence" in e, "Webex events (yearly by date or n-th/last weekday, weekly; the rest one per day)."),
)


def recurring_row(table: tuple[Any, ...], source: str, window: Window, zone: str | None = None
                  ) -> tuple[int, int, int, int]:
    """Entries and how many recur, without and with --open-ended."""
    target, _, _, _, listed, recurs, _ = table
    counts: list[int] = []
    zone = zone or ("UTC" if source.startswith("holidays:") else None)
    for open_ended in (False, True):
        entries = listed(convert([source], target, Options(window, zone=zone, open_ended=open_ended)).body)
        counts += [len(entries), sum(1 for e in entries if recurs(e))]
    return counts[0], counts[1], counts[2], counts[3]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", default="2026-2035")
    parser.add_argument("--countries", default=",".join(COUNTRIES))
    args = parser.parse_args()
    first, last = (int(y) for y in args.years.split("-"))
    window = Window(date(first, 1, 1), date(last + 1, 1, 1))
    sources = [f"holidays:{c}" for c in args.countries.split(",") if c]
    sources += [str(p.relative_to(SAMPLES.parent)) for p in sorted(SAMPLES.glob("*.ics"))]
    print(f"Window {window}; every body verified.\n")
    print("| source | one entry per date | NetSapiens entries | Telphin conditions | rules inferred |")
    print("|---|---:|---:|---:|---:|")
    for source in sources:
        name, occurrences, ns, tp, rules = row(source, window)
        print(f"| {name} | {occurrences} | {ns} | {tp} | {rules} |")
    for table in RECURRING_TABLES:
        _, countries, entries, recurring_word, _, _, title = table
        print(f"\n{title}\n")
        print(f"| source | one entry per date | {entries} ({recurring_word}) | with --open-ended ({recurring_word}) |")
        print("|---|---:|---:|---:|")
        wanted = {f"holidays:{c}" for c in countries}
        for source in (s for s in sources if s in wanted or not s.startswith("holidays:")):
            occurrences = row(source, window)[1]
            plain, recurring, open_plain, open_recurring = recurring_row(table, source, window)
            print(f"| {source} | {occurrences} | {plain} ({recurring}) | {open_plain} ({open_recurring}) |")
    print("\nSeries with a native form (goal: the fewest exact entries; - where none was set).\n")
    print("| series | years | occurrences | NetSapiens (goal) | Telphin (goal) |")
    print("|---|---|---:|---:|---:|")
    for name, ((low, high), ns_goal, tp_goal) in GOALS.items():
        span = Window(date(low, 1, 1), date(high + 1, 1, 1))
        _, occurrences, ns, tp, _ = row(str(SERIES / f"{name}.ics"), span, "America/New_York")
        print(f"| {name} | {low}-{high} | {occurrences} | {ns} ({ns_goal or '-'}) | {tp} ({tp_goal or '-'}) |")
    print("\nThe same series on Kazoo (rules; a series the calendar ends is `date` rules).\n")
    print("| series | years | Kazoo rules (recurring) |")
    print("|---|---|---:|")
    for name, ((low, high), _, _) in GOALS.items():
        span = Window(date(low, 1, 1), date(high + 1, 1, 1))
        plain, recurring, _, _ = recurring_row(RECURRING_TABLES[1], str(SERIES / f"{name}.ics"), span,
                                               "America/New_York")
        print(f"| {name} | {low}-{high} | {plain} ({recurring}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
