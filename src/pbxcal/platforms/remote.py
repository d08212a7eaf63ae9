"""What every platform client shares: objects found by name in a strictly checked list, deleted by id."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from ..errors import RemoteError
from .http import Answer, ConnectOptions, Http, check_server, expect, read_token_file

Made = TypeVar("Made")
MAX_PAGES = 10_000  # a paged list longer than this is a server that never ends it

ID = re.compile(r"[A-Za-z0-9._~-]+")  # an id goes into a URL path as it is


class Remote:
    """One platform's objects at one location. Subclasses set the fields below and `base` (the collection URL),
    and write `check_environment`, `grant`, `create`, `create_problem`, `replace`, `same` and `location`."""

    NAME_FIELD: ClassVar[str]
    ID_FIELD: ClassVar[str]
    KIND: ClassVar[str]  # "timeframe", "interval": how messages call one object
    SECRET_VARIABLES: ClassVar[tuple[str, ...]] = ()  # environment variables holding secrets
    ID_BASE: ClassVar[int] = 10
    base: str
    label: str

    def __init__(self, options: ConnectOptions) -> None:
        self.options = options
        self.server = check_server(options.server)
        self.http = Http(options)

    def check(self) -> None:
        """Credentials are there before any request (exit 2 otherwise); each one is a secret of this run."""
        environ = self.options.environ
        self.options.secrets.add(*(environ.get(v) for v in self.SECRET_VARIABLES))
        if self.options.token_file:
            self.http.use_token(read_token_file(self.options.token_file), "--token-file")
        else:
            self.check_environment(environ)

    def check_environment(self, environ: dict[str, str]) -> None:  # pragma: no cover - every client overrides it
        raise NotImplementedError

    def authenticate(self) -> None:
        """A key or token file is used as it is; an OAuth token is asked for, and asked again after a 401."""
        if self.http.token is None:
            self._renew()
            self.http.renew_token = self._renew

    def _renew(self) -> None:
        data = expect(self.grant(), "an object with access_token",
                      lambda d: isinstance(d, dict) and isinstance(d.get("access_token"), str), "the token request",
                      private=True)
        self.http.use_token(data["access_token"], "the token endpoint", issued=True)

    def grant(self) -> Answer:  # pragma: no cover - every client with OAuth overrides it
        """Send the platform's token request."""
        raise NotImplementedError

    def list(self) -> list[dict[str, Any]]:
        """Every object at this location; anything but the documented JSON array of objects is exit 4."""
        answer = self.http.request("GET", self.base)
        return expect(answer, f"a JSON array of {self.KIND}s", self._is_list, f"GET {self.base}")

    def _is_list(self, data: Any) -> bool:
        return isinstance(data, list) and all(
            isinstance(o, dict) and isinstance(o.get(self.NAME_FIELD), str)
            and isinstance(o.get(self.ID_FIELD), str | int) and ID.fullmatch(str(o[self.ID_FIELD]))
            and self.readable(o) for o in data)

    def readable(self, found: dict[str, Any]) -> bool:
        """Whether a listed object has the documented shape pbxcal reads (its type, its arrays)."""
        return True

    def in_use(self, found: dict[str, Any]) -> bool:
        """Whether the platform says something points at this object (only some platforms say)."""
        return False

    def is_empty(self, found: dict[str, Any]) -> bool:  # pragma: no cover - every client overrides it
        """Whether the object is active at no time."""
        raise NotImplementedError

    def check_body(self, body: dict[str, Any]) -> None:
        """Raise BadInputError (exit 2) for a body this client cannot send, before any request."""

    def check_backup(self, saved: dict[str, Any]) -> None:
        """Raise BadInputError (exit 2) for a backed-up object this client cannot send back, before any request."""
        self.check_body(saved)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [o for o in self.list() if o[self.NAME_FIELD] == name]

    def absent(self, name: str) -> dict[str, Any] | None:
        """What the platform holds under a name it lists nothing of: None (no object), unless an object is only
        its entries (3CX: a body is the holidays named after it, so nothing listed is an empty body)."""
        return None

    def name_of(self, body: dict[str, Any]) -> str:
        value = body.get(self.NAME_FIELD, "")
        return value if isinstance(value, str) else ""

    def id_of(self, found: dict[str, Any]) -> str:
        return str(found[self.ID_FIELD])

    def order(self, found: dict[str, Any]) -> tuple[int, int, str]:
        """Lowest id first, the same rule in every run: ids by their value in the platform's base (decimal,
        hexadecimal), any other id after them by its text."""
        key = self.id_of(found)
        try:
            return 0, int(key, self.ID_BASE), ""
        except ValueError:
            return 1, 0, key

    def create_once(self, what: str, send: Callable[[], Answer], made: Callable[[Answer], Made | None],
                    documented: str, held: Callable[[], Made | None], dry: Made, holder: str = "the platform"
                    ) -> Made:
        """Create one object: sent once (the HTTP layer never resends it); when the answer does not prove it was made
        (`made`), it is looked for (`held`) before it is sent again, up to --retries times."""
        attempts = self.options.retries + 1
        problem = ""
        for attempt in range(1, attempts + 1):
            try:
                answer = send()
            except RemoteError as error:
                if not error.unknown:
                    raise
                problem = error.reason
            else:
                if self.options.dry_run:
                    return dry
                result = made(answer)
                if result is not None:
                    return result
                problem = f"{answer.describe()}, where the API documents {documented}"
            found = held()
            if found is not None:
                self.options.say(f"warning: creating {what}: {problem}; read back, {holder} holds it")
                return found
            if attempt < attempts:
                self.options.say(f"creating {what}: {problem}; it is not there, sending it again "
                                 f"({attempt + 1}/{attempts})")
                time.sleep(self.options.backoff * 2 ** (attempt - 1))
        raise RemoteError(f"creating {what} failed: {problem}; read back, it is not there")

    def delete(self, found: dict[str, Any]) -> None:
        """Delete one object; one already gone (another run deleted it) is not an error."""
        try:
            self.http.request("DELETE", f"{self.item_url(found)}", changes=True)
        except RemoteError as error:
            if error.status != 404:
                raise

    def item_url(self, found: dict[str, Any]) -> str:
        return f"{self.base.rstrip('/')}/{self.id_of(found)}"

    def create_problem(self, answer: Answer) -> str | None:  # pragma: no cover - every client overrides it
        raise NotImplementedError

    def left_behind(self, name: str) -> str | None:
        """After a create that failed and left nothing of that name: the parts of it the platform holds anyway, in
        words (a platform whose object is several documents), or None when there are none."""
        return None


__all__ = ["Remote"]
