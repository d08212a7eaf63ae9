"""3CX request bodies checked against the vendor's own OpenAPI description of `Pbx.Holiday`, tightened.

`data/vendor/3cx-holiday.schema.json` is a faithful extract of `components.schemas["Pbx.Holiday"]` of
../shared/spec/vendor/3cx-xapi-v20-holidays.openapi.yaml (`extract()` makes it; `python tests/threecx_schema.py`
rewrites it; test_threecx_upload.py checks it still matches). OpenAPI 3.0's `nullable: true` becomes a "null" type,
and `format: uint8` / `int32` become their ranges (jsonschema checks no integer formats). `tighten()` closes the
object for what pbxcal sends: additionalProperties false, `Id` refused (it is the key, never sent), and on a create
every date and time field required (the vendor schema requires none: a holiday without dates means nothing).

`problems(body, create=...)` returns readable errors.
"""

from __future__ import annotations

import copy
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

HERE = Path(__file__).parent
SCHEMA_PATH = HERE / "data" / "vendor" / "3cx-holiday.schema.json"
VENDOR_PATH = HERE.parents[1] / "shared" / "spec" / "vendor" / "3cx-xapi-v20-holidays.openapi.yaml"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
RANGES = {"uint8": (0, 255), "int32": (-(2**31), 2**31 - 1)}
REQUIRED = ("Name", "Year", "Month", "Day", "YearEnd", "MonthEnd", "DayEnd", "TimeOfStartDate", "TimeOfEndDate")


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: nullable as a type, integer formats as ranges."""
    if isinstance(node, list):
        return [_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        out["type"] = [node["type"], "null"]
    if node.get("type") == "integer" and node.get("format") in RANGES:
        low, high = RANGES[node["format"]]
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
    return out


def extract(openapi: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, **_json_schema(openapi["components"]["schemas"]["Pbx.Holiday"])}


def tighten(schema: dict[str, Any], *, create: bool) -> dict[str, Any]:
    tight = copy.deepcopy(schema)
    tight["additionalProperties"] = False
    del tight["properties"]["Id"]
    if create:
        tight["required"] = list(REQUIRED)
    return tight


@cache
def _validator(create: bool) -> Draft202012Validator:
    return Draft202012Validator(tighten(json.loads(SCHEMA_PATH.read_text()), create=create))


def problems(body: Any, *, create: bool) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}"
            for e in _validator(create).iter_errors(body)]


def _vendor() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(VENDOR_PATH.read_text())


if __name__ == "__main__":
    SCHEMA_PATH.write_text(json.dumps(extract(_vendor()), indent=2) + "\n")
    sys.exit(0)
