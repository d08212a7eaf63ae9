"""Platform API clients, one module per target: find by name, create, replace, delete, read back.

Every client module exposes `connect(options) -> Remote`, a `clients.remote.Remote` whose `upload` module uses
`named(name)`, `create(body)`, `create_problem(answer)`, `replace(current, body)`, `delete(found)`, `same(a, b)`,
`in_use(found)`, `order(found)`, `id_of(found)`, `name_of(body)` and `location()`.
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
