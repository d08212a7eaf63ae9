"""NetSapiens request bodies checked against the vendor's own OpenAPI description, tightened.

`data/vendor/netsapiens-timeframes.schema.json` is a faithful extract of that description (`extract()` makes it;
`python tests/vendor_schema.py` rewrites it from ../shared; test_vendor_schema.py checks it still matches). The
vendor schema is loose: open objects, enums only in prose, no formats. `tighten()` closes it: additionalProperties
false, read-only fields (and an entry's own timeframe-id) refused, the backticked values of each description as its
enum, dates/times/counts/workweek lists as patterns, and the field pairings the descriptions state.

`validate_request(kind, body)` returns readable errors for kind "create", "replace", "convert-domain" or
"convert-user"; `assert_valid(kind, body)` raises on any.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

HERE = Path(__file__).parent
SCHEMA_PATH = HERE / "data" / "vendor" / "netsapiens-timeframes.schema.json"
VENDOR_PATH = HERE.parents[1] / "shared" / "spec" / "vendor" / "netsapiens-v2-timeframes.openapi.json"
SOURCE = ("repository phoneware/netsapiens-mcp, file spec/netsapiens-api-v2.json, branch "
          "ai-dlc/full-api-coverage/main, MIT licence (copy: ../shared/spec/vendor/netsapiens-v2-timeframes.openapi"
          ".json)")
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# $defs name -> (method, operation summary, level). Found by summary, not by the "#N" doc suffix, which the two
# levels number differently; "both" means the user-level body must equal the domain-level one.
OPERATIONS: dict[str, tuple[str, str, str]] = {
    "create-specific-dates": ("post", "Create Specific Dates Timeframe", "both"),
    "create-holiday": ("post", "Create Holidays Timeframe", "both"),
    "create-custom": ("post", "Create Custom Timeframe", "both"),
    "replace-specific-dates": ("put", "Replace All Date Ranges in Specific Dates Timeframe", "both"),
    "replace-holiday": ("put", "Replace All Holidays in Holiday Timeframe", "both"),
    "replace-custom": ("put", "Replace All Entries in Custom Timeframe", "both"),
    "convert-domain": ("put", "Convert Timeframe to Another Type", "domain"),
    "convert-user": ("put", "Convert Timeframe to Another Type", "user"),
}
ENTRIES = ("TimeframeSpecificDate", "TimeframeHoliday", "TimeframeDOW")
COMPONENTS = (*ENTRIES, "Synchronous", "RecurringTimeframeType", "RecurringTimeframeHolidayObservance")
CREATED = ("specific-dates", "holiday", "custom")  # the create bodies extracted (and the ones pbxcal writes)

# ---- extraction -----------------------------------------------------------------------------------------------


def _clean(node: Any) -> Any:
    """Drop the documentation tool's x-apidog-* keys, point refs at $defs, keep an example as JSON Schema examples."""
    if isinstance(node, list):
        return [_clean(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key.startswith("x-apidog"):
            continue
        if key == "$ref":
            value = value.replace("#/components/schemas/", "#/$defs/")
        out["examples" if key == "example" else key] = [value] if key == "example" else _clean(value)
    return out


def _operation(openapi: dict[str, Any], method: str, summary: str, user: bool) -> tuple[str, dict[str, Any]]:
    found = [(path, op) for path, ops in openapi["paths"].items() for m, op in ops.items()
             if m == method and op.get("summary") == summary and ("/users/" in path) == user]
    if len(found) != 1:
        raise ValueError(f"{len(found)} {method.upper()} operations are summarised {summary!r} (user level: {user})")
    path, op = found[0]
    media = op["requestBody"]["content"]["application/json"]
    return path, {**media["schema"], **({"example": media["example"]} if "example" in media else {})}


def extract(openapi: dict[str, Any]) -> dict[str, Any]:
    """The request bodies and entry schemas pbxcal needs, as the vendor file states them."""
    schemas = openapi["components"]["schemas"]
    defs: dict[str, Any] = {}
    for name, (method, summary, level) in OPERATIONS.items():
        path, schema = _operation(openapi, method, summary, level == "user")
        if level == "both":
            user_path, user_schema = _operation(openapi, method, summary, True)
            if user_schema != schema:
                raise ValueError(f"{summary}: the user-level body differs from the domain-level one")
            path += f" and {user_path}"
        for inherited in schema.get("x-apidog-ignore-properties", []):  # listed as taken from RecurringTimeframe
            if schema["properties"][inherited] != schemas["RecurringTimeframe"]["properties"][inherited]:
                raise ValueError(f"{summary}: {inherited} differs from RecurringTimeframe's")
        defs[name] = {"$comment": f"{method.upper()} {path}: {summary}", **_clean(schema)}
    defs.update({name: _clean(schemas[name]) for name in COMPONENTS})
    return {"$schema": DRAFT, "$comment": f"Extracted from {SOURCE} by tests/vendor_schema.py extract(): request "
            "bodies found by operation summary, refs moved to $defs, x-apidog-* keys dropped. Do not edit by hand.",
            "$defs": defs}


# ---- tightening -----------------------------------------------------------------------------------------------

DATE = r"[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])"
TIME = r"([01][0-9]|2[0-3])[0-5][0-9]"
COUNT = r"[1-9][0-9]*"
NAMES = {DATE: "a YYYYMMDD date", TIME: "an hhmm time (0000-2359)", COUNT: "a count (digits, from 1)"}
R = "timeframe-recurrence-"
TYPE, INTERVAL, COUNT_FIELD, OPTION, END, END_DATE = (R + s for s in (
    "type", "custom-interval", "custom-interval-count", "custom-interval-option", "end-option", "end-date"))
WORKWEEK = "timeframe-workweek-list"
# Fields that may be "" (unused). Specific dates: the vendor's own create example sends "" for these five with
# doesNotRecur. Holiday: the second window is "if there is one", the end date goes with onDate only, the expiry is
# optional. state-province-abbreviation "" (a nationwide holiday) is NOT documented: allowed by hand because pbxcal
# writes it. Days of week (pbxcal writes none): every field but the type, as a closed day's form is undocumented.
MAY_BE_EMPTY = {
    "TimeframeSpecificDate": {INTERVAL, COUNT_FIELD, OPTION, END, END_DATE},
    "TimeframeHoliday": {"timeframe-holiday-begin-time-2", "timeframe-holiday-end-time-2", END_DATE,
                         "timeframe-expiry-datetime", "state-province-abbreviation"},
}


def values(description: str) -> list[str]:
    """The values a vendor description lists, one per line as ```value```: meaning."""
    return re.findall(r"^```([^`]+)```:", description, flags=re.M)


def groups(description: str) -> dict[str, list[str]]:
    """Option values per interval, from the 'For ```...``` of ```months```:' sections of a description."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in description.splitlines():
        if head := re.match(r"For ```[^`]+``` of ```([^`]+)```:", line):
            current = found.setdefault(head[1], [])
        elif current is not None and (value := re.match(r"```([^`]+)```:", line)):
            current.append(value[1])
    return found


def workweek(description: str) -> str:
    """Pattern of a workweek list: tokens from the description's example, its minimum and maximum, no repeats."""
    example, limits = re.search(r"```([A-Za-z,]+)```", description), re.search(r"minimum of (\d+), maximum of (\d+)",
                                                                             description)
    if not (example and limits):
        raise ValueError("the workweek description no longer gives an example and limits")
    tokens = example[1].split(",")
    # Added by hand: the example (M,T,Th,F,S,Su) leaves out Wednesday and no description names its token; "W" is the
    # reading of ../shared/spec/netsapiens-timeframes.md section 4.3 (UNCONFIRMED there) and what pbxcal writes.
    tokens.append("W")
    low, high = int(limits[1]), int(limits[2])
    token = "(?:" + "|".join(sorted(tokens, key=len, reverse=True)) + ")"
    return rf"^(?!(?:[^,]*,)*([^,]+),(?:[^,]*,)*\1(?:,|$)){token}(?:,{token}){{{low - 1},{high - 1}}}$"


def _pattern(core: str, empty: bool) -> dict[str, str]:
    pattern = f"^(?:{core})?$" if empty else f"^(?:{core})$"
    NAMES.setdefault(pattern, NAMES[core] + (' or ""' if empty else ""))
    return {"pattern": pattern}


def _field(name: str, spec: dict[str, Any], empty: bool) -> dict[str, Any]:
    text = spec.get("description", "")
    if "$ref" in spec or spec.get("type") != "string":
        return spec
    if found := values(text):
        return {**spec, "enum": found + ([""] if empty else [])}
    if "YYYYMMDD" in text:
        return {**spec, **_pattern(DATE, empty)}
    if "hhmm" in text:
        return {**spec, **_pattern(TIME, empty)}
    if name == COUNT_FIELD:
        return {**spec, **_pattern(COUNT, empty)}
    if name == WORKWEEK:
        pattern = workweek(text)
        NAMES[pattern] = "a workweek list such as M,T,W,Th,F (4 to 6 distinct days)"
        return {**spec, "pattern": pattern}
    return spec


def _when(field: str, value: str, then: dict[str, Any], negate: bool = False) -> dict[str, Any]:
    test = {"properties": {field: {"const": value}}, "required": [field]}
    return {"if": {"not": test} if negate else test, "then": {"properties": then}}


def _conditions(name: str, props: dict[str, Any]) -> list[dict[str, Any]]:
    """Pairings the descriptions state in prose."""
    if name == "TimeframeSpecificDate":
        option = groups(props[OPTION]["description"])
        return [
            # "custom ... the fields custom-interval, -option and -count must be set correctly to produce any behavior"
            _when(TYPE, "custom", {INTERVAL: {"enum": values(props[INTERVAL]["description"])},
                                   COUNT_FIELD: _pattern(COUNT, False)}),
            _when(INTERVAL, "months", {OPTION: {"enum": option["months"]}}),
            # "if custom-interval is set to years the count is fixed to a value of 1"
            _when(INTERVAL, "years", {OPTION: {"enum": option["years"]}, COUNT_FIELD: {"const": "1"}}),
            # By hand: "" as end option appears only in the vendor's doesNotRecur example; a recurrence needs one.
            _when(TYPE, "doesNotRecur", {END: {"enum": values(props[END]["description"])}}, negate=True),
            _when(END, "onADate", {END_DATE: _pattern(DATE, False)}),
        ]
    if name == "TimeframeHoliday":  # "onDate: ends on the date specified ... both fields must be set"
        return [_when(END, "onDate", {END_DATE: _pattern(DATE, False)})]
    return []


REFUSED = {"readOnly": True, "not": {}}


def tighten(extracted: dict[str, Any]) -> dict[str, Any]:
    """The $defs of the extract, closed and constrained (see the module docstring)."""
    defs = json.loads(json.dumps(extracted["$defs"]))
    for name in ("RecurringTimeframeType", "RecurringTimeframeHolidayObservance"):
        defs[name]["enum"] = values(defs[name]["description"])
    for name in ENTRIES:
        schema = defs[name]
        empty = MAY_BE_EMPTY.get(name, set(schema["properties"]) - {TYPE})
        # Read-only fields, and the entry's own timeframe-id (server-generated; only update-only calls send it), are
        # refused by "not": {} (not by a false schema, whose errors jsonschema reports without the field's name).
        schema["properties"] = {
            key: REFUSED if spec.get("readOnly") or key == "timeframe-id" else _field(key, spec, key in empty)
            for key, spec in schema["properties"].items()}
        if conditions := _conditions(name, schema["properties"]):
            schema["allOf"] = conditions
    for schema in defs.values():
        if schema.get("type") == "object":
            schema["additionalProperties"] = False
    for kind in CREATED:
        body = defs[f"create-{kind}"]
        # By hand, from ../shared/spec/netsapiens-timeframes.md sections 2 and 5: a create names its timeframe and
        # its type, and each type takes its own arrays (the vendor marks only synchronous required).
        body["required"] = [*body["required"], "timeframe-name", "timeframe-type"]
        body["properties"]["timeframe-name"] = {"type": "string", "minLength": 1}
        body["properties"]["timeframe-type"] = {"$ref": "#/$defs/RecurringTimeframeType", "const": kind}
    return defs


ROOTS: dict[str, dict[str, Any]] = {
    "create": {"type": "object", "required": ["timeframe-type"],
               "properties": {"timeframe-type": {"enum": list(CREATED)}},
               "allOf": [{"if": {"properties": {"timeframe-type": {"const": kind}}, "required": ["timeframe-type"]},
                          "then": {"$ref": f"#/$defs/create-{kind}"}} for kind in CREATED]},
    # The server picks the array meaning from the stored timeframe; the custom replace body allows every array.
    "replace": {"$ref": "#/$defs/replace-custom", "minProperties": 1},
    "convert-domain": {"$ref": "#/$defs/convert-domain"},
    "convert-user": {"$ref": "#/$defs/convert-user"},
}


@cache
def _validator(kind: str) -> Draft202012Validator:
    defs = tighten(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return Draft202012Validator({"$schema": DRAFT, "$defs": defs, **ROOTS[kind]})


def _message(error: ValidationError) -> str:
    where = "/".join(map(str, error.absolute_path)) or "body"
    if error.schema == REFUSED:
        return f"{where}: read-only (server-generated) field must not be sent"
    if error.validator == "pattern":
        return f"{where}: {error.instance!r} is not {NAMES.get(error.validator_value, error.validator_value)}"
    return f"{where}: {error.message}"


def validate_request(kind: str, body: Any) -> list[str]:
    """Readable errors of a NetSapiens request body against the tightened vendor schema; [] when valid."""
    if kind not in ROOTS:
        raise ValueError(f"kind must be one of {sorted(ROOTS)}, not {kind!r}")
    errors = sorted(_validator(kind).iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    return [_message(e) for e in errors]


def assert_valid(kind: str, body: Any) -> None:
    errors = validate_request(kind, body)
    assert not errors, f"{kind} body fails the vendor schema:\n  " + "\n  ".join(errors[:20])


if __name__ == "__main__":  # rewrite the extract: python tests/vendor_schema.py [VENDOR_FILE]
    vendor = Path(sys.argv[1]) if len(sys.argv) > 1 else VENDOR_PATH
    extracted = extract(json.loads(vendor.read_text(encoding="utf-8")))
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(json.dumps(extracted, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
