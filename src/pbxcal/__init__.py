"""pbxcal: calendars and public holidays into PBX schedules, verified exact over a window.

    >>> from datetime import date
    >>> from pbxcal import Options, Window, convert
    >>> result = convert(["holidays:US"], "netsapiens", Options(Window(date(2026, 1, 1), date(2029, 1, 1))))
    >>> result.body["timeframe-type"]
    'specific-dates'
"""

from .convert import Conversion, Options, check, convert, verify
from .errors import PbxcalError
from .model import Rule, Schedule, Series, Window
from .readers import ReadOptions
from .spans import Span

__version__ = "0.1.0"

__all__ = ["Conversion", "Options", "PbxcalError", "ReadOptions", "Rule", "Schedule", "Series", "Span", "Window",
           "__version__", "check", "convert", "verify"]
