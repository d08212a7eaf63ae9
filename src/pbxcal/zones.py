"""Time-zone names: checking an IANA name without importing the calendar libraries."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadInputError


def check_zone(name: str) -> str:
    """The name, if it is an IANA zone; else one clear error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInputError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from None
    return name


__all__ = ["check_zone"]
