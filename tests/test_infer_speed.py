"""The shortcuts in rule inference give exactly what the plain searches give: the same rules in the same order.

The reference below is the search as it stood before the shortcuts (every kind's key groups built up front, every
kind walked through every date, the stretches always tried), built on the helpers the shortcuts leave alone.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Hashable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxcal import infer
from pbxcal.infer import KINDS, MONTHLY_NTH_RANK, WEEKLY_RANK, Capabilities, Run, infer_rules, merge_weekly
from pbxcal.model import By, Freq, Rule
from pbxcal.platforms import PLATFORMS, get_target

TARGET_CAPABILITIES = [get_target(p.name).CAPABILITIES for p in PLATFORMS]
ALL_CAPABILITIES = [None, *TARGET_CAPABILITIES, *(c.usual() for c in TARGET_CAPABILITIES)]


def reference_whole_run(rank: int, ordered: list[date], max_keys: int, capabilities: Capabilities | None
                        ) -> list[Run] | None:
    by_key: dict[Hashable, list[tuple[int, date]]] = {}
    for day in ordered:
        key, period = infer._key(rank, day, capabilities)
        if key is None or (key not in by_key and len(by_key) == max_keys):
            return None
        by_key.setdefault(key, []).append((period, day))
    runs = []
    for key, matches in by_key.items():
        found = list(infer._runs(rank, key, matches, capabilities, len(ordered)))
        if len(found) != 1 or len(found[0].dates) != len(matches):
            return None
        runs.extend(found)
    return runs


def reference_single_rule(ordered: list[date], capabilities: Capabilities | None = None) -> Rule | None:
    if len(ordered) < 2:
        return None
    for rank in range(len(KINDS)):
        runs = reference_whole_run(rank, ordered, 1, capabilities)
        if runs is not None:
            return runs[0].rule()
    runs = reference_whole_run(WEEKLY_RANK, ordered, 7, capabilities)
    joined = merge_weekly([r.rule() for r in runs]) if runs else []
    return joined[0] if len(joined) == 1 else None


def reference_key_groups(ordered: list[date], capabilities: Capabilities | None
                         ) -> list[tuple[int, Hashable, list[tuple[int, date]]]]:
    groups: list[dict[Hashable, list[tuple[int, date]]]] = [defaultdict(list) for _ in KINDS]
    fifth = bool(capabilities and capabilities.fifth_weekday)
    for day in ordered:
        for rank, kind in enumerate(KINDS):
            key, period = kind.key(day), kind.period(day)
            if key is not None and (fifth or rank != MONTHLY_NTH_RANK or key[1] != 5):  # type: ignore[index]
                groups[rank][key].append((period, day))
    return [(rank, key, matches) for rank, by_key in enumerate(groups) for key, matches in by_key.items()]


def reference_widest_runs_first(ordered: list[date], uncovered: set[date], capabilities: Capabilities | None
                                ) -> list[Rule]:
    """Every kind's key groups up front, each waiting under its size until cut into runs."""
    groups = [group for group in reference_key_groups(ordered, capabilities) if len(group[2]) >= 2]
    heap = [(-len(matches), rank, 0, matches[0][1], n) for n, (rank, _key, matches) in enumerate(groups)]
    heapq.heapify(heap)
    runs: list[Run] = []
    chosen: list[Rule] = []
    while heap:
        negative, rank, interval, first, n = heapq.heappop(heap)
        if interval == 0:
            _rank, key, matches = groups[n]
            fresh = sum(d in uncovered for _, d in matches)
            if fresh < 2:
                continue
            if fresh < -negative:
                heapq.heappush(heap, (-fresh, rank, 0, first, n))
                continue
            for run in infer._runs(rank, key, matches, capabilities, len(ordered)):
                runs.append(run)
                heapq.heappush(heap, (-len(run.dates), rank, run.interval, run.dates[0], len(runs) - 1))
            continue
        fresh = sum(d in uncovered for d in runs[n].dates)
        if fresh < 2:
            continue
        if fresh < -negative:
            heapq.heappush(heap, (-fresh, rank, interval, first, n))
            continue
        chosen.append(runs[n].rule())
        uncovered.difference_update(runs[n].dates)
    return chosen


def reference_stretches(ordered: list[date], capabilities: Capabilities) -> list[Rule] | None:
    rules: list[Rule] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end == len(ordered) or (ordered[end] - ordered[end - 1]).days > infer.STRETCH_GAP:
            piece = ordered[start:end]
            rule = Rule.once(piece[0]) if len(piece) == 1 else reference_single_rule(piece, capabilities)
            if rule is None:
                return None
            rules.append(rule)
            start = end
    return rules


def reference_infer_rules(dates: list[date], capabilities: Capabilities | None = None) -> list[Rule]:
    uncovered = set(dates)
    ordered = sorted(uncovered)
    if len(ordered) == 1:
        return [Rule.once(ordered[0])]
    alone = reference_single_rule(ordered, capabilities)
    if alone is not None:
        return [alone]
    greedy = (merge_weekly(reference_widest_runs_first(ordered, uncovered, capabilities))
              + [Rule.once(d) for d in sorted(uncovered)])
    if capabilities is None:
        return greedy
    stretches = reference_stretches(ordered, capabilities)
    if stretches is not None and infer._cost(stretches, capabilities) < infer._cost(greedy, capabilities):
        return stretches
    return greedy


@st.composite
def progressions(draw: st.DrawFn) -> set[date]:
    """Dates every few days, weeks or months: what a series gives, before anything is moved or dropped."""
    start = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    count = draw(st.integers(2, 300))
    if draw(st.booleans()):
        step = draw(st.sampled_from([1, 1, 2, 3, 7, 7, 14, 21, 28, 91, 126]))
        return {start + timedelta(days=step * k) for k in range(count)}
    months = draw(st.sampled_from([1, 1, 2, 3, 12]))
    day = draw(st.sampled_from([1, 13, 28, 29, 30, 31]))
    found = set()
    for k in range(min(count, 60)):
        index = start.year * 12 + start.month - 1 + months * k
        year, month = divmod(index, 12)
        if day <= infer.days_in_month(year, month + 1):
            found.add(date(year, month + 1, day))
    return found


@st.composite
def stretches(draw: st.DrawFn) -> set[date]:
    """Chosen weekdays in stretches a few days to months long, apart by more than a weekend (between clock changes)."""
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    day = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    found = set()
    for length, gap in draw(st.lists(st.tuples(st.integers(3, 120), st.integers(4, 40)), min_size=2, max_size=5)):
        found |= {d for k in range(length) if (d := day + timedelta(days=k)).weekday() in weekdays}
        day += timedelta(days=length + gap)
    return found


@st.composite
def date_sets(draw: st.DrawFn) -> list[date]:
    """One to three progressions or stretches, a few of their dates dropped, a few unrelated dates added."""
    days: set[date] = set().union(*draw(st.lists(progressions() | stretches(), min_size=1, max_size=3)))
    ordered = sorted(days)
    for index in draw(st.lists(st.integers(0, 10**6), max_size=5)):
        if ordered:
            ordered.pop(index % len(ordered))
    extra = draw(st.lists(st.dates(date(2024, 1, 1), date(2035, 12, 31)), max_size=6))
    return sorted(set(ordered) | set(extra))


@given(date_sets(), st.sampled_from(ALL_CAPABILITIES))
@settings(max_examples=400, deadline=None)
def test_inference_gives_what_the_plain_search_gives(dates: list[date], capabilities: Capabilities | None) -> None:
    assert infer_rules(dates, capabilities) == reference_infer_rules(dates, capabilities)


@given(date_sets(), st.sampled_from(ALL_CAPABILITIES))
@settings(max_examples=300, deadline=None)
def test_the_greedy_cover_chooses_what_the_eager_search_chooses(dates: list[date],
                                                                  capabilities: Capabilities | None) -> None:
    """Straight at the greedy cover, which inference reaches only when no single rule fits."""
    uncovered, expected_uncovered = set(dates), set(dates)
    found = infer._widest_runs_first(dates, uncovered, capabilities)
    assert found == reference_widest_runs_first(dates, expected_uncovered, capabilities)
    assert uncovered == expected_uncovered


@given(date_sets(), st.sampled_from(ALL_CAPABILITIES))
@settings(max_examples=300, deadline=None)
def test_a_single_rule_is_found_as_the_walk_through_every_kind_finds_it(dates: list[date],
                                                                         capabilities: Capabilities | None) -> None:
    assert infer.single_rule(dates, capabilities) == reference_single_rule(dates, capabilities)


def test_the_shortcuts_meet_single_rules_of_every_kind() -> None:
    """Whole series of every kind, where the three-date check must let the walk through, and broken ones."""
    cases = [
        [date(2026, 1, 31) + timedelta(days=k) for k in range(400)],  # daily
        [date(2026, 1, 5) + timedelta(days=14 * k) for k in range(60)],  # every second Monday
        [date(2026 + k // 12, k % 12 + 1, 31) for k in range(48) if k % 12 + 1 in (1, 3, 5, 7, 8, 10, 12)],  # 31st
        [date(2028 + 4 * k, 2, 29) for k in range(4)],  # leap days
        [date(2026, 1, 2) + timedelta(days=k) for k in range(900) if (date(2026, 1, 2) + timedelta(days=k)).weekday()
         < 5],  # weekdays
    ]
    for days in cases:
        for broken in (days, days[:5] + days[6:], [*days, days[-1] + timedelta(days=3)]):
            for capabilities in ALL_CAPABILITIES:
                assert infer.single_rule(broken, capabilities) == reference_single_rule(broken, capabilities)
                assert infer_rules(broken, capabilities) == reference_infer_rules(broken, capabilities)
    assert infer.single_rule(cases[2], None) == Rule(Freq.MONTHLY, date(2026, 1, 31), until=date(2029, 12, 31))


def test_weekdays_between_two_zones_clock_changes_are_one_rule_per_stretch() -> None:
    """Weekdays at noon in Berlin, on a New York PBX clock: the hours apart change between the two zones' clock
    changes, so each offset's dates come in stretches; one rule per stretch beats the greedy cover on every target."""
    berlin, new_york = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")

    def apart(day: date) -> timedelta | None:
        noon = datetime(day.year, day.month, day.day, 12)
        return berlin.utcoffset(noon) - new_york.utcoffset(noon)  # type: ignore[operator]

    days = [d for k in range(3650) if (d := date(2026, 1, 1) + timedelta(days=k)).weekday() < 5]
    for hours in (5, 6):
        dates = [d for d in days if apart(d) == timedelta(hours=hours)]
        for capabilities in ALL_CAPABILITIES:
            assert infer_rules(dates, capabilities) == reference_infer_rules(dates, capabilities)
        telphin = get_target("telphin").CAPABILITIES
        assert infer_rules(dates, telphin) == reference_stretches(dates, telphin)  # the stretches won


def seeded_date_sets(count: int, seed: int) -> list[list[date]]:
    """Series of every usual step with dates dropped and added, drawn from a fixed seed: a wide corpus that is the
    same on every run (the hypothesis tests above shrink well but try fewer shapes)."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(400))
        days: set[date] = set()
        for _ in range(rng.randint(1, 3)):
            step = rng.choice([1, 1, 2, 3, 7, 7, 14, 30, 31, 91, 365])
            first = start + timedelta(days=rng.randrange(60))
            days |= {first + timedelta(days=step * k) for k in range(rng.randint(2, 400))}
        ordered = sorted(days)
        for _ in range(min(rng.randint(0, 6), len(ordered) - 1)):
            ordered.pop(rng.randrange(len(ordered)))
        extra = {start + timedelta(days=rng.randrange(2000)) for _ in range(rng.randint(0, 6))}
        sets.append(sorted(set(ordered) | extra))
    return sets


def test_inference_on_a_seeded_corpus_gives_what_the_plain_search_gives() -> None:
    for n, dates in enumerate(seeded_date_sets(1200, seed=17)):
        capabilities = ALL_CAPABILITIES[n % len(ALL_CAPABILITIES)]
        assert infer_rules(dates, capabilities) == reference_infer_rules(dates, capabilities), (n, capabilities)


def test_a_kind_not_yet_cut_into_groups_still_wins_its_tie() -> None:
    """Every day for five months and every Thursday for fifteen: once the days are taken, the Thursdays after them
    are as many for the weekly rule (whose kind has not been looked at yet) as for every 7 days, and weekly comes
    first in kind order."""
    daily = [date(2026, 7, 9) + timedelta(days=k) for k in range(159)]
    thursdays = [date(2026, 7, 9) + timedelta(days=7 * k) for k in range(66)]
    dates = sorted(set(daily) | set(thursdays))
    expected = [Rule(Freq.WEEKLY, date(2026, 7, 9), By.WEEKDAYS, 1, date(2027, 10, 7), frozenset({3})),
                Rule(Freq.DAILY, date(2026, 7, 9), until=date(2026, 12, 14))]
    assert reference_infer_rules(dates) == expected
    for capabilities in ALL_CAPABILITIES:
        assert infer_rules(dates, capabilities) == reference_infer_rules(dates, capabilities)


def test_every_rule_takes_at_least_one_entry_on_every_target() -> None:
    """infer_rules leaves the stretches out when there are at least as many as the greedy cover's entries: sound
    only while no rule, of any kind, takes fewer than one entry on any target."""
    start = date(2026, 3, 2)
    rules = [Rule(kind.freq, start, kind.by, interval, date(2027, 1, 1), frozenset({0}))
             for kind in KINDS for interval in (1, 2, 13)]
    rules += [Rule(Freq.WEEKLY, start, By.WEEKDAYS, 1, date(2027, 1, 1),
                   frozenset(d for d in range(7) if mask >> d & 1)) for mask in range(1, 128)]
    rules.append(Rule.once(start))
    for capabilities in ALL_CAPABILITIES:
        if capabilities is not None:
            assert min(capabilities.cost(rule) for rule in rules) >= 1


def seeded_stretch_sets(count: int, seed: int) -> list[list[date]]:
    """Weekdays in two to six stretches with a few dates moved: the inputs where stretches compete with the greedy
    cover, drawn from a fixed seed."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        found: set[date] = set()
        for _ in range(rng.randint(2, 6)):
            weekdays = set(rng.sample(range(7), rng.randint(1, 5)))
            length = rng.randint(3, 150)
            found |= {d for k in range(length) if (d := day + timedelta(days=k)).weekday() in weekdays}
            day += timedelta(days=length + rng.randint(4, 30))
        ordered = sorted(found)
        for _ in range(min(rng.randint(0, 3), len(ordered) - 1)):
            ordered.pop(rng.randrange(len(ordered)))
        sets.append(ordered)
    return sets


def test_stretches_on_a_seeded_corpus_are_chosen_as_the_plain_search_chooses() -> None:
    for n, dates in enumerate(seeded_stretch_sets(600, seed=23)):
        capabilities = TARGET_CAPABILITIES[n % len(TARGET_CAPABILITIES)]
        assert infer_rules(dates, capabilities) == reference_infer_rules(dates, capabilities), (n, capabilities)


def test_a_long_cycle_on_several_weekdays_is_no_single_rule_as_the_walk_finds() -> None:
    """Mondays and Tuesdays every 13 weeks: each weekday alone is a long cycle, taken only for a run holding every
    date being explained, which neither weekday's run does."""
    for weeks in (9, 13, 26):
        days = sorted(date(2026, 1, 5) + timedelta(days=7 * weeks * k + extra) for k in range(8) for extra in (0, 1))
        for capabilities in ALL_CAPABILITIES:
            assert infer.single_rule(days, capabilities) == reference_single_rule(days, capabilities)
            assert infer_rules(days, capabilities) == reference_infer_rules(days, capabilities)
