"""The registry of targets: platform name -> module holding its writer, reader and evaluator.

Every target module exposes the same names: NAME, CLOCK, HAS_ZONE, detect(body), candidates(series, window, zone),
once(span, zone, name), finish(entries), body(entries, name, zone), entries(body), zone_of(body), read(body),
describe(entry) and spans(entries, window).
"""

from __future__ import annotations

import difflib
import importlib
from types import ModuleType

from ..errors import UnknownTargetError

TARGETS: dict[str, str] = {
    "netsapiens": "pbxcal.targets.netsapiens",
    "ns": "pbxcal.targets.netsapiens",
    "telphin": "pbxcal.targets.telphin",
    "ringme": "pbxcal.targets.telphin",
    "ics": "pbxcal.targets.ics",
    "ical": "pbxcal.targets.ics",
}


def get_target(name: str) -> ModuleType:
    """The target module registered under name (case-insensitive)."""
    module = TARGETS.get(name.lower())
    if module is None:
        close = difflib.get_close_matches(name.lower(), TARGETS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownTargetError(f"unknown target {name!r} (known: {', '.join(sorted(TARGETS))}){hint}")
    return importlib.import_module(module)


def detect_target(body: object) -> ModuleType | None:
    """The target whose body shape this is, or None."""
    for module in dict.fromkeys(TARGETS.values()):
        target = importlib.import_module(module)
        if target.detect(body):
            return target
    return None


__all__ = ["TARGETS", "detect_target", "get_target"]
