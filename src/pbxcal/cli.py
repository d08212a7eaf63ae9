"""The command line: a thin layer that turns options into pbxcal.convert() and pbxcal.verify() calls."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from . import __version__
from .clients import get_client
from .convert import Options, convert, load, verify
from .describe import describe
from .errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_STRICT, BadInputError, PbxcalError
from .holiday_api import load_rows
from .model import Window
from .preview import year_view
from .readers import ReadOptions
from .targets import TARGETS, detect_target, get_target
from .upload import download, load_backup, restore, upload
from .zones import check_zone

DEFAULT_YEARS = 3
FIRST_YEAR, LAST_YEAR = 1900, 2200  # far enough for any schedule; keeps date arithmetic away from year 9999
YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def _say(message: str) -> None:
    click.echo(f"pbxcal: {message}", err=True)


def window_from(first: str | None, until: str | None, years: str | None, today: date | None = None) -> Window:
    """The window from --from/--until/--years; by default 1 January of this year, for three years."""
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
    try:
        start = date.fromisoformat(first) if first else date((today or date.today()).year, 1, 1)
        end = date.fromisoformat(until) if until else date(start.year + DEFAULT_YEARS, start.month, 1 if (
            start.month, start.day) == (2, 29) else start.day)
    except (ValueError, OverflowError) as error:
        raise BadInputError(f"dates are YYYY-MM-DD: {error}") from None
    if end <= start:
        raise BadInputError(f"--until {end} is not after --from {start}")
    if not (start.year >= FIRST_YEAR and end.year <= LAST_YEAR + 1):
        raise BadInputError(f"the window must lie within {FIRST_YEAR}-{LAST_YEAR}")
    return Window(start, end)


def window_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options convert and verify share: window, zone, holiday choices and limits."""
    decorators = [
        click.option("--from", "first", metavar="YYYY-MM-DD",
                     help="Window start, inclusive (default: 1 January this year)."),
        click.option("--until", metavar="YYYY-MM-DD", help="Window end, exclusive (default: three years on)."),
        click.option("--years", metavar="YYYY[-YYYY]", help="Whole years, e.g. 2026-2028 (instead of --from/--until)."),
        click.option("--timezone", "zone", metavar="IANA", help="The PBX's wall clock (default: the calendar's own)."),
        click.option("--assume-timezone", metavar="IANA",
                     help="Read TZIDs that are neither defined in the file nor known as this zone."),
        click.option("--categories", default="", help="Holiday categories, comma-separated (default: public)."),
        click.option("--language", help="Holiday name language, e.g. en_US (default: en_US where available)."),
        click.option("--no-observed", is_flag=True, help="Leave out observed (shifted) holidays."),
        click.option("--max-bytes", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True,
                     help="Refuse input files larger than this."),
        click.option("--max-occurrences", type=click.IntRange(1), default=200_000, show_default=True,
                     help="Refuse calendars expanding to more occurrences in the window."),
        click.option("--holiday-data", metavar="FILE",
                     help="Saved NetSapiens Holiday API rows (pbxcal download --holidays): with them, NetSapiens "
                          "bodies use holiday entries where a row matches exactly."),
        click.option("--holiday-region", default="", help="The region those rows were fetched for, e.g. US-CA."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _load_body(path: str, max_bytes: int) -> Any:
    from .readers.platform import load_body

    return load_body(path, max_bytes)


def _options(kwargs: dict[str, Any], **extra: Any) -> Options:
    """The library's options from the shared command-line options."""
    read = ReadOptions(
        categories=tuple(c.strip() for c in kwargs["categories"].split(",") if c.strip()),
        language=kwargs["language"],
        observed=not kwargs["no_observed"],
        max_bytes=kwargs["max_bytes"],
        max_occurrences=kwargs["max_occurrences"],
        assume_timezone=kwargs["assume_timezone"] and check_zone(kwargs["assume_timezone"]),
    )
    window = window_from(kwargs["first"], kwargs["until"], kwargs["years"])
    rows = load_rows(kwargs["holiday_data"], kwargs["holiday_region"]) if kwargs.get("holiday_data") else None
    return Options(window=window, zone=kwargs["zone"], read=read, holiday_rows=rows, **extra)


def _run(action: Callable[[], int]) -> None:
    """Run a command; errors become one line on stderr and a documented exit status, never a traceback."""
    try:
        status = action()
    except BrokenPipeError:  # the reader of our output went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FAILED)
    except PbxcalError as error:
        _say(f"error: {error}")
        sys.exit(error.exit_status)
    except Exception as error:  # a bug: still one line, with the traceback only on request
        if os.environ.get("PBXCAL_DEBUG"):
            raise
        _say(f"internal error: {type(error).__name__}: {error} (set PBXCAL_DEBUG=1 for details)")
        sys.exit(EXIT_FAILED)
    sys.exit(status)


def _write_json(data: Any, path: str | None) -> None:
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
    """A progress bar on stderr while bodies are written, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="writing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)
        if done == total:
            self.bar.__exit__(None, None, None)

    @classmethod
    def maybe(cls) -> Progress | None:
        return cls() if sys.stderr.isatty() else None


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


@main.command("convert")
@click.argument("sources", nargs=-1, required=True)
@click.option("--to", "target", required=True, type=click.Choice(sorted(TARGETS), case_sensitive=False),
              help="The platform to write for.")
@window_options
@click.option("--name", help="Timeframe / interval name (default: the calendar's name).")
@click.option("--open-ended", is_flag=True, help="Let inferred yearly rules that held all of a 3+ year window recur.")
@click.option("--max-entries", type=click.IntRange(1), default=5000, show_default=True,
              help="Refuse to write more entries than this.")
@click.option("-o", "--output", metavar="FILE", help="Write the body here instead of stdout.")
@click.option("--report", "report_path", metavar="FILE", help="Write a JSON report of every source item.")
@click.option("--strict", is_flag=True, help="Exit 3 when anything was approximated or skipped.")
def convert_command(sources: tuple[str, ...], target: str, output: str | None, report_path: str | None,
                    strict: bool, name: str | None, open_ended: bool, max_entries: int, **kwargs: Any) -> None:
    """Convert SOURCES (.ics files, '-', URLs, holidays:CC[-SUB]) into one verified request body.

    \b
    Example:
      pbxcal convert closures.ics holidays:US-CA --years 2026-2028 --to netsapiens --timezone America/Los_Angeles
    """

    def action() -> int:
        if report_path == "-" or (report_path and output and Path(report_path).resolve() == Path(output).resolve()):
            raise BadInputError("--report needs a file of its own (stdout carries the body)")
        options = _options(kwargs, name=name, open_ended=open_ended, max_entries=max_entries,
                           progress=Progress.maybe())
        result = convert(list(sources), target, options)
        for message in result.messages:
            _say(message)
        for outcome in result.report.outcomes.values():
            if outcome.status in ("skipped", "cancelled") or outcome.item.approximated:
                reason = outcome.item.skipped or ("cancelled: not active" if outcome.status == "cancelled"
                                                  else "; ".join(outcome.item.notes))
                _say(f"{outcome.item.source}: {outcome.item.name!r}: {reason}")
        if report_path:
            _write_json(result.report.as_json(), report_path)
        _write_json(result.body, output)
        count = len(result.target.entries(result.body))
        _say(f"wrote {count} {result.target.NAME} entries; verified over {options.window}")
        return EXIT_STRICT if strict and result.report.lossy else 0

    _run(action)


@main.command("verify")
@click.argument("body_path", metavar="BODY")
@click.argument("sources", nargs=-1, required=True)
@click.option("--to", "target", type=click.Choice(sorted(TARGETS), case_sensitive=False),
              help="The body's platform (default: told by its shape).")
@window_options
def verify_command(body_path: str, sources: tuple[str, ...], target: str | None, **kwargs: Any) -> None:
    """Check that BODY (a .json body, or an .ics written by --to ics) is active exactly when SOURCES are.

    \b
    Example:
      pbxcal verify body.json holidays:US-CA --years 2026-2028
    """

    def action() -> int:
        from .readers.ics import decode, load_bytes

        options = _options(kwargs)
        text = decode(load_bytes(body_path, options.read.max_bytes))
        try:
            body = text if "BEGIN:VCALENDAR" in text[:2000].upper() else json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInputError(f"not JSON: {error.msg}", path=body_path, line=error.lineno) from None
        if not isinstance(body, dict | str):
            raise BadInputError("the body must be a JSON object or an iCalendar file", path=body_path)
        schedule = verify(body, list(sources), options, target)
        rounded = [item for item in schedule.items if item.approximated]
        for item in rounded:
            _say(f"{item.source}: {item.name!r}: {'; '.join(item.notes)}")
        if rounded:
            _say(f"verified only after rounding the sources to the body's clock (above): {body_path}")
            return EXIT_STRICT
        _say(f"verified: {body_path} matches the sources over {options.window}")
        return 0

    _run(action)


def _use_colour(choice: bool | None) -> bool:
    if choice is False or os.environ.get("NO_COLOR"):
        return False
    return bool(choice) or sys.stdout.isatty()


@main.command("preview")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--year", type=int, help="The year to show (default: this year).")
@click.option("--timezone", "zone", metavar="IANA", help="The PBX's wall clock (default: the calendar's own).")
@click.option("--categories", default="", help="Holiday categories, comma-separated (default: public).")
@click.option("--language", help="Holiday name language, e.g. en_US.")
@click.option("--no-observed", is_flag=True, help="Leave out observed (shifted) holidays.")
@click.option("--assume-timezone", metavar="IANA", help="Read unknown TZIDs as this zone.")
@click.option("--color/--no-color", "colour", default=None, help="Colour the grid (default: when a terminal).")
def preview_command(inputs: tuple[str, ...], year: int | None, colour: bool | None, **kwargs: Any) -> None:
    """Show a year at a glance for a BODY.json or for SOURCES, and each entry in plain words.

    \b
    Examples:
      pbxcal preview holidays:US-CA --year 2027
      pbxcal preview body.json --year 2027
    """

    def action() -> int:
        shown = year or date.today().year
        # Rules are read over a few years around the one shown, so yearly rules show as rules.
        flags = {**kwargs, "first": None, "until": None, "years": f"{shown - 1}-{shown + 2}",
                 "max_bytes": 50 * 1024 * 1024, "max_occurrences": 200_000, "holiday_data": None}
        options = _options(flags)
        spans, lines = preview_data(list(inputs), options, shown)
        use = _use_colour(colour)
        click.echo(year_view(spans, shown, colour=use), nl=False, color=use)
        click.echo("\n".join(lines))
        return 0

    _run(action)


def preview_data(inputs: list[str], options: Options, year: int) -> tuple[list[Any], list[str]]:
    """Active spans and plain-language lines for entries active in `year`, from one body or from sources."""
    shown = Window(date(year, 1, 1), date(year + 1, 1, 1))
    if len(inputs) == 1 and inputs[0].lower().endswith(".json"):
        body = _load_body(inputs[0], options.read.max_bytes)
        target = detect_target(body)
        if target is None:
            raise BadInputError("JSON is neither a NetSapiens timeframe nor a Telphin interval", path=inputs[0])
        entries = target.entries(body)
        return target.spans(entries, shown), [f"- {target.describe(e)}" for e in entries]
    schedule, messages = load(inputs, get_target("telphin"), options)
    for message in messages:
        _say(message)
    lines = [f"- {s.name}: {describe(s)}" for s in schedule.series if s.spans(shown.span)]
    return schedule.active(), lines


@main.command("countries")
@click.argument("code", required=False)
def countries_command(code: str | None) -> None:
    """List the supported countries, or one country's subdivisions, categories and languages.

    \b
    Examples:
      pbxcal countries
      pbxcal countries DE
    """

    def action() -> int:
        from .readers.holidays import countries, country_info

        if code is None:
            for country, name, subdivisions in countries():
                click.echo(f"{country}  {name}" + (f" ({subdivisions} subdivisions)" if subdivisions else ""))
            return 0
        info = country_info(code)
        click.echo(f"{info['code']}  {info['name']}")
        click.echo(f"categories: {', '.join(info['categories'])}")
        click.echo(f"languages: {', '.join(info['languages']) or 'English only'}")
        subdivisions = info["subdivisions"]
        click.echo(f"subdivisions ({len(subdivisions)}; use holidays:{info['code']}-CODE):")
        for sub_code, sub_name in subdivisions.items():
            click.echo(f"  {sub_code}  {sub_name}".rstrip())
        return 0

    _run(action)


def remote_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Where a platform is: server and domain/user (NetSapiens) or client id (Telphin), and how to talk to it."""
    decorators = [
        click.option("--server", required=True, metavar="https://HOST", help="The platform's API host."),
        click.option("--domain", default="~", show_default=True, help="NetSapiens domain (~: the token's own)."),
        click.option("--user", help="NetSapiens user, for a user timeframe (default: a domain timeframe)."),
        click.option("--client-id", default="@me", show_default=True, help="Telphin client id."),
        click.option("--token-file", type=click.Path(dir_okay=False), help="A file holding a bearer token or key."),
        click.option("--retries", type=click.IntRange(0), default=4, show_default=True,
                     help="Retries on 429, 5xx and timeouts, with backoff."),
        click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
                     help="Seconds to wait for each answer."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _connect(target: str, kwargs: dict[str, Any], dry_run: bool = False) -> Any:
    from .clients.http import ConnectOptions  # httpx loads only for the commands that talk to a platform

    options = ConnectOptions(server=kwargs["server"], domain=kwargs["domain"], user=kwargs["user"],
                             client_id=kwargs["client_id"], token_file=kwargs["token_file"],
                             environ=dict(os.environ), dry_run=dry_run, retries=kwargs["retries"],
                             timeout=kwargs["timeout"], say=lambda text: click.echo(text, err=True))
    remote = get_client(target).connect(options)
    remote.authenticate()  # a dry run still reads, to tell create from replace from unchanged
    return remote


@main.command("upload")
@click.argument("body_path", metavar="BODY.json", required=False)
@click.option("--to", "target", type=click.Choice(["netsapiens", "telphin"]),
              help="The platform (default: told by the body's shape, or the backup's).")
@remote_options
@click.option("--restore", "backup", metavar="BACKUP.json", help="Put a backed-up object back instead.")
@click.option("--backup-dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where backups of replaced objects go.")
@click.option("--dry-run", is_flag=True,
              help="Read what is there, print each changing request (method, URL, body), send none of them.")
def upload_command(body_path: str | None, target: str | None, backup: str | None, backup_dir: str, dry_run: bool,
                   **kwargs: Any) -> None:
    """Upload BODY.json by name: create it, replace it (after a backup) or leave it unchanged.

    Credentials come from the environment (NS_API_KEY, or NS_CLIENT_ID, NS_CLIENT_SECRET, NS_USERNAME and
    NS_PASSWORD; TELPHIN_CLIENT_ID and TELPHIN_CLIENT_SECRET) or --token-file, never from the command line.

    \b
    Examples:
      pbxcal upload closures.json --server https://pbx.example.com --domain example.com
      pbxcal upload --restore pbxcal-backup-netsapiens-Closures-20261123T101010Z.json --server https://pbx.example.com
    """

    def action() -> int:
        if (body_path is None) == (backup is None):
            raise BadInputError("give either BODY.json or --restore BACKUP.json")
        if backup:
            record = load_backup(backup)
            location = record["location"]
            name = target or location["platform"]
            merged = {**kwargs, "domain": location.get("domain", kwargs["domain"]),
                      "user": location.get("user", kwargs["user"]),
                      "client_id": location.get("client_id", kwargs["client_id"])}
            remote = _connect(name, merged, dry_run)
            outcome = restore(remote, record, Path(backup_dir))
        else:
            body = _load_body(body_path, 50 * 1024 * 1024)
            module = get_target(target) if target else detect_target(body)
            if module is None:
                raise BadInputError("the body is neither a NetSapiens timeframe nor a Telphin interval; pass --to")
            remote = _connect(module.NAME, kwargs, dry_run)
            outcome = upload(remote, body, Path(backup_dir))
        _say(f"{outcome.action}: {outcome.name!r} on {remote.label}")
        if outcome.backup:
            _say(f"backup of the previous version: {outcome.backup} (pbxcal upload --restore {outcome.backup})")
        return 0

    _run(action)


@main.command("download")
@click.option("--platform", "target", required=True, type=click.Choice(["netsapiens", "telphin"]),
              help="The platform to read from.")
@remote_options
@click.option("--name", help="The timeframe / interval name (default: all of them, as a list).")
@click.option("--holidays", "holiday_code", metavar="CC[-REGION]",
              help="NetSapiens only: save Holiday API rows for this country or region instead (use with --years).")
@click.option("--years", metavar="YYYY[-YYYY]", help="The years of Holiday API rows to fetch.")
@click.option("-o", "--output", metavar="FILE", help="Write the JSON here instead of stdout.")
def download_command(target: str, name: str | None, holiday_code: str | None, years: str | None,
                     output: str | None, **kwargs: Any) -> None:
    """Write what the platform holds: one timeframe or interval by name, all of them, or Holiday API rows.

    \b
    Examples:
      pbxcal download --platform netsapiens --server https://pbx.example.com --domain example.com --name Closures
      pbxcal download --platform netsapiens --server https://pbx.example.com --holidays US-CA --years 2026-2028
    """

    def action() -> int:
        remote = _connect(target, kwargs)
        if holiday_code:
            if target != "netsapiens":
                raise BadInputError("--holidays reads the NetSapiens Holiday API only")
            window = window_from(None, None, years or None)
            span = range(window.first.year, (window.until - timedelta(days=1)).year + 1)
            _write_json(get_client(target).holidays(remote, holiday_code, span), output)
            return 0
        _write_json(download(remote, name), output)
        return 0

    _run(action)


__all__ = ["EXIT_BAD_INPUT", "main", "window_from"]


if __name__ == "__main__":
    main()
