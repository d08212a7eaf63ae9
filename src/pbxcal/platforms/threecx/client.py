"""3CX v20 Configuration API (XAPI, OData) over HTTP: the holidays a body owns, found by name, changed by a diff.

A body is many holidays. To the upload code it is one object: `named(NAME)` lists the holidays whose Name is
NAME · ..., as one {"name", "timezone": null, "holidays"} object (none when there are none); `create` and `replace`
send the POSTs (201), PATCHes (204) and DELETEs that turn what is there into the body. Each POST is sent once;
when its outcome is unknown, that holiday is read back by name (`Name eq '...'`) before it is sent again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from ...errors import BadInputError, RemoteError
from ..http import Answer, ConnectOptions, expect
from ..remote import Remote as BaseRemote
from . import target
from .durations import seconds

API_PREFIX = "/xapi/v1"
WRITTEN = target.FIELDS  # every field pbxcal writes; Id is never sent
KEPT = target.OPTIONAL  # Group and HolidayPrompt: sent and compared when the body (or a backup) has them, else kept


class Remote(BaseRemote):
    NAME_FIELD = "name"
    ID_FIELD = "name"  # the holidays of one body are one object, known by its name
    KIND = "holiday set"
    SECRET_VARIABLES = ("THREECX_CLIENT_SECRET",)

    def __init__(self, options: ConnectOptions) -> None:
        super().__init__(options)
        self.base = f"{self.server}{API_PREFIX}/Holidays"
        self.label = f"3CX {self.server}"
        self.restoring = False  # a backup's holidays pbxcal cannot read are sent back as they were

    def check_environment(self, environ: dict[str, str]) -> None:
        if not (environ.get("THREECX_CLIENT_ID") and environ.get("THREECX_CLIENT_SECRET")):
            raise BadInputError("no 3CX credentials: set THREECX_CLIENT_ID and THREECX_CLIENT_SECRET (an API client "
                                "of the 3CX admin console), or pass --token-file")

    def grant(self) -> Answer:
        """OAuth client credentials at {server}/connect/token, form-encoded."""
        environ = self.options.environ
        form = {"grant_type": "client_credentials", "client_id": environ["THREECX_CLIENT_ID"],
                "client_secret": environ["THREECX_CLIENT_SECRET"]}
        return self.http.request("POST", f"{self.server}/connect/token", form=form, authorised=False)

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.server}

    # ---- reading --------------------------------------------------------------------------------------------

    def _query(self, odata_filter: str | None) -> list[dict[str, Any]]:
        url = self.base + (f"?$filter={quote(odata_filter, safe='')}" if odata_filter else "")
        data = expect(self.http.request("GET", url), "an OData list ({\"value\": [Pbx.Holiday ...]})",
                      _is_list, f"GET {url}")
        if "@odata.nextLink" in data:
            raise RemoteError(f"GET {url} answered one page of a longer list (@odata.nextLink); pbxcal reads "
                              "unpaged lists only: nothing was written")
        return list(data["value"])

    def list(self) -> list[dict[str, Any]]:
        """Every holiday of the system."""
        return self._query(None)

    def named(self, name: str) -> list[dict[str, Any]]:
        """The body called name as the platform holds it: its holidays (Name up to the first ' · ' is name)."""
        owned = [h for h in self._query(f"startswith(Name,{_literal(name + target.SEPARATOR)})")
                 if h["Name"].split(target.SEPARATOR, 1)[0] == name]
        return [{"name": name, "timezone": None, "holidays": owned}] if owned else []

    def absent(self, name: str) -> dict[str, Any]:
        """No holiday named NAME · ... is the empty body of that name."""
        return {"name": name, "timezone": None, "holidays": []}

    def _by_name(self, name: str) -> list[dict[str, Any]]:
        return [h for h in self._query(f"Name eq {_literal(name)}") if h["Name"] == name]

    # ---- checks ---------------------------------------------------------------------------------------------

    def check_body(self, body: dict[str, Any]) -> None:
        """The name has no '·', the holidays are readable, each named NAME · ..., and no name twice (so a re-run
        finds each again: ownership is decided by the first ' · ')."""
        name = self.name_of(body)
        if target.SEPARATOR.strip() in name:
            raise BadInputError(f"the body's name {name!r} contains {target.SEPARATOR.strip()!r}: a 3CX body name "
                                "cannot, as its holidays are told apart by the first ' · ' of their names")
        holidays = _writable(body, self.restoring)
        owner = name + target.SEPARATOR
        strays = [h["Name"] for h in holidays if not str(h["Name"]).startswith(owner)]
        if strays:
            raise BadInputError(f"holiday {strays[0]!r} is not named {owner}...: an upload owns only the holidays "
                                "named after its body")
        twice = [n for n, count in Counter(h["Name"] for h in holidays).items() if count > 1]
        if twice:
            raise BadInputError(f"two holidays are named {twice[0]!r}: names must be unique in a body")
        zone = body.get("timezone")
        if zone:
            self.options.say(f"note: the body runs on {zone}; the 3CX API pbxcal uses does not tell the system's "
                             "time zone, so check that the PBX runs on it")

    def check_backup(self, saved: dict[str, Any]) -> None:
        """As check_body, but a holiday pbxcal cannot read (one made by hand on the PBX, saved raw) is put back as
        the backup holds it."""
        self.restoring = True
        self.check_body(saved)

    def is_empty(self, found: dict[str, Any]) -> bool:
        return not found.get("holidays")

    def same(self, current: dict[str, Any], body: dict[str, Any]) -> bool:
        """One holiday of each name, none differing (either side may be the platform's, so nothing is checked)."""
        wanted = {h["Name"]: h for h in body.get("holidays") or []}
        found = current.get("holidays") or []
        return sorted(h["Name"] for h in found) == sorted(wanted) and not any(
            _differs(h, wanted[h["Name"]]) for h in found)

    # ---- writing --------------------------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> Answer:
        return self._apply({"name": self.name_of(body), "holidays": []}, body)

    def create_problem(self, answer: Answer) -> str | None:
        return None  # each POST's answer was checked, or its holiday read back, in _apply

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Answer:
        return self._apply(current, body)

    def item_url(self, found: dict[str, Any]) -> str:
        return f"{self.base}({int(found['Id'])})"

    def _apply(self, current: dict[str, Any], body: dict[str, Any]) -> Answer:
        """PATCH holidays whose name is kept, POST new ones, then DELETE the rest (and copies of one name)."""
        wanted = {h["Name"]: h for h in _writable(body, self.restoring)}
        held: dict[str, list[dict[str, Any]]] = {}
        for found in sorted(current.get("holidays") or [], key=lambda h: int(h.get("Id", 0))):
            held.setdefault(found["Name"], []).append(found)
        steps: list[tuple[str, dict[str, Any]]] = []
        for name, holiday in wanted.items():
            there = held.get(name, [])
            if not there:
                steps.append(("POST", holiday))
            elif _differs(there[0], holiday):
                steps.append(("PATCH", {**holiday, "Id": there[0]["Id"]}))
            steps += [("DELETE", extra) for extra in there[1:]]
        steps += [("DELETE", h) for name, found in held.items() if name not in wanted for h in found]
        order = {"PATCH": 0, "POST": 1, "DELETE": 2}
        steps.sort(key=lambda step: order[step[0]])
        self._say_deleted(current, wanted, [h for method, h in steps if method == "DELETE"])
        for done, (method, holiday) in enumerate(steps):
            try:
                self._step(method, holiday)
            except RemoteError as error:
                raise RemoteError(f"{error.reason}; {done} of {len(steps)} changes made before it",
                                  unknown=error.unknown, status=error.status) from None
        return Answer(200, {"changes": len(steps)}, True)

    def _say_deleted(self, current: dict[str, Any], wanted: dict[str, Any], gone: list[dict[str, Any]]) -> None:
        """Name on stderr every holiday the diff deletes: hand-made NAME · ... holidays go too."""
        if not gone:
            return
        shown = ", ".join(repr(h["Name"]) + (" (a second copy)" if h["Name"] in wanted else "") for h in gone)
        verb = "would delete" if self.options.dry_run else "deleting"
        self.options.say(f"{verb} {len(gone)} holiday(s) of {self.name_of(current)!r} the body does not hold: "
                         f"{shown}")

    def _step(self, method: str, holiday: dict[str, Any]) -> None:
        if method == "DELETE":
            self.delete(holiday)
        elif method == "PATCH":
            self.http.request("PATCH", self.item_url(holiday), body=_fields(holiday), changes=True)
        else:
            self._post(holiday)

    def _post(self, holiday: dict[str, Any]) -> None:
        """Create one holiday: sent once; an unknown outcome is read back by name before it is sent again."""
        self.create_once(
            f"holiday {holiday['Name']!r}",
            lambda: self.http.request("POST", self.base, body=holiday, changes=True, once=True),
            lambda answer: True if (answer.status == 201 and answer.readable and isinstance(answer.data, dict)
                                    and "Id" in answer.data) else None,
            "201 with the new holiday", lambda: True if self._by_name(holiday["Name"]) else None, dry=True)


def _literal(text: str) -> str:
    """An OData string literal: single quotes, a quote inside doubled."""
    return "'" + text.replace("'", "''") + "'"


def _is_list(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("value"), list) and all(
        isinstance(h, dict) and isinstance(h.get("Name"), str) and isinstance(h.get("Id"), int)
        and not isinstance(h.get("Id"), bool) for h in data["value"])


def _fields(holiday: dict[str, Any]) -> dict[str, Any]:
    """What is sent: every written field, and Group and HolidayPrompt when the holiday has them."""
    return {**{f: holiday.get(f) for f in WRITTEN}, **{f: holiday[f] for f in KEPT if f in holiday}}


def _writable(body: dict[str, Any], raw: bool = False) -> list[dict[str, Any]]:
    """The holidays to send, each checked (exit 2 for one pbxcal cannot read or a field it does not know; with raw,
    a backup's, only its fields and Name); Id and @odata.* annotations (a download's, a backup's) are never sent."""
    holidays = body.get("holidays")
    if not isinstance(holidays, list):
        raise BadInputError("a 3CX body needs a 'holidays' list")
    for holiday in holidays:
        try:
            target.check(holiday)
        except BadInputError:
            if not (raw and isinstance(holiday, dict)):
                raise
            target.check({**holiday, **dict.fromkeys(DATES, 1), **SOME_TIMES})  # its fields and Name only
    return [_fields(h) for h in holidays]


DATES = ("Year", "Month", "Day", "YearEnd", "MonthEnd", "DayEnd")
SOME_TIMES = {"TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT23H59M", "IsRecurrent": False}


def _differs(found: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether a holiday differs from the wanted one: in what pbxcal writes, or in Group or HolidayPrompt where the
    wanted one has them."""
    return _key(found) != _key(wanted) or any(found.get(f) != wanted[f] for f in KEPT if f in wanted)


def _key(holiday: dict[str, Any]) -> tuple[Any, ...]:
    """Contents as the platform means them: durations by their value (PT0S and P0D are one time), and a recurrent
    holiday's years by their difference only (it is active every year whatever they say). A holiday pbxcal cannot
    read (made by hand on the PBX) is its raw fields: it differs from every body's holiday, so it is replaced or
    deleted like any other after the backup, which keeps it as it was."""
    written = {f: holiday.get(f) for f in WRITTEN}
    try:
        target.check(written)
    except BadInputError:
        return ("unreadable", repr(sorted(written.items())))
    times = tuple(seconds(holiday.get(f), f) for f in ("TimeOfStartDate", "TimeOfEndDate"))
    recurrent = bool(holiday.get("IsRecurrent"))
    years = _years(holiday) if recurrent else (holiday.get("Year"), holiday.get("YearEnd"))
    return (*(holiday.get(f) for f in WRITTEN if f not in _NOT_COMPARED), years, recurrent, *times)


_NOT_COMPARED = ("Year", "YearEnd", "TimeOfStartDate", "TimeOfEndDate", "IsRecurrent")


def _years(holiday: dict[str, Any]) -> Any:
    first, last = holiday.get("Year"), holiday.get("YearEnd")
    numbers = all(isinstance(y, int) and not isinstance(y, bool) for y in (first, last))
    return ("span", last - first) if numbers else (first, last)


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["Remote", "connect"]
