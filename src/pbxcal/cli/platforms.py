"""upload and download: talking to the platforms."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from ..clients import get_client
from ..errors import BadInputError
from ..targets import detect_target, get_target
from ..upload import download, load_backup, restore, upload
from . import main
from .common import load_body_file, run_action, say, window_from, write_output


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
    from ..clients.http import ConnectOptions  # httpx loads only for the commands that talk to a platform

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
            body = load_body_file(body_path, 50 * 1024 * 1024)
            module = get_target(target) if target else detect_target(body)
            if module is None:
                raise BadInputError("the body is neither a NetSapiens timeframe nor a Telphin interval; pass --to")
            remote = _connect(module.NAME, kwargs, dry_run)
            outcome = upload(remote, body, Path(backup_dir))
        say(f"{outcome.action}: {outcome.name!r} on {remote.label}")
        if outcome.backup:
            say(f"backup of the previous version: {outcome.backup} (pbxcal upload --restore {outcome.backup})")
        return 0

    run_action(action)


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
            write_output(get_client(target).holidays(remote, holiday_code, span), output)
            return 0
        write_output(download(remote, name), output)
        return 0

    run_action(action)
