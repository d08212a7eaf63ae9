"""A platform's own JSON (a NetSapiens timeframe, a Telphin interval) as a source, so one PBX migrates to another.

Each entry becomes an item whose spans come from that platform's evaluator; recurring entries are followed past
the window, so a rule that never ends stays open-ended in the new body.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BadInputError
from ..model import Item, Window
from ..normalize import LOOKAHEAD
from ..spans import Span
from ..targets import detect_target
from ..zones import check_zone
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


MARGIN = timedelta(days=2)  # a zone change can move a span across the window's edge


def _move(span: Span, source: str | None, target: str | None) -> Span:
    """A span of the body's own wall clock on the target's wall clock (a NetSapiens body has none: kept as is)."""
    if not source or not target or source == target:
        return span
    here, there = ZoneInfo(source), ZoneInfo(target)
    return Span(*(m.replace(tzinfo=here).astimezone(there).replace(tzinfo=None) for m in (span.start, span.end)))


def open_source(spec: str, options: ReadOptions) -> Opened:
    body = load_body(spec, options.max_bytes)
    target = detect_target(body)
    if target is None:
        raise BadInputError("JSON is neither a NetSapiens timeframe nor a Telphin interval", path=spec)
    entries = target.entries(body)
    name = body.get("timeframe-name") or body.get("name")
    zone = target.zone_of(body) and check_zone(target.zone_of(body))
    if name is not None and not isinstance(name, str):
        raise BadInputError("the body's name must be a string", path=spec)

    def expand(wall: str | None, window: Window) -> list[Item]:
        horizon = Window(window.first - MARGIN, window.until + timedelta(days=LOOKAHEAD.days))
        items = []
        for number, entry in enumerate(entries, start=1):
            spans = [_move(s, zone, wall) for s in target.spans([entry], horizon)]
            words = target.describe(entry)
            items.append(Item(spec, f"entry {number}", words, f"{spec}|{number}", spans,
                              open_ended=bool(spans) and spans[-1].end.date() >= window.until))
        return items

    return Opened(spec, zone, name, expand, [f"{spec}: read as a {target.NAME} body"])


__all__ = ["load_body", "open_source"]
