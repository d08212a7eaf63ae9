"""The one redaction step in front of every message: credential values a run knows never reach the screen."""

from __future__ import annotations

import html
import json
from urllib.parse import quote, quote_plus

MASK = "***"


class Secrets:
    """Every credential value of one run (keys, tokens, client secrets, passwords), in the forms a server may echo
    them back: as written, URL-encoded (a form body), JSON-escaped (with and without escaped slashes, as PHP
    writes them), HTML-escaped, as a Python repr, and inside Basic credentials."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, *values: str | None) -> None:
        for value in values:
            if not value:
                continue
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
            self._values.update({value, quote(value, safe=""), quote_plus(value), escaped,
                                 json.dumps(value)[1:-1], escaped.replace("/", "\\/"), html.escape(value),
                                 repr(value)[1:-1]})

    def redact(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):  # longest first: a value may contain another
            text = text.replace(value, MASK)
        return text

    def __bool__(self) -> bool:
        return bool(self._values)


__all__ = ["MASK", "Secrets"]
