"""The project's own promises: every platform is one registered, complete package, CI runs the README's command,
ruff is clean."""

import importlib
import importlib.util
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pbxcal.platforms
from pbxcal.errors import UnknownTargetError
from pbxcal.platforms import CLIENT_NAMES, CLIENTS, PLATFORMS, TARGET_NAMES, TARGETS, get_client, get_target

ROOT = Path(__file__).parent.parent


def test_every_platform_package_is_registered_and_exposes_the_same_names():
    packages = {m.name for m in pkgutil.iter_modules(pbxcal.platforms.__path__) if m.ispkg}
    assert packages == {p.package.rsplit(".", 1)[1] for p in PLATFORMS}  # a name like "3cx" needs its own module
    assert set(TARGETS.values()) == {f"pbxcal.platforms.{name}.target" for name in packages}
    for entry in PLATFORMS:
        target = get_target(entry.name)
        assert all(hasattr(target, name) for name in (*TARGET_NAMES, "remark")), entry.name
        assert entry.name == target.NAME
        if entry.has_client:
            client = get_client(entry.name)
            assert all(hasattr(client, name) for name in CLIENT_NAMES), entry.name
        assert (importlib.util.find_spec(f"{entry.package}.client") is not None) == entry.has_client
    assert set(CLIENTS) == {p.name for p in PLATFORMS if p.has_client}


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
