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
            raise RemoteError(f"{method} {url}: {type(error).__name__}: {error}", unknown=True) from None
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
    try:
        data = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(data, dict):
        return str(data.get("message") or data.get("error_description") or data.get("error") or data)[:300]
    return str(data)[:300]


def read_token_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read().strip()
    except OSError as error:
        raise RemoteError(f"{path}: cannot read the token file: {error.strerror or error}") from None


__all__ = ["ConnectOptions", "Http", "read_token_file"]
