"""Upload a body idempotently by name, keeping a backup of what it replaces; restore a backup; download."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import BadInputError, RemoteError
from .files import load_json

BACKUP_KEY = "pbxcal-backup"
BACKUP_VERSION = 1


@dataclass
class Outcome:
    """What an upload did: 'created', 'replaced', 'unchanged' or (dry run) 'would create' / 'would replace'."""

    action: str
    name: str
    backup: Path | None = None


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "unnamed"


def save_backup(remote: Any, current: dict[str, Any], folder: Path) -> Path:
    """Write the remote object as it is now, with where it lives, before anything replaces it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    platform = remote.location()["platform"]
    path = folder / f"pbxcal-backup-{platform}-{_slug(remote.name_of(current))}-{stamp}.json"
    record = {BACKUP_KEY: BACKUP_VERSION, "location": remote.location(), "saved": current}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise BadInputError(f"cannot write the backup, so nothing was changed: {error.strerror or error}",
                            path=str(path)) from None
    return path


def upload(remote: Any, body: dict[str, Any], backup_folder: Path) -> Outcome:
    """Create the object when no object has its name; replace it when it differs; say 'unchanged' otherwise."""
    name = remote.name_of(body)
    if not name:
        raise BadInputError("the body has no name (timeframe-name / name) to find it by")
    dry = remote.options.dry_run
    current = remote.find(name)
    if current is None:
        try:
            remote.create(body)
        except RemoteError as error:
            state = ("the platform may or may not hold it now: re-run (uploads are idempotent by name)"
                     if error.unknown else "nothing was created")
            raise RemoteError(f"creating {name!r} failed: {error.reason}; {state}", unknown=error.unknown) from None
        return Outcome("would create" if dry else "created", name)
    if remote.same(current, body):
        return Outcome("unchanged", name)
    backup = None if dry else save_backup(remote, current, backup_folder)
    try:
        remote.replace(current, body)
    except RemoteError as error:
        state = ("the platform may hold either version now" if error.unknown
                 else "the platform still holds the previous version")
        raise RemoteError(f"replacing {name!r} failed: {error.reason}; {state}; the previous version is saved in "
                          f"{backup} (pbxcal upload --restore {backup} puts it back)", unknown=error.unknown) from None
    return Outcome("would replace" if dry else "replaced", name, backup)


def load_backup(path: str) -> dict[str, Any]:
    record = load_json(path)
    if not isinstance(record, dict) or record.get(BACKUP_KEY) != BACKUP_VERSION or "saved" not in record:
        raise BadInputError("not a pbxcal backup file", path=path)
    return record


def restore(remote: Any, record: dict[str, Any], backup_folder: Path) -> Outcome:
    """Put a backed-up object back as it was (itself an upload, so the state it replaces is backed up too)."""
    return upload(remote, record["saved"], backup_folder)


def download(remote: Any, name: str | None) -> Any:
    """One object by name, or all of them."""
    if name is None:
        return remote.list()
    found = remote.find(name)
    if found is None:
        raise RemoteError(f"nothing named {name!r} on {remote.label}")
    return found


__all__ = ["Outcome", "download", "load_backup", "restore", "save_backup", "upload"]
