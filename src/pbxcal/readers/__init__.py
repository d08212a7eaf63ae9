"""The registry of readers: a source string (path, '-', URL or 'holidays:CC-SUB') -> the reader that opens it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..model import Item, Window


@dataclass(frozen=True)
class ReadOptions:
    """What readers need besides the source: holiday-set choices and safety limits."""

    categories: tuple[str, ...] = ()
    language: str | None = None
    observed: bool = True
    max_bytes: int = 50 * 1024 * 1024
    max_occurrences: int = 200_000  # per event: stops a runaway rule (FREQ=MINUTELY for years)
    max_total_occurrences: int = 10_000_000  # all events together, estimated before anything is expanded
    assume_timezone: str | None = None


class Source(Protocol):
    """An opened source: what it says about its own zone and name, and its items once a zone is chosen."""

    label: str
    zone: str | None
    name: str | None
    messages: list[str]

    def zone_in(self, window: Window) -> str | None: ...

    def items(self, zone: str | None, window: Window) -> list[Item]: ...


@dataclass
class Opened:
    """A plain Source: readers fill it in and give `expand` the zone and window.

    `hint` tells the source's own zone when that depends on the window (an embedded VTIMEZONE matched to an IANA
    zone over it); otherwise `zone` is it.
    """

    label: str
    zone: str | None
    name: str | None
    expand: Callable[[str | None, Window], list[Item]]
    messages: list[str] = field(default_factory=list)
    hint: Callable[[Window], str | None] | None = None
    incomplete: list[str] = field(default_factory=list)  # what the source lacks inside the window (--strict: 3)

    def zone_in(self, window: Window) -> str | None:
        return self.hint(window) if self.hint else self.zone

    def items(self, zone: str | None, window: Window) -> list[Item]:
        return self.expand(zone, window)


# (prefix, suffix) -> reader module, first match wins; the last row catches .ics files, '-' and URLs.
READERS: tuple[tuple[str, str, str], ...] = (
    ("holidays:", "", "pbxcal.readers.holidays"),
    ("", ".json", "pbxcal.readers.platform"),
    ("", "", "pbxcal.readers.ics"),
)


def open_source(spec: str, options: ReadOptions) -> Source:
    """Open one source with the reader registered for its prefix or suffix."""
    for prefix, suffix, module in READERS:
        if spec.startswith(prefix) and spec.lower().endswith(suffix):
            return importlib.import_module(module).open_source(spec, options)
    raise AssertionError("the last row matches every source")


__all__ = ["READERS", "Opened", "ReadOptions", "Source", "open_source"]
