"""TZIDs as exporters write them: Windows names, vendor prefixes, undefined ids, and slow embedded definitions."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ..errors import BadInputError


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def iana_name(tzid: str) -> str | None:
    """An IANA zone name for a TZID: itself, its Windows mapping, or the tail of a vendor-prefixed id."""
    tzid = tzid.strip().strip('"')
    candidates = [tzid, WINDOWS_TO_OLSON.get(tzid, "")]
    parts = tzid.strip("/").split("/")
    candidates += ["/".join(parts[-n:]) for n in (3, 2)]
    return next((c for c in candidates if c in _zones()), None)


# Years over which an embedded VTIMEZONE must agree with the IANA zone of the same name to be replaced by it
# (icalendar lists a definition's transitions up to 2038).
SAME_OFFSETS_YEARS = range(2010, 2038)

Offset = Callable[[datetime], timedelta | None]  # naive UTC moment -> UTC offset, None where unknown


def _embedded_offset(definition: icalendar.Timezone) -> tuple[Offset, list[datetime]]:
    """The offset function of a VTIMEZONE, from its transitions, and those transitions (naive UTC)."""
    times, info = definition.get_transitions()

    def offset(moment: datetime) -> timedelta | None:
        n = bisect_right(times, moment) - 1
        return info[n][0] if n >= 0 else None

    return offset, times


def _iana_offset(zone: ZoneInfo) -> Offset:
    return lambda moment: moment.replace(tzinfo=UTC).astimezone(zone).utcoffset()


def _same_offsets(embedded: Offset, changes: list[datetime], zone: ZoneInfo) -> bool:
    """Whether two zones give the same UTC offsets: twice a month, and either side of every change of either."""
    iana = _iana_offset(zone)
    first, last = datetime(SAME_OFFSETS_YEARS.start, 1, 1), datetime(SAME_OFFSETS_YEARS.stop, 1, 1)
    samples = [datetime(year, month, day, 12) for year in SAME_OFFSETS_YEARS for month in range(1, 13)
               for day in (1, 15)]
    moments = [*samples, *(c for c in changes if first <= c < last)]
    for low, high in pairwise(samples):
        if iana(low) != iana(high):
            moments.append(_change_between(low, high, iana))
    second = timedelta(seconds=1)
    return all(embedded(m) == iana(m) and embedded(m - second) == iana(m - second) for m in moments)


def _change_between(low: datetime, high: datetime, offset: Offset) -> datetime:
    """The first moment, to the second, after low at which the offset differs from low's."""
    before = offset(low)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if offset(middle) == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def prefer_iana(text: str) -> tuple[str, list[str]]:
    """Read embedded VTIMEZONEs named like an IANA or Windows zone as that IANA zone, when their offsets agree.

    The embedded definitions are evaluated rule by rule from 1601 on every lookup, which makes big Outlook exports
    crawl; the IANA zone gives the same wall times. A definition that differs anywhere is kept.
    """
    messages = []
    for block in re.findall(r"^BEGIN:VTIMEZONE\r?\n.*?^END:VTIMEZONE", text, re.M | re.S | re.I):
        tzid_line = re.search(r"^TZID:([^\r\n]*)", block, re.M | re.I)
        tzid = tzid_line[1].strip().replace("\\,", ",") if tzid_line else ""
        iana = iana_name(tzid) if tzid else None
        if iana is None or iana == tzid:
            continue
        try:
            embedded, changes = _embedded_offset(icalendar.Timezone.from_ical(block))
            same = _same_offsets(embedded, changes, ZoneInfo(iana))
        except Exception:  # a definition icalendar cannot read is left to the parser to judge
            continue
        if same:
            text = _rename_tzid(text, tzid, iana)
            messages.append(f"time zone {tzid!r} read as {iana} (the same offsets {SAME_OFFSETS_YEARS.start}-"
                            f"{SAME_OFFSETS_YEARS.stop - 1})")
    return text, messages


# A date property line: its parameters (quoted values may hold ':' and ';') and a non-empty value.
DATE_LINE = re.compile(
    r'^(?:DTSTART|DTEND|RECURRENCE-ID|EXDATE|RDATE)((?:;[^:;"\r\n]*(?:"[^"\r\n]*")?)*):(\S[^\r\n]*)\r?$',
    re.M | re.I)


def _tzids_in_events(text: str) -> set[str]:
    found = set()
    for params, _value in DATE_LINE.findall(text):
        match = re.search(r';TZID=("[^"]*"|[^;]*)', params, re.I)
        if match:
            found.add(match[1].strip('"'))
    return found


def _defined_tzids(text: str) -> set[str]:
    return {m.strip().replace("\\,", ",") for m in re.findall(r"^TZID:([^\r\n]*)", text, re.M | re.I)}


def _rename_tzid(text: str, tzid: str, name: str) -> str:
    return re.sub(r';TZID=("?)' + re.escape(tzid) + r'\1(?=[;:])', f";TZID={name}", text, flags=re.I)


def resolve_tzids(spec: str, text: str, assume: str | None) -> str:
    """Text whose every undefined TZID is an IANA name, so the parser never reads a time as floating by mistake.

    A Windows or vendor-prefixed name becomes its IANA zone; an unknown one becomes `assume`, or stops the run.
    """
    undefined = _tzids_in_events(text) - _defined_tzids(text)
    unknown = sorted(t for t in undefined if not iana_name(t))
    if unknown and not assume:
        raise BadInputError(f"time zone {unknown[0]!r} is neither defined in the file nor a known zone; "
                            "pass --assume-timezone IANA to read it as that zone", path=spec)
    for tzid in sorted(undefined):
        name = iana_name(tzid) or assume
        if name and name != tzid:
            text = _rename_tzid(text, tzid, name)
    return text


__all__ = ["SAME_OFFSETS_YEARS", "iana_name", "prefer_iana", "resolve_tzids"]
