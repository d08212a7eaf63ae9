"""HTTP for the platform clients: safe retries (httpx-retries), answers bounded in time and size, one-line errors
with every secret masked, dry runs, and one new token after a 401 for clients whose tokens expire."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_retries import Retry, RetryTransport

from ..errors import BadInputError, RemoteError
from ..redact import Secrets

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_WAIT = 30.0  # the longest wait between attempts, whatever Retry-After asks
MAX_ANSWER_BYTES = 20 * 1024 * 1024
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # the request never reached the server


@dataclass
class ConnectOptions:
    """Where and how to reach a platform; secrets come from the environment or a token file, never from flags."""

    server: str
    domain: str = "~"
    user: str | None = None
    client_id: str = "@me"
    account: str | None = None  # Kazoo: a reseller's sub-account (default: the credentials' own)
    location: str | None = None  # Webex: the location (name or id)
    org: str | None = None  # Webex: a customer organisation a partner administrator acts in (orgId)
    allow_zone_mismatch: bool = False  # upload even when the platform's zone is not the body's
    token_file: str | None = None
    environ: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    retries: int = 4
    backoff: float = 0.5
    timeout: float = 30.0
    max_answer_bytes: int = MAX_ANSWER_BYTES
    say: Callable[[str], None] = print
    secrets: Secrets = field(default_factory=Secrets)


@dataclass
class Answer:
    """A 2xx answer: its status, and its JSON when it has one (`readable`); an empty body is not readable."""

    status: int
    data: Any = None
    readable: bool = False
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # the answer's headers, lower-case names (pagination)

    def describe(self) -> str:
        if self.readable:
            return f"HTTP {self.status} with {_shape(self.data)}"
        return f"HTTP {self.status} with " + (f"a non-JSON body ({self.text[:60]!r})" if self.text else "no body")


def _shape(data: Any) -> str:
    if isinstance(data, list):
        return f"a JSON array of {len(data)}"
    if isinstance(data, dict):
        return "a JSON object with " + (", ".join(sorted(map(str, data))[:5]) or "no fields")
    return f"JSON {type(data).__name__}"


def check_server(server: str) -> str:
    """The --server URL without a trailing slash: http(s), a host, no credentials, no query; exit 2 otherwise."""
    if not isinstance(server, str):
        raise BadInputError("--server must be a URL (a backup's location holds no server)")
    try:
        parts = urlsplit(server)
        parts.port  # noqa: B018 -- raises on a bad port
    except ValueError as error:
        raise BadInputError(f"--server is not a URL: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError("--server must be an http:// or https:// URL with a host, e.g. https://pbx.example.com")
    if parts.username or parts.password:
        raise BadInputError("--server must not carry credentials (user:password@): put them in the environment "
                            "or --token-file")
    if parts.query or parts.fragment:
        raise BadInputError("--server takes the API host only, without ?query or #fragment")
    return server.rstrip("/")


class _Retry(Retry):
    """httpx-retries' policy, saying on stderr why it waits before each new attempt."""

    say: Callable[[str], None] = staticmethod(lambda text: None)  # type: ignore[assignment]

    def copy_with(self, **changes: Any) -> Retry:
        copy = super().copy_with(**changes)
        copy.say = self.say  # type: ignore[attr-defined]
        return copy

    def sleep(self, response: httpx.Response | Exception) -> None:
        why = (f"HTTP {response.status_code}" if isinstance(response, httpx.Response)
               else _failure(response))
        wait = response.headers.get("Retry-After", "").strip() if isinstance(response, httpx.Response) else ""
        if wait:
            why += f", Retry-After {wait[:40]}"
        self.say(f"retrying after {why} ({self.attempts_made}/{self.total})")
        super().sleep(response)


def _failure(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no whole answer in time"
    if isinstance(error, httpx.RemoteProtocolError):
        return "a dropped connection"
    return type(error).__name__


class TooLarge(Exception):
    """An answer above the size limit (never retried: the next one would be as large)."""


class BoundedTransport(httpx.BaseTransport):
    """One attempt, headers and body, within `timeout` seconds in all and `limit` bytes: httpx bounds each read,
    so a server sending a byte at a time would otherwise hold a run for as long as it likes. Inside the retry
    transport, so a late or dropped answer is retried like any other failure."""

    def __init__(self, timeout: float, limit: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.timeout = timeout
        self.limit = limit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        outcome: dict[str, Any] = {}
        worker = threading.Thread(target=self._exchange, args=(request, outcome), daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():  # the worker stops at its next read; the run goes on without it
            outcome["abandoned"] = True
            raise httpx.ReadTimeout(f"no whole answer in {self.timeout:g} s", request=request)
        if "error" in outcome:
            raise outcome["error"]
        status, headers, content = outcome["answer"]
        return httpx.Response(status, headers=headers, content=content, request=request)

    def _exchange(self, request: httpx.Request, outcome: dict[str, Any]) -> None:
        try:
            response = self.inner.handle_request(request)
            try:
                outcome["answer"] = (response.status_code, response.headers, self._body(response, outcome))
            finally:
                response.close()
        except Exception as error:  # handed to the waiting thread
            outcome["error"] = error

    def _body(self, response: httpx.Response, outcome: dict[str, Any]) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.limit:
            raise TooLarge(f"the answer is {int(declared)} bytes, more than the limit of {self.limit}")
        chunks, size = [], 0
        for chunk in response.stream:  # type: ignore[union-attr]
            size += len(chunk)
            if size > self.limit:
                raise TooLarge(f"the answer is more than {self.limit} bytes")
            if outcome.get("abandoned"):
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self.inner.close()


class Http:
    """One platform connection. Requests that may change state twice (creates) are sent once, or again only when
    the server surely did not take them (429, no connection); the caller reads back what happened. Everything it
    raises is one line with every known secret masked."""

    def __init__(self, options: ConnectOptions) -> None:
        self.options = options
        bounded = BoundedTransport(options.timeout, options.max_answer_bytes)
        self.client = httpx.Client(transport=RetryTransport(transport=bounded), timeout=options.timeout,
                                   follow_redirects=False)
        self.token: str | None = None
        self.renew_token: Callable[[], None] | None = None  # set by clients whose tokens expire
        self.auth_header = ("Authorization", "Bearer ")  # the header a token travels in, and its prefix

    def request(self, method: str, url: str, *, body: Any = None, form: dict[str, str] | None = None,
                authorised: bool = True, changes: bool = False, once: bool = False) -> Answer:
        """Send one request (in a dry run, print a changing one instead) and return its 2xx answer.
        `once`: a create, resent only when the server surely did not take it."""
        if changes and self.options.dry_run:
            shown = "" if body is None else "\n" + json.dumps(body, indent=2, ensure_ascii=False)
            self.options.say(self.redact(f"dry run: {method} {url}{shown}"))
            return Answer(200)
        status, content, headers = self._send(method, url, body, form, authorised, once)
        if status == 401 and authorised and self.renew_token is not None:
            self.options.say("the token was refused (HTTP 401); asking for a new one")
            self.renew_token()
            status, content, headers = self._send(method, url, body, form, authorised, once)
        if status >= 300:
            message = _message(status, content, headers, self.redact)
            raise RemoteError(self.redact(f"{method} {url}: HTTP {status}: {message}"),
                              unknown=status >= 500 and changes, status=status)
        text = content.decode("utf-8", "replace")
        kept = {k.lower(): v for k, v in headers.items()}
        try:
            return Answer(status, json.loads(text), True, text, kept) if text.strip() else Answer(status, headers=kept)
        except (ValueError, RecursionError):
            return Answer(status, None, False, " ".join(self.redact(text).split()), kept)

    def _send(self, method: str, url: str, body: Any, form: dict[str, str] | None, authorised: bool,
              once: bool) -> tuple[int, bytes, httpx.Headers]:
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if authorised and self.token:
            headers[self.auth_header[0]] = f"{self.auth_header[1]}{self.token}"
        retry = _Retry(total=self.options.retries, backoff_factor=self.options.backoff,
                       max_backoff_wait=MAX_WAIT, allowed_methods=["GET", "PUT", "PATCH", "DELETE", "POST"],
                       status_forcelist=(429,) if once else RETRY_STATUSES,
                       retry_on_exceptions=NOT_SENT if once else None)
        retry.say = lambda text: self.options.say(f"{method} {url}: {text}")  # type: ignore[method-assign]
        request = self.client.build_request(method, url, json=body, data=form, headers=headers,
                                            extensions={"retry": retry})
        try:
            response = self.client.send(request)
            return response.status_code, response.content, response.headers
        except TooLarge as error:
            raise RemoteError(f"{method} {url}: {error} (--max-answer-bytes raises it)", unknown=changes_of(method)
                              ) from None
        except httpx.HTTPError as error:
            sent = not isinstance(error, NOT_SENT)
            what = (f"no whole answer in {self.options.timeout:g} s" if isinstance(error, httpx.TimeoutException)
                    else f"{type(error).__name__}: {error}")
            raise RemoteError(" ".join(self.redact(f"{method} {url}: {what}").split()),
                              unknown=sent and changes_of(method)) from None

    def redact(self, text: str) -> str:
        return self.options.secrets.redact(text)

    def use_token(self, token: str, origin: str, *, issued: bool = False) -> None:
        """Send this token from now on; `issued`: it came from the platform's token endpoint."""
        self.options.secrets.add(token)
        try:
            self.token = check_token(token, origin)
        except BadInputError as error:
            if issued:
                raise RemoteError(error.reason) from None
            raise

    def close(self) -> None:
        self.client.close()


def changes_of(method: str) -> bool:
    return method != "GET"


def _message(status: int, content: bytes, headers: httpx.Headers, redact: Callable[[str], str]) -> str:
    """The server's message on one line (an HTML error page included), masked before it is shortened (a cut
    secret would no longer be recognised); a redirect says where it points."""
    if 300 <= status < 400:
        return (f"redirected to {headers.get('Location', '?')}; pbxcal follows no redirects (check --server, "
                "e.g. https:// instead of http://)")
    text = content.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(redact(text).split())[:300] or "no message"
    if isinstance(data, dict):
        data = data.get("message") or data.get("error_description") or data.get("error") or data
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return " ".join(redact(text).split())[:300]


def check_token(token: str, origin: str) -> str:
    """A bearer token must be printable ASCII without spaces; the error never repeats it."""
    if not token or not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        raise BadInputError(f"the token from {origin} is not a usable bearer token (printable ASCII, no spaces)")
    return token


def read_token_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read().strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise BadInputError(f"cannot read the token file: {reason or error}", path=path) from None


def expect(answer: Answer, wanted: str, ok: Callable[[Any], bool], what: str, *, private: bool = False) -> Any:
    """The answer's JSON when it has the documented shape; otherwise exit 4 'unexpected answer'. A `private`
    answer (a token's) is never quoted: it may hold a secret not yet known as one."""
    if answer.readable and ok(answer.data):
        return answer.data
    shown = f"HTTP {answer.status}" if private else answer.describe()
    raise RemoteError(f"unexpected answer to {what}: {shown}, where the API documents {wanted}; "
                      "nothing further was written")


__all__ = ["MAX_ANSWER_BYTES", "Answer", "ConnectOptions", "Http", "check_server", "check_token", "expect",
           "read_token_file"]
