"""What the commands share: the window and source options, running an action, writing output."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from ..errors import EXIT_FAILED, EXIT_INTERRUPTED, BadInputError, PbxcalError
from ..redact import Secrets

if TYPE_CHECKING:
    from ..model import Window
    from ..pipeline import Options

DEFAULT_YEARS = 3
FIRST_YEAR, LAST_YEAR = 1900, 2200  # far enough for any schedule; keeps date arithmetic away from year 9999
YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def say(message: str) -> None:
    """A message on stderr (not under -q), after any heading still pending."""
    if verbosity() >= 0:
        flush_heading()
        click.echo(f"pbxcal: {redact(message)}", err=True)


def flush_heading() -> None:
    for pending in _pending():
        click.echo(f"pbxcal: {redact(pending)}", err=True)
    _pending().clear()


def heading(message: str) -> None:
    """A line that comes first on stderr once the run says anything (the window in force), and not at all when
    it stops at once with an error, which stays one line."""
    _pending().append(message)


def _pending() -> list[str]:
    context = click.get_current_context(silent=True)
    return context.find_root().meta.setdefault("pbxcal.pending", []) if context else []


def detail(message: str) -> None:
    """A message only -v shows: what each phase did, and how long it took."""
    if verbosity() > 0:
        say(message)


def error(message: str) -> None:
    """An error: shown even under -q."""
    click.echo(f"pbxcal: error: {redact(message)}", err=True)


def verbosity() -> int:
    """-1 with -q, 1 with -v, else 0 (kept on the click context of the run)."""
    context = click.get_current_context(silent=True)
    return context.find_root().meta.get("pbxcal.verbosity", 0) if context else 0


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def run_secrets() -> Secrets:
    """The credentials this command knows (kept on its click context, so nothing crosses from one run to the
    next); every message goes through them."""
    context = click.get_current_context()
    return context.meta.setdefault("pbxcal.secrets", Secrets())


def redact(text: str) -> str:
    context = click.get_current_context(silent=True)
    secrets = context.meta.get("pbxcal.secrets") if context else None
    return secrets.redact(text) if secrets else text


def window_from(first: str | None, until: str | None, years: str | None, today: date | None = None) -> Window:
    """The window from --from/--until/--years; by default from the first of this month, for three years."""
    from ..model import Window  # the library loads only when a command runs, not for --help
    if years and (first or until):
        raise BadInputError("--years cannot be combined with --from or --until")
    if years:
        match = YEARS.match(years)
        if not match:
            raise BadInputError(f"--years takes YYYY or YYYY-YYYY, got {years!r}")
        low, high = int(match[1]), int(match[2] or match[1])
        if not (low >= FIRST_YEAR and high <= LAST_YEAR):
            raise BadInputError(f"--years must lie within {FIRST_YEAR}-{LAST_YEAR}")
        if high < low:
            raise BadInputError(f"--years {years}: the last year is before the first")
        return Window(date(low, 1, 1), date(high + 1, 1, 1))
    start = _date("--from", first) if first else (today or date.today()).replace(day=1)
    try:
        end = _date("--until", until) if until else date(start.year + DEFAULT_YEARS, start.month, 1 if (
            start.month, start.day) == (2, 29) else start.day)
    except (ValueError, OverflowError):
        raise BadInputError(f"--from {start}: three years on is past {LAST_YEAR}") from None
    if end <= start:
        raise BadInputError(f"--until {end} is not after --from {start}")
    if not (start.year >= FIRST_YEAR and end.year <= LAST_YEAR + 1):
        raise BadInputError(f"the window must lie within {FIRST_YEAR}-{LAST_YEAR}")
    return Window(start, end)


def _date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as problem:
        raise BadInputError(f"{option} {text}: not a date YYYY-MM-DD ({problem})") from None


def source_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """How sources are read: the wall clock, holiday choices, and NetSapiens Holiday API rows (convert, verify and
    preview share them, so every option a message names exists on each)."""
    decorators = [
        click.option("--timezone", "zone", metavar="IANA", help="The PBX's wall clock (default: the calendar's own)."),
        click.option("--assume-timezone", metavar="IANA",
                     help="Read TZIDs that are neither defined in the file nor known as this zone."),
        click.option("--categories", default="", help="Holiday categories, comma-separated (default: public)."),
        click.option("--language", help="Holiday name language, e.g. en_US (default: en_US where available)."),
        click.option("--no-observed", is_flag=True, help="Leave out observed (shifted) holidays."),
        click.option("--holiday-data", metavar="FILE",
                     help="Saved NetSapiens Holiday API rows (pbxcal download --holidays): with them, NetSapiens "
                          "bodies use holiday entries where a row matches exactly, and bodies with holiday "
                          "entries can be read."),
        click.option("--holiday-region", default="", help="The region those rows were fetched for, e.g. US-CA."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def window_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options convert and verify share: window, sources and limits."""
    decorators = [
        click.option("--from", "first", metavar="YYYY-MM-DD",
                     help="Window start, inclusive (default: the first of this month)."),
        click.option("--until", metavar="YYYY-MM-DD", help="Window end, exclusive (default: three years on)."),
        click.option("--years", metavar="YYYY[-YYYY]", help="Whole years, e.g. 2026-2028 (instead of --from/--until)."),
        source_options,
        click.option("--max-bytes", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True,
                     help="Refuse input files larger than this."),
        click.option("--max-occurrences", type=click.IntRange(1), default=200_000, show_default=True,
                     help="Refuse an event repeating more often up to the window's end (checked before expanding)."),
        click.option("--max-total-occurrences", type=click.IntRange(1), default=10_000_000, show_default=True,
                     help="Refuse calendars whose events together repeat more often (checked before expanding)."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def load_body_file(path: str, max_bytes: int) -> Any:
    from ..readers.platform import load_body

    return load_body(path, max_bytes)


def options_from(kwargs: dict[str, Any], **extra: Any) -> Options:
    """The library's options from the shared command-line options."""
    from ..pipeline import Options
    from ..platforms.netsapiens.holiday_api import load_rows
    from ..readers import ReadOptions
    from ..zones import check_zone
    read = ReadOptions(
        categories=tuple(c.strip() for c in kwargs["categories"].split(",") if c.strip()),
        language=kwargs["language"],
        observed=not kwargs["no_observed"],
        max_bytes=kwargs["max_bytes"],
        max_occurrences=kwargs["max_occurrences"],
        max_total_occurrences=kwargs["max_total_occurrences"],
        assume_timezone=kwargs["assume_timezone"] and check_zone(kwargs["assume_timezone"]),
    )
    window = window_from(kwargs["first"], kwargs["until"], kwargs["years"])
    rows = load_rows(kwargs["holiday_data"], kwargs["holiday_region"]) if kwargs.get("holiday_data") else None
    return Options(window=window, zone=kwargs["zone"], read=read, holiday_rows=rows, **extra)


def run_action(action: Callable[[], int]) -> None:
    """Run a command; errors become one line on stderr and a documented exit status, never a traceback."""
    try:
        status = action()
    except BrokenPipeError:  # the reader of our output went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:  # Ctrl-C: the shell's convention, without a traceback or click's "Aborted!"
        say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except PbxcalError as problem:
        error(str(problem))
        sys.exit(problem.exit_status)
    except Exception as problem:  # a bug: still one line, with the traceback only on request
        if os.environ.get("PBXCAL_DEBUG"):
            raise
        click.echo(f"pbxcal: internal error: {type(problem).__name__}: {redact(str(problem))} "
                   "(set PBXCAL_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_FAILED)
    sys.exit(status)


def write_output(data: Any, path: str | None) -> None:
    """JSON to stdout or a file; a body that is already text (iCalendar) is written as it is."""
    text = data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if path in (None, "-"):
        click.echo(text, nl=False)
        return
    try:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as error:
        raise BadInputError(f"cannot write: {error.strerror or error}", path=path) from None


class Progress:
    """The phases of a run on stderr: a bar per phase on a terminal (not under -q); with -v, the time each phase
    took when it ends."""

    def __init__(self, bars: bool, timings: bool) -> None:
        self.bars, self.timings = bars, timings
        self.phase: str | None = None
        self.started = 0.0
        self.bar: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.finish()
            if self.bars:
                flush_heading()
            self.phase, self.started = phase, time.monotonic()
            if self.bars:
                self.bar = click.progressbar(length=max(total, 1), label=f"{phase:<11}", file=sys.stderr)
                self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.bar.pos)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.length - self.bar.pos)
            self.bar.__exit__(None, None, None)
            self.bar = None
        if self.phase and self.timings:
            detail(f"{self.phase}: {time.monotonic() - self.started:.2f} s")
        self.phase = None

    @classmethod
    def maybe(cls) -> Progress | None:
        bars, timings = sys.stderr.isatty() and verbosity() >= 0, verbosity() > 0
        return cls(bars, timings) if bars or timings else None


__all__ = ["DEFAULT_YEARS", "Progress", "detail", "error", "flush_heading", "heading", "load_body_file", "options_from",
           "plural", "redact", "run_action", "run_secrets", "say", "source_options", "verbosity", "window_from",
           "window_options", "write_output"]
