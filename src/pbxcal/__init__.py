"""pbxcal: calendars and public holidays into PBX schedules, verified exact over a window.

    >>> from datetime import date
    >>> from pbxcal import Options, Window, convert
    >>> result = convert(["holidays:US"], "netsapiens", Options(Window(date(2026, 1, 1), date(2029, 1, 1))))
    >>> result.body["timeframe-type"]
    'specific-dates'
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import PbxcalError
    from .model import Rule, Schedule, Series, Window
    from .pipeline import Conversion, Options, check, convert, verify
    from .readers import ReadOptions
    from .spans import Span

# Loaded on first use, so that `pbxcal --help` does not pay for the calendar machinery.
EXPORTS = {
    "Conversion": "pipeline", "Options": "pipeline", "check": "pipeline", "convert": "pipeline", "verify": "pipeline",
    "PbxcalError": "errors", "Rule": "model", "Schedule": "model", "Series": "model", "Window": "model",
    "ReadOptions": "readers", "Span": "spans",
}


def __getattr__(name: str) -> Any:
    if name not in EXPORTS:
        raise AttributeError(f"module 'pbxcal' has no attribute {name!r}")
    return getattr(import_module(f".{EXPORTS[name]}", __name__), name)


__version__ = "0.1.0"

__all__ = ["Conversion", "Options", "PbxcalError", "ReadOptions", "Rule", "Schedule", "Series", "Span", "Window",
           "__version__", "check", "convert", "verify"]
