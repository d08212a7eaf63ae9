"""convert and verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import EXIT_STRICT, BadInputError, BodyError
from ..platforms import TARGETS
from . import main
from .common import Progress, heading, options_from, plural, run_action, say, window_options, write_output


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
        from ..normalize import UNCHECKED
        from ..pipeline import convert

        if report_path == "-" or (report_path and output and Path(report_path).resolve() == Path(output).resolve()):
            raise BadInputError("--report needs a file of its own (stdout carries the body)")
        progress = Progress.maybe()
        options = options_from(kwargs, name=name, open_ended=open_ended, max_entries=max_entries,
                               progress=progress)
        heading(f"window {options.window}")
        try:
            result = convert(list(sources), target, options)
        finally:
            if progress:
                progress.finish()
        for message in result.messages:
            say(message)
        for outcome in result.report.outcomes.values():
            item = outcome.item
            for line in [*item.repairs, *item.dropped, *(r for r in outcome.reasons if UNCHECKED in r)]:
                say(f"{item.source}: {item.name!r}: {line}")
            if outcome.status in ("skipped", "cancelled") or item.approximated:
                reason = item.skipped or ("cancelled: not active" if outcome.status == "cancelled"
                                          else "; ".join(n for n in item.notes if n.startswith("approximated")))
                say(f"{item.source}: {item.name!r}: {reason}")
        if report_path:
            write_output(result.report.as_json(), report_path)
        write_output(result.body, output)
        count = len(result.target.entries(result.body))
        say(f"wrote {plural(count, result.target.NAME + ' entry', result.target.NAME + ' entries')}; verified "
            f"over {options.window}")
        if count == 0:
            say(f"warning: the body is empty: {empty_because(result.report, str(options.window))}")
        elif result.last_day:
            say(f"the body is active on no day after {result.last_day}: convert again before then if the "
                "sources go on")
        if strict and (result.report.lossy or count == 0 or result.report.incomplete):
            lossy = len(result.report.lossy)
            say("--strict: exit 3: " + ("the body is empty" if count == 0 else
                                        "a source lacks data in the window" if not lossy else
                                        f"{plural(lossy, 'item')} approximated, skipped or with occurrences "
                                        "dropped (above, and in --report)"))
            return EXIT_STRICT
        return 0

    run_action(action)


@main.command("verify")
@click.argument("body_path", metavar="BODY")
@click.argument("sources", nargs=-1, required=True)
@click.option("--to", "target", type=click.Choice(sorted(TARGETS), case_sensitive=False),
              help="The body's platform (default: told by its shape).")
@window_options
@click.option("--window-from", "report_path", metavar="REPORT.json",
              help="Take the window (and time zone) from a report written by convert --report.")
def verify_command(body_path: str, sources: tuple[str, ...], target: str | None, report_path: str | None,
                   **kwargs: Any) -> None:
    """Check that BODY (a .json body, or an .ics written by --to ics) is active exactly when SOURCES are.

    \b
    Examples:
      pbxcal verify body.json holidays:US-CA --years 2026-2028
      pbxcal verify body.json closures.ics --window-from report.json
    """

    def action() -> int:
        from ..pipeline import verify
        from ..readers.ics import decode, load_bytes
        from ..readers.platform import is_holiday_list

        if report_path:
            kwargs.update(window_of_report(report_path, kwargs))
        options = options_from(kwargs)
        text = decode(load_bytes(body_path, options.read.max_bytes))
        try:
            body = text if "BEGIN:VCALENDAR" in text[:2000].upper() else json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInputError(f"neither a JSON body nor an iCalendar file ({error.msg})", path=body_path,
                                line=error.lineno) from None
        if not isinstance(body, dict | str) and not is_holiday_list(body):
            raise BadInputError("the body must be a JSON object, a JSON list of 3CX holidays or an iCalendar file",
                                path=body_path)
        try:
            schedule = verify(body, list(sources), options, target)
        except BodyError as problem:
            problem.path = problem.path or body_path
            raise
        rounded = [item for item in schedule.items if item.approximated]
        for item in rounded:
            say(f"{item.source}: {item.name!r}: {'; '.join(item.notes)}")
        if rounded:
            say(f"verified only after rounding the sources to the body's clock (above): {body_path}")
            return EXIT_STRICT
        say(f"verified: {body_path} matches the sources over {options.window}")
        return 0

    run_action(action)



def window_of_report(path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """--from, --until and (unless given) --timezone from a convert report, so a later check compares the same
    window."""
    from ..files import load_json

    if kwargs["first"] or kwargs["until"] or kwargs["years"]:
        raise BadInputError("--window-from cannot be combined with --from, --until or --years")
    report = load_json(path)
    window = report.get("window") if isinstance(report, dict) else None
    if not (isinstance(window, dict) and isinstance(window.get("from"), str) and isinstance(window.get("until"),
                                                                                            str)):
        raise BadInputError("not a pbxcal report with a window (convert --report writes one)", path=path)
    recorded = report.get("timezone")
    zone = kwargs["zone"] or (recorded if isinstance(recorded, str) else None)
    return {"first": window["from"], "until": window["until"], "zone": zone}


def empty_because(report: Any, window: str) -> str:
    """Why a body has no entries: items outside the window, items skipped, or no items at all."""
    outside = report.outside()
    skipped = sum(o.status == "skipped" for o in report.outcomes.values())
    reasons = []
    if outside:
        reasons.append(f"{plural(outside, 'item')} of the sources fell outside the window {window} "
                       "(--from/--until/--years choose another)")
    if skipped:
        reasons.append(f"{plural(skipped, 'item')} could not be read (above)")
    return "; ".join(reasons) or "the sources hold nothing active"
