"""Every command in the README's shell blocks runs as written, except those that talk to a platform (upload,
download, curl): their outputs (a downloaded timeframe, Holiday API rows) are stood in for by local files."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import holiday_rows

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
TALKS_TO_A_PLATFORM = ("curl", "upload", "download", "--server", "pip install")


def commands() -> list[str]:
    """The README's pbxcal command lines, continuation lines joined and trailing comments removed."""
    found = []
    for block in BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            if line.startswith("pbxcal") and not any(word in line for word in TALKS_TO_A_PLATFORM):
                found.append(line)
    return found


def test_the_readme_has_commands_to_run():
    assert len(commands()) >= 12


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """The samples, plus what the README's download lines would have saved."""
    here = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "samples", here / "samples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    timeframe = subprocess.run(["pbxcal", "convert", "samples/outlook-closures.ics", "--to", "netsapiens",
                                "--years", "2026-2028", "--timezone", "America/Los_Angeles", "--name", "Closures"],
                               cwd=here, env=env, capture_output=True, text=True, check=True).stdout
    (here / "timeframe.json").write_text(timeframe)
    rows = [r for year in (2026, 2027, 2028) for r in holiday_rows("US", year)]
    (here / "rows.json").write_text(json.dumps(rows))
    return here, env


def test_every_readme_command_runs_as_written(workdir):
    here, env = workdir
    for command in commands():  # in order: later commands read what earlier ones wrote
        result = subprocess.run(["bash", "-c", command], cwd=here, env=env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert "Traceback" not in result.stderr
