"""Holiday sets: every body is active on exactly the days the holidays package lists, whatever LANG says."""

from datetime import date, datetime, timedelta

import holidays
import pytest

from pbxcal import Options, Window, convert
from pbxcal.errors import BadInputError
from pbxcal.platforms import get_target
from pbxcal.readers import ReadOptions
from pbxcal.spans import Span, merge

CASES = [("US", None), ("US", "CA"), ("GB", "ENG"), ("DE", "BY"), ("JP", None), ("IN", None), ("FR", None),
         ("AU", "NSW"), ("BR", None), ("RU", None), ("CA", "ON")]


def expected(country: str, subdiv: str | None, window: Window, **kwargs) -> list[Span]:
    found = holidays.country_holidays(country, subdiv=subdiv, years=range(window.first.year, window.until.year + 1),
                                      language="en_US", **kwargs)
    return merge(Span(datetime.combine(d, datetime.min.time()), datetime.combine(d + timedelta(days=1),
                 datetime.min.time())) for d in found if window.first <= d < window.until)


@pytest.mark.parametrize("target_name", ["netsapiens", "telphin"])
@pytest.mark.parametrize(("country", "subdiv"), CASES)
def test_holiday_bodies_match_the_holidays_package(country, subdiv, target_name):
    window = Window(date(2026, 1, 1), date(2031, 1, 1))
    spec = f"holidays:{country}" + (f"-{subdiv}" if subdiv else "")
    result = convert([spec], target_name, Options(window, zone="UTC"))
    target = get_target(target_name)
    assert target.spans(target.entries(result.body), window) == expected(country, subdiv, window)


def test_us_2026_2035_needs_eleven_rules_plus_observed_days():
    window = Window(date(2026, 1, 1), date(2036, 1, 1))
    observed = [d for d, n in holidays.US(years=range(2026, 2036), language="en_US").items()
                if "observed" in n and window.first <= d < window.until]
    for target_name, extra in (("netsapiens", 2), ("telphin", 0)):  # NetSapiens anchors Thanksgiving on 2028
        result = convert(["holidays:US"], target_name, Options(window, zone="America/New_York"))
        count = len(get_target(target_name).entries(result.body))
        assert count == 11 + len(observed) + extra


def test_names_are_english_even_under_a_thai_locale_and_observed_can_be_left_out():
    window = Window(date(2026, 1, 1), date(2027, 1, 1))
    result = convert(["holidays:US"], "netsapiens", Options(window))
    names = {o.item.name for o in result.report.outcomes.values()}
    assert "Thanksgiving Day" in names and "Independence Day (observed)" in names
    plain = convert(["holidays:US"], "netsapiens", Options(window, read=ReadOptions(observed=False)))
    assert not any("observed" in o.item.name for o in plain.report.outcomes.values())


@pytest.mark.parametrize(("spec", "words"), [
    ("holidays:XX", "unknown country 'XX'"), ("holidays:US-ZZ", "valid: AK, AL"),
    ("holidays:MAR", "unknown country"),
])
def test_bad_codes_are_one_clear_error(spec, words):
    with pytest.raises(BadInputError, match=words):
        convert([spec], "netsapiens", Options(Window(date(2026, 1, 1), date(2027, 1, 1))))


def test_unknown_category_and_language_are_refused():
    window = Window(date(2026, 1, 1), date(2027, 1, 1))
    with pytest.raises(BadInputError, match="category 'bank'"):
        convert(["holidays:US"], "netsapiens", Options(window, read=ReadOptions(categories=("bank",))))
    with pytest.raises(BadInputError, match="language 'xx'"):
        convert(["holidays:DE"], "netsapiens", Options(window, read=ReadOptions(language="xx")))


def test_open_ended_extends_only_rules_that_held_every_year():
    window = Window(date(2026, 1, 1), date(2029, 1, 1))
    result = convert(["holidays:US"], "netsapiens", Options(window, zone="UTC", open_ended=True))
    entries = result.body["timeframe-specific-dates-array"]
    recurring = [e for e in entries if e["timeframe-recurrence-type"] != "doesNotRecur"]
    assert len(recurring) == 11 and {e["timeframe-recurrence-end-option"] for e in recurring} == {"never"}
    bounded = convert(["holidays:US"], "netsapiens", Options(window, zone="UTC"))
    ends = {e["timeframe-recurrence-end-date"] for e in bounded.body["timeframe-specific-dates-array"]
            if e["timeframe-recurrence-type"] != "doesNotRecur"}
    assert ends and all(end.startswith("2028") for end in ends)
    short = convert(["holidays:US"], "netsapiens", Options(Window(date(2026, 1, 1), date(2028, 1, 1)),
                                                         zone="UTC", open_ended=True))
    assert "never" not in {e["timeframe-recurrence-end-option"] for e in short.body["timeframe-specific-dates-array"]}


def test_data_horizon_warnings_become_messages_not_stray_output():
    result = convert(["holidays:IN"], "netsapiens", Options(Window(date(2034, 1, 1), date(2037, 1, 1)), zone="UTC"))
    assert any("available only" in m for m in result.messages)



STAR_NAMES = """
import hashlib
namespace = {}
exec("from holidays.countries import *", namespace)
print(hashlib.sha256(" ".join(sorted(k for k in namespace if not k.startswith("_"))).encode()).hexdigest())
"""
DEFERRED_PACKAGE = """
import sys
import holidays
from pbxcal import Options, Window, convert
from datetime import date
window = Window(date(2026, 1, 1), date(2028, 1, 1))
result = convert(["holidays:DE-BY"], "netsapiens", Options(window=window))
print(any(name.endswith(".afghanistan") for name in sys.modules), len(result.body) > 0)
from holidays.countries import Germany, UnitedStates
print(Germany is holidays.countries.germany.Germany, UnitedStates.__module__)
print(any(name.endswith(".afghanistan") for name in sys.modules))
""" + STAR_NAMES


def test_the_country_package_runs_its_init_only_when_used(tmp_path):
    """pbxcal defers `holidays.countries`' __init__ (every country module) until the package itself is used: a
    conversion loads only its country, and the package then works as if imported the usual way."""
    import subprocess
    import sys

    def run(script: str) -> list[str]:
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              cwd=tmp_path).stdout.splitlines()

    deferred, usual = run(DEFERRED_PACKAGE), run(STAR_NAMES)
    assert deferred[:3] == ["False True", "True holidays.countries.united_states", "True"]
    assert deferred[3] == usual[0]
