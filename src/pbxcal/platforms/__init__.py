"""The platforms pbxcal writes for, one package each (its `target`: writer, reader, evaluator; its `client`, when it
has an API), listed once in PLATFORMS. Adding a platform is one package and one row here."""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from types import ModuleType

from ..errors import UnknownTargetError


@dataclass(frozen=True)
class Platform:
    name: str
    aliases: tuple[str, ...] = ()
    has_client: bool = True
    module: str = ""  # the package's directory when the name is no Python identifier ("3cx")
    uses: tuple[str, ...] = ()  # the place options its client reads (PLACE_OPTIONS): any other is refused


    @property
    def package(self) -> str:
        return f"{__name__}.{self.module or self.name}"


PLATFORMS: tuple[Platform, ...] = (
    Platform("netsapiens", ("ns",), uses=("domain", "user")),
    Platform("telphin", ("ringme",), uses=("client_id",)),
    Platform("ics", ("ical",), has_client=False),
    Platform("3cx", ("threecx",), module="threecx"),
    Platform("kazoo", ("2600hz",), uses=("account",)),
    Platform("webex", ("webex-calling",), uses=("location", "org")),
)
# The options that say where on a platform an object lives; each platform's client reads its own (Platform.uses).
PLACE_OPTIONS = ("domain", "user", "client_id", "account", "location", "org")
BY_NAME: dict[str, Platform] = {n: p for p in PLATFORMS for n in (p.name, *p.aliases)}
TARGETS: dict[str, str] = {n: f"{p.package}.target" for n, p in BY_NAME.items()}  # every name -> target module
CLIENTS: tuple[str, ...] = tuple(p.name for p in PLATFORMS if p.has_client)
CLIENT_CHOICES: tuple[str, ...] = tuple(n for n, p in BY_NAME.items() if p.has_client)  # names and aliases
# The JSON bodies detect_target knows.
BODIES = ("a NetSapiens timeframe, a Telphin interval, 3CX holidays, Kazoo temporal rules or a Webex "
          "schedule")
# The names every target module exposes, and every client module.
TARGET_NAMES = ("NAME", "CLOCK", "CAPABILITIES", "HAS_ZONE", "detect", "candidates", "once", "finish", "body",
                "entries", "zone_of", "read", "describe", "spans")
CLIENT_NAMES = ("Remote", "connect")


def platform(name: str) -> Platform:
    """The platform registered under name or alias (case-insensitive)."""
    found = BY_NAME.get(name.lower())
    if found is None:
        close = difflib.get_close_matches(name.lower(), BY_NAME, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownTargetError(f"unknown target {name!r} (known: {', '.join(sorted(BY_NAME))}){hint}")
    return found


def get_target(name: str) -> ModuleType:
    """The target module (writer, reader, evaluator) of the platform registered under name."""
    return importlib.import_module(f"{platform(name).package}.target")


def get_client(name: str) -> ModuleType:
    """The API client module of the platform registered under name."""
    found = platform(name)
    if not found.has_client:
        raise UnknownTargetError(f"no API client for {name!r} (known: {', '.join(CLIENTS)})")
    return importlib.import_module(f"{found.package}.client")


def detect_target(body: object) -> ModuleType | None:
    """The target whose body shape this is, or None."""
    for entry in PLATFORMS:
        target = importlib.import_module(f"{entry.package}.target")
        if target.detect(body):
            return target
    return None


__all__ = ["BODIES", "CLIENTS", "CLIENT_CHOICES", "CLIENT_NAMES", "PLACE_OPTIONS", "PLATFORMS", "TARGETS",
           "TARGET_NAMES", "Platform", "detect_target", "get_client", "get_target", "platform"]
