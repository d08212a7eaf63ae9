"""The command line: a thin layer over the library; each group of commands lives in its own module."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

import click

from .. import __version__
from .common import window_from


class OneLineUsageError(click.UsageError):
    """A usage error said in one line on stderr, as every other error (exit status 2)."""

    def __init__(self, message: str, ctx: click.Context | None = None, command: str | None = None) -> None:
        super().__init__(" ".join(message.split()).rstrip("."), ctx)
        self.command = command or (ctx.command_path if ctx else "pbxcal")

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"pbxcal: error: {self.format_message()} (see '{self.command} --help')", err=True)


def _one_line(step: Callable[..., Any]) -> Callable[..., Any]:
    """The step, with click's usage errors (three lines: usage, hint, error) made one line."""
    def wrapped(command: click.Command, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(command, *args, **kwargs)
        except (OneLineUsageError, click.exceptions.NoArgsIsHelpError):
            raise
        except click.UsageError as error:
            parent = kwargs.get("parent") or next((a for a in args if isinstance(a, click.Context)), None)
            name = args[0] if args and isinstance(args[0], str) else command.name
            path = error.ctx.command_path if error.ctx else " ".join(
                part for part in (parent.command_path if parent else "", name or "pbxcal") if part)
            raise OneLineUsageError(error.format_message(), error.ctx, path) from None
    return wrapped


class Command(click.Command):
    make_context = _one_line(click.Command.make_context)


class Group(click.Group):
    make_context = _one_line(click.Group.make_context)
    resolve_command = _one_line(click.Group.resolve_command)
    command_class = Command


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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
        raise OneLineUsageError("-q and -v contradict each other", context)
    context.meta["pbxcal.verbosity"] = -1 if quiet else 1 if verbose else 0


# The commands register themselves on `main` when imported.
from . import conversion, platforms, views  # noqa: E402, F401

__all__ = ["main", "window_from"]
