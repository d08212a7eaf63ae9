"""What became of every source item: native rule, one-off, expanded, approximated or skipped, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .describe import describe
from .model import Item, Series, Window

REPORT_VERSION = 1


@dataclass
class Outcome:
    item: Item
    rules: list[str] = field(default_factory=list)
    native_entries: int = 0
    one_off_entries: int = 0
    expanded_entries: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.item.skipped:
            return "skipped"
        if not (self.rules or self.one_off_entries or self.expanded_entries):
            return "cancelled" if self.item.cancelled else "outside-window"
        parts = [name for name, count in (("native", len(self.rules)), ("one-off", self.one_off_entries),
                                          ("expanded", self.expanded_entries)) if count]
        return "+".join(parts)

    def as_json(self) -> dict[str, Any]:
        item = self.item
        return {
            "source": item.source,
            "id": item.key,
            "name": item.name,
            "status": self.status,
            "approximated": item.approximated,
            "rules": self.rules,
            "entries": {"native": self.native_entries, "one_off": self.one_off_entries,
                        "expanded": self.expanded_entries},
            "reason": item.skipped or "; ".join(dict.fromkeys(self.reasons)) or (
                "cancelled (STATUS:CANCELLED): not active" if self.status == "cancelled" else None),
            "notes": item.notes,
            "repaired": item.repairs,
            "dropped": item.dropped,
        }


class Report:
    """Collects outcomes by item key; writers call native(), one_off() and expanded() per series."""

    def __init__(self, items: list[Item], window: Window | None = None, zone: str | None = None,
                 incomplete: list[str] | None = None) -> None:
        self.outcomes: dict[str, Outcome] = {}
        for item in items:
            self.outcomes.setdefault(item.key, Outcome(item))
        self.messages: list[str] = []
        self.window = window
        self.zone = zone
        self.incomplete = incomplete or []

    def _for(self, series: Series) -> list[Outcome]:
        return [self.outcomes[key] for key in sorted(series.keys) if key in self.outcomes]

    def native(self, series: Series, entries: int) -> None:
        for outcome in self._for(series):
            outcome.rules.append(describe(series))
            outcome.native_entries += entries

    def one_off(self, series: Series, entries: int) -> None:
        for outcome in self._for(series):
            outcome.one_off_entries += entries

    def expanded(self, series: Series, entries: int, reason: str) -> None:
        for outcome in self._for(series):
            outcome.expanded_entries += entries
            outcome.reasons.append(reason)

    def note(self, series: Series, text: str) -> None:
        for outcome in self._for(series):
            outcome.reasons.append(text)

    @property
    def lossy(self) -> list[Outcome]:
        """Outcomes that --strict refuses: anything approximated, skipped, or with occurrences dropped."""
        return [o for o in self.outcomes.values() if o.item.approximated or o.item.dropped or o.status == "skipped"]

    def as_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes.values():
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        window = {"from": self.window.first.isoformat(), "until": self.window.until.isoformat(),
                  "until_is": "exclusive"} if self.window else None
        return {"version": REPORT_VERSION, "window": window, "timezone": self.zone, "incomplete": self.incomplete,
                "summary": counts,
                "items": [o.as_json() for o in self.outcomes.values()]}

    def outside(self) -> int:
        """How many items have no occurrence in the window."""
        return sum(o.status == "outside-window" for o in self.outcomes.values())


__all__ = ["Outcome", "Report"]
