"""Every real-world calendar converts exactly or fails cleanly: exit 0 with a verified body, or exit 2 with one line.

Runs over tests/data/corpus (a copied subset, see its SOURCES.md) and, when present, the whole shared corpus.
"""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import x_wr_timezone
from click.testing import CliRunner

from conftest import DATA, reference_spans
from pbxcal.cli import main
from pbxcal.errors import PbxcalError
from pbxcal.model import Window
from pbxcal.platforms import get_target
from pbxcal.readers import ReadOptions, ics
from pbxcal.readers.ics import decode, open_source

SHARED = Path(__file__).parent.parent.parent / "shared" / "corpus" / "ics"
FILES = sorted(DATA.glob("corpus/*.ics")) + (sorted(SHARED.rglob("*.ics")) if SHARED.is_dir() else [])
ZONE = "Europe/Berlin"


def test_the_shared_corpus_is_checked_when_it_sits_beside_the_project():
    if not SHARED.is_dir():
        pytest.skip("the shared corpus (../shared/corpus/ics) is not beside the project: only the copied subset in "
                    "tests/data/corpus was converted")
    assert any(SHARED.rglob("*.ics"))


def window_for(path: Path) -> Window:
    """Whole years from the first event's year to one past the last (at most a dozen years)."""
    years = [int(y) for y in re.findall(r"^DTSTART[^:\n]*:(\d{4})", decode(path.read_bytes()), re.M)]
    years = [y for y in years if 1900 < y < 2100] or [2026]
    low = min(years)
    return Window(date(low, 1, 1), date(min(max(years), low + 10) + 2, 1, 1))


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("target", ["netsapiens", "telphin"])
@pytest.mark.parametrize("path", FILES, ids=case_id)
def test_converts_exactly_or_fails_with_one_line(path, target, tmp_path):
    window = window_for(path)
    report = tmp_path / "report.json"
    args = ["convert", str(path), "--to", target, "--from", str(window.first), "--until", str(window.until),
            "--report", str(report)] + (["--timezone", ZONE] if target == "telphin" else [])
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.startswith("pbxcal: error:")]
        assert len(lines) == 1 and path.name in lines[0] and result.stdout == ""
        return
    assert result.exit_code == 0, result.stderr
    items = json.loads(report.read_text())["items"]
    if any(i["status"] == "skipped" or i["approximated"] for i in items):
        return  # skipped or rounded items differ from the raw reference by design; convert verified the rest
    module = get_target(target)
    body = json.loads(result.stdout)
    chosen = re.search(r"time zone (\S+) \(from ", result.stderr)
    zone = body.get("timezone") or (chosen[1] if chosen else None)
    text = decode(path.read_bytes())
    if "BEGIN:VCALENDAR" not in text:
        return  # a bare VEVENT file: the reference cannot read it; convert verified it
    assert module.spans(module.entries(body), window) == reference_spans(text, zone, window)


def test_the_copied_subset_covers_the_cases_the_issue_names():
    names = {p.name for p in DATA.glob("corpus/*.ics")}
    for wanted in ("bom_calendar", "Bug2912657", "basic_latin1", "multiple_calendars", "period_in_rdate",
                   "range_parameter", "only_first_event", "until_before_dtstart", "duplicated_rrule",
                   "end_before_start", "cancel_status", "office_365_extended_timezone", "Standup"):
        assert any(wanted in n for n in names), wanted
    assert (DATA / "corpus" / "SOURCES.md").exists()


def _read(path: Path, window: Window) -> list[tuple[str, list, str | None, bool]] | str:
    try:
        items = open_source(str(path), ReadOptions()).items(ZONE, window)
    except PbxcalError as error:
        return str(error)
    return [(i.key, sorted(i.spans), i.skipped, i.approximated) for i in items]  # expansion order is free


@pytest.mark.parametrize("path", FILES, ids=case_id)
def test_the_reader_s_fast_paths_read_what_the_library_reads(path, monkeypatch):
    """One-offs read without recurring_ical_events, and embedded definitions read as their IANA zone, change
    nothing: the same file read with both turned off gives the same items and spans."""
    window = window_for(path)
    fast = _read(path, window)
    monkeypatch.setattr(ics, "split_plain", lambda calendar: ([], x_wr_timezone.to_standard(calendar)))
    monkeypatch.setattr(ics, "prefer_iana", lambda text: (text, []))
    assert _read(path, window) == fast
