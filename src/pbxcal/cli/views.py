"""preview and countries."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from ..errors import BadInputError
from ..platforms import BODIES, detect_target, get_target
from . import main
from .common import FIRST_YEAR, LAST_YEAR, load_body_file, options_from, run_action, say, source_options

if TYPE_CHECKING:
    from ..pipeline import Options


def _use_colour(choice: bool | None) -> bool:
    """--color / --no-color decide; else NO_COLOR turns colour off, and a terminal turns it on."""
    if choice is not None:
        return choice
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


@main.command("preview")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--year", type=int, help="The year to show (default: this year).")
@source_options
@click.option("--color/--no-color", "colour", default=None, help="Colour the grid (default: when a terminal).")
def preview_command(inputs: tuple[str, ...], year: int | None, colour: bool | None, **kwargs: Any) -> None:
    """Show a year at a glance for a BODY.json or for SOURCES, and each entry in plain words.

    \b
    Examples:
      pbxcal preview holidays:US-CA --year 2027
      pbxcal preview body.json --year 2027
    """

    def action() -> int:
        from ..platforms.netsapiens.holiday_api import ROWS
        from ..preview import year_view

        shown = year or date.today().year
        if not FIRST_YEAR < shown < LAST_YEAR:
            raise BadInputError(f"--year {shown}: must lie within {FIRST_YEAR + 1}-{LAST_YEAR - 1}")
        # Rules are read over a few years around the one shown, so yearly rules show as rules.
        flags = {**kwargs, "first": None, "until": None, "years": f"{shown - 1}-{shown + 2}",
                 "max_bytes": 50 * 1024 * 1024, "max_occurrences": 200_000, "max_total_occurrences": 10_000_000}
        options = options_from(flags)
        token = ROWS.set(options.holiday_rows)
        try:
            spans, lines = preview_data(list(inputs), options, shown)
        finally:
            ROWS.reset(token)
        use = _use_colour(colour)
        click.echo(year_view(spans, shown, colour=use), nl=False, color=use)
        click.echo("\n".join(lines))
        return 0

    run_action(action)


def preview_data(inputs: list[str], options: Options, year: int) -> tuple[list[Any], list[str]]:
    """Active spans and plain-language lines for entries active in `year`, from one body or from sources."""
    from ..describe import describe
    from ..model import Window
    from ..pipeline import last_day, load, reader
    from ..zones import check_zone

    shown = Window(date(year, 1, 1), date(year + 1, 1, 1))
    if len(inputs) == 1 and inputs[0].lower().endswith(".json"):
        body = load_body_file(inputs[0], options.read.max_bytes)
        target = detect_target(body)
        if target is None:
            raise BadInputError(f"JSON is none of {BODIES}", path=inputs[0])
        read = reader(target, body, options.zone and check_zone(options.zone))
        try:
            entries = read(body)
        except BadInputError as error:  # the body's, not the command line's: say which file
            raise type(error)(error.reason, path=error.path or inputs[0], line=error.line) from None
        lines = [f"- {target.describe(e)}" for e in entries]
        ahead = Window(shown.first, date(year + 10, 1, 1))
        ends = last_day(body, target, ahead, read=read)
        if ends:
            lines.append(f"the body is active on no day after {ends}: convert again before then if the sources "
                         "go on")
        return target.spans(entries, shown), lines
    schedule, messages = load(inputs, get_target("telphin"), options)
    for message in messages:
        say(message)
    lines = [f"- {s.name}: {describe(s)}" for s in schedule.series if s.spans(shown.span)]
    return schedule.active(), lines


@main.command("countries")
@click.argument("code", required=False)
def countries_command(code: str | None) -> None:
    """List the supported countries, or one country's subdivisions, categories and languages.

    CODE is an ISO code (DE, DEU) or one the holidays package also accepts (UK), or CC-SUB for one subdivision.

    \b
    Examples:
      pbxcal countries
      pbxcal countries DE
      pbxcal countries US-CA
    """

    def action() -> int:
        from ..readers.holidays import countries, country_info

        if code is None:
            for country, name, subdivisions in countries():
                click.echo(f"{country}  {name}" + (f" ({subdivisions} subdivisions)" if subdivisions else ""))
            return 0
        info = country_info(code)
        subdivisions = info["subdivisions"]
        if info["subdivision"]:
            sub = str(info["subdivision"])
            click.echo(f"{info['code']}-{sub}  {subdivisions.get(sub) or sub}, {info['name']} "
                       f"(use holidays:{info['code']}-{sub})")
            click.echo(f"categories: {', '.join(info['categories'])}")
            return 0
        click.echo(f"{info['code']}  {info['name']}")
        click.echo(f"categories: {', '.join(info['categories'])}")
        click.echo(f"languages: {', '.join(info['languages']) or 'English only'}")
        click.echo(f"subdivisions ({len(subdivisions)}; use holidays:{info['code']}-CODE):")
        for sub_code, sub_name in subdivisions.items():
            click.echo(f"  {sub_code}  {sub_name}".rstrip())
        return 0

    run_action(action)

