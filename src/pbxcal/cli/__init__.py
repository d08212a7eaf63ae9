"""The command line: a thin layer over the library; each group of commands lives in its own module."""

from __future__ import annotations

import click

from .. import __version__
from .common import window_from


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pbxcal")
def main() -> None:
    """Put calendars and public holidays into PBX schedules, exactly.

    \b
    Example:
      pbxcal convert closures.ics holidays:US-CA --years 2026-2028 --to telphin --timezone America/Los_Angeles

    Exit status: 0 written and verified; 1 verification failed or internal error; 2 bad input or usage;
    3 with --strict when anything was approximated or skipped.
    """



# The commands register themselves on `main` when imported.
from . import conversion, platforms, views  # noqa: E402, F401

__all__ = ["main", "window_from"]
