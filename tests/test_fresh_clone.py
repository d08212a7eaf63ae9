"""A user's clone: the tracked files alone, with no ../shared beside them; the README's two commands, run as
written, install the project (with its test extras) and work. The inner test run is a quick subset (the whole
suite is what CI runs), chosen through PYTEST_ADDOPTS so the command itself stays the README's."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INNER = "PBXCAL_FRESH_CLONE"


def readme_command(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(rf"## {heading}\n\n```sh\n(.*?)\n```", text, re.S)[1].strip()


@pytest.mark.skipif(os.environ.get(INNER) == "1", reason="already inside a fresh clone")
@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_a_fresh_clone_installs_and_runs_the_readme_commands(tmp_path):
    clone = tmp_path / "pbxcal"  # nothing named shared beside it
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, tracked.stdout.split("\0")):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update({INNER: "1", "PYTEST_ADDOPTS": "-p no:cacheprovider -k 'test_first_hour or test_readme or "
                "test_project or test_corpus'"})
    sample = subprocess.run(["bash", "-c", readme_command("Install and run a sample")], cwd=clone, env=env,
                            capture_output=True, text=True, check=False, timeout=900)
    assert sample.returncode == 0, sample.stderr[-2000:]
    assert '"timeframe-specific-dates-array"' in sample.stdout and "verified" in sample.stderr
    tests = subprocess.run(["bash", "-c", readme_command("Install and test")], cwd=clone, env=env,
                           capture_output=True, text=True, check=False, timeout=900)
    assert tests.returncode == 0, (tests.stdout + tests.stderr)[-3000:]
    assert "passed" in tests.stdout and "shared corpus" in tests.stdout  # the skip says why
