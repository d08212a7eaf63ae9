"""Telphin (Ringme) intervals over HTTP: client-level intervals, found by name, replaced whole by PUT."""

from __future__ import annotations

from typing import Any

from ...errors import BadInputError
from ..http import Answer, ConnectOptions
from ..remote import Remote as BaseRemote
from . import target

API_PREFIX = "/api/ver1.0"


class Remote(BaseRemote):
    NAME_FIELD = "name"
    ID_FIELD = "id"
    KIND = "interval"
    SECRET_VARIABLES = ("TELPHIN_CLIENT_SECRET",)

    def __init__(self, options: ConnectOptions) -> None:
        super().__init__(options)
        self.base = f"{self.server}{API_PREFIX}/client/{options.client_id}/interval/"
        self.label = f"Telphin {self.server} client {options.client_id}"

    def check_environment(self, environ: dict[str, str]) -> None:
        if not (environ.get("TELPHIN_CLIENT_ID") and environ.get("TELPHIN_CLIENT_SECRET")):
            raise BadInputError("no Telphin credentials: set TELPHIN_CLIENT_ID and TELPHIN_CLIENT_SECRET, "
                                "or pass --token-file")

    def grant(self) -> Answer:
        """OAuth client credentials (asked again after a 401, as Telphin's docs advise)."""
        environ = self.options.environ
        form = {"grant_type": "client_credentials", "client_id": environ["TELPHIN_CLIENT_ID"],
                "client_secret": environ["TELPHIN_CLIENT_SECRET"]}
        return self.http.request("POST", f"{self.server}/oauth/token", form=form, authorised=False)

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.server, "client_id": self.options.client_id}

    def create(self, body: dict[str, Any]) -> Answer:
        return self.http.request("POST", self.base, body=_writable(body), changes=True, once=True)

    def create_problem(self, answer: Answer) -> str | None:
        """None for the documented answer to a create: the new interval with its id."""
        if answer.readable and isinstance(answer.data, dict) and self.ID_FIELD in answer.data:
            return None
        return f"{answer.describe()}, where the API documents the new interval"

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Answer:
        return self.http.request("PUT", self.item_url(current), body=_writable(body), changes=True)

    def check_body(self, body: dict[str, Any]) -> None:
        _writable(body)

    def in_use(self, found: dict[str, Any]) -> bool:
        """Whether incoming rules, context rules or scheduled tasks point at this interval (its read-only
        `usage`): such a copy is never deleted."""
        usage = found.get("usage")
        return isinstance(usage, dict) and any(bool(value) for value in usage.values())

    def is_empty(self, found: dict[str, Any]) -> bool:
        return not _writable(found)["conditions"]

    def readable(self, found: dict[str, Any]) -> bool:
        conditions = found.get("conditions") or []
        return isinstance(conditions, list) and all(isinstance(c, dict) for c in conditions)

    def same(self, current: dict[str, Any], body: dict[str, Any]) -> bool:
        return _key(current) == _key(body)


def _writable(body: dict[str, Any]) -> dict[str, Any]:
    """The request fields only: read-only ones (id, client_id, type, usage) are never sent."""
    conditions = body.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, dict) for c in conditions):
        raise BadInputError("conditions must be a list of objects")
    return {"name": body.get("name"), "timezone": body.get("timezone"),
            "conditions": [{f: c.get(f) for f in target.FIELDS} for c in conditions]}


def _key(interval: dict[str, Any]) -> tuple[Any, ...]:
    """Order-free contents: conditions are a set."""
    writable = _writable(interval)
    conditions = sorted(tuple(str(c[f]) for f in target.FIELDS) for c in writable["conditions"])
    return writable["name"], writable["timezone"], conditions


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["Remote", "connect"]
