"""Compactness: entries pbxcal writes per target against one entry per date, for holiday sets and the samples.

Run: .venv/bin/python benchmarks/compactness.py [--years 2026-2035]
Every row is a verified conversion (pbxcal.convert() verifies each body before returning it).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

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


THREECX_COUNTRIES = ("US", "GB", "DE")


def threecx_row(source: str, window: Window) -> tuple[int, int, int, int]:
    """3CX holidays and how many recur (IsRecurrent), without and with --open-ended."""
    counts: list[int] = []
    for open_ended in (False, True):
        zone = "UTC" if source.startswith("holidays:") else None
        holidays = convert([source], "3cx", Options(window, zone=zone, open_ended=open_ended)).body
        counts += [len(holidays["holidays"]), sum(1 for h in holidays["holidays"] if h["IsRecurrent"])]
    return counts[0], counts[1], counts[2], counts[3]


def kazoo_row(source: str, window: Window, zone: str | None = None) -> tuple[int, int, int, int]:
    """Kazoo rules and how many recur (all but `date` rules), without and with --open-ended."""
    counts: list[int] = []
    zone = zone or ("UTC" if source.startswith("holidays:") else None)
    for open_ended in (False, True):
        written = convert([source], "kazoo", Options(window, zone=zone, open_ended=open_ended)).body["rules"]
        counts += [len(written), sum(1 for r in written if r["cycle"] != "date")]
    return counts[0], counts[1], counts[2], counts[3]


WEBEX_COUNTRIES = ("US", "GB", "DE", "FR", "JP")


def webex_row(source: str, window: Window) -> tuple[int, int, int, int]:
    """Webex events and how many recur, without and with --open-ended."""
    counts: list[int] = []
    for open_ended in (False, True):
        zone = "UTC" if source.startswith("holidays:") else None
        body = convert([source], "webex", Options(window, zone=zone, open_ended=open_ended)).body
        events = get_target("webex").entries(body)
        counts += [len(events), sum(1 for e in events if "recurrence" in e)]
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
    print("\n3CX holidays (IsRecurrent only for fixed dates the source keeps open; the rest one per occurrence).\n")
    print("| source | one entry per date | 3CX holidays (recurrent) | with --open-ended (recurrent) |")
    print("|---|---:|---:|---:|")
    wanted = {f"holidays:{c}" for c in THREECX_COUNTRIES}
    for source in (s for s in sources if s in wanted or not s.startswith("holidays:")):
        occurrences = row(source, window)[1]
        plain, recurrent, open_plain, open_recurrent = threecx_row(source, window)
        print(f"| {source} | {occurrences} | {plain} ({recurrent}) | {open_plain} ({open_recurrent}) |")
    print("\nKazoo temporal rules (recurring only for rules the source keeps past the window; the rest `date`).\n")
    print("| source | one entry per date | Kazoo rules (recurring) | with --open-ended (recurring) |")
    print("|---|---:|---:|---:|")
    for source in sources:
        occurrences = row(source, window)[1]
        plain, recurring, open_plain, open_recurring = kazoo_row(source, window)
        print(f"| {source} | {occurrences} | {plain} ({recurring}) | {open_plain} ({open_recurring}) |")
    print("\nWebex events (yearly by date or n-th/last weekday, weekly; the rest one per day).\n")
    print("| source | one entry per date | Webex events (recurring) | with --open-ended (recurring) |")
    print("|---|---:|---:|---:|")
    wanted = {f"holidays:{c}" for c in WEBEX_COUNTRIES}
    for source in (s for s in sources if s in wanted or not s.startswith("holidays:")):
        occurrences = row(source, window)[1]
        plain, recurring, open_plain, open_recurring = webex_row(source, window)
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
        plain, recurring, _, _ = kazoo_row(str(SERIES / f"{name}.ics"), span, "America/New_York")
        print(f"| {name} | {low}-{high} | {plain} ({recurring}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
