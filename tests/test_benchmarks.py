"""The benchmarks run at their smallest size as a smoke test: they complete and print their tables.
Budgets are checked by reading the benchmark's output, never by timing inside tests."""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def test_generator_is_deterministic_and_realistic():
    sys.path.insert(0, str(BENCHMARKS))
    from generate import calendar

    text = calendar(200)
    assert text == calendar(200)
    assert text.count("BEGIN:VEVENT") >= 200 and "TZID=W. Europe Standard Time" in text
    assert "RRULE:" in text and "EXDATE;" in text and "RECURRENCE-ID;" in text and "VALUE=DATE" in text


def test_speed_benchmark_smoke():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "speed.py"), "100"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| 100 |" in result.stdout and "pbxcal --help" in result.stdout


def test_compactness_benchmark_smoke():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "compactness.py"), "--years", "2026-2027",
                             "--countries", "US"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "| holidays:US |" in result.stdout
