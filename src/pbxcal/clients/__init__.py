"""Platform API clients, one module per target: find by name, create, replace, read back.

Every client module exposes `connect(options) -> Remote`, where Remote has `label`, `list()`, `find(name)`,
`create(body)`, `replace(current, body)`, `same(current, body)`, `name_of(body)` and `location()`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import UnknownTargetError

CLIENTS: dict[str, str] = {
    "netsapiens": "pbxcal.clients.netsapiens",
    "telphin": "pbxcal.clients.telphin",
}


def get_client(target_name: str) -> ModuleType:
    module = CLIENTS.get(target_name)
    if module is None:
        raise UnknownTargetError(f"no API client for {target_name!r} (known: {', '.join(sorted(CLIENTS))})")
    return importlib.import_module(module)


__all__ = ["CLIENTS", "get_client"]
