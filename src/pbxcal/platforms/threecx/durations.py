"""3CX times of day: ISO 8601 durations from midnight (`PT0S`, `PT9H30M`, `PT23H59M`).

Reading uses icalendar's RFC 5545 duration parser (a dependency already; RFC 5545 durations are the ISO 8601 forms
without years and months), with two checks of its own: at least one number (the vendor pattern also matches a bare
`P` or `PT`, which name no time), and a time inside one day. Fractional seconds, which the vendor pattern allows,
are refused: RFC 5545 has none and 3CX's own clients write minutes.
"""

from __future__ import annotations

from typing import Any

from icalendar.prop import vDuration

from ...errors import BadInputError

SECONDS_PER_DAY = 86400


def seconds(value: Any, what: str) -> int:
    """Seconds after midnight of a duration text; BadInputError names `what` otherwise."""
    problem = f"{what} must be an ISO 8601 duration from midnight inside one day (PT0S .. PT23H59M), got {value!r:.60}"
    if not isinstance(value, str) or not any(c.isdigit() for c in value):
        raise BadInputError(problem)
    try:
        found = vDuration.from_ical(value)
    except Exception:  # icalendar raises its own InvalidCalendar or ValueError, by version
        raise BadInputError(problem) from None
    total = found.days * SECONDS_PER_DAY + found.seconds
    if found.microseconds or not 0 <= total < SECONDS_PER_DAY:
        raise BadInputError(problem)
    return total


def text(total: int, end_of_day: int | None = None) -> str:
    """The duration for seconds after midnight; a whole day (86400) is `end_of_day` (PT23H59M), never PT24H."""
    if total >= SECONDS_PER_DAY:
        if end_of_day is None:
            raise ValueError("a time of day is less than 24 hours")
        total = end_of_day
    if total == 0:
        return "PT0S"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")


__all__ = ["seconds", "text"]
