"""The errors pbxcal raises, each rendered as one line and mapped to one exit status."""

from __future__ import annotations

# Exit statuses, documented in the README; the CLI maps error classes to them and nothing else does.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_STRICT = 3
EXIT_REMOTE = 4
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a process ended by SIGINT


class PbxcalError(Exception):
    """Base class: a problem worth one clear line to the user."""

    exit_status = EXIT_FAILED

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}" if where else self.reason


class BadInputError(PbxcalError):
    """The input (a file, a holiday code, an option) cannot be used as given."""

    exit_status = EXIT_BAD_INPUT


class BodyError(BadInputError):
    """The body being verified (not a source) cannot be read; the command line names its file."""


class UnknownTargetError(BadInputError):
    """No target of that name is registered."""


class AmbiguousBodyError(BadInputError):
    """A body uses a form whose meaning the platform leaves open (docs/), so it cannot be evaluated."""


class LimitExceededError(BadInputError):
    """Input or output exceeds a safety limit; the message names the flag that raises it."""


class RemoteError(PbxcalError):
    """A platform refused a request or did not answer; `unknown` means its state after the request is not known."""

    exit_status = EXIT_REMOTE

    def __init__(self, reason: str, *, unknown: bool = False, status: int | None = None) -> None:
        super().__init__(reason)
        self.unknown = unknown
        self.status = status


class VerificationError(PbxcalError):
    """A written body is not active exactly when its source is."""

    exit_status = EXIT_FAILED


def forget_traceback(error: BaseException) -> None:
    """Drop the tracebacks of a caught error and of the errors behind it, once only its message is kept. A library
    that raises inside its own `except ... as e` leaves a frame and an exception holding each other: a cycle that
    only a full collection frees, and none runs while a conversion does (pipeline._young_collections_only)."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        found.__traceback__ = None
        found = found.__cause__ or found.__context__


__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REMOTE",
    "EXIT_STRICT",
    "AmbiguousBodyError",
    "BadInputError",
    "BodyError",
    "LimitExceededError",
    "PbxcalError",
    "RemoteError",
    "UnknownTargetError",
    "VerificationError",
    "forget_traceback",
]
