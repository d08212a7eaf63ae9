"""The project's own promises: every target is registered and complete, CI runs the README's command, ruff is clean."""

import importlib
import pkgutil
import shutil
import subprocess
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
