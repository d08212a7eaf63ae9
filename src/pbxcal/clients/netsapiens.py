"""NetSapiens v2 timeframes over HTTP: domain (shared) or user timeframes, found by name, replaced whole."""

from __future__ import annotations

from typing import Any

from ..errors import RemoteError
from ..targets import netsapiens as target
from .http import ConnectOptions, Http, check_token, read_token_file

OAUTH_VARIABLES = ("NS_CLIENT_ID", "NS_CLIENT_SECRET", "NS_USERNAME", "NS_PASSWORD")
NAME = "timeframe-name"


class Remote:
    def __init__(self, options: ConnectOptions) -> None:
        self.options = options
        self.http = Http(options)
        server = options.server.rstrip("/")
        self.api = f"{server}/ns-api/v2"
        level = f"/users/{options.user}" if options.user else ""
        self.base = f"{self.api}/domains/{options.domain}{level}/timeframes"
        self.label = f"NetSapiens {server} domain {options.domain}" + (f" user {options.user}" if options.user else "")

    def authenticate(self) -> None:
        """An API key or bearer token (NS_API_KEY or --token-file), else the OAuth password grant."""
        environ = self.options.environ
        if self.options.token_file:
            self.http.token = check_token(read_token_file(self.options.token_file), "--token-file")
        elif environ.get("NS_API_KEY"):
            self.http.token = check_token(environ["NS_API_KEY"], "NS_API_KEY")
        elif all(environ.get(v) for v in OAUTH_VARIABLES):
            grant = {"grant_type": "password", "client_id": environ["NS_CLIENT_ID"],
                     "client_secret": environ["NS_CLIENT_SECRET"], "username": environ["NS_USERNAME"],
                     "password": environ["NS_PASSWORD"]}
            answer = self.http.request("POST", f"{self.api}/tokens", body=grant, authorised=False)
            if not isinstance(answer, dict) or not answer.get("access_token"):
                raise RemoteError("the token answer has no access_token")
            self.http.token = check_token(str(answer["access_token"]), "the token endpoint")
        else:
            raise RemoteError("no NetSapiens credentials: set NS_API_KEY, or --token-file, or NS_CLIENT_ID, "
                              "NS_CLIENT_SECRET, NS_USERNAME and NS_PASSWORD")

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.options.server, "domain": self.options.domain,
                "user": self.options.user}

    def list(self) -> list[dict[str, Any]]:
        answer = self.http.request("GET", self.base)
        return [t for t in answer if isinstance(t, dict)] if isinstance(answer, list) else []

    def find(self, name: str) -> dict[str, Any] | None:
        found = [t for t in self.list() if t.get(NAME) == name]
        if len(found) > 1:
            raise RemoteError(f"{len(found)} timeframes are named {name!r}; pbxcal will not guess which to replace")
        return found[0] if found else None

    @staticmethod
    def name_of(body: dict[str, Any]) -> str:
        return str(body.get(NAME, ""))

    def create(self, body: dict[str, Any]) -> Any:
        return self.http.request("POST", self.base, body={**body, "synchronous": "yes"}, changes=True)

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Any:
        """Replace-all PUT of the entries; the timeframe keeps its id, so answer rules keep pointing at it."""
        entries = [_writable(e) for e in body.get(target.ARRAY, [])]
        return self.http.request("PUT", f"{self.base}/{current['timeframe-id']}", body={target.ARRAY: entries},
                                 changes=True)

    @staticmethod
    def same(current: dict[str, Any], body: dict[str, Any]) -> bool:
        def key(timeframe: dict[str, Any]) -> list[tuple[str, ...]]:
            return sorted(tuple(str(e.get(f, "")) for f in target.FIELDS) for e in timeframe.get(target.ARRAY) or [])

        return current.get("timeframe-type") == body.get("timeframe-type") and key(current) == key(body)


def holidays(remote: Remote, code: str, years: range) -> list[dict[str, Any]]:
    """Holiday API rows for a country or region ('US' or 'US-CA'), for every year, as one list."""
    country = code.split("-")[0].upper()
    path = f"{country}/{code.upper()}" if "-" in code else country
    rows: list[dict[str, Any]] = []
    for year in years:
        answer = remote.http.request("GET", f"{remote.api}/holidays/{path}/{year}")
        rows.extend(r for r in answer or [] if isinstance(r, dict))
    return rows


def _writable(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry without the read-only fields a GET returns."""
    return {f: entry.get(f, "") for f in target.FIELDS}


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["Remote", "connect", "holidays"]
