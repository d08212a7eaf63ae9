"""HTTP for the platform clients: retries with backoff (httpx-retries), one-line errors, dry runs, no secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_retries import Retry, RetryTransport

from ..errors import RemoteError

RETRY_STATUSES = (429, 500, 502, 503, 504)


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
    say: Callable[[str], None] = print


class Http:
    """A client that retries 429, 5xx and timeouts with backoff, and turns failures into RemoteError."""

    def __init__(self, options: ConnectOptions) -> None:
        self.options = options
        retry = Retry(total=options.retries, backoff_factor=options.backoff, status_forcelist=RETRY_STATUSES,
                      allowed_methods=["GET", "PUT", "DELETE", "POST"])
        self.client = httpx.Client(transport=RetryTransport(retry=retry), timeout=options.timeout)
        self.token: str | None = None

    def request(self, method: str, url: str, *, body: Any = None, form: dict[str, str] | None = None,
                authorised: bool = True, changes: bool = False) -> Any:
        """Send one request (or, in a dry run, print the changing ones) and return the decoded JSON answer."""
        if changes and self.options.dry_run:
            self.options.say(f"dry run: {method} {url}\n{json.dumps(body, indent=2, ensure_ascii=False)}")
            return None
        headers = {"Accept": "application/json"}
        if authorised:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.client.request(method, url, json=body, data=form, headers=headers)
        except httpx.TimeoutException:
            raise RemoteError(f"{method} {url}: no answer in {self.options.timeout:g} s after retries",
                              unknown=True) from None
        except httpx.HTTPError as error:
            text = str(error).replace(self.token, "***") if self.token else str(error)
            raise RemoteError(f"{method} {url}: {type(error).__name__}: {' '.join(text.split())}",
                              unknown=True) from None
        if response.status_code >= 400:
            raise RemoteError(f"{method} {url}: HTTP {response.status_code}: {_message(response)}",
                              unknown=response.status_code >= 500, status=response.status_code)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise RemoteError(f"{method} {url}: the answer is not JSON") from None

    def close(self) -> None:
        self.client.close()


def _message(response: httpx.Response) -> str:
    """The server's message on one line (an HTML error page included)."""
    try:
        data = response.json()
        text = str(data.get("message") or data.get("error_description") or data.get("error") or data) if isinstance(
            data, dict) else str(data)
    except ValueError:
        text = response.text or response.reason_phrase
    return " ".join(text.split())[:300]


def check_token(token: str, origin: str) -> str:
    """A bearer token must be printable ASCII without spaces; the error never repeats it."""
    if not token or not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        raise RemoteError(f"the token from {origin} is not a usable bearer token (printable ASCII, no spaces)")
    return token


def read_token_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read().strip()
    except OSError as error:
        raise RemoteError(f"{path}: cannot read the token file: {error.strerror or error}") from None


__all__ = ["ConnectOptions", "Http", "check_token", "read_token_file"]
