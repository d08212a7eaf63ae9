"""The one redaction step in front of every message: credential values a run knows never reach the screen."""

from __future__ import annotations

import html
import json
from urllib.parse import quote, quote_plus

MASK = "***"
# A secret cut short in a message ("got 'eyJhbGciOi...'") is still the secret: a run of at least this many of its
# first characters is masked as far as it matches.
PREFIX = 12


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
            if len(value) > PREFIX:
                text = _mask_cut(text, value)
        return text

    def __bool__(self) -> bool:
        return bool(self._values)


def _mask_cut(text: str, value: str) -> str:
    """Mask every run of text that starts with the value's first PREFIX characters, as far as it follows the value."""
    start = text.find(value[:PREFIX])
    while start != -1:
        end = start + PREFIX
        while end < len(text) and end - start < len(value) and text[end] == value[end - start]:
            end += 1
        text = text[:start] + MASK + text[end:]
        start = text.find(value[:PREFIX], start + len(MASK))
    return text


__all__ = ["MASK", "PREFIX", "Secrets"]
