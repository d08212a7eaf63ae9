"""Fake NetSapiens and Telphin API servers on 127.0.0.1: real HTTP, in-memory state, Bearer checks, field
validation from ../shared/spec, and injected faults (429, 500, slow answers, dropped connections)."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from pbxcal.model import Window
from pbxcal.targets import netsapiens as ns
from pbxcal.targets import telphin as tp

NS_SECRETS = {"client_id": "ns-client", "client_secret": "ns-secret-value", "username": "admin@example.com",
              "password": "ns-password-value"}
ONE_DAY = Window(date(2026, 1, 1), date(2026, 1, 2))  # enough for the evaluator to check a condition's fields
TP_SECRETS = {"client_id": "tp-client", "client_secret": "tp-secret-value"}
NS_KEY = "nsd_" + "k" * 56


@dataclass
class Fault:
    method: str
    path: str  # a substring of the request path
    kind: str  # "429", "500", "slow", "drop"
    times: int = 1


@dataclass
class State:
    tokens: set[str] = field(default_factory=set)
    store: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> object
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    slow_seconds: float = 1.0

    def fault_for(self, method: str, path: str) -> str | None:
        for fault in self.faults:
            if fault.method == method and fault.path in path and fault.times > 0:
                fault.times -= 1
                return fault.kind
        return None


class Handler(BaseHTTPRequestHandler):
    state: State
    api: Any

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        return json.loads(raw) if raw else None

    def _handle(self, method: str) -> None:
        self.state.requests.append((method, self.path))
        fault = self.state.fault_for(method, self.path)
        if fault == "drop":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault == "slow":
            time.sleep(self.state.slow_seconds)
        if fault in ("429", "500"):
            self._send(int(fault), {"code": int(fault), "message": f"injected {fault}"})
            return
        body = self._body()
        status, answer = self.api.handle(self.state, method, self.path, self.headers.get("Authorization", ""), body)
        self._send(status, answer)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")


def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"code": status, "message": message}


def holiday_rows(country: str, year: int) -> list[dict[str, Any]]:
    """Holiday API rows in the documented shape, made from the holidays package: an observed day is a
    "(substitute)" row sharing its holiday's uuid, as in the docs' example; one observance is mixed in."""
    import holidays

    rows = []
    found = holidays.country_holidays(country, years=year, language="en_US")
    for day in sorted(d for d in found if d.year == year):
        for name in found.get_list(day):
            base = name.replace(" (observed)", "")
            rows.append({"uuid": uuid.uuid5(uuid.NAMESPACE_URL, f"{country}/{base}").hex,
                         "name": base + (" (substitute)" if base != name else ""), "description": "",
                         "country": country.lower(), "date": int(day.strftime("%Y%m%d")),
                         "type": ["National holiday"], "primary_type": "Federal Holiday", "locations": "All",
                         "states": "All"})
    rows.append({"uuid": uuid.uuid5(uuid.NAMESPACE_URL, "braille").hex, "name": "World Braille Day",
                 "description": "", "country": country.lower(), "date": int(f"{year}0104"),
                 "type": ["United Nations observance"], "primary_type": "Worldwide observance", "locations": "All",
                 "states": "All"})
    return rows


class NetSapiensApi:
    HOLIDAYS = re.compile(r"^/ns-api/v2/holidays/(?P<country>[A-Z]{2})(?:/(?P<region>[A-Z]{2}-[A-Z0-9]+))?/"
                          r"(?P<year>\d{4})$")
    BASE = re.compile(r"^/ns-api/v2/domains/(?P<domain>[A-Za-z0-9._~-]+)(?:/users/(?P<user>[^/]+))?/timeframes"
                      r"(?:/(?P<id>[0-9a-f]+))?$")

    @staticmethod
    def validate_entry(entry: dict[str, Any]) -> str | None:
        for key in ns.FIELDS:
            if key not in entry:
                return f"missing {key}"
        for key in (ns.BEGIN_DATE, ns.END_DATE):
            if not re.fullmatch(r"\d{8}", entry[key]):
                return f"{key} must be YYYYMMDD"
        for key in (ns.BEGIN_TIME, ns.END_TIME):
            if not re.fullmatch(r"([01]\d|2[0-3])[0-5]\d", entry[key]):
                return f"{key} must be hhmm"
        if entry[ns.TYPE] not in (*ns.TYPES, "custom"):
            return f"bad {ns.TYPE}"
        if entry[ns.TYPE] != "doesNotRecur" and entry[ns.END_OPTION] not in ("never", "onADate"):
            return f"bad {ns.END_OPTION}"
        return None

    def handle(self, state: State, method: str, path: str, auth: str, body: Any) -> tuple[int, Any]:
        if path == "/ns-api/v2/tokens" and method == "POST":
            wanted = {"grant_type": "password", **NS_SECRETS}
            if body != wanted:
                return _error(401, "Authentication Required")
            token = f"ns-token-{uuid.uuid4().hex}"
            state.tokens.add(token)
            return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        if auth.removeprefix("Bearer ") not in state.tokens | {NS_KEY}:
            return _error(401, "Authentication Required")
        holiday = self.HOLIDAYS.match(path)
        if holiday and method == "GET":
            return 200, holiday_rows(holiday["country"], int(holiday["year"]))
        match = self.BASE.match(path)
        if not match:
            return _error(404, "Record not found")
        owner = (match["domain"], match["user"] or "*")
        mine = {k: v for k, v in state.store.items() if (v["domain"], v["user"]) == owner}
        if method == "GET" and match["id"] is None:
            return 200, list(mine.values())
        if match["id"] is not None and match["id"] not in mine:
            return _error(404, "Record not found")
        if method == "GET":
            return 200, mine[match["id"]]
        array = (body or {}).get(ns.ARRAY)
        if not isinstance(array, list) or not array:
            return _error(400, f"{ns.ARRAY} is required")
        for entry in array:
            problem = self.validate_entry(entry)
            if problem:
                return _error(400, problem)
        entries = [{**e, "timeframe-id": uuid.uuid4().hex} for e in array]
        if method == "POST" and match["id"] is None:
            if body.get("timeframe-type") != "specific-dates" or not body.get("timeframe-name"):
                return _error(400, "timeframe-name and timeframe-type are required")
            new_id = uuid.uuid4().hex
            state.store[new_id] = {"timeframe-id": new_id, "timeframe-name": body["timeframe-name"],
                                   "timeframe-type": "specific-dates", "domain": owner[0], "user": owner[1],
                                   ns.ARRAY: entries}
            return (200, state.store[new_id]) if body.get("synchronous") == "yes" else (202, None)
        if method == "PUT" and match["id"] is not None:
            state.store[match["id"]][ns.ARRAY] = entries
            return 200, {}
        return _error(400, "unsupported")


class TelphinApi:
    BASE = re.compile(r"^/api/ver1\.0/client/(?P<client>[^/]+)/interval/(?P<id>\d+)?$")

    @staticmethod
    def validate(body: Any) -> str | None:
        if not isinstance(body, dict) or not {"name", "timezone", "conditions"} <= set(body):
            return "name, timezone and conditions are required"
        if set(body) - {"name", "timezone", "conditions"}:
            return f"unknown fields: {sorted(set(body) - {'name', 'timezone', 'conditions'})}"
        for condition in body["conditions"]:
            try:
                tp.condition_spans(condition, ONE_DAY)
            except Exception as error:
                return str(error)
            if "type" in condition:
                return "type is read-only"
        return None

    def handle(self, state: State, method: str, path: str, auth: str, body: Any) -> tuple[int, Any]:
        if path == "/oauth/token" and method == "POST":
            if body != {"grant_type": "client_credentials", **TP_SECRETS}:
                return 401, {"message": "invalid client"}
            token = f"tp-token-{uuid.uuid4().hex}"
            state.tokens.add(token)
            return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        if auth.removeprefix("Bearer ") not in state.tokens:
            return 401, {"message": "token missing, expired or invalid"}
        match = self.BASE.match(path)
        if not match:
            return 404, {"message": "Record not found"}
        client = 12 if match["client"] == "@me" else int(match["client"])
        mine = {k: v for k, v in state.store.items() if v["client_id"] == client}
        if method == "GET" and match["id"] is None:
            return 200, list(mine.values())
        if match["id"] is not None and match["id"] not in mine:
            return 404, {"message": "Record not found"}
        if method == "GET":
            return 200, mine[match["id"]]
        problem = self.validate(body)
        if problem:
            return 400, {"message": problem}
        conditions = [{**c, "type": "datetime_range" if c.get("start_datetime") else "interval"}
                      for c in body["conditions"]]
        if method == "POST" and match["id"] is None:
            new_id = str(len(state.store) + 85)
            state.store[new_id] = {"id": int(new_id), "client_id": client, "dealer_id": 1, "extension_id": None,
                                   "name": body["name"], "timezone": body["timezone"], "conditions": conditions}
            return 201, state.store[new_id]
        if method == "PUT" and match["id"] is not None:
            state.store[match["id"]].update(name=body["name"], timezone=body["timezone"], conditions=conditions)
            return 200, state.store[match["id"]]
        return 404, {"message": "Record not found"}


class FakeServer:
    """Serve one fake API on 127.0.0.1 in a thread; `url` is its base."""

    def __init__(self, api: Any) -> None:
        self.state = State()
        handler = type("BoundHandler", (Handler,), {"state": self.state, "api": api})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
