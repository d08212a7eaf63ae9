"""Fake NetSapiens and Telphin API servers on 127.0.0.1: real HTTP, in-memory state, Bearer checks, field
validation from ../shared/spec, and injected faults (429, 500, slow answers, dropped connections)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode

import vendor_schema

from pbxcal.model import Window
from pbxcal.platforms.netsapiens import holiday_api
from pbxcal.platforms.netsapiens import target as ns
from pbxcal.platforms.telphin import target as tp

# Secrets with the characters servers escape when they echo them: slashes, quotes, spaces.
NS_SECRETS = {"client_id": "ns-client", "client_secret": "ns-secret/value+1", "username": "admin@example.com",
              "password": 'ns-pass "word" / value'}
ONE_DAY = Window(date(2026, 1, 1), date(2026, 1, 2))  # enough for the evaluator to check a condition's fields
TP_SECRETS = {"client_id": "tp-client", "client_secret": "tp-secret&value=/x y"}
NS_KEY = "nsd_" + "k" * 56
NS_ENV = {"NS_API_KEY": NS_KEY}
NS_OAUTH_ENV = {"NS_CLIENT_ID": NS_SECRETS["client_id"], "NS_CLIENT_SECRET": NS_SECRETS["client_secret"],
                "NS_USERNAME": NS_SECRETS["username"], "NS_PASSWORD": NS_SECRETS["password"]}
TP_ENV = {"TELPHIN_CLIENT_ID": TP_SECRETS["client_id"], "TELPHIN_CLIENT_SECRET": TP_SECRETS["client_secret"]}
TX_SECRETS = {"client_id": "3cx-client", "client_secret": "3cx-secret/'quote' & x=y"}
TX_ENV = {"THREECX_CLIENT_ID": TX_SECRETS["client_id"], "THREECX_CLIENT_SECRET": TX_SECRETS["client_secret"]}
WX_TOKEN = "wx-admin/token+value=" + "w" * 40
WX_ENV = {"WEBEX_TOKEN": WX_TOKEN}
KZ_KEY = "kz" + "a1" * 31
KZ_USER = {"username": "admin", "password": "kz-pass/'word' & x=y", "account_name": "Acme Reseller"}
KZ_ENV = {"KAZOO_API_KEY": KZ_KEY}
KZ_USER_ENV = {"KAZOO_USERNAME": KZ_USER["username"], "KAZOO_PASSWORD": KZ_USER["password"],
               "KAZOO_ACCOUNT_NAME": KZ_USER["account_name"]}
KZ_ACCOUNT = "a" * 32  # the credentials' own account (America/New_York)
KZ_SUB = "b" * 32  # a sub-account of it (Europe/London)
SECRETS = [NS_KEY, NS_SECRETS["client_secret"], NS_SECRETS["password"], TP_SECRETS["client_secret"],
           TX_SECRETS["client_secret"], KZ_KEY, KZ_USER["password"], WX_TOKEN,
           hashlib.md5(f"{KZ_USER['username']}:{KZ_USER['password']}".encode(), usedforsecurity=False).hexdigest()]


# Faults injected before the request is processed: nothing is applied.
BEFORE = {"429", "500", "drop", "slow", "echo", "301", "expire", "429-wait"}
# Faults injected after the request is processed (its change is applied): only the answer goes wrong.
AFTER = {"late", "drop-after", "500-after", "text", "empty", "shape", "204", "huge", "huge-declared", "drip",
         "drip-headers"}


@dataclass
class Fault:
    method: str
    path: str  # a substring of the request path
    kind: str  # one of BEFORE, AFTER, or "barrier" (wait for a second request with this fault before answering)
    times: int = 1
    payload: Any = None  # the JSON a "shape" fault answers; the size of a "huge" one


@dataclass
class State:
    tokens: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    store: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> object
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[tuple[str, str, Any]] = field(default_factory=list)  # every request that carried a body
    slow_seconds: float = 1.0
    barrier: threading.Barrier = field(default_factory=lambda: threading.Barrier(2, timeout=20))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault_for(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and fault.path in path and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None


class Handler(BaseHTTPRequestHandler):
    state: State
    api: Any

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: Any = None, *, raw: bytes | None = None,
              headers: dict[str, str] | None = None) -> None:
        data = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if raw is None else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(2)

    def _parse(self, raw: bytes) -> Any:
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        return json.loads(raw) if raw else None

    def _handle(self, method: str) -> None:
        with contextlib.suppress(OSError):  # the client gave up (a timeout, a size limit)
            self._serve(method)

    def _serve(self, method: str) -> None:
        self.state.requests.append((method, self.path))
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = self.state.fault_for(method, self.path)
        kind = fault.kind if fault else None
        if kind == "drop":
            return self._drop()
        if kind == "slow":
            time.sleep(self.state.slow_seconds)
        if kind in ("429", "500"):
            return self._send(int(kind), {"code": int(kind), "message": f"injected {kind}"})
        if kind == "429-wait":  # Too Many Requests with Retry-After: payload seconds
            return self._send(429, {"message": "injected 429"}, headers={"Retry-After": str(fault.payload)})
        if kind == "echo":  # a gateway that repeats the request in its error, as real ones do
            echoed = (f"bad gateway for {method} {self.path}; authorization: {self.headers.get('Authorization')}; "
                      f"body: {raw.decode()}; headers: {dict(self.headers)}")
            return self._send(502, {"code": 502, "message": echoed})
        if kind == "301":
            return self._send(301, raw=b"Moved", headers={"Location": "https://elsewhere.example" + self.path})
        if kind == "expire":
            self.state.expired |= self.state.tokens
            self.state.tokens.clear()
            return self._send(401, {"code": 401, "message": "token expired"})
        if kind == "barrier":
            self.state.barrier.wait()
        body = self._parse(raw)
        if raw:
            self.state.bodies.append((method, self.path, body))
        with self.state.lock:
            auth = self.headers.get("Authorization") or self.headers.get("X-Auth-Token", "")
            status, answer, *headers = self.api.handle(self.state, method, self.path, auth, body)
        self._answer(status, answer, fault, headers[0] if headers else None)

    def _answer(self, status: int, answer: Any, fault: Fault | None, headers: dict[str, str] | None = None) -> None:
        kind = fault.kind if fault else None
        if kind is None or kind in BEFORE or kind == "barrier" or status >= 300:
            return self._send(status, answer, headers=headers)
        if kind == "late":
            time.sleep(self.state.slow_seconds)
            return self._send(status, answer)
        if kind == "drop-after":
            return self._drop()
        if kind == "500-after":
            return self._send(500, {"code": 500, "message": "injected 500 after the change"})
        if kind == "text":
            return self._send(status, raw=b"OK, done.")
        if kind == "empty":
            return self._send(status, raw=b"")
        if kind == "shape":
            return self._send(200, fault.payload)
        if kind == "204":
            self.send_response(204)
            self.end_headers()
            return None
        if kind == "drip-headers":  # the status line and headers a byte at a time
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.state.slow_seconds)
            self.close_connection = True
            return None
        if kind == "huge-declared":  # says how big it is; nothing need be read to refuse it
            self.send_response(200)
            self.send_header("Content-Length", str(fault.payload))
            self.end_headers()
            return None
        if kind == "huge":  # no length given: the client has to count
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for _ in range(int(fault.payload) // 1000 + 1):
                self.wfile.write(b" " * 1000)
            return None
        # drip: one byte at a time, each well within a read timeout
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(self.state.slow_seconds)
        return None

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")


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
    """Timeframes as netsapiens-timeframes.md §5 describes them: create by type, replace-all PUT per array,
    convert by PUT (a custom timeframe cannot be converted), DELETE, read-only fields on every GET."""

    HOLIDAYS = re.compile(r"^/ns-api/v2/holidays/(?P<country>[A-Z]{2})(?:/(?P<region>[A-Z]{2}-[A-Z0-9]+))?/"
                          r"(?P<year>\d{4})$")
    BASE = re.compile(r"^/ns-api/v2/domains/(?P<domain>[A-Za-z0-9._~-]+)(?:/users/(?P<user>[^/]+))?/timeframes"
                      r"(?:/(?P<id>[0-9a-f]+))?$")
    ARRAYS: ClassVar[dict[str, tuple[str, ...]]] = {ns.ARRAY: ns.FIELDS, holiday_api.ARRAY: holiday_api.FIELDS,
                                                    "timeframe-days-of-week-array": ()}
    ARRAYS_OF: ClassVar[dict[str, tuple[str, ...]]] = {"specific-dates": (ns.ARRAY,), "holiday": (holiday_api.ARRAY,),
                 "days-of-week": ("timeframe-days-of-week-array",), "custom": tuple(ARRAYS), "always": ()}
    READ_ONLY = ("timeframe-id", "timeframe-parent-id", "ordinal-order", "domain", "user", "timeframe-is-v1")

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

    def validate_arrays(self, kind: str, body: dict[str, Any], *, create: bool) -> str | None:
        for array in self.ARRAYS:
            if array not in body:
                continue
            if array not in self.ARRAYS_OF[kind]:
                return f"a {kind} timeframe has no {array}"
            if not isinstance(body[array], list) or (create and not body[array]):
                return f"{array} must be a non-empty list"
            for entry in body[array]:
                read_only = [k for k in self.READ_ONLY if k in entry]
                if read_only:
                    return f"read-only fields sent: {read_only}"
                problem = self.validate_entry(entry) if array == ns.ARRAY else None
                if problem:
                    return problem
        return None

    def stored(self, owner: tuple[str, str], kind: str, name: str, body: dict[str, Any],
               new_id: str | None = None) -> dict[str, Any]:
        new_id = new_id or uuid.uuid4().hex
        made = {"timeframe-id": new_id, "timeframe-name": name, "timeframe-type": kind, "domain": owner[0],
                "user": owner[1]}
        for array in self.ARRAYS_OF[kind]:
            made[array] = [{**e, "timeframe-id": uuid.uuid4().hex, "timeframe-parent-id": new_id, "domain": owner[0],
                            "ordinal-order": n} for n, e in enumerate(body.get(array) or [])]
        return made

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
        if method == "DELETE" and match["id"] is not None:
            del state.store[match["id"]]
            return 202, None
        if not isinstance(body, dict):
            return _error(400, "a JSON object is required")
        problems = vendor_schema.validate_request(self.request_kind(method, match["user"], body), body)
        if problems:
            return _error(400, "; ".join(problems[:3]))
        if method == "POST" and match["id"] is None:
            kind, name = body.get("timeframe-type"), body.get("timeframe-name")
            unknown = set(body) - {"synchronous", "timeframe-name", "timeframe-type", *self.ARRAYS}
            if kind not in self.ARRAYS_OF or not name or unknown:
                return _error(400, f"timeframe-name and a known timeframe-type are required; unknown: {unknown}")
            problem = self.validate_arrays(kind, body, create=True)
            if problem:
                return _error(400, problem)
            made = self.stored(owner, kind, name, body)
            state.store[made["timeframe-id"]] = made
            return (200, made) if body.get("synchronous") == "yes" else (202, None)
        if method == "PUT" and match["id"] is not None:
            return self.put(state.store[match["id"]], body)
        return _error(400, "unsupported")

    @staticmethod
    def request_kind(method: str, user: str | None, body: dict[str, Any]) -> str:
        """Which vendor request schema a request body must meet (tests/vendor_schema.py)."""
        if method == "POST":
            return "create"
        if {"type", "timeframe-type"} & set(body):
            return "convert-user" if user else "convert-domain"
        return "replace"

    def put(self, current: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        convert = body.get("type") or body.get("timeframe-type")
        if convert is not None:
            if set(body) - {"type", "timeframe-type"} or convert not in self.ARRAYS_OF:
                return _error(400, "a convert request carries the type only")
            if current["timeframe-type"] == "custom":
                return _error(400, "a custom timeframe cannot be converted")
            kept = {} if convert != "custom" else {a: current.get(a, []) for a in self.ARRAYS}
            for array in self.ARRAYS:
                current.pop(array, None)
            current.update(self.stored((current["domain"], current["user"]), convert, current["timeframe-name"],
                                       kept, current["timeframe-id"]))
            return 200, {}
        problem = self.validate_arrays(current["timeframe-type"], body, create=False)
        if set(body) - set(self.ARRAYS) or not set(body) & set(self.ARRAYS):
            problem = problem or "a replace carries entry arrays only"
        if problem:
            return _error(400, problem)
        replaced = self.stored((current["domain"], current["user"]), current["timeframe-type"],
                               current["timeframe-name"], body, current["timeframe-id"])
        current.update({a: replaced[a] for a in body})
        return 200, {}


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
        if method == "DELETE" and match["id"] is not None:
            del state.store[match["id"]]
            return 204, None
        problem = self.validate(body)
        if problem:
            return 400, {"message": problem}
        conditions = [{**c, "type": "datetime_range" if c.get("start_datetime") else "interval"}
                      for c in body["conditions"]]
        if method == "POST" and match["id"] is None:
            new_id = str(max(map(int, state.store), default=84) + 1)
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
        if hasattr(api, "url"):  # an API whose answers hold absolute links
            api.url = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def secrets(self) -> list[str]:
        """Every credential a run against this server may know: the fixed ones and every token it issued."""
        return [*SECRETS, *self.state.tokens, *self.state.expired]

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class ThreeCXApi:
    """3CX v20 XAPI holidays as the OpenAPI excerpt describes them: an OData list with $filter (startswith and eq
    on Name), POST answering 201 with the new holiday, PATCH answering 204, DELETE; tokens by client credentials
    at /connect/token. Every request body is validated against the excerpt's Pbx.Holiday schema (tightened)."""

    ITEM = re.compile(r"^/xapi/v1/Holidays\((?P<id>-?\d+)\)$")
    FILTER = re.compile(r"^(?:startswith\(Name,'(?P<prefix>(?:[^']|'')*)'\)|Name eq '(?P<name>(?:[^']|'')*)')$")

    def __init__(self) -> None:
        self.next_id = 100

    def handle(self, state: State, method: str, path: str, auth: str, body: Any) -> tuple[int, Any]:
        import threecx_schema

        if path == "/connect/token" and method == "POST":
            if body != {"grant_type": "client_credentials", **TX_SECRETS}:
                return 400, {"error": "invalid_client"}
            token = f"3cx-token-{uuid.uuid4().hex}"
            state.tokens.add(token)
            return 200, {"access_token": token, "expires_in": 60, "token_type": "Bearer"}
        if auth.removeprefix("Bearer ") not in state.tokens:
            return 401, {"error": {"code": "401", "message": "Unauthorized"}}
        route, _, query = path.partition("?")
        if route == "/xapi/v1/Holidays" and method == "GET":
            params = parse_qs(query)
            listed = sorted(state.store.values(), key=lambda h: h["Id"])
            if "$filter" in params:
                found = self.FILTER.match(params["$filter"][0])
                if not found:
                    return 400, {"error": {"code": "400", "message": "unsupported $filter"}}
                if found["prefix"] is not None:
                    listed = [h for h in listed if h["Name"].startswith(found["prefix"].replace("''", "'"))]
                else:
                    listed = [h for h in listed if h["Name"] == found["name"].replace("''", "'")]
            return 200, {"@odata.context": "https://pbx/xapi/v1/$metadata#Holidays", "value": listed}
        if route == "/xapi/v1/Holidays" and method == "POST":
            problems = threecx_schema.problems(body, create=True)
            if problems:
                return 400, {"error": {"code": "400", "message": "; ".join(problems[:3])}}
            self.next_id += 1
            made = {"Id": self.next_id, "Group": None, "HolidayPrompt": None, **body}
            state.store[str(self.next_id)] = made
            return 201, made
        item = self.ITEM.match(route)
        if not item or item["id"] not in state.store:
            return 404, {"error": {"code": "404", "message": "Not found"}}
        if method == "GET":
            return 200, state.store[item["id"]]
        if method == "DELETE":
            del state.store[item["id"]]
            return 204, None
        if method == "PATCH":
            problems = threecx_schema.problems(body, create=False)
            if problems:
                return 400, {"error": {"code": "400", "message": "; ".join(problems[:3])}}
            state.store[item["id"]].update(body)
            return 204, None
        return 405, {"error": {"code": "405", "message": "method not allowed"}}


class KazooApi:
    """Kazoo Crossbar temporal rules and rule sets as kazoo-temporal-rules.md §1-§3 describe them: the {"data": ...}
    envelope both ways, X-Auth-Token from PUT /v2/api_auth or /v2/user_auth, listings paged by next_start_key
    (`page_size` rows a page), PUT creates (201), POST replaces all public fields, DELETE; every document is checked
    against the schema's fields and limits, and defaults (interval 1, start_date) are filled in on save."""

    ACCOUNT = re.compile(r"^/v2/accounts/(?P<account>[0-9a-f]{32})(?:/(?P<kind>temporal_rules|temporal_rules_sets)"
                         r"(?:/(?P<id>[0-9a-f]{32}))?)?(?:\?(?P<query>.*))?$")
    ZONES: ClassVar[dict[str, str | None]] = {KZ_ACCOUNT: "America/New_York", KZ_SUB: "Europe/London"}
    CYCLES = ("date", "daily", "weekly", "monthly", "yearly")
    WDAYS = ("monday", "tuesday", "wednesday", "wensday", "thursday", "friday", "saturday", "sunday")
    ORDINALS = ("every", "first", "second", "third", "fourth", "fifth", "last")

    def __init__(self, page_size: int = 50) -> None:
        self.page_size = page_size

    @staticmethod
    def envelope(data: Any, **extra: Any) -> dict[str, Any]:
        return {"data": data, "status": "success", "request_id": uuid.uuid4().hex, "revision": "1-x", **extra}

    @staticmethod
    def failure(status: int, message: str, data: Any = None) -> tuple[int, dict[str, Any]]:
        return status, {"data": data or {}, "error": str(status), "message": message, "status": "error"}

    def problems(self, kind: str, doc: Any) -> list[str]:
        if not isinstance(doc, dict):
            return ["data must be an object"]
        found = []
        name = doc.get("name")
        if not (isinstance(name, str) and 1 <= len(name) <= 128):
            found.append("name: required, 1-128 characters")
        if kind == "temporal_rules_sets":
            rules = doc.get("temporal_rules")
            if not (isinstance(rules, list) and rules and all(isinstance(r, str) for r in rules)):
                found.append("temporal_rules: at least one rule id")
            return found
        if doc.get("cycle") not in self.CYCLES:
            found.append("cycle: required, one of the cycles")
        limits = {"interval": (1, None), "month": (1, 12), "time_window_start": (0, 86400),
                  "time_window_stop": (0, 86400), "start_date": (0, None)}
        for key, (low, high) in limits.items():
            value = doc.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < low
                                      or (high is not None and value > high)):
                found.append(f"{key}: out of range")
        days, wdays = doc.get("days", []), doc.get("wdays", [])
        if not isinstance(days, list) or not all(isinstance(d, int) and 1 <= d <= 31 for d in days):
            found.append("days: integers 1-31")
        if not isinstance(wdays, list) or not all(w in self.WDAYS for w in wdays):
            found.append("wdays: weekday names")
        if "ordinal" in doc and doc["ordinal"] not in self.ORDINALS:
            found.append("ordinal: one of the ordinals")
        return found

    @staticmethod
    def public(doc: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if not k.startswith("pvt_")}

    def handle(self, state: State, method: str, path: str, auth: str, body: Any) -> tuple[int, Any]:
        if method == "PUT" and path in ("/v2/api_auth", "/v2/user_auth"):
            data = body.get("data") if isinstance(body, dict) else None
            md5 = hashlib.md5(f"{KZ_USER['username']}:{KZ_USER['password']}".encode(), usedforsecurity=False)
            wanted = ({"api_key": KZ_KEY} if path == "/v2/api_auth" else
                      {"credentials": md5.hexdigest(), "account_name": KZ_USER["account_name"], "method": "md5"})
            if data != wanted:
                return self.failure(401, "invalid credentials")
            token = f"kz-token-{uuid.uuid4().hex}"
            state.tokens.add(token)
            return 201, self.envelope({"account_id": KZ_ACCOUNT, "owner_id": "c" * 32}, auth_token=token)
        if auth not in state.tokens:
            return self.failure(401, "invalid credentials")
        match = self.ACCOUNT.match(path)
        if not match or match["account"] not in self.ZONES:
            return self.failure(404, "bad identifier")
        account, kind, found_id = match["account"], match["kind"], match["id"]
        if kind is None:
            if method != "GET":
                return self.failure(405, "method not allowed")
            return 200, self.envelope({"id": account, "name": "Acme", "timezone": self.ZONES[account]},
                                      auth_token=auth)
        pvt_type = "temporal_rule" if kind == "temporal_rules" else "temporal_rule_set"
        mine = {k: v for k, v in sorted(state.store.items())
                if v["pvt_account"] == account and v["pvt_type"] == pvt_type}
        if found_id is None and method == "GET":
            rows = [{"id": k, "name": v["name"], "flags": [],
                     **({"type": v.get("cycle")} if kind == "temporal_rules" else {"rules": v["temporal_rules"]})}
                    for k, v in mine.items()]
            query = parse_qs(match["query"] or "")
            first = 0
            if "start_key" in query:
                ids = [r["id"] for r in rows]
                if query["start_key"][0] not in ids:
                    return self.failure(400, "bad start_key")
                first = ids.index(query["start_key"][0])
            page = rows[first : first + self.page_size]
            extra = {"page_size": len(page), "start_key": rows[first]["id"] if rows else None}
            if first + self.page_size < len(rows):
                extra["next_start_key"] = rows[first + self.page_size]["id"]
            return 200, self.envelope(page, auth_token=auth, **extra)
        data = body.get("data") if isinstance(body, dict) else None
        if found_id is None and method == "PUT":
            problems = self.problems(kind, data)
            if problems:
                return self.failure(400, "validation failed", {"problems": problems})
            new_id = uuid.uuid4().hex
            doc = {**({"interval": 1, "start_date": 62586115200} if kind == "temporal_rules" else {}), **data,
                   "id": new_id, "pvt_account": account, "pvt_type": pvt_type}
            state.store[new_id] = doc
            return 201, self.envelope(self.public(doc), auth_token=auth)
        if found_id is None or found_id not in mine:
            return self.failure(404, "bad identifier")
        if method == "GET":
            return 200, self.envelope(self.public(mine[found_id]), auth_token=auth)
        if method == "DELETE":
            doc = state.store.pop(found_id)
            return 200, self.envelope(self.public(doc), auth_token=auth)
        if method == "POST":
            problems = self.problems(kind, data)
            if problems:
                return self.failure(400, "validation failed", {"problems": problems})
            old = state.store[found_id]
            doc = {**({"interval": 1, "start_date": 62586115200} if kind == "temporal_rules" else {}), **data,
                   "id": found_id, "pvt_account": old["pvt_account"], "pvt_type": pvt_type}
            state.store[found_id] = doc
            return 200, self.envelope(self.public(doc), auth_token=auth)
        return self.failure(405, "method not allowed")


def webex_id(kind: str, name: str) -> str:
    """An id as Webex derives it from a name (webex-calling-schedules.md §7, inferred from the documented examples)."""
    inner = base64.b64encode(name.encode()).decode().rstrip("=")
    return base64.b64encode(f"ciscospark://us/{kind}/{inner}".encode()).decode().rstrip("=")


class WebexApi:
    """Webex Calling location schedules as webex-calling-schedules.md describes them: locations listed by name
    (contains, as loose filters do) and read by id; holiday schedules listed (by type, name prefix, in pages of
    PAGE with a Link rel="next"), created with their events (201 {"id"}), read with events; events created (201),
    updated whole (a new name gives a new id), deleted (204); names unique; ids derived from names; orgId lets
    the partner token act in CUSTOMER. Every schedule and event body is checked against the documented fields."""

    OWN, CUSTOMER = "org-own", "org-customer"
    PAGE = 2
    url = ""  # the fake server's base, set when it starts (absolute Link URLs)
    LOCATIONS: ClassVar[dict[str, list[dict[str, Any]]]] = {
        OWN: [{"id": "bG9jLWhx", "name": "HQ", "timeZone": "America/New_York"},
              {"id": "bG9jLWJlcmxpbg", "name": "Berlin", "timeZone": "Europe/Berlin"},
              {"id": "bG9jLWJlcmxpbjI", "name": "Berlin 2", "timeZone": "Europe/Berlin"},
              {"id": "bG9jLXR3aW4x", "name": "Twin", "timeZone": "UTC"},
              {"id": "bG9jLXR3aW4y", "name": "Twin", "timeZone": "UTC"}],
        CUSTOMER: [{"id": "bG9jLWN1c3RvbWVy", "name": "HQ", "timeZone": "Europe/London"}],
    }
    ROUTE = re.compile(r"^/v1/telephony/config/locations/(?P<loc>[^/]+)/schedules(?:/(?P<type>[^/]+)/(?P<id>[^/]+)"
                       r"(?:/events(?:/(?P<event>[^/]+))?(?P<events>/events)?)?)?$")
    EVENT: ClassVar[set[str]] = {"name", "startDate", "endDate", "startTime", "endTime", "allDayEnabled", "recurrence"}
    RECURRENCE: ClassVar[set[str]] = {"recurForEver", "recurEndDate", "recurWeekly", "recurYearlyByDate",
                                      "recurYearlyByDay"}

    @classmethod
    def check_event(cls, event: Any) -> str | None:
        if not isinstance(event, dict) or not {"name", "startDate", "endDate"} <= set(event):
            return "name, startDate and endDate are required"
        if set(event) - cls.EVENT:
            return f"unknown event fields {sorted(set(event) - cls.EVENT)}"
        if not all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(event[k])) for k in ("startDate", "endDate")):
            return "dates are YYYY-MM-DD"
        times = all(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(event.get(k))) for k in ("startTime", "endTime"))
        if not event.get("allDayEnabled") and not times:
            return "startTime and endTime (HH:MM) are mandatory if the event is not all day"
        recurrence = event.get("recurrence")
        if recurrence is not None:
            if not isinstance(recurrence, dict) or set(recurrence) - cls.RECURRENCE:
                return f"unknown recurrence fields {sorted(set(recurrence) - cls.RECURRENCE)}"
            weekly = recurrence.get("recurWeekly")
            if weekly is not None and "sunday" not in weekly:
                return "recurWeekly.sunday is required"
            by_date = recurrence.get("recurYearlyByDate")
            if by_date is not None and not {"dayOfMonth", "month"} <= set(by_date):
                return "recurYearlyByDate needs dayOfMonth and month"
            by_day = recurrence.get("recurYearlyByDay")
            if by_day is not None and (not {"day", "week", "month"} <= set(by_day)
                                       or by_day["week"] not in ("FIRST", "SECOND", "THIRD", "FOURTH", "LAST")):
                return "recurYearlyByDay needs day, week (FIRST..FOURTH, LAST) and month"
        return None

    def handle(self, state: State, method: str, path: str, auth: str, body: Any) -> tuple[Any, ...]:
        if auth != f"Bearer {WX_TOKEN}":
            return 401, {"message": "The request requires a valid access token set in the Authorization request "
                                    "header.", "trackingId": "x"}
        route, _, query = path.partition("?")
        params = {k: v[0] for k, v in parse_qs(query).items()}
        org = params.get("orgId", self.OWN)
        if org not in self.LOCATIONS:
            return 403, {"message": "not authorised in that organisation"}
        locations = self.LOCATIONS[org]
        if route == "/v1/locations" and method == "GET":
            return 200, {"items": [p for p in locations if params.get("name", "") in p["name"]]}
        if route.startswith("/v1/locations/") and method == "GET":
            found = [p for p in locations if p["id"] == route.rsplit("/", 1)[1]]
            return (200, found[0]) if found else (404, {"message": "location not found"})
        match = self.ROUTE.match(route)
        if not match or match["loc"] not in {p["id"] for p in locations}:
            return 404, {"message": "not found"}
        mine = {k: v for k, v in state.store.items() if v["locationId"] == match["loc"]}
        if match["id"] is None:
            if method == "GET":
                return self.page(route, params, sorted(mine.values(), key=lambda s: s["name"]))
            if method == "POST":
                return self.create(state, match["loc"], body)
            return 405, {"message": "method not allowed"}
        key = f"{match['loc']}/{match['id']}"
        if key not in mine or mine[key]["type"] != match["type"]:
            return 404, {"message": "schedule not found"}
        schedule = mine[key]
        if match["event"] is None and match["events"] is None and not route.endswith("/events"):
            if method == "GET":
                return 200, {k: schedule[k] for k in ("id", "name", "type", "events")}
            if method == "DELETE":
                del state.store[key]
                return 204, None
            return 405, {"message": "not offered here"}
        return self.event(schedule, method, match["event"], body)

    def page(self, route: str, params: dict[str, str], listed: list[dict[str, Any]]) -> tuple[Any, ...]:
        kind, name = params.get("type"), params.get("name", "")
        found = [{k: s[k] for k in ("id", "name", "type", "locationId")} | {"locationName": "x"} for s in listed
                 if (kind is None or s["type"] == kind) and s["name"].startswith(name)]
        start = int(params.get("start", 0))
        headers = {}
        if start + self.PAGE < len(found):
            following = {**params, "start": str(start + self.PAGE), "max": str(self.PAGE)}
            headers["Link"] = f'<{self.url}{route}?{urlencode(following)}>; rel="next"'
        return 200, {"schedules": found[start:start + self.PAGE]}, headers

    def create(self, state: State, location: str, body: Any) -> tuple[Any, ...]:
        if not isinstance(body, dict) or set(body) - {"name", "type", "events"} or body.get("type") not in (
                "holidays", "businessHours") or not body.get("name"):
            return 400, {"message": "name and type are required"}
        made = webex_id("SCHEDULE", body["name"])
        if f"{location}/{made}" in state.store:
            return 409, {"message": "a schedule of that name exists"}
        events = []
        for event in body.get("events") or []:
            problem = self.check_event(event)
            if problem:
                return 400, {"message": problem}
            events.append({"id": webex_id("SCHEDULE_EVENT", event["name"]), **event})
        if len({e["name"] for e in events}) != len(events):
            return 400, {"message": "event names must be unique"}
        state.store[f"{location}/{made}"] = {"id": made, "name": body["name"], "type": body["type"],
                                             "locationId": location, "events": events}
        return 201, {"id": made}

    def event(self, schedule: dict[str, Any], method: str, event_id: str | None, body: Any) -> tuple[Any, ...]:
        events = schedule["events"]
        if event_id is None:
            if method != "POST":
                return 405, {"message": "method not allowed"}
            problem = self.check_event(body)
            if problem:
                return 400, {"message": problem}
            if any(e["name"] == body["name"] for e in events):
                return 409, {"message": "an event of that name exists"}
            made = {"id": webex_id("SCHEDULE_EVENT", body["name"]), **body}
            events.append(made)
            return 201, {"id": made["id"]}
        found = [e for e in events if e["id"] == event_id]
        if not found:
            return 404, {"message": "event not found"}
        if method == "GET":
            return 200, found[0]
        if method == "DELETE":
            events.remove(found[0])
            return 204, None
        if method == "PUT":
            problem = self.check_event(body)
            if problem:
                return 400, {"message": problem}
            found[0].clear()
            found[0].update({"id": webex_id("SCHEDULE_EVENT", body["name"]), **body})
            return 200, {"id": found[0]["id"]}
        return 405, {"message": "method not allowed"}
