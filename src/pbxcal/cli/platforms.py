"""upload and download: talking to the platforms."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..errors import BadInputError
from ..platforms import (
    BODIES,
    CLIENT_CHOICES,
    PLACE_OPTIONS,
    PLATFORMS,
    detect_target,
    get_client,
    get_target,
    platform,
)
from ..upload import download, load_backup, restore, upload
from . import main
from .common import load_body_file, run_action, run_secrets, say, window_from, write_output


def remote_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Where a platform is: server and domain/user (NetSapiens) or client id (Telphin), and how to talk to it."""
    decorators = [
        click.option("--server", metavar="https://HOST", help="The platform's API host (required, but for "
                     "upload --restore: the backup's; Webex: https://webexapis.com)."),
        click.option("--domain", default="~", show_default=True, help="NetSapiens domain (~: the token's own)."),
        click.option("--user", help="NetSapiens user, for a user timeframe (default: a domain timeframe)."),
        click.option("--client-id", default="@me", show_default=True, help="Telphin client id."),
        click.option("--account", help="Kazoo account id, for a reseller's sub-account (default: the credentials' "
                     "own)."),
        click.option("--location", help="Webex Calling location, by name or id (required for Webex)."),
        click.option("--org", help="Webex: the customer organisation's id, for a partner administrator (orgId)."),
        click.option("--token-file", type=click.Path(dir_okay=False), help="A file holding a bearer token or key."),
        click.option("--retries", type=click.IntRange(0), default=4, show_default=True,
                     help="Retries on 429, 5xx, timeouts and dropped connections, with backoff (an upload's create "
                          "is sent again only after reading back that it did not land)."),
        click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
                     help="Seconds to wait for each whole answer."),
        click.option("--max-answer-bytes", type=click.IntRange(1), default=20 * 1024 * 1024, show_default=True,
                     help="Refuse answers larger than this."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _connect(target: str, kwargs: dict[str, Any], dry_run: bool = False, body: dict[str, Any] | None = None,
             body_path: str | None = None, restoring: bool = False) -> Any:
    """A client for the platform, its server, credentials and the body to send checked (exit 2) before the first
    request."""
    from ..platforms.http import ConnectOptions  # httpx loads only for the commands that talk to a platform

    client = get_client(target)
    server = kwargs.get("server") or getattr(client, "DEFAULT_SERVER", None)
    if not server:
        raise BadInputError("--server is required (the platform's API host, e.g. https://pbx.example.com)")
    options = ConnectOptions(server=server, domain=kwargs["domain"], user=kwargs["user"],
                             client_id=kwargs["client_id"], account=kwargs.get("account"),
                             location=kwargs.get("location"), org=kwargs.get("org"),
                             allow_zone_mismatch=kwargs.get("allow_zone_mismatch", False),
                             token_file=kwargs["token_file"],
                             environ=dict(os.environ), dry_run=dry_run, retries=kwargs["retries"],
                             timeout=kwargs["timeout"], max_answer_bytes=kwargs["max_answer_bytes"],
                             say=say, secrets=run_secrets())
    remote = client.connect(options)
    remote.check()
    if body is not None:
        try:
            if not remote.name_of(body):
                raise BadInputError(f"the body has no name ({remote.NAME_FIELD}) to find it by")
            (remote.check_backup if restoring else remote.check_body)(body)
        except BadInputError as problem:
            raise BadInputError(problem.reason, path=body_path) from None
    remote.authenticate()  # a dry run still reads, to tell create from replace from unchanged
    return remote


LOCATION_OPTIONS = ("server", "domain", "user", "client_id", "account", "location", "org")


def _refuse_unused(name: str, kwargs: dict[str, Any]) -> None:
    """An option naming a place on another platform (--account for NetSapiens) would be silently ignored: refuse."""
    context = click.get_current_context()
    uses = platform(name).uses
    for key in PLACE_OPTIONS:
        if (key not in uses and kwargs.get(key) is not None
                and context.get_parameter_source(key) is not ParameterSource.DEFAULT):
            users = [p.name for p in PLATFORMS if key in p.uses]
            raise BadInputError(f"--{key.replace('_', '-')} is for {' and '.join(users)}, not {name}: leave it out")


def _restore_location(record: dict[str, Any], kwargs: dict[str, Any], elsewhere: bool) -> dict[str, Any]:
    """Where a backup goes back to: where it was saved from. Naming another place needs --restore-elsewhere."""
    location = record["location"]
    context = click.get_current_context()
    given = {k: kwargs[k] for k in LOCATION_OPTIONS
             if context.get_parameter_source(k) is not ParameterSource.DEFAULT and kwargs[k] is not None}
    saved = {k: location.get(k) for k in LOCATION_OPTIONS if k in location}
    differs = [k for k, v in given.items() if k in saved and _normal(k, v) != _normal(k, saved[k])]
    if differs and not elsewhere:
        shown = ", ".join(f"--{k.replace('_', '-')} {given[k]} (the backup's: {saved[k]})" for k in differs)
        raise BadInputError(f"the backup was saved from another place: {shown}; pass --restore-elsewhere to put "
                            "it there anyway")
    return {**kwargs, **saved, **given}


def _normal(key: str, value: Any) -> Any:
    return str(value).rstrip("/").lower() if key == "server" and value else value


@main.command("upload")
@click.argument("body_path", metavar="BODY.json", required=False)
@click.option("--to", "target", type=click.Choice(CLIENT_CHOICES, case_sensitive=False),
              help="The platform (default: told by the body's shape, or the backup's).")
@remote_options
@click.option("--restore", "backup", metavar="BACKUP.json", help="Put a backed-up object back instead.")
@click.option("--restore-elsewhere", is_flag=True,
              help="With --restore: allow a --server, --domain, --user, --client-id or --account other than the "
                   "backup's.")
@click.option("--allow-empty", is_flag=True, help="Let a body without entries replace one that has some.")
@click.option("--allow-zone-mismatch", is_flag=True,
              help="Upload even when the platform's time zone (a Kazoo account's, a Webex location's) is not the "
                   "body's.")
@click.option("--backup-dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where backups of replaced objects go.")
@click.option("--dry-run", is_flag=True,
              help="Read what is there, print each changing request (method, URL, body), send none of them.")
def upload_command(body_path: str | None, target: str | None, backup: str | None, restore_elsewhere: bool,
                   allow_empty: bool, backup_dir: str, dry_run: bool, **kwargs: Any) -> None:
    """Upload BODY.json by name: create it, replace it in place (after a backup) or leave it unchanged.

    Credentials come from the environment (NS_API_KEY, or NS_CLIENT_ID, NS_CLIENT_SECRET, NS_USERNAME and
    NS_PASSWORD; TELPHIN_CLIENT_ID and TELPHIN_CLIENT_SECRET; THREECX_CLIENT_ID and THREECX_CLIENT_SECRET;
    KAZOO_API_KEY, or KAZOO_USERNAME, KAZOO_PASSWORD and KAZOO_ACCOUNT_NAME or KAZOO_ACCOUNT_REALM; WEBEX_TOKEN) or
    --token-file, never from the command line.

    \b
    Examples:
      pbxcal upload closures.json --server https://pbx.example.com --domain example.com
      pbxcal upload --restore pbxcal-backup-netsapiens-Closures-20261123T101010Z.json
    """

    def action() -> int:
        chosen = platform(target).name if target else None
        if (body_path is None) == (backup is None):
            raise BadInputError("give either BODY.json or --restore BACKUP.json")
        if restore_elsewhere and not backup:
            raise BadInputError("--restore-elsewhere goes with --restore")
        if backup:
            record = load_backup(backup)
            name = record["location"]["platform"]
            if chosen and chosen != name:
                raise BadInputError(f"the backup holds a {name} object; it cannot be restored to {chosen}",
                                    path=backup)
            _refuse_unused(name, kwargs)
            remote = _connect(name, _restore_location(record, kwargs, restore_elsewhere), dry_run, record["saved"],
                              backup, restoring=True)
            outcome = restore(remote, record, Path(backup_dir), allow_empty)
        else:
            body = load_body_file(body_path, 50 * 1024 * 1024)
            if not isinstance(body, dict):
                raise BadInputError("a list of holidays has no name to upload it by: download one body with "
                                    "--name NAME and upload that", path=body_path)
            module = get_target(chosen) if chosen else detect_target(body)
            if module is None:
                raise BadInputError(f"the body is none of {BODIES}; pass --to",
                                    path=body_path)
            _refuse_unused(module.NAME, kwargs)
            remote = _connect(module.NAME, kwargs, dry_run, body, body_path)
            outcome = upload(remote, body, Path(backup_dir), allow_empty)
        say(f"{outcome.action}: {outcome.name!r} on {remote.label}")
        if outcome.action == "created" and getattr(remote, "CREATED_NOTE", None):
            say(remote.CREATED_NOTE)
        if outcome.backup:
            say(f"backup of the previous version: {outcome.backup} (pbxcal upload --restore {outcome.backup})")
        return 0

    run_action(action)


@main.command("download")
@click.option("--platform", "target", required=True, type=click.Choice(CLIENT_CHOICES, case_sensitive=False),
              help="The platform to read from.")
@remote_options
@click.option("--name", help="The timeframe / interval / Webex schedule name, or the 3CX or Kazoo body name (default: "
              "all of them, as a list; Kazoo: every temporal rule).")
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
        chosen = platform(target).name
        _refuse_unused(chosen, kwargs)
        if holiday_code:
            from ..readers.holidays import parse_code

            if chosen != "netsapiens":
                raise BadInputError("--holidays reads the NetSapiens Holiday API only")
            if not years:
                raise BadInputError("--holidays needs --years (which years of rows to save)")
            if name:
                raise BadInputError("--name reads a timeframe; --holidays reads Holiday API rows: give one of them")
            country, region = parse_code(holiday_code)
            window = window_from(None, None, years)
            span = range(window.first.year, (window.until - timedelta(days=1)).year + 1)
            remote = _connect(chosen, kwargs)
            write_output(get_client(chosen).holidays(remote, country + (f"-{region}" if region else ""), span),
                         output)
            return 0
        if years:
            raise BadInputError("--years goes with --holidays")
        remote = _connect(chosen, kwargs)
        write_output(download(remote, name), output)
        return 0

    run_action(action)
