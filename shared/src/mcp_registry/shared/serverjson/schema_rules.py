"""JSON Schema validation of a server.json, turned into :class:`ValidationIssue` objects.

The validator is compiled once per schema document (on first use) and shared: validation
runs on every publish, and compiling costs far more than validating.

Issue paths use the notation of :mod:`issues`; a missing required property is reported at
the property itself (``packages[0].identifier``), which is where a person has to act.
References are ``schema:#/<pointer>`` with every ``$ref`` resolved, so they name the rule in
the schema document (``schema:#/$defs/Package/properties/version/not``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]  # ships no type information

from mcp_registry.shared.serverjson.issues import PathPart, ValidationIssue, error, format_path
from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_DATE, load_schema
from mcp_registry.shared.serverjson.urls import is_absolute_uri

_JSON_TYPE_PHRASES: Final = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "boolean": "a boolean",
    "number": "a number",
    "integer": "an integer",
    "null": "null",
}


def _format_checker() -> Any:
    # Only the formats our schema uses, with checks that do not depend on optional packages.
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("uri")(lambda value: not isinstance(value, str) or is_absolute_uri(value))
    return checker


def compiled_validator(date: str = CURRENT_SCHEMA_DATE) -> Any:
    """The jsonschema validator for the shipped document of ``date``, built once.

    The validator class follows the document's own ``$schema`` (2020-12 for ours); the
    document itself is checked against its metaschema here, so a broken shipped schema fails
    loudly at first use instead of validating nothing.
    """
    return _compiled(date)


@cache
def _compiled(date: str) -> Any:
    # Cached on the positional date alone, so f() and f(CURRENT_SCHEMA_DATE) share one entry.
    schema = load_schema(date)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=_format_checker())


def schema_issues(
    document: dict[str, Any], date: str = CURRENT_SCHEMA_DATE
) -> list[ValidationIssue]:
    """Every schema violation of ``document`` against the shipped document of ``date``."""
    validator = compiled_validator(date)
    schema = load_schema(date)
    issues: list[ValidationIssue] = []
    for err in validator.iter_errors(document):
        issues.extend(_issues_for(err, schema))
    return issues


def _issues_for(err: Any, schema: dict[str, Any]) -> Iterator[ValidationIssue]:
    path: list[PathPart] = list(err.absolute_path)
    reference = "schema:" + _resolved_pointer(schema, list(err.absolute_schema_path))
    keyword = err.validator
    if keyword == "required":
        missing = _missing_property(err)
        if missing is not None:
            yield error(
                "schema",
                format_path([*path, missing]),
                f"missing required field {missing!r}",
                reference,
            )
            return
    yield error("schema", format_path(path), _message(err), reference)


def _missing_property(err: Any) -> str | None:
    # jsonschema reports one error per missing property; its message names the property.
    instance = err.instance
    if not isinstance(instance, dict):
        return None
    for name in err.validator_value:
        if name not in instance and err.message == f"{name!r} is a required property":
            return str(name)
    return None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _message(err: Any) -> str:
    """A sentence a publisher can act on; jsonschema's own text as the fallback."""
    keyword, expected, instance = err.validator, err.validator_value, err.instance
    if keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        phrase = " or ".join(_JSON_TYPE_PHRASES.get(t, t) for t in wanted)
        return f"must be {phrase}, got {_json_type(instance)}"
    if keyword == "minLength":
        return "must not be empty" if expected == 1 else f"must be at least {expected} characters"
    if keyword == "maxLength" and isinstance(instance, str):
        return f"must be at most {expected} characters (got {len(instance)})"
    if keyword == "pattern":
        return f"{_short(instance)} does not match the pattern {expected}"
    if keyword == "enum":
        return f"{_short(instance)} is not one of: " + ", ".join(_short(v) for v in expected)
    if keyword == "const":
        return f"must be {_short(expected)}"
    if keyword == "not" and isinstance(expected, dict) and "const" in expected:
        return f"must not be {_short(expected['const'])}"
    if keyword == "format":
        what = "an absolute URI" if expected == "uri" else f"a valid {expected}"
        return f"{_short(instance)} is not {what}"
    if keyword == "anyOf" and _all_required_clauses(expected):
        names = ", ".join(name for clause in expected for name in clause["required"])
        return f"must set at least one of: {names}"
    return str(err.message)


def _all_required_clauses(subschemas: object) -> bool:
    return isinstance(subschemas, list) and all(
        isinstance(s, dict) and set(s) == {"required"} for s in subschemas
    )


def _short(value: object, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _resolved_pointer(schema: dict[str, Any], schema_path: Sequence[str | int]) -> str:
    """The JSON pointer, inside ``schema``, of the keyword an error came from.

    jsonschema leaves ``$ref`` hops out of ``absolute_schema_path``, so the path is replayed
    against the document: where a step is not found at the current node (or leads nowhere
    further on) and the node has a local ``$ref``, the walk continues in the referenced node.
    """
    found = _walk(schema, schema, [], list(schema_path))
    pointer = found if found is not None else [str(step) for step in schema_path]
    return "#/" + "/".join(_escape(part) for part in pointer) if pointer else "#"


def _walk(
    root: dict[str, Any], node: object, pointer: list[str], rest: list[str | int]
) -> list[str] | None:
    if not rest:
        return pointer
    step, tail = rest[0], rest[1:]
    child: object = None
    if isinstance(node, dict) and isinstance(step, str):
        child = node.get(step)
    elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        child = node[step]
    if child is not None:
        found = _walk(root, child, [*pointer, str(step)], tail)
        if found is not None:
            return found
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target = _local_ref(node["$ref"])
        if target is not None:
            resolved = _lookup(root, target)
            if resolved is not None:
                return _walk(root, resolved, target, rest)
    return None


def _local_ref(ref: str) -> list[str] | None:
    if not ref.startswith("#/"):
        return None
    return [part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")]


def _lookup(root: dict[str, Any], pointer: list[str]) -> object:
    node: object = root
    for part in pointer:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
