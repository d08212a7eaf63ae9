"""Holiday sets from the `holidays` package: 'holidays:CC' or 'holidays:CC-SUBDIV', each holiday an all-day item."""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import holidays
from holidays.registry import COUNTRIES

from ..errors import BadInputError
from ..model import Item, Window
from ..spans import Span
from . import Opened, ReadOptions


def _defer_country_package() -> None:
    """Put `holidays.countries` in place without running its `__init__`, which imports all of the package's
    country modules (about 0.07 s, most of a `convert holidays:US`) only to re-export them. The package's own
    lazy loaders (`holidays.US`, `country_holidays`) import just the module they need; any other use of the
    package (`from holidays.countries import Germany`, `import *`, `dir()`) runs the `__init__` first, once, other
    threads waiting for it as they would for an import."""
    if "holidays.countries" in sys.modules:
        return
    spec = importlib.util.find_spec("holidays.countries")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    package = importlib.util.module_from_spec(spec)
    lock = threading.RLock()
    state: list[str] = []  # "running", then "done"

    def run_init() -> None:
        with lock:
            if state:
                return  # done, or asked again from inside the __init__ (which sees a partly filled package)
            state.append("running")
            try:
                spec.loader.exec_module(package)  # type: ignore[union-attr]
            except BaseException:
                state.clear()  # as a failed import: the next use tries again
                raise
            state[:] = ["done"]
            for name, hook in (("__getattr__", attribute), ("__dir__", listing)):
                if package.__dict__.get(name) is hook:
                    delattr(package, name)

    def attribute(name: str) -> Any:
        run_init()
        if name in package.__dict__:
            return package.__dict__[name]
        raise AttributeError(f"module {spec.name!r} has no attribute {name!r}")

    def listing() -> list[str]:
        run_init()
        return sorted(package.__dict__)

    package.__getattr__ = attribute  # type: ignore[attr-defined]
    package.__dir__ = listing  # type: ignore[attr-defined]
    sys.modules[spec.name] = package
    holidays.countries = package  # type: ignore[attr-defined]


_defer_country_package()

PREFIX = "holidays:"
NAME_SUFFIXES = re.compile(r"\s*\((estimated|observed, estimated)\)$")
ENGLISH = "en_US"


def supported_countries() -> dict[str, str]:
    """Alpha-2 code -> display name, from the package's registry table (cheaper than loading every country)."""
    return {row[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", row[0]) for row in COUNTRIES.values()}


def country_aliases() -> dict[str, str]:
    """The other codes the package accepts for a country (alpha-3 'GBR', 'USA'; short aliases 'UK') -> alpha-2."""
    return {alias: row[1] for row in COUNTRIES.values() for alias in row[2:]
            if alias.isupper() and alias.isalpha() and len(alias) <= 3}


def parse_code(spec: str) -> tuple[str, str | None]:
    """Country and subdivision of 'holidays:CC[-SUBDIV]', checked against the package's own lists; the
    package's other codes for a country (GBR, UK, USA) are read as its alpha-2 code."""
    code = spec.removeprefix(PREFIX).strip()
    country, _, subdiv = code.partition("-")
    supported = supported_countries()
    country = country.upper()
    country = country_aliases().get(country, country)
    if country not in supported:
        shown = "" if spec.removeprefix(PREFIX) == spec else f" in {spec!r}"
        raise BadInputError(f"unknown country {country!r}{shown} ('pbxcal countries' lists the codes)")
    if not subdiv:
        return country, None
    entity = getattr(holidays, country)
    known = {s.upper(): s for s in entity.subdivisions}
    aliases = {a.upper(): a for a in getattr(entity, "subdivisions_aliases", {})}
    resolved = known.get(subdiv.upper()) or aliases.get(subdiv.upper())
    if resolved is None:
        choices = ", ".join(entity.subdivisions) or "none"
        raise BadInputError(f"unknown subdivision {subdiv!r} of {country} in {spec!r}; valid: {choices}")
    return country, resolved


def _language(entity: type, wanted: str | None) -> str | None:
    """The language to ask for: never None when the country is localized, so LANG cannot change names."""
    supported = tuple(getattr(entity, "supported_languages", ()))
    if wanted:
        if supported and wanted not in supported:
            raise BadInputError(f"language {wanted!r} is not available for {entity.__name__}; "
                                f"available: {', '.join(supported)}")
        return wanted if supported else None
    if ENGLISH in supported:
        return ENGLISH
    return getattr(entity, "default_language", None)


def open_source(spec: str, options: ReadOptions) -> Opened:
    country, subdiv = parse_code(spec)
    entity = getattr(holidays, country)
    categories = options.categories or ("public",)
    unknown = [c for c in categories if c not in entity.supported_categories]
    if unknown:
        raise BadInputError(f"category {unknown[0]!r} is not supported for {country}; "
                            f"supported: {', '.join(sorted(entity.supported_categories))}")
    language = _language(entity, options.language)
    label = f"{PREFIX}{country}" + (f"-{subdiv}" if subdiv else "")

    def holidays_in(years: range) -> tuple[holidays.HolidayBase, list[str]]:
        """The package's holidays for these years, and what it warned about them (dates it does not have)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = holidays.country_holidays(country, subdiv=subdiv, years=years, observed=options.observed,
                                              categories=categories, language=language)
            found.get(date(years.start, 1, 1))
        return found, [f"{label}: {w.message}" for w in caught if issubclass(w.category, UserWarning)]

    def expand(zone: str | None, window: Window) -> list[Item]:
        _, missing = holidays_in(range(window.first.year, (window.until - timedelta(days=1)).year + 1))
        incomplete.extend(m for m in dict.fromkeys(missing) if m not in incomplete)
        found, _ = holidays_in(range(window.first.year, window.until.year + 2))
        memo: dict[tuple[date, date], dict[str, list[Span]]] = {}

        def later_of(group: str) -> Callable[[date, date], list[Span] | None]:
            def later(first: date, until: date) -> list[Span]:
                if (first, until) not in memo:
                    ahead, _ = holidays_in(range(first.year, until.year + 1))
                    by_group: dict[str, list[Span]] = {}
                    for day in sorted(d for d in ahead if first <= d < until):
                        for name in ahead.get_list(day):
                            by_group.setdefault(_group(label, name), []).append(Span.of_days(day))
                    memo[(first, until)] = by_group
                return memo[(first, until)].get(group, [])

            return later

        items = []
        for day in sorted(d for d in found if window.first <= d < window.until):
            for name in found.get_list(day):
                item = _item(label, name, day)
                item.later = later_of(item.group)
                items.append(item)
        return items

    incomplete: list[str] = []  # the Source's own list: `expand` referring to the Source would make a cycle
    return Opened(label, None, f"Holidays {label.removeprefix(PREFIX)}", expand, incomplete=incomplete)


def _entity(code: str) -> type:
    return getattr(holidays, parse_code(code)[0])


def country_name(entity: type) -> str:
    """'United States' from the package's class name (UnitedStates); the package has no display names."""
    cls = entity.__mro__[0]  # the package hands out lazy loaders; the class itself heads the MRO
    base = next((c for c in cls.__mro__[1:] if c.__module__ == cls.__module__), cls)
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base.__name__)


def countries() -> list[tuple[str, str, int]]:
    """(code, name, number of subdivisions) of every supported country."""
    return [(code, name, len(getattr(holidays, code).subdivisions))
            for code, name in sorted(supported_countries().items())]


def country_info(code: str) -> dict[str, object]:
    """One country's subdivisions (code -> name), categories and languages; for 'CC-SUB', `subdivision` names
    the one asked for."""
    country, subdivision = parse_code(code)
    entity = _entity(country)
    names = {value: name for name, value in getattr(entity, "subdivisions_aliases", {}).items()}
    return {
        "code": country,
        "subdivision": subdivision,
        "name": country_name(entity),
        "subdivisions": {s: names.get(s, "") for s in entity.subdivisions},
        "categories": sorted(entity.supported_categories),
        "languages": list(getattr(entity, "supported_languages", ())),
    }


def _group(label: str, name: str) -> str:
    return f"{label}|{NAME_SUFFIXES.sub('', name)}"


def _item(label: str, name: str, day: date) -> Item:
    return Item(label, f"{name}@{day.isoformat()}", name, _group(label, name), [Span.of_days(day)])


__all__ = ["countries", "country_info", "country_name", "open_source", "parse_code"]
