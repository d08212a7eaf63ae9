"""End to end: random events and RRULEs, converted to both targets, evaluated, and compared with
recurring_ical_events' expansion of the same file (the independent reference)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import reference_spans
from pbxcal import Options, Window, convert
from pbxcal.platforms import get_target

WINDOW = Window(date(2026, 1, 1), date(2028, 1, 1))
ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def stamp(moment: datetime | date) -> str:
    return moment.strftime("%Y%m%dT%H%M%S") if isinstance(moment, datetime) else moment.strftime("%Y%m%d")


@st.composite
def rrules(draw) -> str | None:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", None]))
    if freq is None:
        return None
    parts = [f"FREQ={freq}"]
    interval = draw(st.sampled_from([1, 1, 2, 3]))
    if interval > 1 and freq != "YEARLY":
        parts.append(f"INTERVAL={interval}")
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=5, unique=True))))
    if freq == "MONTHLY":
        parts.append(draw(st.sampled_from(
            ["", "BYMONTHDAY=-1", f"BYMONTHDAY={draw(st.integers(1, 31))}",
             f"BYDAY={draw(st.sampled_from(['1', '2', '3', '4', '-1']))}{draw(st.sampled_from(DAYS))}"])))
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYMONTH={draw(st.integers(1, 12))};"
                     f"BYDAY={draw(st.sampled_from(['1', '2', '3', '4', '-1']))}{draw(st.sampled_from(DAYS))}")
    end = draw(st.sampled_from(["", "count", "until"]))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    elif end == "until":
        parts.append(f"UNTIL={stamp(draw(st.dates(date(2026, 1, 1), date(2028, 6, 1))))}")
    return ";".join(p for p in parts if p)


@st.composite
def events(draw) -> tuple[str, str | None]:
    """An .ics text with one or two events, and the zone its timed values are in (None: floating/all-day)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN"]
    zone = draw(st.sampled_from([*ZONES, None]))
    for n in range(draw(st.integers(1, 2))):
        all_day = draw(st.booleans())
        day = draw(st.dates(date(2025, 12, 1), date(2027, 6, 30)))
        if all_day:
            start: date | datetime = day
            end: date | datetime = day + timedelta(days=draw(st.integers(1, 4)))
            value = ";VALUE=DATE"
        else:
            start = datetime(day.year, day.month, day.day, draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30])))
            end = start + timedelta(minutes=draw(st.sampled_from([15, 60, 90, 480, 600, 1440, 2000])))
            value = f";TZID={zone}" if zone and zone != "UTC" else ""
        suffix = "Z" if zone == "UTC" and not all_day else ""
        lines += ["BEGIN:VEVENT", f"UID:event-{n}", "DTSTAMP:20250101T000000Z", f"SUMMARY:Event {n}",
                  f"DTSTART{value}:{stamp(start)}{suffix}", f"DTEND{value}:{stamp(end)}{suffix}"]
        rule = draw(rrules())
        if rule:
            lines.append(f"RRULE:{rule}")
            step = draw(st.sampled_from([1, 7, 14, 30, 365]))
            for k in draw(st.sets(st.integers(1, 20), max_size=3)):
                lines.append(f"EXDATE{value}:{stamp(start + timedelta(days=k * step))}{suffix}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n", zone


@pytest.mark.parametrize("target_name", ["netsapiens", "telphin", "ics"])
@given(case=events(), target_zone=st.sampled_from([None, "Asia/Tokyo", "America/Los_Angeles"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_body_is_active_exactly_when_recurring_ical_events_says(tmp_path, target_name, case, target_zone):
    ics, zone = case
    path = tmp_path / "cal.ics"
    path.write_text(ics)
    wall = target_zone or (zone if zone else "UTC")
    result = convert([str(path)], target_name, Options(WINDOW, zone=wall))
    target = get_target(target_name)
    assert target.spans(target.entries(result.body), WINDOW) == reference_spans(ics, wall, WINDOW)


def test_an_open_ended_weekly_rule_stays_open_in_both_targets(tmp_path):
    path = tmp_path / "weekly.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20250101T000000Z\r\n"
                    "DTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND;TZID=Europe/Berlin:20260105T170000\r\n"
                    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    ns = convert([str(path)], "netsapiens", Options(WINDOW))
    entries = ns.body["timeframe-specific-dates-array"]
    assert len(entries) == 5 and {e["timeframe-recurrence-end-option"] for e in entries} == {"never"}
    # Telphin has no end date either way; the rule starts inside the window, so it is a 7-day cycle from its start.
    tp = convert([str(path)], "telphin", Options(WINDOW))
    assert [(c["start_time"], c["end_time"], c["sched_start_date"], c["sched_active_days"], c["sched_skip_days"])
            for c in tp.body["conditions"]] == [("09:00:00", "17:00:00", "2026-01-05 00:00:00", 5, 2)]
