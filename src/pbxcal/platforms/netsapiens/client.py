"""NetSapiens v2 timeframes over HTTP: domain (shared) or user timeframes, found by name, replaced whole in place."""

from __future__ import annotations

from typing import Any

from ...errors import BadInputError
from ..http import Answer, ConnectOptions, expect
from ..remote import Remote as BaseRemote
from . import holiday_api, target

OAUTH_VARIABLES = ("NS_CLIENT_ID", "NS_CLIENT_SECRET", "NS_USERNAME", "NS_PASSWORD")
KIND_FIELD = "timeframe-type"
DAYS_ARRAY = "timeframe-days-of-week-array"
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
DAYS_FIELDS = (*(f"timeframe-weekly-{day}-{edge}-time-{n}" for day in WEEKDAYS for n in (1, 2)
                 for edge in ("begin", "end")),
               target.TYPE, "timeframe-recurrence-begin-date", target.INTERVAL, target.COUNT, target.OPTION,
               target.END_OPTION, target.END_ON)
# The writable fields of each entry array (the vendor schemas less timeframe-id and the read-only fields).
ARRAYS: dict[str, tuple[str, ...]] = {target.ARRAY: target.FIELDS, holiday_api.ARRAY: holiday_api.FIELDS,
                                      DAYS_ARRAY: DAYS_FIELDS}
ARRAYS_OF: dict[str, tuple[str, ...]] = {"specific-dates": (target.ARRAY,), "holiday": (holiday_api.ARRAY,),
                                         "days-of-week": (DAYS_ARRAY,), "custom": tuple(ARRAYS), "always": ()}
# The convert request names the new type with a different key at each level (netsapiens-timeframes.md §9.2).
CONVERT_KEY = {False: "type", True: "timeframe-type"}


class Remote(BaseRemote):
    NAME_FIELD = "timeframe-name"
    ID_FIELD = "timeframe-id"
    KIND = "timeframe"
    SECRET_VARIABLES = ("NS_API_KEY", "NS_CLIENT_SECRET", "NS_PASSWORD")
    ID_BASE = 16  # timeframe ids are 32 hexadecimal digits

    def __init__(self, options: ConnectOptions) -> None:
        super().__init__(options)
        self.api = f"{self.server}/ns-api/v2"
        level = f"/users/{options.user}" if options.user else ""
        self.base = f"{self.api}/domains/{options.domain}{level}/timeframes"
        self.label = (f"NetSapiens {self.server} domain {options.domain}"
                      + (f" user {options.user}" if options.user else ""))

    def check_environment(self, environ: dict[str, str]) -> None:
        """An API key (a bearer token), else all four OAuth values."""
        if environ.get("NS_API_KEY"):
            self.http.use_token(environ["NS_API_KEY"], "NS_API_KEY")
        elif not all(environ.get(v) for v in OAUTH_VARIABLES):
            missing = [v for v in OAUTH_VARIABLES if not environ.get(v)]
            if len(missing) < len(OAUTH_VARIABLES):
                raise BadInputError(f"incomplete NetSapiens OAuth credentials: {', '.join(missing)} not set "
                                    "(or use NS_API_KEY or --token-file)")
            raise BadInputError("no NetSapiens credentials: set NS_API_KEY, or --token-file, or NS_CLIENT_ID, "
                                "NS_CLIENT_SECRET, NS_USERNAME and NS_PASSWORD")

    def grant(self) -> Answer:
        """The OAuth password grant."""
        environ = self.options.environ
        grant = {"grant_type": "password", "client_id": environ["NS_CLIENT_ID"],
                 "client_secret": environ["NS_CLIENT_SECRET"], "username": environ["NS_USERNAME"],
                 "password": environ["NS_PASSWORD"]}
        return self.http.request("POST", f"{self.api}/tokens", body=grant, authorised=False)

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.server, "domain": self.options.domain,
                "user": self.options.user}

    def create(self, body: dict[str, Any]) -> Answer:
        kind = _kind(body)
        fields = {array: _entries(body, array) for array in ARRAYS_OF[kind] if body.get(array)}
        request = {"synchronous": "yes", self.NAME_FIELD: self.name_of(body), KIND_FIELD: kind, **fields}
        return self.http.request("POST", self.base, body=request, changes=True, once=True)

    def create_problem(self, answer: Answer) -> str | None:
        """None for the documented answer to a synchronous create: the new object (or at least its id or name)."""
        data = answer.data
        if answer.readable and isinstance(data, dict) and (self.ID_FIELD in data or self.NAME_FIELD in data):
            return None
        return f"{answer.describe()}, where the API documents the new timeframe"

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Answer:
        """Make the timeframe, in place (its id, which answer rules point at), hold exactly the body: its type
        first (a custom timeframe cannot be converted, so it stays custom), then every array its type has, an
        empty one for each the body lacks."""
        url = self.item_url(current)
        now, wanted = _kind(current), _kind(body)
        answer = None
        if now not in (wanted, "custom"):
            answer = self.http.request("PUT", url, body={CONVERT_KEY[bool(self.options.user)]: wanted},
                                       changes=True)
            now = wanted
        if not ARRAYS_OF[now]:  # "always" has no entries
            return answer or Answer(200, {}, True)
        arrays = {array: _entries(body, array) for array in ARRAYS_OF[now]}
        return self.http.request("PUT", url, body=arrays, changes=True)

    def check_body(self, body: dict[str, Any]) -> None:
        for array in ARRAYS_OF[_kind(body)]:
            _entries(body, array)

    def is_empty(self, found: dict[str, Any]) -> bool:
        return _kind(found) != "always" and not any(_entries(found, array) for array in ARRAYS)

    def readable(self, found: dict[str, Any]) -> bool:
        kind = found.get(KIND_FIELD, "specific-dates")
        return isinstance(kind, str) and kind in ARRAYS_OF and all(
            isinstance(found.get(a) or [], list) and all(isinstance(e, dict) for e in found.get(a) or [])
            for a in ARRAYS)

    def same(self, current: dict[str, Any], body: dict[str, Any]) -> bool:
        """Equal entries in every array, and the same type (a custom one holds any body, as it cannot change)."""
        kinds = {_kind(current), _kind(body)}
        return (len(kinds) == 1 or "custom" in kinds) and _content(current) == _content(body)


def _kind(timeframe: dict[str, Any]) -> str:
    kind = timeframe.get(KIND_FIELD, "specific-dates")
    if kind not in ARRAYS_OF:
        raise BadInputError(f"unknown NetSapiens timeframe type {kind!r} (known: {', '.join(ARRAYS_OF)})")
    return str(kind)


def _entries(timeframe: dict[str, Any], array: str) -> list[dict[str, str]]:
    """An array's entries with their writable fields only (never ids or the read-only fields a GET returns)."""
    found = timeframe.get(array) or []
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        raise BadInputError(f"{array} must be a list of objects")
    return [{f: "" if e.get(f) is None else str(e[f]) for f in ARRAYS[array]} for e in found]


def _content(timeframe: dict[str, Any]) -> dict[str, list[tuple[str, ...]]]:
    return {array: sorted(tuple(e.values()) for e in _entries(timeframe, array)) for array in ARRAYS}


def holidays(remote: Remote, code: str, years: range) -> list[dict[str, Any]]:
    """Holiday API rows for a country or region ('US' or 'US-CA'), for every year, as one list."""
    country = code.split("-")[0].upper()
    path = f"{country}/{code.upper()}" if "-" in code else country
    rows: list[dict[str, Any]] = []
    for year in years:
        url = f"{remote.api}/holidays/{path}/{year}"
        answer = remote.http.request("GET", url)
        rows.extend(expect(answer, "a JSON array of holiday rows",
                           lambda d: isinstance(d, list) and all(isinstance(r, dict) for r in d), f"GET {url}"))
    return rows


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["Remote", "connect", "holidays"]
