"""Webex Calling location schedules over HTTP: the location by name or id, its `holidays` schedule by name, the
schedule's events replaced in place one by one.

Auto attendants and call queues refer to a schedule by name, and a schedule's id is its name encoded, so an upload
never renames a schedule: it creates one (POST with its events), or changes its events (PUT an event whose name
is kept and whose contents differ, POST a new name, DELETE a name the body lacks). Each POST is sent once; when its
outcome is unknown, the schedule's events are read back by name before it is sent again. Every request carries
`orgId` when --org names a customer organisation (a partner administrator's token).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from ...errors import BadInputError, RemoteError
from ..http import Answer, ConnectOptions, expect
from ..remote import ID, MAX_PAGES
from ..remote import Remote as BaseRemote
from . import target

DEFAULT_SERVER = "https://webexapis.com"
API_PREFIX = "/v1"
TYPE = target.SCHEDULE_TYPE
WRITTEN = target.EVENT_FIELDS  # an event's id is never sent
CREATED_NOTE = ("note: a new Webex schedule does nothing until an auto attendant or call queue uses it: choose it "
                "as the holiday schedule in Control Hub (or the feature's API)")


class Remote(BaseRemote):
    NAME_FIELD = "name"
    ID_FIELD = "id"
    KIND = "schedule"
    SECRET_VARIABLES = ("WEBEX_TOKEN",)
    CREATED_NOTE = CREATED_NOTE

    def __init__(self, options: ConnectOptions) -> None:
        super().__init__(options)
        if not options.location:
            raise BadInputError("--location is required: the Webex Calling location, by name or id")
        self.api = f"{self.server}{API_PREFIX}"
        self.label = f"Webex {self.server} location {options.location!r}"
        self.body_zone: str | None = None
        self._place: dict[str, Any] | None = None

    def check_environment(self, environ: dict[str, str]) -> None:
        """A bearer token: an administrator's, a service app's or an integration's access token."""
        if not environ.get("WEBEX_TOKEN"):
            raise BadInputError("no Webex credentials: set WEBEX_TOKEN (an access token with "
                                "spark-admin:telephony_config_read and _write), or pass --token-file")
        self.http.use_token(environ["WEBEX_TOKEN"], "WEBEX_TOKEN")

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.server, "location": self._location()["id"],
                "org": self.options.org}

    # ---- addresses ------------------------------------------------------------------------------------------

    def _url(self, url: str, **query: str) -> str:
        """The URL with its query, and orgId when a partner acts in a customer organisation."""
        params = {**query, **({"orgId": self.options.org} if self.options.org else {})}
        return url + (f"?{urlencode(params)}" if params else "")

    @property
    def base(self) -> str:  # type: ignore[override]
        return f"{self.api}/telephony/config/locations/{quote(self._location()['id'], safe='')}/schedules"

    def item_url(self, found: dict[str, Any]) -> str:
        return self._url(f"{self.base}/{TYPE}/{quote(self.id_of(found), safe='')}")

    def _event_url(self, schedule: dict[str, Any], event: dict[str, Any] | None = None) -> str:
        url = f"{self.base}/{TYPE}/{quote(self.id_of(schedule), safe='')}/events"
        return self._url(url + (f"/{quote(str(event['id']), safe='')}" if event else ""))

    # ---- reading --------------------------------------------------------------------------------------------

    def _pages(self, url: str, key: str, wanted: str) -> list[dict[str, Any]]:
        """Every item of a list answer ({key: [...]}), following `Link: <...>; rel="next"` on the same server."""
        found: list[dict[str, Any]] = []
        seen = set()
        while url:
            answer = self.http.request("GET", url)
            data = expect(answer, wanted, lambda d: isinstance(d, dict) and isinstance(d.get(key), list) and all(
                isinstance(o, dict) and isinstance(o.get("id"), str) and isinstance(o.get("name"), str)
                for o in d[key]), f"GET {url}")
            found += data[key]
            seen.add(url)
            link = answer.headers.get("link")
            following = httpx.Response(200, headers={"Link": link}).links.get("next", {}).get("url") if link else None
            if following and not following.startswith(self.server + "/"):
                raise RemoteError(f"GET {url}: the next page is at {following!r}, not on {self.server}; "
                                  "nothing was written")
            if following in seen or len(seen) >= MAX_PAGES:
                raise RemoteError(f"GET {url}: the list does not end (page {len(seen) + 1} at {following!r}); "
                                  "nothing was written")
            url = following or ""
        return found

    def _location(self) -> dict[str, Any]:
        """The location --location names (its name, else its id), read once; its zone is compared with the
        body's."""
        if self._place is None:
            wanted = str(self.options.location)
            listed = self._pages(self._url(f"{self.api}/locations", name=wanted), "items",
                                 '{"items": [locations with id and name]}')
            found = [p for p in listed if p["name"] == wanted] or [p for p in listed if p["id"] == wanted]
            if not found and ID.fullmatch(wanted):
                try:
                    one = self.http.request("GET", self._url(f"{self.api}/locations/{wanted}"))
                except RemoteError as error:
                    if error.status not in (400, 404):
                        raise
                else:
                    found = [expect(one, "a location with id and name", lambda d: isinstance(d, dict) and isinstance(
                        d.get("id"), str) and isinstance(d.get("name"), str), "GET the location")]
            if not found:
                raise RemoteError(f"no Webex location is named {wanted!r} or has that id"
                                  + (f" in organisation {self.options.org}" if self.options.org else ""))
            if len(found) > 1:
                ids = ", ".join(p["id"] for p in found)
                raise RemoteError(f"{len(found)} Webex locations are named {wanted!r} (ids {ids}): pass "
                                  "--location with one id")
            self._place = found[0]
            self.label = f"Webex location {self._place['name']!r}"
            self._check_zone()
        return self._place

    def _check_zone(self) -> None:
        """The location's zone must be the body's, unless told (--allow-zone-mismatch)."""
        zone = (self._place or {}).get("timeZone")
        if not self.body_zone:
            return
        if not isinstance(zone, str) or not zone:
            self.options.say(f"note: the body runs on {self.body_zone}; the location tells no time zone, so check "
                             "that it (and each auto attendant or call queue using the schedule) runs on it")
        elif zone.lower() != self.body_zone.lower():
            problem = f"{self.label} runs on {zone}, the body on {self.body_zone}"
            if not self.options.allow_zone_mismatch:
                raise BadInputError(f"{problem}: convert again with --timezone {zone}, or pass "
                                    "--allow-zone-mismatch if the features using the schedule run on the body's zone")
            self.options.say(f"warning: {problem} (--allow-zone-mismatch)")
        else:
            self.options.say(f"note: the location runs on {zone}, as the body does; an auto attendant or call "
                             "queue with a time zone of its own may evaluate the schedule on that one")

    def _listed(self, name: str | None = None) -> list[dict[str, Any]]:
        """The location's holiday schedules as the list answers them (no events)."""
        query = {"type": TYPE, **({"name": name} if name else {})}
        found = self._pages(self._url(self.base, **query), "schedules",
                            '{"schedules": [schedules with id and name]}')
        return [s for s in found if s.get("type", TYPE) == TYPE and ID.fullmatch(s["id"])]

    def _details(self, listed: dict[str, Any]) -> dict[str, Any]:
        """One schedule with its events, as a body: {"timezone": the location's, "schedule": {...}}."""
        url = self.item_url(listed)
        data = expect(self.http.request("GET", url), "a schedule with events", _is_schedule, f"GET {url}")
        zone = self._location().get("timeZone")
        return {"timezone": zone if isinstance(zone, str) else None,
                "schedule": {"id": data["id"], "name": data["name"], "type": data.get("type", TYPE),
                             "events": data.get("events") or []}}

    def list(self) -> list[dict[str, Any]]:
        """Every holiday schedule of the location, with its events."""
        return [self._details(s) for s in self._listed()]

    def named(self, name: str) -> list[dict[str, Any]]:
        return [self._details(s) for s in self._listed(name) if s["name"] == name]

    def name_of(self, body: dict[str, Any]) -> str:
        try:
            value = target.schedule_of(body).get("name", "")
        except BadInputError:
            return ""
        return value if isinstance(value, str) else ""

    def id_of(self, found: dict[str, Any]) -> str:
        """The schedule's id, in a body ({"schedule": {...}}) or a list answer's item."""
        return str((found["schedule"] if isinstance(found.get("schedule"), dict) else found)["id"])

    # ---- checks ---------------------------------------------------------------------------------------------

    def check_body(self, body: dict[str, Any]) -> None:
        """Every event reads (SEMANTICS §8), names are unique, and the zone is noted for the location's."""
        events = _writable(body)
        twice = [n for n, count in Counter(e["name"] for e in events).items() if count > 1]
        if twice:
            raise BadInputError(f"two events are named {twice[0]!r}: Webex event names are unique in a schedule")
        self.body_zone = target.zone_of(body)

    def is_empty(self, found: dict[str, Any]) -> bool:
        return not _writable(found)

    def same(self, current: dict[str, Any], body: dict[str, Any]) -> bool:
        return Counter(map(_key, _writable(current))) == Counter(map(_key, _writable(body)))

    # ---- writing --------------------------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> Answer:
        request = {"name": self.name_of(body), "type": TYPE, "events": _writable(body)}
        return self.http.request("POST", self._url(self.base), body=request, changes=True, once=True)

    def create_problem(self, answer: Answer) -> str | None:
        if answer.status == 201 and answer.readable and isinstance(answer.data, dict) and isinstance(
                answer.data.get("id"), str):
            return None
        return f"{answer.describe()}, where the API documents 201 with the new schedule's id"

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Answer:
        """PUT events whose name is kept and whose contents differ, POST new names, then DELETE the rest."""
        wanted = {e["name"]: e for e in _writable(body)}
        held = {e["name"]: e for e in target.entries(current)}
        steps: list[tuple[str, dict[str, Any]]] = []
        for name, event in wanted.items():
            if name not in held:
                steps.append(("POST", event))
            elif _key(_fields(held[name])) != _key(event):
                steps.append(("PUT", {**event, "id": held[name]["id"]}))
        steps += [("DELETE", e) for name, e in held.items() if name not in wanted]
        order = {"PUT": 0, "POST": 1, "DELETE": 2}
        steps.sort(key=lambda step: order[step[0]])
        for done, (method, event) in enumerate(steps):
            try:
                self._step(current, method, event)
            except RemoteError as error:
                raise RemoteError(f"{error.reason} ({done} of {len(steps)} event changes made before it)",
                                  unknown=error.unknown, status=error.status) from None
        return Answer(200, {"changes": len(steps)}, True)

    def _step(self, schedule: dict[str, Any], method: str, event: dict[str, Any]) -> None:
        if method == "DELETE":
            try:
                self.http.request("DELETE", self._event_url(schedule, event), changes=True)
            except RemoteError as error:
                if error.status != 404:  # already gone (another run deleted it)
                    raise
        elif method == "PUT":
            self.http.request("PUT", self._event_url(schedule, event), body=_fields(event), changes=True)
        else:
            self._post(schedule, event)

    def _post(self, schedule: dict[str, Any], event: dict[str, Any]) -> None:
        """Create one event: sent once; an unknown outcome is read back by name before it is sent again."""
        url = self._event_url(schedule)

        def held() -> bool | None:
            return True if any(e.get("name") == event["name"] for e in target.entries(self._details(schedule))) \
                else None

        self.create_once(
            f"event {event['name']!r}",
            lambda: self.http.request("POST", url, body=event, changes=True, once=True),
            lambda answer: True if (answer.status == 201 and answer.readable and isinstance(answer.data, dict)
                                    and "id" in answer.data) else None,
            "201 with the new event's id", held, dry=True, holder="the schedule")


def _is_schedule(data: Any) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("id"), str) and isinstance(data.get("name"), str)
            and isinstance(data.get("events", []), list | type(None))
            and all(isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("name"), str)
                    for e in data.get("events") or []))


def _fields(event: dict[str, Any]) -> dict[str, Any]:
    """The event as sent: its documented fields (never its id)."""
    return {f: event[f] for f in WRITTEN if f in event}


def _writable(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The events' fields, each read as SEMANTICS §8 says (exit 2 for one pbxcal cannot read)."""
    events = target.entries(body)
    for event in events:
        target.read_event(event)
    return [_fields(e) for e in events]


def _pattern(kind: str, value: dict[str, Any]) -> dict[str, Any]:
    if kind == "recurWeekly":
        return {k: bool(value.get(k)) for k in target.WEEKLY_KEYS}
    if kind == "recurYearlyByDate":
        return {"dayOfMonth": int(value["dayOfMonth"]), "month": value["month"]}
    return {k: value[k] for k in ("day", "week", "month")}


def _key(event: dict[str, Any]) -> tuple[Any, ...]:
    """An event's contents as the platform means them (an all-day event's times, absent fields, "01" for 1 and
    the order of keys do not count)."""
    whole = bool(event.get("allDayEnabled"))
    recurrence = event.get("recurrence")
    if recurrence:
        recurrence = {"recurForEver": bool(recurrence.get("recurForEver")),
                      "recurEndDate": recurrence.get("recurEndDate"),
                      **{k: _pattern(k, recurrence[k]) for k in target.PATTERNS if recurrence.get(k) is not None}}
    return (event["name"], event["startDate"], event["endDate"], whole,
            None if whole else event.get("startTime"), None if whole else event.get("endTime"),
            json.dumps(recurrence or None, sort_keys=True))


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["CREATED_NOTE", "DEFAULT_SERVER", "Remote", "connect"]
