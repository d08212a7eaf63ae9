"""TZIDs as exporters write them: Windows names, vendor prefixes, undefined ids, and slow embedded definitions."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

import icalendar
from dateutil import rrule as du
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ..errors import BadInputError
from ..wallclock import SECOND, WallClock, offset_at, tzinfo_offsets
from ..wallclock import Offsets as Offset


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


# Years over which an embedded VTIMEZONE must agree with the IANA zone of the same name to be replaced by it. A
# conversion whose instants fall outside them reads the embedded definition itself (readers/ics.py).
SAME_OFFSETS_YEARS = range(2007, 2100)
# How far the transition rules of an embedded VTIMEZONE are followed.
RULES_UNTIL = datetime(2200, 1, 1)


def _local_starts(component: icalendar.Component, offset_from: timedelta) -> list[datetime]:
    """The local (naive) times at which one STANDARD or DAYLIGHT part takes effect."""
    start = component["DTSTART"].dt
    start = start.replace(tzinfo=None) if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
    found = [start]
    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        parts = dict(rule)
        until = parts.pop("UNTIL", [None])[0]
        text = icalendar.vRecur(parts).to_ical().decode("ascii")
        expanded = du.rrulestr(text, dtstart=start)
        if until is not None:
            if isinstance(until, datetime) and until.tzinfo is not None:  # UNTIL in UTC: the local time it names
                until = until.astimezone(UTC).replace(tzinfo=None) + offset_from
            elif not isinstance(until, datetime):
                until = datetime(until.year, until.month, until.day, 23, 59, 59)
            expanded = expanded.replace(until=until)
        elif not parts.get("COUNT"):
            expanded = expanded.replace(until=RULES_UNTIL)
        found += list(expanded)
    dates = component.get("RDATE")
    for rdate in dates if isinstance(dates, list) else [dates] if dates is not None else []:
        for value in rdate.dts:
            moment = value.dt[0] if isinstance(value.dt, tuple) else value.dt
            if isinstance(moment, datetime):
                found.append(moment.replace(tzinfo=None))
    return found


@lru_cache(maxsize=256)
def _definition(text: bytes) -> tuple[Offset, tuple[datetime, ...]]:
    definition = icalendar.Timezone.from_ical(text.decode("utf-8"))
    transitions: list[tuple[datetime, timedelta, timedelta]] = []
    for part in definition.subcomponents:
        if part.name not in ("STANDARD", "DAYLIGHT"):
            continue
        offset_from, offset_to = part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td
        transitions += [(local - offset_from, offset_from, offset_to) for local in _local_starts(part, offset_from)]
    if not transitions:
        raise ValueError("no STANDARD or DAYLIGHT part")
    transitions.sort()
    changes = [moment for moment, _, _ in transitions]
    offset = offset_at(changes, [to for _, _, to in transitions], transitions[0][1])
    return offset, tuple(changes)


def definition_offsets(definition: icalendar.Timezone) -> tuple[Offset, tuple[datetime, ...]]:
    """A VTIMEZONE's offsets, read from its own transition rules (RFC 5545 §3.6.5), and its transitions (UTC).

    Each STANDARD/DAYLIGHT part takes effect at its DTSTART and RRULE/RDATE times, which are local times in its
    TZOFFSETFROM. icalendar's own reading is not used: it stops in 2038 and reads gaps differently.
    """
    return _definition(definition.to_ical())


def same_offsets(embedded: Offset, changes: tuple[datetime, ...], zone: str, years: range) -> bool:
    """Whether an embedded definition and an IANA zone give the same offsets at every instant of `years`.

    Both are constant between their changes, so comparing at the start, at every change of either and a second
    before it covers every instant.
    """
    clock = WallClock(zone)
    first, last = datetime(years.start, 1, 1), datetime(years.stop, 1, 1)
    moments = [first, *(c for c in changes if first <= c < last), *clock.changes(first, last)]
    return all(embedded(m) == clock.offsets(m) and embedded(m - SECOND) == clock.offsets(m - SECOND)
               for m in moments)


@cache
def _candidate_zones() -> tuple[str, ...]:
    """IANA zones, the ones Windows names map to first (they are the usual names of their region)."""
    preferred = list(dict.fromkeys(z for z in WINDOWS_TO_OLSON.values() if z in _zones()))
    return (*preferred, *sorted(_zones() - set(preferred)))


def matching_zone(definition: icalendar.Timezone, years: range) -> str | None:
    """The IANA zone whose offsets equal an embedded definition's over `years`, or None."""
    try:
        embedded, changes = definition_offsets(definition)
    except Exception:  # a definition that cannot be read matches nothing
        return None
    probes = [datetime(year, month, 15) for year in (years.start, years.stop - 1) for month in (1, 7)]
    wanted = [embedded(p) for p in probes]
    for zone in _candidate_zones():
        offsets = tzinfo_offsets(ZoneInfo(zone))
        if [offsets(p) for p in probes] == wanted and same_offsets(embedded, changes, zone, years):
            return zone
    return None


def _definitions(text: str) -> list[tuple[str, str, str]]:
    """Each VTIMEZONE block of the text with its TZID line and TZID (a block without one is left out)."""
    found = []
    for block in re.findall(r"^BEGIN:VTIMEZONE\r?\n.*?^END:VTIMEZONE", text, re.M | re.S | re.I):
        line = re.search(r"^TZID:([^\r\n]*)", block, re.M | re.I)
        if line:
            found.append((block, line[0], line[1].strip().replace("\\,", ",")))
    return found


def prefer_iana(text: str) -> tuple[str, list[str]]:
    """Read embedded VTIMEZONEs named like an IANA or Windows zone as that IANA zone, when their offsets agree.

    The embedded definitions are evaluated rule by rule from 1601 on every lookup, which makes big Outlook exports
    crawl; the IANA zone gives the same wall times. A definition that differs anywhere is kept.
    """
    messages = []
    for block, _line, tzid in _definitions(text):
        iana = iana_name(tzid) if tzid else None
        if iana is None or iana == tzid:
            continue
        try:
            embedded, changes = definition_offsets(icalendar.Timezone.from_ical(block))
            same = same_offsets(embedded, changes, iana, SAME_OFFSETS_YEARS)
        except Exception:  # a definition icalendar cannot read is left to the parser to judge
            continue
        if same:
            text = _rename_tzid(text, tzid, iana)
            messages.append(f"time zone {tzid!r} read as {iana} (the same offsets {SAME_OFFSETS_YEARS.start}-"
                            f"{SAME_OFFSETS_YEARS.stop - 1})")
    return text, messages


def isolate_tzids(text: str) -> str:
    """Give every embedded definition with a TZID of its own making (not an IANA name) a TZID unique to its content.

    icalendar keeps the zones it builds from VTIMEZONEs by TZID for the whole process, so two calendars that define
    "Customized Time Zone" differently would otherwise share the first one's rules.
    """
    for block, line, tzid in _definitions(text):
        if not tzid or tzid in _zones():
            continue
        digest = hashlib.sha1(block.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()[:10]
        unique = f"{tzid} ~{digest}"
        text = text.replace(block, block.replace(line, f"{line.rstrip()} ~{digest}", 1))
        text = _rename_tzid(text, tzid, f'"{unique}"')
    return text


def display_tzid(tzid: str) -> str:
    """A TZID as its file wrote it (without the suffix isolate_tzids added)."""
    return re.sub(r" ~[0-9a-f]{10}$", "", tzid)


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
    return re.sub(r';TZID=("?)' + re.escape(tzid) + r'\1(?=[;:])', lambda _: f";TZID={name}", text, flags=re.I)


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


__all__ = [
    "SAME_OFFSETS_YEARS",
    "definition_offsets",
    "display_tzid",
    "iana_name",
    "isolate_tzids",
    "matching_zone",
    "prefer_iana",
    "resolve_tzids",
    "same_offsets",
]
