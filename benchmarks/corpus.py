"""Corpus result: how many real-world calendars convert and verify, and why the rest are rejected.

Run: .venv/bin/python benchmarks/corpus.py [../shared/corpus/ics]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from pbxcal import Options, PbxcalError, convert

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from test_corpus import window_for

REASONS = (
    ("time zone neither defined nor known (needs --assume-timezone)", "is neither defined"),
    ("not iCalendar / empty file", "not an iCalendar file|empty file|no VCALENDAR"),
    ("file-level syntax the parser rejects", "not valid iCalendar"),
)


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent.parent / "shared/corpus/ics")
    files = sorted(root.rglob("*.ics"))
    outcome: Counter[str] = Counter()
    skipped_events = 0
    for path in files:
        results = []
        for target in ("netsapiens", "telphin"):
            try:
                result = convert([str(path)], target, Options(window_for(path), zone="Europe/Berlin"))
                results.append("ok")
                skipped_events += sum(o.status == "skipped" for o in result.report.outcomes.values()) * (
                    target == "netsapiens")
            except PbxcalError as error:
                text = str(error)
                results.append(next((name for name, pattern in REASONS if re.search(pattern, text)), text))
        outcome["converted and verified (both targets)" if results == ["ok", "ok"] else results[0]] += 1
    print(f"{len(files)} files under {root}\n")
    print("| result | files |\n|---|---:|")
    for name, count in outcome.most_common():
        print(f"| {name} | {count} |")
    print(f"\nEvents skipped inside files that converted (each named in the report): {skipped_events}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
