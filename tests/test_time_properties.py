"""Property: custom VTIMEZONEs and times near their transitions, converted for both targets, equal a reading done
here from the zone rules alone: UTC instants from the rules the test wrote (RFC 5545 §3.3.5: a repeated local time is
its first occurrence, a skipped one takes the offset from before the gap), then the target zone's wall clock minute
by minute (the smallest wall span covering each event; approximated exactly when that span is also active at
another real time)."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbxcal import Options, Window, convert
from pbxcal.spans import Span, clip, merge

WINDOW = Window(date(2026, 1, 1), date(2028, 1, 1))
MINUTE = timedelta(minutes=1)
TARGETS = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"]


@dataclass(frozen=True)
class Zone:
    """Standard offset, DST delta (minutes), and the (month, n-th Sunday) DST starts and ends at 02:00 local."""

    standard: int
    delta: int
    starts: tuple[int, int]
    ends: tuple[int, int]

    def sunday(self, year: int, month: int, n: int) -> date:
        sundays = [d for d in range(1, monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == 6]
        return date(year, month, sundays[n - 1] if n > 0 else sundays[n])

    def changes(self, year: int) -> tuple[datetime, datetime]:
        """UTC instants at which DST starts and ends in `year`."""
        start = datetime.combine(self.sunday(year, *self.starts), datetime.min.time()).replace(hour=2)
        end = datetime.combine(self.sunday(year, *self.ends), datetime.min.time()).replace(hour=2)
        return (start - timedelta(minutes=self.standard),
                end - timedelta(minutes=self.standard + self.delta))

    def offset(self, moment: datetime) -> timedelta:
        begin, end = self.changes(moment.year)
        summer = begin <= moment < end if begin < end else not end <= moment < begin
        return timedelta(minutes=self.standard + (self.delta if summer else 0))

    def utc(self, local: datetime) -> datetime:
        offsets = [timedelta(minutes=self.standard), timedelta(minutes=self.standard + self.delta)]
        valid = [local - o for o in offsets if self.offset(local - o) == o]
        return min(valid) if valid else local - offsets[0]  # a gap: the offset before it (standard)

    def vtimezone(self, tzid: str) -> list[str]:
        def hhmm(minutes: int) -> str:
            sign = "-" if minutes < 0 else "+"
            return f"{sign}{abs(minutes) // 60:02}{abs(minutes) % 60:02}"

        std, dst = hhmm(self.standard), hhmm(self.standard + self.delta)
        return ["BEGIN:VTIMEZONE", f"TZID:{tzid}",
                "BEGIN:STANDARD", "DTSTART:16010101T020000", f"TZOFFSETFROM:{dst}", f"TZOFFSETTO:{std}",
                f"RRULE:FREQ=YEARLY;BYMONTH={self.ends[0]};BYDAY={self.ends[1]}SU", "END:STANDARD",
                "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", f"TZOFFSETFROM:{std}", f"TZOFFSETTO:{dst}",
                f"RRULE:FREQ=YEARLY;BYMONTH={self.starts[0]};BYDAY={self.starts[1]}SU", "END:DAYLIGHT",
                "END:VTIMEZONE"]


@st.composite
def zones(draw) -> Zone:
    standard = draw(st.sampled_from([-300, -210, 0, 60, 330, 570]))
    delta = draw(st.sampled_from([60, 30]))
    if draw(st.booleans()):  # northern: summer from March to October/November
        return Zone(standard, delta, (3, draw(st.sampled_from([2, -1]))), (draw(st.sampled_from([10, 11])),
                                                                           draw(st.sampled_from([1, -1]))))
    return Zone(standard, delta, (10, 1), (4, 1))


@dataclass(frozen=True)
class Meeting:
    uid: str
    start: datetime  # local, in its calendar's zone
    minutes: int
    as_duration: bool

    def lines(self) -> list[str]:
        end = (f"DURATION:PT{self.minutes}M" if self.as_duration
               else f"DTEND;TZID=Customized Time Zone:{self.start + timedelta(minutes=self.minutes):%Y%m%dT%H%M%S}")
        return ["BEGIN:VEVENT", f"UID:{self.uid}", f"SUMMARY:{self.uid}",
                f"DTSTART;TZID=Customized Time Zone:{self.start:%Y%m%dT%H%M%S}", end, "END:VEVENT"]

    def real(self, zone: Zone) -> tuple[datetime, datetime]:
        start = zone.utc(self.start)
        if self.as_duration:  # minutes are exact time
            return start, start + timedelta(minutes=self.minutes)
        return start, zone.utc(self.start + timedelta(minutes=self.minutes))


@st.composite
def meetings(draw, zone: Zone, prefix: str) -> list[Meeting]:
    found = []
    for n in range(draw(st.integers(1, 3))):
        year = draw(st.sampled_from([2026, 2027]))
        month, nth = draw(st.sampled_from([zone.starts, zone.ends]))
        day = zone.sunday(year, month, nth) + timedelta(days=draw(st.sampled_from([0, 0, 0, -1, 1])))
        start = datetime(day.year, day.month, day.day) + timedelta(minutes=15 * draw(st.integers(-8, 20)))
        minutes = draw(st.sampled_from([15, 30, 60, 90, 150, 1500]))
        found.append(Meeting(f"{prefix}-{n}", start, minutes, draw(st.booleans())))
    return found


def covering(start: datetime, end: datetime, target: ZoneInfo) -> tuple[Span, bool]:
    """The wall span covering a real span, minute by minute, and whether no other real minute shows inside it."""
    def wall(moment: datetime) -> datetime:
        return moment.replace(tzinfo=UTC).astimezone(target).replace(tzinfo=None)

    minutes = int((end - start) / MINUTE)
    walls = [wall(start + k * MINUTE) for k in range(minutes)]
    span = Span(min(walls), max(walls) + MINUTE)
    day = 24 * 60
    others = [start - k * MINUTE for k in range(1, day)] + [end + k * MINUTE for k in range(day)]
    return span, not any(span.start <= wall(m) < span.end for m in others)


@pytest.mark.parametrize("target_name", ["netsapiens", "telphin"])
@given(first=zones(), second=zones(), data=st.data(), target=st.sampled_from(TARGETS), two=st.booleans())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_custom_zones_near_their_transitions_read_as_their_rules_say(tmp_path, target_name, first, second, data,
                                                                     target, two):
    calendars = [(first, data.draw(meetings(first, "a")))]
    if two:  # a second VCALENDAR defining the same TZID with its own rules
        calendars.append((second, data.draw(meetings(second, "b"))))
    text = "\r\n".join("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pbxcal tests//EN",
                                    *zone.vtimezone("Customized Time Zone"),
                                    *(line for m in found for line in m.lines()), "END:VCALENDAR"])
                         for zone, found in calendars) + "\r\n"
    path = tmp_path / "custom.ics"
    path.write_bytes(text.encode())

    expected, approximated = [], {}
    for zone, found in calendars:
        for meeting in found:
            start, end = meeting.real(zone)
            if end > start:
                span, exact = covering(start, end, ZoneInfo(target))
                expected.append(span)
                approximated[meeting.uid] = not exact and bool(clip([span], WINDOW.span))

    result = convert([str(path)], target_name, Options(WINDOW, zone=target))
    module = result.target
    assert module.spans(module.entries(result.body), WINDOW) == clip(merge(expected), WINDOW.span)
    for key, outcome in result.report.outcomes.items():
        if key in approximated:
            assert outcome.item.approximated == approximated[key], key
