"""2600Hz Kazoo temporal rules: writer, reader and evaluator, per SEMANTICS.md section 7 and docs/kazoo.md.

The writer uses only the forms that are exact on Kazoo 4.3/master: `date`; `daily` with interval 1; `weekly`;
`monthly` with sorted days 1-28 or first..fourth/last with one weekday; `yearly` with a month and sorted days that
exist in every year, or first..fourth/last with one weekday. A recurring rule never ends on 4.3 (`end_date` is
ignored), so it is written only for a rule the source keeps past the window; everything else is `date` rules.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from ...errors import BadInputError
from ...infer import Capabilities
from ...model import SECONDS_PER_DAY, By, Freq, Rule, Series, Window, midnight
from ...normalize import Clock
from ...spans import Span, clip
from . import rules
from .rules import WEEKDAY_NAMES

NAME = "kazoo"
# Windows are whole seconds, and every end can be said exactly (stop = end - 1): no time reads as "end of day".
CLOCK = Clock(resolution=1, end_of_day=SECONDS_PER_DAY)
HAS_ZONE = True
# Any interval for weekly (ISO weeks), monthly and yearly rules; daily only every day (interval > 1 skips its start
# day); never a monthly fifth weekday (it also matches the next month's 1st).
CAPABILITIES = Capabilities({Freq.YEARLY: None, Freq.MONTHLY: None, Freq.WEEKLY: None, Freq.DAILY: 1},
                            fifth_weekday=False, weekdays="any")
WRITTEN = ("name", "cycle", "interval", "start_date", "time_window_start", "time_window_stop", "month", "days",
           "ordinal", "wdays")  # the fields pbxcal writes, in this order
MAX_NAME = 128  # the schema's limit on rule and rule-set names
LAST_SAFE_DAY = 28  # monthly days above this roll over into the next month on Kazoo
ORDINAL_OF = {1: "first", 2: "second", 3: "third", 4: "fourth"}
WHOLE_DAY = (0, SECONDS_PER_DAY - 1)
ORDINAL_WORDS = {"every": "every", "first": "the 1st", "second": "the 2nd", "third": "the 3rd", "fourth": "the 4th",
                 "fifth": "the 5th", "last": "the last"}


@dataclass(frozen=True)
class Entry:
    """One temporal rule: its fields (start_date aside) and the local date its start_date stands for."""

    fields: dict[str, Any] = field(hash=False)
    start: date

    def key(self) -> tuple[Any, ...]:
        return (self.start, *(repr(self.fields.get(f)) for f in WRITTEN if f not in ("name", "start_date")))

    @cached_property
    def meaning(self) -> rules.Meaning:
        """What Kazoo reads: the fields, with start_date standing for the local date `start`."""
        return rules.read({**self.fields, "start_date": rules.to_gregorian(self.start, "UTC")}, "UTC")


def detect(body: object) -> bool:
    """A pbxcal Kazoo body ({"name", "timezone", "rules"}), a Crossbar answer ({"data": rule or [rules]}), or a
    bare list of temporal rules."""
    if isinstance(body, dict):
        if "rules" in body and isinstance(body["rules"], list) and "conditions" not in body:
            return True
        data = body.get("data")
        return _looks(data) or (isinstance(data, list) and bool(data) and all(map(_looks, data)))
    return isinstance(body, list) and bool(body) and all(map(_looks, body))


def _looks(rule: object) -> bool:
    return isinstance(rule, dict) and "cycle" in rule


# ---- writer ---------------------------------------------------------------------------------------------------

def _entry(start: date, window: tuple[int, int], cycle: str, **fields: Any) -> Entry:
    data = {"cycle": cycle, "interval": fields.pop("interval", 1), "time_window_start": window[0],
            "time_window_stop": window[1], **fields}
    return Entry(data, start)


def once(span: Span, zone: str | None = None, name: str = "") -> list[Entry]:
    """`date` rules for a span: one per day it touches, each window inside its day (SEMANTICS §7)."""
    found = []
    day = span.start.date()
    while midnight(day) < span.end:
        low = max(span.start, midnight(day))
        high = min(span.end, midnight(day) + timedelta(days=1))
        window = (int((low - midnight(day)).total_seconds()), int((high - midnight(day)).total_seconds()) - 1)
        found.append(_entry(day, window, "date"))
        day += timedelta(days=1)
    return found


def _pieces(series: Series) -> list[tuple[int, tuple[int, int]]]:
    """(days after the occurrence, inclusive window) for each day an occurrence's block touches."""
    end = series.offset + series.length
    found = []
    for shift in range(series.offset // SECONDS_PER_DAY, -(-end // SECONDS_PER_DAY)):
        low = max(series.offset, shift * SECONDS_PER_DAY) - shift * SECONDS_PER_DAY
        high = min(end, (shift + 1) * SECONDS_PER_DAY) - shift * SECONDS_PER_DAY
        if high > low:
            found.append((shift, (low, high - 1)))
    return found


def _form(rule: Rule, shift: int) -> dict[str, Any] | None:
    """The exact Kazoo fields for the rule's days moved by `shift` days, or None where there is none."""
    start = rule.start
    interval = rule.interval
    if rule.freq is Freq.DAILY:
        return {"cycle": "daily"} if interval == 1 else None
    if rule.freq is Freq.WEEKLY:
        days = sorted({(w + shift) % 7 for w in rule.weekdays})
        return {"cycle": "weekly", "interval": interval, "wdays": [WEEKDAY_NAMES[w] for w in days]}
    one = WEEKDAY_NAMES[start.weekday()]
    if rule.freq is Freq.MONTHLY:
        if rule.by is By.DATE and start.day + shift <= LAST_SAFE_DAY:
            return {"cycle": "monthly", "interval": interval, "days": [start.day + shift]}
        if shift == 0 and rule.by is By.NTH and rule.nth in ORDINAL_OF:
            return {"cycle": "monthly", "interval": interval, "ordinal": ORDINAL_OF[rule.nth], "wdays": [one]}
        if shift == 0 and rule.by is By.LAST:
            return {"cycle": "monthly", "interval": interval, "ordinal": "last", "wdays": [one]}
        return None
    if rule.freq is Freq.YEARLY:
        if rule.by is By.DATE:
            if (start.month, start.day) == (2, 29):
                return None
            plain, leap = (date(year, start.month, start.day) + timedelta(days=shift) for year in (2001, 2004))
            if (plain.month, plain.day) != (leap.month, leap.day):
                return None  # 29 February, or a day that moves with it
            return {"cycle": "yearly", "interval": interval, "month": plain.month, "days": [plain.day]}
        if shift == 0 and rule.by is By.NTH and rule.nth in ORDINAL_OF:
            return {"cycle": "yearly", "interval": interval, "month": start.month, "ordinal": ORDINAL_OF[rule.nth],
                    "wdays": [one]}
        if shift == 0 and rule.by is By.LAST:
            return {"cycle": "yearly", "interval": interval, "month": start.month, "ordinal": "last",
                    "wdays": [one]}
    return None


def _joined(entries: list[Entry]) -> list[Entry]:
    """Rules equal but for their `days` (the days of one month) joined into one, days sorted; the earliest
    start_date is kept (the caller keeps the result only when it evaluates exactly)."""
    groups: dict[tuple[Any, ...], list[Entry]] = {}
    for entry in entries:
        if "days" in entry.fields:
            rest = tuple(repr(v) for k, v in sorted(entry.fields.items()) if k != "days")
            groups.setdefault(rest, []).append(entry)
        else:
            groups[(id(entry),)] = [entry]
    joined = []
    for members in groups.values():
        if len(members) == 1:
            joined.append(members[0])
            continue
        days = sorted({d for m in members for d in m.fields["days"]})
        joined.append(Entry({**members[0].fields, "days": days}, min(m.start for m in members)))
    return joined


def candidates(series: Series, window: Window, zone: str | None = None) -> Iterator[list[Entry]]:
    """Recurring rules for a series the source keeps past the window (4.3 never ends a rule); the caller keeps the
    fewest that evaluate exactly, and otherwise writes `date` rules."""
    rule = series.rule
    if rule.freq is Freq.ONCE:
        yield once(series.span_on(rule.start))
        return
    if rule.until is not None:
        return  # end_date is ignored by Kazoo 4.3: a rule with an end is written as its dates
    pieces = _pieces(series)
    forms = [(_form(rule, shift), shift, piece) for shift, piece in pieces]
    if any(form is None for form, _, _ in forms):
        return
    found = [_entry(rule.start + timedelta(days=shift), piece, **form) for form, shift, piece in forms if form]
    joined = _joined(found)
    proposals = [joined] + ([found] if joined != found else [])
    if rule.freq is Freq.WEEKLY and len(rule.weekdays) > 1:  # one rule per weekday: exact whatever ISO weeks say
        apart = []
        for weekday in sorted(rule.weekdays):
            first = rule.start + timedelta(days=(weekday - rule.start.weekday()) % 7)
            alone = Rule(Freq.WEEKLY, first, By.WEEKDAYS, rule.interval, None, frozenset({weekday}))
            for shift, piece in pieces:
                form = _form(alone, shift)
                if form:
                    apart.append(_entry(first + timedelta(days=shift), piece, **form))
        proposals.append(apart)
    for proposal in proposals:
        proposal = _with_start_days(proposal)
        if all(map(_same_weeks, proposal)) and _agrees_from_start(series, proposal):
            yield proposal


def _same_weeks(entry: Entry) -> bool:
    """Whether a weekly rule's ISO weeks (Kazoo's) are the source's 7-day blocks from its start: with an interval
    above 1, only when no listed weekday comes before the start's weekday (such a day of block k falls in ISO week
    k + 1; the window may hold none of it, so this is decided here, not by the check over the window)."""
    if entry.fields["cycle"] != "weekly" or entry.fields.get("interval", 1) == 1:
        return True
    return all(WEEKDAY_NAMES.index(w) >= entry.start.weekday() for w in entry.fields["wdays"])


def _agrees_from_start(series: Series, proposal: list[Entry]) -> bool:
    """A recurring rule never ends on Kazoo, while the caller compares a proposal with the source only inside the
    window: compare them also over the rule's first full cycle from its start, N + 1 periods, past which both
    repeat (what the window cannot see: a weekday or a period whose first occurrence is after it)."""
    rule = series.rule
    period = {Freq.DAILY: 1, Freq.WEEKLY: 7, Freq.MONTHLY: 31, Freq.YEARLY: 366}.get(rule.freq)
    if period is None:
        return True
    reach = Window(rule.start, rule.start + timedelta(days=period * (rule.interval + 1) + 7))
    return spans(proposal, reach) == series.spans(reach.span)


def skips_its_start(entry: Entry) -> bool:
    """Whether Kazoo never matches the rule's start day although it is an occurrence: a monthly rule with an
    interval above 1 starting on a 1st, or a yearly one starting on 1 January (the search from yesterday begins in
    the period before, which trunc(-1 / N) = 0 takes for an inactive one; rules.py)."""
    fields = entry.fields
    if fields.get("interval", 1) == 1:
        return False
    if fields["cycle"] == "monthly":
        return entry.start.day == 1
    return fields["cycle"] == "yearly" and (entry.start.month, entry.start.day) == (1, 1)


def _with_start_days(entries: list[Entry]) -> list[Entry]:
    """The entries, plus a `date` rule for the start day of each that Kazoo would skip (the writer's start_date is
    always an occurrence): exact, and one entry instead of expanding the whole rule."""
    extra = [_entry(e.start, (e.fields["time_window_start"], e.fields["time_window_stop"]), "date")
             for e in entries if skips_its_start(e)]
    return entries + extra


def remark(series: Series, chosen: list[Any]) -> str | None:
    return None


def finish(entries: list[Entry]) -> list[Entry]:
    """Each rule once, in a stable order: recurring rules by cycle, then `date` rules by day and time."""
    unique = {e.key(): e for e in entries}
    order = {cycle: n for n, cycle in enumerate(("yearly", "monthly", "weekly", "daily", "date"))}
    return sorted(unique.values(), key=lambda e: (order[e.fields["cycle"]], e.start, e.key()))


def body(entries: list[Entry], name: str, zone: str | None) -> dict[str, Any]:
    """{"name", "timezone", "rules"}: each rule named NAME #n, its start_date local noon of its first day."""
    if not zone:
        raise BadInputError("Kazoo rules run on the callflow's or account's clock: pass --timezone (its IANA zone, "
                            "e.g. America/New_York)")
    if not name or len(f"{name} #{len(entries)}") > MAX_NAME:
        raise BadInputError(f"a Kazoo body name must be 1-{MAX_NAME - 6} characters (it names the rule set and "
                            f"each rule NAME #n), got {name!r:.80}")
    written = []
    for number, entry in enumerate(entries, start=1):
        data = {"name": f"{name} #{number}", **entry.fields, "start_date": rules.to_gregorian(entry.start, zone)}
        written.append({k: data[k] for k in WRITTEN if k in data})
    return {"name": name, "timezone": zone, "rules": written}


# ---- reader and evaluator -------------------------------------------------------------------------------------

def _raw(body: Any) -> list[Any]:
    if isinstance(body, dict) and isinstance(body.get("rules"), list):
        return body["rules"]
    data = body.get("data") if isinstance(body, dict) else body
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise BadInputError("a Kazoo body needs a 'rules' list (or a Crossbar 'data' rule or list of rules)")


def entries(body: Any) -> list[Entry]:
    """The rules of a body, each with the local date its start_date stands for on the body's clock."""
    return entries_on(body, zone_of(body))


def entries_on(body: Any, zone: str | None) -> list[Entry]:
    """The rules read on the zone's clock (a downloaded list of rules names none: the target's)."""
    return [Entry(dict(rule), rules.read(rule, zone).start) for rule in _raw(body)]


def entry_spans(entry: Entry, window: Window) -> list[Span]:
    return clip(rules.spans(entry.meaning, window.first, window.until), window.span)


def spans(entries: list[Entry], window: Window) -> list[Span]:
    """When the rules (any of them: a rule set is an OR) are active inside the window."""
    return clip((s for e in entries for s in entry_spans(e, window)), window.span)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _hours(meaning: rules.Meaning) -> str:
    start, stop = meaning.window
    if stop < start:
        return "never (the window closes before it opens)"
    if (start, stop) == WHOLE_DAY:
        return "all day"
    if (start, stop) == (0, SECONDS_PER_DAY):
        return "all day" + (" and 00:00:00 of the next day" if meaning.cycle == "date" else "")
    return f"{_clock(start)} to {_clock(stop)} inclusive"


def _every(meaning: rules.Meaning, unit: str) -> str:
    return f"every {unit}" if meaning.interval == 1 else f"every {meaning.interval} {unit}s"


def _pattern(meaning: rules.Meaning) -> str:
    if meaning.cycle == "date":
        return meaning.start.isoformat()
    if meaning.cycle == "daily":
        return _every(meaning, "day")
    weekday = ", ".join(calendar.day_name[w] for w in meaning.wdays)
    if meaning.cycle == "weekly":
        return f"{weekday}, {_every(meaning, 'week')}" + (" (ISO weeks)" if meaning.interval > 1 else "")
    month = calendar.month_name[meaning.month]
    if meaning.days:
        days = ("day " if len(meaning.days) == 1 else "days ") + ", ".join(map(str, meaning.days))
        return f"{days} of {month} {_every(meaning, 'year')}" if meaning.cycle == "yearly" else \
            f"{days} of {_every(meaning, 'month')}"
    which = ORDINAL_WORDS[meaning.ordinal]
    place = f"{month} {_every(meaning, 'year')}" if meaning.cycle == "yearly" else _every(meaning, "month")
    return f"{which} {weekday} of {place}"


def describe(entry: Entry) -> str:
    """The rule in plain words: 'Office #3: 4th Thursday of November every year, from 2026-11-26, all day'."""
    meaning = entry.meaning
    if meaning.enabled is not None:
        said = f"always from {meaning.start} (enabled: true)" if meaning.enabled else "never (enabled: false)"
        return f"{meaning.name}: {said}"
    since = "" if meaning.cycle == "date" else f", from {meaning.start}"
    ignored = [f for f in rules.IGNORED if f in entry.fields]
    note = f" ({' and '.join(ignored)} ignored by Kazoo 4.3)" if ignored else ""
    return f"{meaning.name}: {_pattern(meaning)}{since}, {_hours(meaning)}{note}"


def zone_of(body: Any) -> str | None:
    zone = body.get("timezone") if isinstance(body, dict) else None
    if zone is not None and not isinstance(zone, str):
        raise BadInputError(f"the body's timezone must be a string, got {zone!r:.60}")
    return zone or None


def read(body: Any) -> list[Entry]:
    return entries(body)


__all__ = [
    "CAPABILITIES",
    "CLOCK",
    "HAS_ZONE",
    "NAME",
    "WRITTEN",
    "Entry",
    "body",
    "candidates",
    "describe",
    "detect",
    "entries",
    "entries_on",
    "entry_spans",
    "finish",
    "once",
    "read",
    "remark",
    "spans",
    "zone_of",
]
