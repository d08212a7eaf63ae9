"""Telphin (Ringme) intervals over HTTP: client-level intervals, found by name, replaced whole by PUT."""

from __future__ import annotations

from typing import Any

from ..errors import RemoteError
from ..targets import telphin as target
from .http import ConnectOptions, Http, check_token, read_token_file

API_PREFIX = "/api/ver1.0"
WRITABLE = ("name", "timezone", "conditions")


class Remote:
    def __init__(self, options: ConnectOptions) -> None:
        self.options = options
        self.http = Http(options)
        self.server = options.server.rstrip("/")
        self.base = f"{self.server}{API_PREFIX}/client/{options.client_id}/interval/"
        self.label = f"Telphin {self.server} client {options.client_id}"

    def authenticate(self) -> None:
        """A bearer token from --token-file, else OAuth client credentials (TELPHIN_CLIENT_ID/SECRET)."""
        environ = self.options.environ
        if self.options.token_file:
            self.http.token = check_token(read_token_file(self.options.token_file), "--token-file")
            return
        if not (environ.get("TELPHIN_CLIENT_ID") and environ.get("TELPHIN_CLIENT_SECRET")):
            raise RemoteError("no Telphin credentials: set TELPHIN_CLIENT_ID and TELPHIN_CLIENT_SECRET, "
                              "or pass --token-file")
        form = {"grant_type": "client_credentials", "client_id": environ["TELPHIN_CLIENT_ID"],
                "client_secret": environ["TELPHIN_CLIENT_SECRET"]}
        answer = self.http.request("POST", f"{self.server}/oauth/token", form=form, authorised=False)
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise RemoteError("the token answer has no access_token")
        self.http.token = check_token(str(answer["access_token"]), "the token endpoint")

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.options.server, "client_id": self.options.client_id}

    def list(self) -> list[dict[str, Any]]:
        answer = self.http.request("GET", self.base)
        return [i for i in answer if isinstance(i, dict)] if isinstance(answer, list) else []

    def find(self, name: str) -> dict[str, Any] | None:
        found = [i for i in self.list() if i.get("name") == name]
        if len(found) > 1:
            raise RemoteError(f"{len(found)} intervals are named {name!r}; pbxcal will not guess which to replace")
        return found[0] if found else None

    @staticmethod
    def name_of(body: dict[str, Any]) -> str:
        return str(body.get("name", ""))

    def create(self, body: dict[str, Any]) -> Any:
        return self.http.request("POST", self.base, body=_writable(body), changes=True)

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Any:
        return self.http.request("PUT", f"{self.base}{current['id']}", body=_writable(body), changes=True)

    @staticmethod
    def same(current: dict[str, Any], body: dict[str, Any]) -> bool:
        def key(interval: dict[str, Any]) -> tuple[Any, ...]:
            conditions = sorted(tuple(str(c.get(f)) for f in target.FIELDS) for c in interval.get("conditions") or [])
            return interval.get("name"), interval.get("timezone"), conditions

        return key(current) == key(body)


def _writable(body: dict[str, Any]) -> dict[str, Any]:
    """The request fields only: read-only ones (id, client_id, type, usage) are never sent."""
    conditions = [{f: c.get(f) for f in target.FIELDS} for c in body.get("conditions") or []]
    return {"name": body.get("name"), "timezone": body.get("timezone"), "conditions": conditions}


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["Remote", "connect"]
