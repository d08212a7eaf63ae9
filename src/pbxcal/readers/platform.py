"""A platform's own JSON (a NetSapiens timeframe, a Telphin interval) as a source, so one PBX migrates to another.

Each entry becomes an item whose spans come from that platform's evaluator; recurring entries are followed past
the window, so a rule that never ends stays open-ended in the new body.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from ..errors import BadInputError
from ..model import Item, Window
from ..normalize import LOOKAHEAD
from ..targets import detect_target
from . import Opened, ReadOptions
from .ics import load_bytes


def load_body(spec: str, max_bytes: int) -> dict[str, Any]:
    try:
        body = json.loads(load_bytes(spec, max_bytes).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadInputError("not UTF-8 JSON", path=spec) from None
    except json.JSONDecodeError as error:
        raise BadInputError(f"not JSON: {error.msg}", path=spec, line=error.lineno) from None
    if isinstance(body, list) and len(body) == 1:
        body = body[0]  # a GET of all timeframes or intervals, holding one
    if not isinstance(body, dict):
        raise BadInputError("expected one JSON object (a timeframe or an interval)", path=spec)
    return body


def open_source(spec: str, options: ReadOptions) -> Opened:
    body = load_body(spec, options.max_bytes)
    target = detect_target(body)
    if target is None:
        raise BadInputError("JSON is neither a NetSapiens timeframe nor a Telphin interval", path=spec)
    entries = target.entries(body)
    name = body.get("timeframe-name") or body.get("name")
    zone = target.zone_of(body)

    def expand(_zone: str | None, window: Window) -> list[Item]:
        horizon = Window(window.first, window.until + timedelta(days=LOOKAHEAD.days))
        items = []
        for number, entry in enumerate(entries, start=1):
            spans = target.spans([entry], horizon)
            words = target.describe(entry)
            items.append(Item(spec, f"entry {number}", words, f"{spec}|{number}", spans,
                              open_ended=bool(spans) and spans[-1].end.date() >= window.until))
        return items

    return Opened(spec, zone, name, expand, [f"{spec}: read as a {target.NAME} body"])


__all__ = ["load_body", "open_source"]
