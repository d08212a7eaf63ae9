"""HTTP for the platform clients: safe retries (httpx-retries), answers bounded in time and size, one-line errors
with every secret masked, dry runs, and one new token after a 401 for clients whose tokens expire."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_retries import Retry, RetryTransport

from ..errors import BadInputError, RemoteError
from ..redact import Secrets

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_ANSWER_BYTES = 20 * 1024 * 1024
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # the request never reached the server


@dataclass
class ConnectOptions:
    """Where and how to reach a platform; secrets come from the environment or a token file, never from flags."""

    server: str
    domain: str = "~"
    user: str | None = None
    client_id: str = "@me"
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
        self.say(f"retrying after {why} ({self.attempts_made}/{self.total})")
        super().sleep(response)


def _failure(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.RemoteProtocolError):
        return "a dropped connection"
    return type(error).__name__


class Http:
    """One platform connection. Requests that may change state twice (creates) are sent once; the caller reads
    back what happened. Everything it raises is one line with every known secret masked."""

    def __init__(self, options: ConnectOptions) -> None:
        self.options = options
        self.client = httpx.Client(transport=RetryTransport(), timeout=options.timeout, follow_redirects=False)
        self.token: str | None = None
        self.renew_token: Callable[[], None] | None = None  # set by clients whose tokens expire

    def request(self, method: str, url: str, *, body: Any = None, form: dict[str, str] | None = None,
                authorised: bool = True, changes: bool = False, once: bool = False) -> Answer:
        """Send one request (in a dry run, print a changing one instead) and return its 2xx answer.
        `once`: never resend it blindly (a create); its outcome on a failure without an answer is unknown."""
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
        try:
            return Answer(status, json.loads(text), True, text) if text.strip() else Answer(status)
        except ValueError:
            return Answer(status, None, False, self.redact(" ".join(text.split())))

    def _send(self, method: str, url: str, body: Any, form: dict[str, str] | None, authorised: bool,
              once: bool) -> tuple[int, bytes, httpx.Headers]:
        headers = {"Accept": "application/json"}
        if authorised and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        retry = _Retry(total=0 if once else self.options.retries, backoff_factor=self.options.backoff,
                       status_forcelist=RETRY_STATUSES, allowed_methods=["GET", "PUT", "DELETE", "POST"])
        retry.say = lambda text: self.options.say(f"{method} {url}: {text}")  # type: ignore[method-assign]
        request = self.client.build_request(method, url, json=body, data=form, headers=headers,
                                            extensions={"retry": retry})
        try:
            response = self.client.send(request, stream=True)
            try:
                return response.status_code, self._read(response), response.headers
            finally:
                response.close()
        except RemoteError as error:
            raise RemoteError(self.redact(f"{method} {url}: {error.reason}"), unknown=error.unknown) from None
        except httpx.HTTPError as error:
            sent = not isinstance(error, NOT_SENT)
            what = (f"no answer in {self.options.timeout:g} s" if isinstance(error, httpx.TimeoutException)
                    else f"{type(error).__name__}: {' '.join(str(error).split())}")
            tries = "" if once else " after retries"
            raise RemoteError(self.redact(f"{method} {url}: {what}{tries}"), unknown=sent and method != "GET"
                              ) from None

    def _read(self, response: httpx.Response) -> bytes:
        """The whole answer within --timeout (not per read) and within the size limit."""
        limit = self.options.max_answer_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise RemoteError(f"the answer is {int(declared)} bytes, more than the limit of {limit} "
                              "(--max-answer-bytes raises it)", unknown=True)
        deadline = time.monotonic() + self.options.timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise RemoteError(f"the answer is more than {limit} bytes (--max-answer-bytes raises it)",
                                  unknown=True)
            if time.monotonic() > deadline:
                raise RemoteError(f"the answer took more than {self.options.timeout:g} s (--timeout)", unknown=True)
            chunks.append(chunk)
        return b"".join(chunks)

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
    return " ".join(redact(str(data)).split())[:300]


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


def expect(answer: Answer, wanted: str, ok: Callable[[Any], bool], what: str) -> Any:
    """The answer's JSON when it has the documented shape; otherwise exit 4 'unexpected answer'."""
    if answer.readable and ok(answer.data):
        return answer.data
    raise RemoteError(f"unexpected answer to {what}: {answer.describe()}, where the API documents {wanted}; "
                      "nothing further was written")


__all__ = ["MAX_ANSWER_BYTES", "Answer", "ConnectOptions", "Http", "check_server", "check_token", "expect",
           "read_token_file"]
