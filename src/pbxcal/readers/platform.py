"""A platform's own JSON (a NetSapiens timeframe, a Telphin interval) as a source, so one PBX migrates to another.

Each entry becomes an item whose spans come from that platform's evaluator; recurring entries are followed past
the window, so a rule that never ends stays open-ended in the new body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from ..errors import BadInputError
from ..model import Item, Window
from ..normalize import LOOKAHEAD
from ..platforms import BODIES, detect_target
from ..spans import Span
from ..wallclock import WallClock
from ..zones import check_zone
from . import Opened, ReadOptions
from .ics import load_bytes


def load_body(spec: str, max_bytes: int) -> Any:
    try:
        body = json.loads(load_bytes(spec, max_bytes).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadInputError("not UTF-8 JSON", path=spec) from None
    except json.JSONDecodeError as error:
        raise BadInputError(f"not JSON: {error.msg}", path=spec, line=error.lineno) from None
    if isinstance(body, list) and len(body) == 1 and detect_target(body) is None:
        body = body[0]  # a GET of all timeframes or intervals, holding one
    if not isinstance(body, dict) and not is_holiday_list(body):
        raise BadInputError("expected one JSON object (a timeframe, an interval, a 3CX body) or a JSON list of 3CX "
                            "holidays", path=spec)
    return body


def is_holiday_list(body: Any) -> bool:
    """A JSON list read as a body: only 3CX's, its holidays (what `download --platform 3cx` writes without --name)."""
    return isinstance(body, list) and detect_target(body) is not None


MARGIN = timedelta(days=2)  # a zone change can move a span across the window's edge


def _move(span: Span, source: WallClock | None, target: WallClock | None) -> list[tuple[Span, bool]]:
    """A span of the body's own wall clock on the target's (a NetSapiens body has none: kept as is).

    The body is active whenever its clock shows a time inside the span, so a span in a repeated hour is active
    twice; each real stretch is moved, through UTC, to the smallest wall span covering it (and whether exact).
    """
    if source is None or target is None:
        return [(span, True)]
    return [target.span(*real) for real in source.real(span)]


def open_source(spec: str, options: ReadOptions) -> Opened:
    body = load_body(spec, options.max_bytes)
    target = detect_target(body)
    if target is None:
        raise BadInputError(f"JSON is none of {BODIES}", path=spec)
    name = (body.get("timeframe-name") or body.get("name")) if isinstance(body, dict) else None
    zone = target.zone_of(body) and check_zone(target.zone_of(body))
    # Entries whose dates depend on a clock the body does not name (Kazoo rules) are read on the target's.
    on_wall = getattr(target, "entries_on", None) if zone is None else None
    try:
        entries = None if on_wall else target.entries(body)
    except BadInputError as error:
        raise type(error)(error.reason, path=error.path or spec, line=error.line) from None
    if name is not None and not isinstance(name, str):
        raise BadInputError("the body's name must be a string", path=spec)

    def expand(wall: str | None, window: Window) -> list[Item]:
        try:
            return _expand(wall, window)
        except BadInputError as error:  # an entry the evaluator refuses: say which file it is in
            if error.path:
                raise
            raise type(error)(error.reason, path=spec, line=error.line) from None

    def _expand(wall: str | None, window: Window) -> list[Item]:
        here = WallClock(zone) if zone and wall and zone != wall else None
        there = WallClock(wall) if here else None
        horizon = Window(window.first - MARGIN, window.until + timedelta(days=LOOKAHEAD.days))
        items = []
        for number, entry in enumerate(entries if entries is not None else on_wall(body, wall), start=1):
            moved = [m for s in target.spans([entry], horizon) for m in _move(s, here, there)]
            spans = [span for span, _ in moved]
            # A platform that names each occurrence of one item alike (3CX: NAME · ITEM YYYY-MM-DD) says which
            # entries are one recurrence, so the rule behind them is recovered.
            item_of = getattr(target, "item_of", None)
            group = f"{spec}|{item_of(entry)}" if item_of else f"{spec}|{number}"
            item = Item(spec, f"entry {number}", item_of(entry) if item_of else target.describe(entry), group, spans,
                        open_ended=bool(spans) and spans[-1].end.date() >= window.until)
            item.later = _later(entry, here, there)
            if not all(exact for _, exact in moved):
                item.approximated = True
                item.notes.append(f"approximated: part of it falls in an hour the {wall} clock repeats")
            items.append(item)
        return items

    def _later(entry: Any, here: WallClock | None, there: WallClock | None) -> Callable[[date, date], list[Span]]:
        return lambda first, until: [m[0] for s in target.spans([entry], Window(first - MARGIN, until + MARGIN))
                                     for m in _move(s, here, there)]

    return Opened(spec, zone, name, expand, [f"{spec}: read as a {target.NAME} body"])


__all__ = ["is_holiday_list", "load_body", "open_source"]
