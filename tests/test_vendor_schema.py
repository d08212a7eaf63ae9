"""Every NetSapiens body pbxcal writes, checked against the vendor's own OpenAPI description (tightened in
vendor_schema.py), the extract checked against the vendor file, and the tightening shown to bite."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import holiday_rows
from jsonschema import Draft202012Validator
from vendor_schema import (
    CREATED,
    END,
    END_DATE,
    INTERVAL,
    OPTION,
    SCHEMA_PATH,
    TYPE,
    VENDOR_PATH,
    WORKWEEK,
    extract,
    groups,
    tighten,
    validate_request,
    values,
)

from pbxcal.cli import main
from pbxcal.model import Freq
from pbxcal.platforms.netsapiens import holiday_api
from pbxcal.platforms.netsapiens import target as ns

Body = dict[str, Any]
ROOT = Path(__file__).parents[1]
SD, HOL = ns.ARRAY, holiday_api.ARRAY
EXTRACT = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
ICS = ["samples/company-closures.ics", "samples/outlook-closures.ics", "samples/google-export.ics",
       "tests/data/corpus/thunderbird-holidays__USHolidays.ics", "tests/data/corpus/allenporter-ical__apple_ical.ics"]
# Monthly forms no sample holds: monthly-date and custom months with each option, custom days.
MONTHLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pbxcal tests//EN
BEGIN:VEVENT
UID:m1
DTSTART;VALUE=DATE:20260115
RRULE:FREQ=MONTHLY;BYMONTHDAY=15
END:VEVENT
BEGIN:VEVENT
UID:m2
DTSTART:20260110T090000
DTEND:20260110T100000
RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=10;UNTIL=20281231T000000
END:VEVENT
BEGIN:VEVENT
UID:m3
DTSTART;VALUE=DATE:20260113
RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU
END:VEVENT
BEGIN:VEVENT
UID:m4
DTSTART;VALUE=DATE:20260102
RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=1FR
END:VEVENT
BEGIN:VEVENT
UID:m5
DTSTART;VALUE=DATE:20260131
RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1
END:VEVENT
BEGIN:VEVENT
UID:m6
DTSTART:20260105T140000
DTEND:20260105T150000
RRULE:FREQ=DAILY;INTERVAL=3;COUNT=20
END:VEVENT
END:VCALENDAR
"""
# Holiday sets with saved Holiday API rows (holiday or custom bodies): label -> (country, first year, last year, extra)
HOLIDAYS = {"DE-2026": ("DE", 2026, 2026, []), "DE-open-ended": ("DE", 2026, 2028, ["--open-ended"]),
            "US": ("US", 2026, 2027, [])}


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Body]:
    tmp = tmp_path_factory.mktemp("vendor")
    (tmp / "monthly.ics").write_text(MONTHLY, encoding="utf-8")
    clock = ["--years", "2026-2028", "--timezone", "Europe/Berlin"]
    runs = {Path(p).stem: [str(ROOT / p), *clock] for p in ICS}
    runs["monthly"] = [str(tmp / "monthly.ics"), *clock]
    runs["holidays-US-CA"] = ["holidays:US-CA", "--years", "2026-2028", "--language", "en_US"]
    for label, (country, first, last, extra) in HOLIDAYS.items():
        rows = tmp / f"{label}.json"
        rows.write_text(json.dumps([holiday_rows(country, y) for y in range(first, last + 1)]), encoding="utf-8")
        runs[label] = [f"holidays:{country}", "--years", f"{first}-{last}", "--language", "en_US", "--holiday-data",
                       str(rows), *extra]
    made = {}
    for label, args in runs.items():
        result = CliRunner().invoke(main, ["convert", *args, "--to", "netsapiens", "--name", f"pbxcal {label}"])
        assert result.exit_code == 0, f"{label}: {result.stderr}"
        made[label] = json.loads(result.stdout)
    return made


def replace_body(body: Body) -> Body:
    """The replace-all PUT of a body's entries: only its arrays."""
    return {key: value for key, value in body.items() if key.endswith("-array")}


def test_extract_still_equals_the_vendor_file() -> None:
    if not VENDOR_PATH.is_file():
        pytest.skip(f"vendor OpenAPI file not present at {VENDOR_PATH} (../shared is beside the project only)")
    assert extract(json.loads(VENDOR_PATH.read_text(encoding="utf-8"))) == EXTRACT, (
        "the vendor file changed: rerun python tests/vendor_schema.py and review the diff")


def test_extract_and_tightened_schema_are_valid_2020_12() -> None:
    Draft202012Validator.check_schema(EXTRACT)
    Draft202012Validator.check_schema({"$defs": tighten(EXTRACT)})
    defs = EXTRACT["$defs"]
    custom = defs["replace-custom"]["properties"]
    for narrower in ("replace-specific-dates", "replace-holiday"):  # the replace root checks against the custom body
        assert defs[narrower]["properties"].items() <= custom.items()


def test_pbxcal_tables_equal_the_vendor_enums() -> None:
    dates, holiday = EXTRACT["$defs"]["TimeframeSpecificDate"]["properties"], EXTRACT["$defs"]["TimeframeHoliday"]
    assert set(values(dates[TYPE]["description"])) == {*ns.TYPES, "custom"}
    assert set(values(dates[INTERVAL]["description"])) == set(ns.CUSTOM_UNITS)
    options = groups(dates[OPTION]["description"])
    assert {unit: set(found) for unit, found in options.items()} == {
        unit: {o for o, (freq, _) in ns.CUSTOM_OPTIONS.items() if freq is ns.CUSTOM_UNITS[unit]} for unit in options}
    assert set(options) == {"months", "years"}
    assert set(values(holiday["properties"][TYPE]["description"])) == {"never", "yearlyOnHoliday"}
    assert set(holiday["required"]) == set(holiday_api.FIELDS)
    assert set(dates) - {"timeframe-id"} >= set(ns.FIELDS) == set(EXTRACT["$defs"]["TimeframeSpecificDate"]["required"])
    observance = values(EXTRACT["$defs"]["RecurringTimeframeHolidayObservance"]["description"])
    assert set(holiday_api.OBSERVANCE.values()) <= set(observance)


def test_every_body_pbxcal_writes_is_valid(bodies: dict[str, Body]) -> None:
    errors = {f"{label} {kind}": found for label, body in bodies.items()
              for kind, sent in (("create", body), ("replace", replace_body(body)))
              if (found := validate_request(kind, sent))}
    assert not errors, json.dumps(errors, indent=1)[:4000]


def test_the_bodies_cover_every_form_the_writer_emits(bodies: dict[str, Body]) -> None:
    """So that the test above cannot silently check nothing."""
    dates = [e for body in bodies.values() for e in body.get(SD, [])]
    holidays = [e for body in bodies.values() for e in body.get(HOL, [])]

    def seen(entries: list[Body], field: str) -> set[str]:
        return {e[field] for e in entries}

    assert {body["timeframe-type"] for body in bodies.values()} == set(CREATED)
    assert seen(dates, TYPE) == {"doesNotRecur", "custom", *ns.PLAIN_TYPE_OF.values()}  # annual-month-day: read only
    assert seen(dates, INTERVAL) == {"", *ns.CUSTOM_UNITS}
    # Yearly rules are written with interval 1 only (candidates() gives up on others), so the plain yearly types
    # carry same-day/first/last; only the ordinal weekday needs custom years.
    monthly = {o for o, (freq, _) in ns.CUSTOM_OPTIONS.items() if freq is Freq.MONTHLY}
    assert seen(dates, OPTION) == {"", "yearly-ordinal-weekday", *monthly}
    assert seen(dates, END) == {"", "never", "onADate"}
    assert seen(holidays, TYPE) == {"yearlyOnHoliday"} and seen(holidays, END) == {"never", "onDate"}
    assert any((e[ns.BEGIN_TIME], e[ns.END_TIME]) != ("0000", "2359") for e in dates)  # timed entries
    assert any(e[ns.BEGIN_DATE] != e[ns.END_DATE] for e in dates)  # multi-day entries


def test_the_vendors_own_example_passes_once_it_sends_the_required_synchronous() -> None:
    [example] = EXTRACT["$defs"]["create-specific-dates"]["examples"]
    assert validate_request("create", example) == ["body: 'synchronous' is a required property"]
    assert validate_request("create", {**example, "synchronous": "no"}) == []


@pytest.mark.parametrize("kind", ["convert-domain", "convert-user"])
def test_convert_bodies(kind: str) -> None:
    key, other = ("type", "timeframe-type") if kind == "convert-domain" else ("timeframe-type", "type")
    assert validate_request(kind, {key: "custom"}) == []
    assert validate_request(kind, {key: "holidays"})  # the spelling one third-party client uses
    assert validate_request(kind, {other: "custom"})  # the other level's key
    assert validate_request(kind, {key: "custom", "synchronous": "yes"})


def pick(body: Body, array: str = SD, **where: str) -> Body:
    """The first entry whose recurrence fields (by short name: type, interval, end) have the given values."""
    names = {"type": TYPE, "interval": INTERVAL, "end": END}
    return next(e for e in body[array] if all(e[names.get(k, k)] == v for k, v in where.items()))


def rename(entry: Body, old: str, new: str) -> None:
    entry[new] = entry.pop(old)


Mutation = Callable[[Body], object]
MUTATIONS: list[tuple[str, str, str, Mutation, str]] = [
    ("company-closures", "create", "misnamed entry field", lambda b: rename(b[SD][0], ns.BEGIN_DATE,
     "timeframe-specific-date-begin-date"), "'timeframe-specific-date-begin-date' was unexpected"),
    ("company-closures", "create", "misnamed body field", lambda b: rename(b, "timeframe-name", "name"),
     "'name' was unexpected"),
    ("company-closures", "create", "missing entry field", lambda b: b[SD][0].pop(END_DATE),
     f"'{END_DATE}' is a required property"),
    ("company-closures", "create", "entry id on create", lambda b: b[SD][0].update({"timeframe-id": "0" * 32}),
     f"{SD}/0/timeframe-id: read-only"),
    ("DE-open-ended", "create", "read-only domain", lambda b: b[HOL][0].update({"domain": "example.com"}),
     f"{HOL}/0/domain: read-only"),
    ("company-closures", "create", "timeframe id on create", lambda b: b.update({"timeframe-id": "0" * 32}),
     "'timeframe-id' was unexpected"),
    ("company-closures", "replace", "read-only field on replace",
     lambda b: b[SD][0].update({"timeframe-next-observance-datetime": [1767225600]}), "read-only"),
    ("company-closures", "replace", "synchronous on replace", lambda b: b.update({"synchronous": "yes"}),
     "'synchronous' was unexpected"),
    ("company-closures", "create", "recurrence type", lambda b: b[SD][0].update({TYPE: "yearly"}),
     "'yearly' is not one of"),
    ("company-closures", "create", "specific-dates end option spelled as holiday's",
     lambda b: pick(b, end="never").update({END: "onDate"}), "'onDate' is not one of ['never', 'onADate'"),
    ("DE-open-ended", "create", "holiday end option spelled as specific dates'",
     lambda b: b[HOL][0].update({END: "onADate"}), "'onADate' is not one of ['never', 'onDate']"),
    ("DE-open-ended", "create", "holiday recurrence type", lambda b: b[HOL][0].update({TYPE: "yearly"}),
     "'yearly' is not one of ['never', 'yearlyOnHoliday']"),
    ("DE-open-ended", "create", "observance option",
     lambda b: b[HOL][0].update({"timeframe-weekly-sunday-observance-option": "observe-on-holiday"}),
     "'observe-on-holiday' is not one of"),
    ("company-closures", "create", "synchronous", lambda b: b.update({"synchronous": "true"}),
     "'true' is not one of ['yes', 'no']"),
    ("company-closures", "create", "timeframe type", lambda b: b.update({"timeframe-type": "days-of-week"}),
     "'days-of-week' is not one of ['specific-dates', 'holiday', 'custom']"),
    ("company-closures", "create", "timeframe type without its array",
     lambda b: b.update({"timeframe-type": "holiday"}), f"'{SD}' was unexpected"),
    ("company-closures", "create", "custom interval", lambda b: pick(b, type="custom").update({INTERVAL: "fortnights"}),
     "'fortnights' is not one of ['days', 'weeks', 'months', 'years']"),
    ("company-closures", "create", "custom without interval", lambda b: pick(b, type="custom").update({INTERVAL: ""}),
     "'' is not one of ['days', 'weeks', 'months', 'years']"),
    ("company-closures", "create", "years count fixed to 1",
     lambda b: pick(b, interval="years").update({ns.COUNT: "2"}), "'1' was expected"),
    ("monthly", "create", "months with a years option",
     lambda b: pick(b, interval="months").update({OPTION: "yearly-same-day"}), "'yearly-same-day' is not one of"),
    ("company-closures", "create", "recurrence without end option", lambda b: pick(b, end="never").update({END: ""}),
     "'' is not one of ['never', 'onADate']"),
    ("company-closures", "create", "onADate without its date", lambda b: pick(b, end="onADate").update({END_DATE: ""}),
     "'' is not a YYYYMMDD date"),
    ("company-closures", "create", "ISO date", lambda b: b[SD][0].update({ns.BEGIN_DATE: "2026-01-01"}),
     "'2026-01-01' is not a YYYYMMDD date"),
    ("company-closures", "create", "month 13", lambda b: b[SD][0].update({ns.END_DATE: "20261301"}),
     "'20261301' is not a YYYYMMDD date"),
    ("company-closures", "create", "time 2400", lambda b: b[SD][0].update({ns.END_TIME: "2400"}),
     "'2400' is not an hhmm time"),
    ("company-closures", "create", "time with colon", lambda b: b[SD][0].update({ns.BEGIN_TIME: "09:00"}),
     "'09:00' is not an hhmm time"),
    ("company-closures", "create", "count 0", lambda b: pick(b, type="custom").update({ns.COUNT: "0"}),
     "'0' is not a count"),
    ("DE-open-ended", "create", "holiday date",
     lambda b: b[HOL][0].update({"timeframe-holiday-begin-date": "1.1.2026"}), "'1.1.2026' is not a YYYYMMDD date"),
    ("DE-open-ended", "create", "short workweek", lambda b: b[HOL][0].update({WORKWEEK: "M,T"}), "workweek list"),
    ("DE-open-ended", "create", "workweek tokens", lambda b: b[HOL][0].update({WORKWEEK: "Mo,Tu,We,Th,Fr"}),
     "workweek list"),
    ("DE-open-ended", "create", "repeated workweek day", lambda b: b[HOL][0].update({WORKWEEK: "M,T,W,M"}),
     "workweek list"),
]


@pytest.mark.parametrize(("label", "kind", "what", "mutate", "expected"), MUTATIONS, ids=[m[2] for m in MUTATIONS])
def test_the_tightening_bites(bodies: dict[str, Body], label: str, kind: str, what: str, mutate: Mutation,
                              expected: str) -> None:
    body = bodies[label] if kind == "create" else replace_body(bodies[label])
    assert validate_request(kind, body) == []
    mutated = copy.deepcopy(body)
    mutate(mutated)
    errors = validate_request(kind, mutated)
    assert any(expected in error for error in errors), errors
