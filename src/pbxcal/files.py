"""Reading JSON files with one-line errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import BadInputError


def load_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise BadInputError(f"cannot read: {error.strerror or error}", path=path) from None
    except UnicodeDecodeError:
        raise BadInputError("not UTF-8 JSON", path=path) from None
    except json.JSONDecodeError as error:
        raise BadInputError(f"not JSON: {error.msg}", path=path, line=error.lineno) from None


__all__ = ["load_json"]
