"""2600Hz Kazoo Crossbar API over HTTP: a body's temporal rules and the rule set listing them, replaced in place.

A body is a rule set NAME and its rules NAME #1, NAME #2, ... To the upload code it is one object: `named(NAME)`
is the rule set of that name with its rules read in full (plus any rule named NAME #n that no set lists, so a
re-run cleans up after a failed one). `create` and `replace` change the rules in place by name (POST), create the
missing ones (PUT, sent once, read back by name when the outcome is unknown), point the set at them (callflows
refer to the set by id, so it keeps its id), then delete the rules no longer wanted.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from ...errors import BadInputError, RemoteError
from ..http import Answer, ConnectOptions, expect
from ..remote import ID, MAX_PAGES
from ..remote import Remote as BaseRemote
from . import rules, target

USER_VARIABLES = ("KAZOO_USERNAME", "KAZOO_PASSWORD")
ACCOUNT_VARIABLES = ("KAZOO_ACCOUNT_NAME", "KAZOO_ACCOUNT_REALM")  # which account the user belongs to (one of)
SET_FIELDS = ("name", "temporal_rules")  # what pbxcal writes on a rule set; its other public fields are kept
NUMBERED = re.compile(r" #[1-9][0-9]*")


class Remote(BaseRemote):
    NAME_FIELD = "name"
    ID_FIELD = "id"
    KIND = "rule set"
    SECRET_VARIABLES = ("KAZOO_API_KEY", "KAZOO_PASSWORD")
    ID_BASE = 16  # Kazoo ids are 32 hexadecimal digits

    def __init__(self, options: ConnectOptions) -> None:
        super().__init__(options)
        self.api = self.server if self.server.endswith("/v2") else f"{self.server}/v2"
        self.http.auth_header = ("X-Auth-Token", "")
        self.account: str | None = options.account
        self.body_zone: str | None = None
        self.zone: str | None = None
        self.base = ""
        self.label = f"Kazoo {self.server}"

    # ---- credentials and account ----------------------------------------------------------------------------

    def check_environment(self, environ: dict[str, str]) -> None:
        """An account API key, else a user's name, password and account name (or realm)."""
        if environ.get("KAZOO_API_KEY"):
            return
        given = [v for v in (*USER_VARIABLES, *ACCOUNT_VARIABLES) if environ.get(v)]
        if not given:
            raise BadInputError("no Kazoo credentials: set KAZOO_API_KEY (the account's API key), or KAZOO_USERNAME, "
                                "KAZOO_PASSWORD and KAZOO_ACCOUNT_NAME (or KAZOO_ACCOUNT_REALM), or pass --token-file "
                                "with --account")
        missing = [v for v in USER_VARIABLES if not environ.get(v)]
        if missing or not any(environ.get(v) for v in ACCOUNT_VARIABLES):
            missing += [] if any(environ.get(v) for v in ACCOUNT_VARIABLES) else ["KAZOO_ACCOUNT_NAME"]
            raise BadInputError(f"incomplete Kazoo user credentials: {', '.join(missing)} not set (or use "
                                "KAZOO_API_KEY)")

    def grant(self) -> Answer:
        """PUT /v2/api_auth with the API key, or PUT /v2/user_auth with the MD5 of username:password."""
        environ = self.options.environ
        if environ.get("KAZOO_API_KEY"):
            key = {"data": {"api_key": environ["KAZOO_API_KEY"]}}
            return self.http.request("PUT", f"{self.api}/api_auth", body=key, authorised=False)
        secret = f"{environ['KAZOO_USERNAME']}:{environ['KAZOO_PASSWORD']}"
        credentials = hashlib.md5(secret.encode(), usedforsecurity=False).hexdigest()
        self.options.secrets.add(credentials)
        data = {"credentials": credentials, "method": "md5"}
        if environ.get("KAZOO_ACCOUNT_NAME"):
            data["account_name"] = environ["KAZOO_ACCOUNT_NAME"]
        else:
            data["account_realm"] = environ["KAZOO_ACCOUNT_REALM"]
        return self.http.request("PUT", f"{self.api}/user_auth", body={"data": data}, authorised=False)

    def _renew(self) -> None:
        envelope = expect(self.grant(), "an envelope with auth_token and data.account_id",
                          lambda d: isinstance(d, dict) and isinstance(d.get("auth_token"), str)
                          and isinstance(d.get("data"), dict), "the token request", private=True)
        self.http.use_token(envelope["auth_token"], "the token request", issued=True)
        own = envelope["data"].get("account_id")
        if self.account is None and isinstance(own, str):
            self.account = own

    def authenticate(self) -> None:
        """A token, then the account (--account, else the credentials' own) and its zone, compared with the body's."""
        super().authenticate()
        if not self.account:
            raise BadInputError("no Kazoo account: pass --account ACCOUNT_ID (a token file does not say whose it is)")
        if not ID.fullmatch(self.account):
            raise BadInputError(f"--account {self.account!r} is no Kazoo account id")
        self.base = f"{self.api}/accounts/{self.account}"
        self.label = f"Kazoo {self.server} account {self.account}"
        url = self.base
        account = expect(self.http.request("GET", url), "an envelope with the account in data",
                         lambda d: isinstance(d, dict) and isinstance(d.get("data"), dict), f"GET {url}")["data"]
        zone = account.get("timezone")
        self.zone = zone if isinstance(zone, str) and zone not in ("", "inherit") else None
        if self.body_zone and self.zone and self.zone != self.body_zone and not self.options.allow_zone_mismatch:
            raise BadInputError(f"account {self.account} runs on {self.zone}, the body on {self.body_zone}: its rules "
                                f"would match at other hours; convert with --timezone {self.zone}, or pass "
                                "--allow-zone-mismatch when the callflow's temporal_route sets its own timezone")
        if self.body_zone and not self.zone:
            self.options.say(f"note: account {self.account} sets no time zone of its own (it inherits one): check "
                             f"that the callflow evaluates on {self.body_zone}")

    def location(self) -> dict[str, Any]:
        return {"platform": target.NAME, "server": self.server, "account": self.account}

    # ---- reading --------------------------------------------------------------------------------------------

    def _listing(self, kind: str) -> list[dict[str, Any]]:
        """Every row of a Crossbar listing, page after page (next_start_key until there is none)."""
        rows: list[dict[str, Any]] = []
        url = f"{self.base}/{kind}"
        seen: set[str] = set()
        page_url = url
        for _ in range(MAX_PAGES):
            data = expect(self.http.request("GET", page_url), "an envelope with a data list of objects with ids",
                          _is_listing, f"GET {page_url}")
            rows.extend(data["data"])
            following = data.get("next_start_key")
            if following is None:
                return rows
            key = following if isinstance(following, str) else json.dumps(following, separators=(",", ":"))
            if key in seen:
                raise RemoteError(f"GET {url}: the listing repeats its next_start_key {key!r}; nothing was written")
            seen.add(key)
            page_url = f"{url}?start_key={quote(key, safe='')}"
        raise RemoteError(f"GET {url}: more than {MAX_PAGES} pages; nothing was written")

    def _document(self, kind: str, found_id: str) -> dict[str, Any] | None:
        """One document in full; None when it is gone (a set may list a deleted rule)."""
        url = f"{self.base}/{kind}/{found_id}"
        try:
            answer = self.http.request("GET", url)
        except RemoteError as error:
            if error.status == 404:
                return None
            raise
        return expect(answer, "an envelope with the document in data",
                      lambda d: isinstance(d, dict) and isinstance(d.get("data"), dict), f"GET {url}")["data"]

    def _owned_rules(self, name: str) -> list[dict[str, Any]]:
        """Every rule named NAME #n, read in full, lowest id first."""
        rows = [r for r in self._listing("temporal_rules") if _owner(r.get("name"), name)]
        found = [self._document("temporal_rules", str(r["id"])) for r in sorted(rows, key=self.order)]
        return [r for r in found if r is not None]

    def list(self) -> list[dict[str, Any]]:
        """Every temporal rule of the account, in full (a list pbxcal reads as a source)."""
        found = [self._document("temporal_rules", str(r["id"])) for r in self._listing("temporal_rules")]
        return [r for r in found if r is not None]

    def named(self, name: str) -> list[dict[str, Any]]:
        """The rule sets called name, each with its rules in full and the owned rules no set of them lists."""
        sets = [s for s in self._listing("temporal_rules_sets") if s.get("name") == name]
        if not sets:
            return []
        owned = {r["id"]: r for r in self._owned_rules(name)}
        found = []
        listed: set[str] = set()
        for row in sets:
            document = self._document("temporal_rules_sets", str(row["id"]))
            if document is None:
                continue
            ids = document.get("temporal_rules")
            ids = ids if isinstance(ids, list) else []
            listed.update(map(str, ids))
            held = [owned.get(i) or self._document("temporal_rules", str(i)) for i in ids if ID.fullmatch(str(i))]
            found.append({**document, "id": str(row["id"]), "name": name, "timezone": self.zone,
                          "rules": [r for r in held if r is not None]})
        for one in found:
            one["unlisted"] = [r for i, r in owned.items() if i not in listed]
        return found

    # ---- checks ---------------------------------------------------------------------------------------------

    def check_body(self, body: dict[str, Any]) -> None:
        """Rules that read (no form that crashes Kazoo), each named NAME #n once, at least one (a set needs one)."""
        name = self.name_of(body)
        if len(name) > target.MAX_NAME:
            raise BadInputError(f"a rule set name has at most {target.MAX_NAME} characters, got {len(name)}")
        zone = target.zone_of(body)
        written = _writable(body, zone)
        if not written:
            raise BadInputError("the body has no rules, and a Kazoo rule set lists at least one")
        strays = [r["name"] for r in written if not _owner(r.get("name"), name)]
        if strays:
            raise BadInputError(f"rule {strays[0]!r} is not named {name} #n: an upload owns only the rules named "
                                "after its body")
        names = [r["name"] for r in written]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise BadInputError(f"two rules are named {twice[0]!r}: names must be unique in a body")
        self.body_zone = zone

    def is_empty(self, found: dict[str, Any]) -> bool:
        return not found.get("rules")

    def same(self, current: dict[str, Any], body: dict[str, Any]) -> bool:
        """The same rules by name and contents, the set listing exactly them, and no stray rule left over."""
        held = current.get("rules") or []
        listed = current.get("temporal_rules")
        if current.get("unlisted") or (isinstance(listed, list) and len(listed) != len(held)):
            return False
        wanted = _writable(body, None)
        by_name: dict[Any, list[dict[str, Any]]] = {}
        for rule in held:
            by_name.setdefault(rule.get("name"), []).append(rule)
        if sorted(map(str, by_name)) != sorted(str(r.get("name")) for r in wanted) or len(held) != len(wanted):
            return False
        extra = _set_fields(body)
        return all(current.get(k) == v for k, v in extra.items()) and all(
            any(_same_rule(h, rule) for h in by_name[rule.get("name")]) for rule in wanted)

    def left_behind(self, name: str) -> str | None:
        """Rules named NAME #n that a failed create made before the rule set (a re-run reuses or deletes them)."""
        rows = sorted((r for r in self._listing("temporal_rules") if _owner(r.get("name"), name)), key=self.order)
        if not rows:
            return None
        ids = ", ".join(str(r["id"]) for r in rows)
        return (f"no rule set was created, but {len(rows)} rule{'s' * (len(rows) != 1)} named '{name} #n' "
                f"{'were' if len(rows) != 1 else 'was'} (ids {ids}), listed by no rule set and so never evaluated; "
                "a re-run converges: it reuses or deletes them")

    # ---- writing --------------------------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> Answer:
        return self._apply(None, body)

    def create_problem(self, answer: Answer) -> str | None:
        return None  # each request's answer was checked, or its document read back, in _apply

    def replace(self, current: dict[str, Any], body: dict[str, Any]) -> Answer:
        return self._apply(current, body)

    def item_url(self, found: dict[str, Any]) -> str:
        return f"{self.base}/temporal_rules_sets/{self.id_of(found)}"

    def _apply(self, current: dict[str, Any] | None, body: dict[str, Any]) -> Answer:
        """Rules replaced in place by name or created, the set pointed at them (created once when there is none),
        then the rules no longer wanted deleted."""
        name = self.name_of(body)
        held: dict[str, list[dict[str, Any]]] = {}
        listed = set(map(str, (current or {}).get("temporal_rules") or []))
        owned = self._owned_rules(name) if current is None else [*current["rules"], *current["unlisted"]]
        for found in owned:
            if _owner(found.get("name"), name):  # a rule of another name the set lists is left alone
                held.setdefault(found["name"], []).append(found)
        ids: list[str] = []
        kept: set[str] = set()
        done = 0
        try:
            for rule in _writable(body, None):
                there = sorted(held.get(rule["name"], []), key=lambda r: (str(r["id"]) not in listed, self.order(r)))
                if not there:
                    ids.append(self._create_rule(rule))
                else:
                    ids.append(str(there[0]["id"]))
                    if not _same_rule(there[0], rule):
                        url = f"{self.base}/temporal_rules/{there[0]['id']}"
                        self.http.request("POST", url, body={"data": rule}, changes=True)
                kept.add(ids[-1])
                done += 1
            self._point_set(current, name, ids, _set_fields(body))
            done += 1
            for found in (r for group in held.values() for r in group if str(r["id"]) not in kept):
                self._delete_rule(found)
                done += 1
        except RemoteError as error:
            raise RemoteError(f"{error.reason} ({done} of the steps made before it)", unknown=error.unknown,
                              status=error.status) from None
        return Answer(200, {"rules": ids}, True)

    def _point_set(self, current: dict[str, Any] | None, name: str, ids: list[str], extra: dict[str, Any]) -> None:
        """The set listing the rules, with the body's own set fields (a backup's), its other public fields kept."""
        if current is not None:
            if [str(i) for i in current.get("temporal_rules") or []] == ids and all(
                    current.get(k) == v for k, v in extra.items()):
                return
            kept = _set_fields(current)
            self.http.request("POST", self.item_url(current), body={"data": {
                **kept, **extra, "name": name, "temporal_rules": ids}}, changes=True)
            return
        answer = self._create_once("temporal_rules_sets", {**extra, "name": name, "temporal_rules": ids}, name)
        made = "not created: dry run" if self.options.dry_run else answer
        self.options.say(f"note: rule set {name!r} ({made}) does nothing until a callflow's temporal_route uses it: "
                         "list its id in the node's rules, or set it as the node's rule_set")

    def _create_rule(self, rule: dict[str, Any]) -> str:
        return self._create_once("temporal_rules", rule, rule["name"])

    def _create_once(self, kind: str, document: dict[str, Any], name: str) -> str:
        """Create one document: sent once; an unknown outcome is read back by name before it is sent again.
        Returns its id (in a dry run, a placeholder)."""
        def made(answer: Answer) -> str | None:
            data = answer.data.get("data") if answer.readable and isinstance(answer.data, dict) else None
            if isinstance(data, dict) and isinstance(data.get("id"), str) and ID.fullmatch(data["id"]):
                return str(data["id"])
            return None

        def held() -> str | None:
            found = sorted((r for r in self._listing(kind) if r.get("name") == name), key=self.order)
            return str(found[0]["id"]) if found else None

        return self.create_once(
            repr(name), lambda: self.http.request("PUT", f"{self.base}/{kind}", body={"data": document}, changes=True,
                                                   once=True),
            made, "the new document in data", held, dry=f"new:{name}")

    def _delete_rule(self, found: dict[str, Any]) -> None:
        try:
            self.http.request("DELETE", f"{self.base}/temporal_rules/{found['id']}", changes=True)
        except RemoteError as error:
            if error.status != 404:
                raise


def _is_listing(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("data"), list) and all(
        isinstance(r, dict) and isinstance(r.get("id"), str) and ID.fullmatch(r["id"]) for r in data["data"])


def _owner(rule_name: Any, name: str) -> bool:
    """Whether a rule named so belongs to the body called name (NAME #n)."""
    return isinstance(rule_name, str) and rule_name.startswith(name) and bool(
        NUMBERED.fullmatch(rule_name[len(name):]))


def _public(document: dict[str, Any], skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """A document's public fields: what Crossbar stores as sent (not its id, `pvt_*` or `_*` fields)."""
    return {k: v for k, v in document.items() if k not in skip and not k.startswith(("pvt_", "_"))}


def _writable(body: dict[str, Any], zone: str | None) -> list[dict[str, Any]]:
    """The body's rules as sent: every public field a rule carries (a pbxcal body holds those it writes; a backup
    also `enabled`, `flags`, `type`, `end_date`, `exclude`, ...), never ids; each checked when the zone is known."""
    found = body.get("rules")
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        raise BadInputError("a Kazoo body needs a 'rules' list of temporal rule objects")
    if zone:
        for rule in found:
            rules.read(rule, zone)
    return [_public(r) for r in found]


def _set_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The rule set's own public fields a body carries besides its name and rules (a backup's `flags`, `type`...)."""
    return _public(body, ("id", "rules", "unlisted", "timezone", *SET_FIELDS))


def _key(rule: dict[str, Any], fields: Any = ()) -> str:
    """Contents as Kazoo means them: the written fields (interval 1 when absent), any field that overrides them
    (`enabled`), and the other fields the body sends (`fields`)."""
    written = {f: rule.get(f) for f in (*target.WRITTEN, "enabled", *fields)}
    written["interval"] = written["interval"] or 1
    return json.dumps(written, sort_keys=True)


def _same_rule(held: dict[str, Any], rule: dict[str, Any]) -> bool:
    """Whether a rule on the platform holds what the body sends: every field sent, and no override (`enabled`)
    the body does not send."""
    return _key(held, rule) == _key(rule, rule)


def connect(options: ConnectOptions) -> Remote:
    return Remote(options)


__all__ = ["Remote", "connect"]
