"""One VCALENDAR parsed with a component tree only where one is needed.

icalendar's parser reads every line of every component character by character and builds a value for each
property. Most events of an export are plain one-offs or series without overrides, and the reader needs few of their
properties. Here a line tokenizer (unfolding as icalendar does, RFC 5545 §3.1) splits the calendar into top-level
components; a VEVENT with no EXRULE or RECURRENCE-ID, no nested component, its UID used by no other VEVENT, and every
line of the simple form below, becomes an `icalendar.Event` holding only what pbxcal and recurring_ical_events read
of such an event: DTSTART, DTEND, DURATION, STATUS, UID, SUMMARY and SEQUENCE (each at most once), and RRULE, RDATE
and EXDATE (any number of lines). Each value is parsed by icalendar's own value types exactly as its parser would
(ComponentIcalParser.handle_property and parse_and_add_property): the same type for the same VALUE, a TZID read for
the names in its `datetime_names`, the same parameters and unescaping, each line added in turn (two EXDATE lines
make a list of two values) and an empty RDATE line adding nothing. Everything else, VTIMEZONEs and series with
overrides included, goes through icalendar's parser, before the tokenized events are built, so that their TZIDs meet
the same VTIMEZONE cache. Anything the tokenizer does not fully understand sends that event, or the whole calendar,
to icalendar: a line with quoting or escapes outside the simple form, a stray CR, a parameter it does not know on a
property it reads, a VALUE it does not know for that property, a single property twice, a value icalendar's type
refuses, a VTIMEZONE after an event, an odd BEGIN or END.

tests/test_lines.py checks on the corpus and fuzzed mutations that every event reads the same as icalendar's.
"""

from __future__ import annotations

import re
from typing import Any

import icalendar
from icalendar.parser import Parameters
from icalendar.parser.content_line import Contentline
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.parser.property import unescape_backslash

from .rfc5545 import NOMINAL_DAYS

# Unfolding exactly as icalendar's Contentlines.from_ical does (a CRLF or LF, any blank lines, then a space or tab).
UNFOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
NEWLINE = re.compile(r"\r?\n")
# The simple form: a name, parameters whose values are plain or quoted without escapes, commas or quotes, a value.
SIMPLE = re.compile(r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"\\,\r]*"|[^";:,\\\r]*))*):([^\r]*)')
# A line's name as icalendar reads it (up to the first ';' or ':'), to find BEGIN and END lines in any spelling.
HEAD = re.compile(r"[^:;\"\\]*")
# Read once each. recurring_ical_events compares a series' SEQUENCE with 0 for every occurrence it makes a component of.
KEPT = frozenset({"DTSTART", "DTEND", "DURATION", "STATUS", "UID", "SUMMARY", "SEQUENCE"})
SERIES = frozenset({"RRULE", "RDATE", "EXDATE"})  # the recurrence the tokenizer reads, any number of lines
RECURRING = frozenset({"RRULE", "RDATE", "EXRULE", "EXDATE", "RECURRENCE-ID"})
ZONED = frozenset(CalendarIcalParser.datetime_names)  # the names icalendar's parser reads a TZID for
DATE_VALUES = frozenset({"DATE", "DATE-TIME"})
# Per property read, the parameters and VALUEs the tokenizer knows; any other sends the event to icalendar.
PARAMETERS: dict[str, frozenset[str]] = {
    **dict.fromkeys(KEPT, frozenset({"TZID", "VALUE", "LANGUAGE", NOMINAL_DAYS})),
    "SEQUENCE": frozenset(),
    "RRULE": frozenset(),
    "RDATE": frozenset({"TZID", "VALUE"}),
    "EXDATE": frozenset({"TZID", "VALUE"}),
}
VALUES: dict[str, frozenset[str]] = {"DTSTART": DATE_VALUES, "DTEND": DATE_VALUES, "EXDATE": DATE_VALUES,
                                     "RDATE": DATE_VALUES | {"PERIOD"}}


class _Unsure(Exception):
    """The tokenizer does not fully understand this: icalendar reads it."""


def _lines(block: str) -> list[str]:
    return [line for line in NEWLINE.split(UNFOLD.sub("", block)) if line]


_PARAMETERS: dict[str, Parameters] = {}


def _parameters(raw: str) -> Parameters:
    """A property's parameters as icalendar's own content-line parser reads them (memoised: exports repeat them)."""
    if not raw:
        return Parameters()
    found = _PARAMETERS.get(raw)
    if found is None:
        if len(_PARAMETERS) > 4096:
            _PARAMETERS.clear()
        try:
            found = Contentline(f"X{raw}:").raw_parts()[1]
        except ValueError:
            raise _Unsure from None
        _PARAMETERS[raw] = found
    return found.copy()


def _simple(lines: list[str]) -> list[tuple[str, str, str]] | None:
    """The read properties (name, raw parameters, raw value) of a VEVENT's lines, in order, or None when it has an
    EXRULE or RECURRENCE-ID, one of the KEPT properties twice, or a line not in the simple form."""
    kept = []
    names = set()
    for line in lines:
        match = SIMPLE.fullmatch(line)
        if match is None:
            return None
        name = match[1].upper()
        if name in ("BEGIN", "END") or (name in RECURRING and name not in SERIES):
            return None
        if name not in PARAMETERS:
            continue
        if name in names and name in KEPT:
            return None
        names.add(name)
        kept.append((name, match[2], match[3]))
    return kept if "DTSTART" in names and "UID" in names else None


def _event(kept: list[tuple[str, str, str]], types: Any, event_class: type[icalendar.Event]) -> icalendar.Event:
    """A VEVENT with its read properties added as icalendar's parser adds them
    (ComponentIcalParser.handle_property and parse_and_add_property)."""
    event = event_class()
    for name, raw, text in kept:
        params = _parameters(raw)
        value = unescape_backslash(text) if "\\" in text else text
        if name == "RDATE" and value == "":
            continue  # icalendar's parser skips an empty RDATE (a workaround for broken exports)
        event.add(name, _property(name, params, value, types), encode=False)
    return event


def _property(name: str, params: Parameters, value: str, types: Any) -> Any:
    """One line's value, of the type icalendar's parser picks, with its parameters."""
    if any(key not in PARAMETERS[name] for key in params):
        raise _Unsure
    kind = params.value
    if kind is not None and kind not in VALUES.get(name, ()):
        raise _Unsure
    factory = types.for_property(name, kind)
    if getattr(factory, "get_value_from_content_line", None) is not None:
        raise _Unsure
    tzid = params.get("TZID") if params and name in ZONED else None
    try:
        parsed = factory.from_ical(value, tzid) if tzid else factory.from_ical(value)
        instance = factory(parsed)
    except Exception:  # icalendar's parser decides what a value it cannot read means
        raise _Unsure from None
    instance.params = params
    return instance


def _head(line: str) -> str:
    """The name icalendar reads on a line (it drops spaces and tabs from it), upper-cased."""
    match = HEAD.match(line)
    head = match[0] if match else ""
    if " " in head or "\t" in head:
        head = re.sub(r"[ \t]+", "", head)
    return head.upper()


def parse_calendar(block: str) -> icalendar.Calendar | None:
    """The block's one VCALENDAR, its one-offs and series without overrides read by the tokenizer; None: let
    icalendar parse it all."""
    lines = _lines(block)
    if len(lines) < 2 or lines[0].upper() != "BEGIN:VCALENDAR" or lines[-1].upper() != "END:VCALENDAR":
        return None
    stack: list[str] = []
    tops: list[tuple[str, int, int]] = []  # components inside the VCALENDAR: name, first line, last line
    uids: dict[str, int] = {}
    uid_lines: dict[int, str] = {}  # per top-level VEVENT: its UID line, when it is one
    nested = set()
    opened = 0
    seen_event = False
    for number, line in enumerate(lines):
        head = _head(line)
        if head in ("BEGIN", "END"):
            upper = line.upper()
            if not re.fullmatch(r"(BEGIN|END):[A-Z0-9-]+", upper):
                return None
            name = upper.split(":", 1)[1]
            if head == "BEGIN":
                if len(stack) == 1:
                    opened = number
                    if name == "VTIMEZONE" and seen_event:
                        return None  # a forward reference: icalendar parses twice, and so it shall
                    seen_event = seen_event or name == "VEVENT"
                elif len(stack) >= 2:
                    nested.add(opened)
                stack.append(name)
            else:
                if not stack or stack[-1] != name:
                    return None
                stack.pop()
                if len(stack) == 1:
                    tops.append((name, opened, number))
                elif not stack and number != len(lines) - 1:
                    return None
        elif head == "UID" and stack and stack[-1] == "VEVENT":
            match = SIMPLE.fullmatch(line)
            if match is None:
                return None  # a UID that cannot be compared: every event goes to icalendar
            value = str(icalendar.vText.from_ical(unescape_backslash(match[3])))
            uids[value] = uids.get(value, 0) + 1
            if len(stack) == 2:
                uid_lines[opened] = value
    if stack:
        return None
    tokenized: dict[int, tuple[int, list[tuple[str, str, str]]]] = {}
    for name, first, last in tops:
        if name != "VEVENT" or first in nested or first not in uid_lines or uids[uid_lines[first]] != 1:
            continue
        kept = _simple(lines[first + 1:last])
        if kept is not None:
            tokenized[first] = (last, kept)
    if not tokenized:
        return None
    rest: list[str] = []
    done = 0
    for first in sorted(tokenized):
        rest += lines[done:first]
        done = tokenized[first][0] + 1
    rest += lines[done:]
    try:
        parsed = icalendar.Calendar.from_ical("\r\n".join(rest) + "\r\n", multiple=True)
    except Exception:  # icalendar reads the whole block and reports it as it reports it
        return None
    if len(parsed) != 1 or parsed[0].name != "VCALENDAR":
        return None
    calendar = parsed[0]
    if len(calendar.subcomponents) != len(tops) - len(tokenized):
        return None
    types, event_class = calendar.types_factory, calendar._get_component_factory().get_component_class("VEVENT")
    others = iter(calendar.subcomponents)
    merged = []
    for _name, first, last in tops:
        if first not in tokenized:
            merged.append(next(others))
            continue
        try:
            merged.append(_event(tokenized[first][1], types, event_class))
        except _Unsure:  # icalendar reads this one event, now that the calendar's VTIMEZONEs are known to it
            try:
                [alone] = icalendar.Calendar.from_ical("\r\n".join(lines[first:last + 1]) + "\r\n", multiple=True)
            except Exception:  # then the whole calendar, as the reader always did
                return None
            merged.append(alone)
    calendar.subcomponents = merged
    return calendar


__all__ = ["parse_calendar"]
