"""The project's own promises: every target is registered and complete, CI runs the README's command, ruff is clean."""

import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pbxcal.targets
from pbxcal.errors import UnknownTargetError
from pbxcal.targets import TARGETS, get_target

ROOT = Path(__file__).parent.parent
TARGET_API = ("NAME", "CLOCK", "HAS_ZONE", "detect", "candidates", "once", "finish", "body", "entries", "read", "spans",
              "zone_of", "describe", "remark")


def test_every_target_module_is_registered_and_exposes_the_same_names():
    modules = {f"pbxcal.targets.{m.name}" for m in pkgutil.iter_modules(pbxcal.targets.__path__)}
    assert modules == set(TARGETS.values())
    for module in modules:
        target = importlib.import_module(module)
        assert all(hasattr(target, name) for name in TARGET_API), module


def test_unknown_target_suggests_a_name():
    with pytest.raises(UnknownTargetError, match="did you mean 'telphin'"):
        get_target("telphn")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Install and test", 1)[1]
    command = section.split("```sh\n", 1)[1].split("\n", 1)[0]
    assert command in (ROOT / ".ci" / "run").read_text()


@pytest.mark.skipif(shutil.which("ruff") is None and not (ROOT / ".venv/bin/ruff").exists(), reason="no ruff")
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    result = subprocess.run([ruff, "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_help_loads_no_calendar_holiday_or_http_library():
    """Start-up cost is measured by the benchmark; this pins its cause: --help imports only the command line."""
    probe = ("import sys; from pbxcal.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = ('dateutil', 'icalendar', 'recurring_ical_events', 'holidays', 'httpx')\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m == 'pbxcal.pipeline'))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_package_exports_load_on_first_use():
    import pbxcal

    assert pbxcal.Window is importlib.import_module("pbxcal.model").Window
    with pytest.raises(AttributeError):
        _ = pbxcal.no_such_name
