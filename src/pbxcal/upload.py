"""Upload a body idempotently by name, keeping a backup of what it replaces; restore a backup; download."""

from __future__ import annotations

import json
import re
import time
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


def upload(remote: Any, body: dict[str, Any], backup_folder: Path, allow_empty: bool = False) -> Outcome:
    """Create the object when no object has its name; replace it in place when it differs; else 'unchanged'.
    Any number of runs, retried or at the same time, end with one object per name or a loud exit. An empty body
    replaces a non-empty object only with `allow_empty`."""
    name = remote.name_of(body)
    if not name:
        raise BadInputError("the body has no name (timeframe-name / name) to find it by")
    current = single(remote, name, remote.named(name))
    if current is None:
        if remote.is_empty(body):
            remote.options.say(f"warning: {name!r} is empty: it will be active at no time")
        nothing = remote.absent(name)
        if nothing is not None and remote.same(nothing, body):
            return Outcome("unchanged", name)
        return _create(remote, name, body)
    if remote.same(current, body):
        return Outcome("unchanged", name)
    if remote.is_empty(body) and not remote.is_empty(current) and not allow_empty:
        raise BadInputError(f"the body has no entries and would empty {name!r} on {remote.label}; pass "
                            "--allow-empty if that is meant")
    if remote.options.dry_run:
        remote.replace(current, body)
        return Outcome("would replace", name)
    backup = save_backup(remote, current, backup_folder)
    saved = f"the previous version is saved in {backup} (pbxcal upload --restore {backup} puts it back)"
    # After the first change, whatever goes wrong (server data a client cannot read included) is the platform's
    # (exit 4), said with what it holds and where the backup is.
    try:
        answer = remote.replace(current, body)
    except (RemoteError, BadInputError) as error:
        raise RemoteError(f"replacing {name!r} failed: {error.reason}; {_state(remote, name, body, current)}; "
                          f"{saved}", unknown=getattr(error, "unknown", True)) from None
    try:
        after = _same_id(remote, name, current)
        same = bool(after) and remote.same(after[0], body)
    except (RemoteError, BadInputError) as error:
        raise RemoteError(f"the replace of {name!r} was answered with {answer.describe()}, but reading it back "
                          f"failed ({error.reason}); {saved}", unknown=True) from None
    if not same:
        raise RemoteError(f"the platform answered the replace of {name!r} with {answer.describe()}, but "
                          f"{_state(remote, name, body, current)}; {saved}")
    if not answer.readable and answer.status != 204:
        remote.options.say(f"warning: the replace of {name!r} was answered with {answer.describe()}; read back, "
                           "the platform holds the new version")
    return Outcome("replaced", name, backup)


def single(remote: Any, name: str, found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one object of this name. Copies with equal contents (a create that landed twice, two runs at once) are
    reduced to the one in use, else the lowest id: the rule every run applies, so runs converge. Different
    contents, or more than one copy in use, stop the upload."""
    if len(found) <= 1:
        return found[0] if found else None
    kept, *extra = sorted(found, key=lambda f: (not remote.in_use(f), remote.order(f)))
    ids = ", ".join(remote.id_of(f) for f in sorted(found, key=remote.order))
    if not all(remote.same(kept, other) for other in extra):
        raise RemoteError(f"{len(found)} {remote.KIND}s are named {name!r} with different contents (ids {ids}); "
                          "pbxcal will not guess which to keep: delete all but one")
    used = [remote.id_of(f) for f in found if remote.in_use(f)]
    if len(used) > 1:
        raise RemoteError(f"{len(found)} {remote.KIND}s are named {name!r} (ids {ids}) and rules point at "
                          f"{', '.join(used)}; pbxcal deletes no object in use: point the rules at one of them "
                          "and delete the others")
    for other in extra:
        remote.delete(other)
        done = "would delete" if remote.options.dry_run else "deleted"
        remote.options.say(f"{done} {remote.KIND} {remote.id_of(other)} named {name!r}: a copy of "
                           f"{remote.id_of(kept)} with the same contents")
    return kept


def _create(remote: Any, name: str, body: dict[str, Any]) -> Outcome:
    """Send the create once; whatever the answer, read back by name before anything else, and send it again only
    when its outcome was unknown and nothing of that name is there."""
    if remote.options.dry_run:
        remote.create(body)
        return Outcome("would create", name)
    attempts = remote.options.retries + 1
    for attempt in range(1, attempts + 1):
        answer, problem, unknown, answered = None, None, True, True
        try:
            answer = remote.create(body)
            problem = remote.create_problem(answer)
        except RemoteError as error:
            problem, unknown, answered = error.reason, error.unknown, error.status is not None
        try:  # with no answer at all, the server may still be applying it: look for a while before resending
            found = _listed(remote, name, 0.0 if answered else remote.options.timeout)
        except RemoteError as error:
            raise RemoteError(f"creating {name!r}: {problem or 'sent'}; reading it back failed: {error.reason}; "
                              "the platform may or may not hold it: re-run (uploads are idempotent by name)",
                              unknown=True) from None
        kept = single(remote, name, found)
        if kept is not None:
            return _created(remote, name, body, kept, answer, problem)
        if answer is not None and problem is None:
            raise RemoteError(f"the platform answered the create of {name!r} with {answer.describe()} but lists "
                              "nothing of that name; re-run later (uploads are idempotent by name)")
        if answer is not None and (answer.readable or answer.status == 202):
            raise RemoteError(f"unexpected answer to the create of {name!r}: {problem}; nothing of that name is "
                              "listed (if it was only accepted, it may appear later: re-run to check)")
        if not unknown:
            raise RemoteError(f"creating {name!r} failed: {problem}; {_nothing(remote, name)}")
        if attempt < attempts:
            remote.options.say(f"creating {name!r}: {problem}; nothing of that name is there, sending the create "
                               f"again ({attempt + 1}/{attempts})")
            time.sleep(remote.options.backoff * 2 ** (attempt - 1))
    raise RemoteError(f"creating {name!r} failed: {problem}; read back: {_nothing(remote, name)}")


def _nothing(remote: Any, name: str) -> str:
    """'nothing was created', unless the platform holds parts of the object anyway (say which)."""
    try:
        left = remote.left_behind(name)
    except RemoteError as error:
        return f"nothing of that name is listed (looking for parts of it left behind failed: {error.reason})"
    return left or "nothing was created"


def _listed(remote: Any, name: str, wait: float) -> list[dict[str, Any]]:
    """The objects of this name, looked for again over `wait` seconds while there are none."""
    found = remote.named(name)
    deadline = time.monotonic() + wait
    while not found and time.monotonic() < deadline:
        time.sleep(wait / 4)
        found = remote.named(name)
    return found


def _created(remote: Any, name: str, body: dict[str, Any], kept: dict[str, Any], answer: Any,
             problem: str | None) -> Outcome:
    where = f"{remote.KIND} {remote.id_of(kept)}"
    if not remote.same(kept, body) and problem:  # the platform's answer first: a refusal part way is no race
        raise RemoteError(f"creating {name!r} failed: {problem}; read back, {where} holds part of the body or "
                          "other contents: re-run (uploads are idempotent by name)")
    if not remote.same(kept, body):
        raise RemoteError(f"after the create, {name!r} ({where}) holds other contents than the body (another "
                          "upload of that name at the same time?); re-run to replace it")
    if problem and answer is not None and answer.readable:
        raise RemoteError(f"unexpected answer to the create of {name!r}: {problem}; read back, the platform holds "
                          f"it ({where}) as sent")
    if problem:
        remote.options.say(f"warning: creating {name!r}: {problem}; read back, the platform holds it ({where}) "
                           "as sent")
    return Outcome("created", name)


def _same_id(remote: Any, name: str, previous: dict[str, Any]) -> list[dict[str, Any]]:
    """The object of this name with the previous one's id, read back now (empty when it is gone; on a platform
    where nothing listed is an empty object, that empty object)."""
    found = remote.named(name) or [remote.absent(name) or {}]
    return [c for c in found if c and remote.id_of(c) == remote.id_of(previous)]


def _state(remote: Any, name: str, body: dict[str, Any], previous: dict[str, Any]) -> str:
    """What the platform holds now under this name, read back, in words."""
    try:
        found = _same_id(remote, name, previous)
        if not found:
            return f"the platform no longer lists {remote.KIND} {remote.id_of(previous)}"
        if remote.same(found[0], body):
            return "read back, the platform holds the new version"
        if remote.same(found[0], previous):
            return "read back, the platform still holds the previous version"
    except (RemoteError, BadInputError) as error:
        return f"reading it back failed too ({error.reason}), so the platform may hold either version"
    return "read back, the platform holds neither the previous nor the new version"


def load_backup(path: str) -> dict[str, Any]:
    record = load_json(path)
    if (not isinstance(record, dict) or record.get(BACKUP_KEY) != BACKUP_VERSION
            or not isinstance(record.get("saved"), dict) or not isinstance(record.get("location"), dict)
            or not isinstance(record["location"].get("platform"), str)):
        raise BadInputError("not a pbxcal backup file", path=path)
    return record


def restore(remote: Any, record: dict[str, Any], backup_folder: Path, allow_empty: bool = False) -> Outcome:
    """Put a backed-up object back as it was (itself an upload, so the state it replaces is backed up too)."""
    return upload(remote, record["saved"], backup_folder, allow_empty)


def download(remote: Any, name: str | None) -> Any:
    """One object by name, or all of them."""
    if name is None:
        return remote.list()
    found = remote.named(name)
    if len(found) > 1:
        ids = ", ".join(remote.id_of(f) for f in sorted(found, key=remote.order))
        raise RemoteError(f"{len(found)} {remote.KIND}s are named {name!r} on {remote.label} (ids {ids})")
    if not found:
        raise RemoteError(f"nothing named {name!r} on {remote.label}")
    return found[0]


__all__ = ["Outcome", "download", "load_backup", "restore", "save_backup", "single", "upload"]
