"""Speed and memory against the parser's own floor, all from one run on this machine.

Run: .venv/bin/python benchmarks/speed.py [SIZE ...]        (default sizes: 1000 5000 20000)

For each size and shape it generates a calendar (benchmarks/generate.py: `outlook`, the Outlook-style export, and
`rrule`, every event one RRULE) and measures, each in a fresh process:
the floor (icalendar parsing alone), parsing plus recurring_ical_events' expansion over the window (the library
pbxcal expands with), `pbxcal convert` end to end for both targets (verification included), and their ratios. The
floor and the conversions are measured in three turns, one after the other, and each keeps its best.
Then `pbxcal --help` against a bare interpreter, and `pbxcal convert holidays:US` against the holidays package's
own exporter. Budgets (issue 17), at 20k events: the rrule shape <= 2.0x the floor's time and <= 1.5x its peak
memory, the outlook shape <= 3.0x and <= 2.0x, with the default occurrence limits; --help <= 0.15 s over a bare
interpreter; holidays no slower than holidays-ics.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
PYTHON = sys.executable
WINDOW = ["--from", "2026-01-01", "--until", "2031-01-01"]
# A second reference: parsing plus recurring_ical_events' expansion over the same window, which pbxcal builds on.
EXPAND = ("import icalendar, recurring_ical_events, x_wr_timezone; "
          "calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(open({path!r}).read())); "
          "sum(1 for _ in recurring_ical_events.of(calendar).between((2026, 1, 1), (2031, 1, 1)))")
EXPAND_UP_TO = 5000
SHAPES = ("outlook", "rrule")
TARGETS = ("netsapiens", "telphin")
ROUNDS = 3  # the floor and each conversion: the best of three turns


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one command, run to completion in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 3):
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def best(command: list[str], runs: int) -> tuple[float, float]:
    results = [measure(command) for _ in range(runs)]
    return min(r[0] for r in results), min(r[1] for r in results)


def in_turns(commands: dict[str, list[str]], rounds: int) -> dict[str, tuple[float, float]]:
    """Each command's best time and memory over `rounds` turns of all of them, one after the other: this machine's
    speed drifts by a tenth over minutes, and measured in turns a slow minute falls on the floor and on pbxcal
    alike instead of on one of them."""
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            results[name].append(measure(command))
    return {name: (min(r[0] for r in found), min(r[1] for r in found)) for name, found in results.items()}


def byte_compile_pbxcal() -> None:
    """Compile pbxcal as pip does for the libraries it is compared with; an editable install (or
    PYTHONDONTWRITEBYTECODE) would otherwise charge every start-up with compiling its sources."""
    location = subprocess.run([PYTHON, "-c", "import pbxcal, os; print(os.path.dirname(pbxcal.__file__))"],
                              check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([PYTHON, "-m", "compileall", "-q", location], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    sizes = [int(s) for s in sys.argv[1:]] or [1000, 5000, 20000]
    byte_compile_pbxcal()
    pbxcal = [PYTHON, "-m", "pbxcal.cli"]
    print("| events | shape | parse floor s | floor MiB | parse + expand s | target | convert s | MiB | time ratio | "
          "memory ratio | ratio to parse + expand |")
    print("|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for size, shape in ((size, shape) for size in sizes for shape in SHAPES):
            path = Path(folder) / f"calendar-{size}-{shape}.ics"
            path.write_text(subprocess.run([PYTHON, str(HERE / "generate.py"), str(size), shape], check=True,
                                           capture_output=True, text=True).stdout)
            parse = f"import icalendar; icalendar.Calendar.from_ical(open({str(path)!r}).read())"
            # Minutes at 20k events: measured up to EXPAND_UP_TO only.
            expanded = best([PYTHON, "-c", EXPAND.format(path=str(path))], 1) if size <= EXPAND_UP_TO else None
            commands = {"floor": [PYTHON, "-c", parse]}
            for target in TARGETS:
                commands[target] = [*pbxcal, "convert", str(path), "--to", target, *WINDOW, "--timezone",
                                    "Europe/Berlin", "--max-entries", "10000000", "-o", os.devnull]
            found = in_turns(commands, ROUNDS)
            floor = found["floor"]
            for target in TARGETS:
                spent = found[target]
                reference = (f"{expanded[0]:.2f}", f"{spent[0] / expanded[0]:.2f}x") if expanded else ("-", "-")
                print(f"| {size} | {shape} | {floor[0]:.2f} | {floor[1]:.0f} | {reference[0]} | {target} | "
                      f"{spent[0]:.2f} | {spent[1]:.0f} | {spent[0] / floor[0]:.1f}x | {spent[1] / floor[1]:.1f}x | "
                      f"{reference[1]} |")
    bare = best([PYTHON, "-c", "pass"], 5)[0]
    helped = best([*pbxcal, "--help"], 5)[0]
    print(f"\n`pbxcal --help`: {helped:.3f} s; bare interpreter {bare:.3f} s; difference {helped - bare:.3f} s")
    ours = best([*pbxcal, "convert", "holidays:US", "--years", "2026-2035", "--to", "netsapiens"], 3)[0]
    exporter = shutil.which("holidays-ics", path=str(Path(PYTHON).parent)) or shutil.which("holidays-ics")
    if exporter:
        with tempfile.TemporaryDirectory() as folder:
            theirs = best([exporter, "US", "-y", "2026-2035", "-o", str(Path(folder) / "us.ics")], 3)[0]
        print(f"`pbxcal convert holidays:US --years 2026-2035`: {ours:.3f} s; `holidays-ics US -y 2026-2035`: "
              f"{theirs:.3f} s; ratio {ours / theirs:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
