"""The command line: a thin layer over the library; each group of commands lives in its own module."""

from __future__ import annotations

import click

from .. import __version__
from .common import window_from


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pbxcal")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Say what each phase does, and how long it takes.")
@click.pass_context
def main(context: click.Context, quiet: bool, verbose: bool) -> None:
    """Put calendars and public holidays into PBX schedules, exactly.

    \b
    Example:
      pbxcal convert closures.ics holidays:US-CA --years 2026-2028 --to telphin --timezone America/Los_Angeles

    \b
    Exit status:
      0    written and verified (upload: done)
      1    verification failed, or an internal error
      2    bad input or usage: one line naming the file or option
      3    with --strict: verified, but something was approximated, skipped or empty
      4    a platform refused a request, did not answer, or answered something undocumented
      130  interrupted (Ctrl-C)
    """
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other")
    context.meta["pbxcal.verbosity"] = -1 if quiet else 1 if verbose else 0


# The commands register themselves on `main` when imported.
from . import conversion, platforms, views  # noqa: E402, F401

__all__ = ["main", "window_from"]
