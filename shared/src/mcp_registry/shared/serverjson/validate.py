"""Validate a server.json: the official ``POST /validate`` answer, and the publish gate.

:func:`validate_server` combines three layers, in this order:

1. the ``$schema`` declaration (required; the current date passes, an older official date is a
   ``schema-version-deprecated`` warning, an unknown date is an error);
2. our JSON Schema rendition (:mod:`schema`), compiled once;
3. semantic and linter rules (:mod:`semantic_rules`, :mod:`package_rules`).

A path that already has an error from an earlier layer gets no further issues from later
layers, so one mistake yields one issue (``"version": "latest"`` on a package is a schema
error, not also a semantic one).

Paths follow :mod:`issues` (``packages[0].transport.url``); :func:`require_valid` turns them
into problem+json locations (``body.packages[0].transport.url``).
"""

from __future__ import annotations

from typing import Any

from mcp_registry.shared.errors import ErrorDetail, InvalidInput
from mcp_registry.shared.serverjson.issues import (
    ValidationIssue,
    ValidationReport,
    body_location,
    error,
    warning,
)
from mcp_registry.shared.serverjson.names import namespace_of
from mcp_registry.shared.serverjson.schema import (
    CURRENT_SCHEMA_DATE,
    CURRENT_SCHEMA_URL,
    KNOWN_SCHEMA_DATES,
    date_from_url,
    document_date_for,
)
from mcp_registry.shared.serverjson.schema_rules import schema_issues
from mcp_registry.shared.serverjson.semantic_rules import semantic_issues

__all__ = [
    "ValidationIssue",
    "ValidationReport",
    "namespace_of",
    "require_valid",
    "schema_date_of",
    "validate_server",
]

_SCHEMA_PATH = "$schema"


def schema_date_of(document: object) -> str | None:
    """The schema date a document declares (``"2025-12-11"``), or ``None``.

    ``None`` when the document is not an object, has no string ``$schema``, or its URL has no
    ``/schemas/<date>/server.schema.json`` part. The date is returned even when unknown.
    """
    if not isinstance(document, dict):
        return None
    declared = document.get(_SCHEMA_PATH)
    return date_from_url(declared) if isinstance(declared, str) else None


def validate_server(document: object) -> ValidationReport:
    """Validate one server.json; never raises for bad input, whatever its type.

    The report is ``valid`` when no issue has severity ``error``; warnings (e.g. an older
    schema date) and infos never make a document invalid.
    """
    if not isinstance(document, dict):
        return ValidationReport(
            (
                error(
                    "json",
                    "",
                    f"server.json must be a JSON object, got {_json_kind(document)}",
                    "json-not-object",
                ),
            )
        )
    date = schema_date_of(document)
    head = _schema_declaration_issues(document, date)
    # Every known date maps to a shipped document; an unknown one is still checked against
    # the current document so the publisher sees every other problem in the same answer.
    document_date = (document_date_for(date) if date else None) or CURRENT_SCHEMA_DATE
    layers = (head, schema_issues(document, document_date), semantic_issues(document))
    return ValidationReport(_first_per_path(layers), schema_date=date)


def require_valid(document: object) -> dict[str, Any]:
    """Return ``document`` when it has no error-severity issue; raise ``InvalidInput`` otherwise.

    The 422 problem lists every error as ``{"message", "location": "body.<path>"}``; warnings
    are not errors and do not stop a publish.
    """
    report = validate_server(document)
    if report.valid and isinstance(document, dict):
        return document
    errors = report.errors
    details = [ErrorDetail(issue.message, body_location(issue.path)) for issue in errors]
    first = errors[0]
    where = f"{first.path}: " if first.path else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise InvalidInput(
        detail=f"server.json is invalid: {where}{first.message}{more}", errors=details
    )


def _schema_declaration_issues(document: dict[str, Any], date: str | None) -> list[ValidationIssue]:
    declared = document.get(_SCHEMA_PATH)
    if declared is None or declared == "":
        return [
            error(
                "semantic",
                _SCHEMA_PATH,
                f"$schema field is required; use {CURRENT_SCHEMA_URL}",
                "schema-field-required",
            )
        ]
    if not isinstance(declared, str):
        return []  # the schema layer reports the type
    if date is None:
        return [
            error(
                "schema",
                _SCHEMA_PATH,
                f"cannot read a schema version from $schema {declared!r}; use {CURRENT_SCHEMA_URL}",
                "schema-version-extraction-error",
            )
        ]
    if date == CURRENT_SCHEMA_DATE:
        return []
    if date in KNOWN_SCHEMA_DATES:
        return [
            warning(
                "semantic",
                _SCHEMA_PATH,
                f"schema version {date} is deprecated: it is not the current version "
                f"({CURRENT_SCHEMA_DATE}); the document was checked against the current schema. "
                f"Update $schema to {CURRENT_SCHEMA_URL}",
                "schema-version-deprecated",
            )
        ]
    known = ", ".join(sorted(KNOWN_SCHEMA_DATES))
    return [
        error(
            "schema",
            _SCHEMA_PATH,
            f"schema version {date} is not available (known: {known}); use {CURRENT_SCHEMA_URL}",
            "schema-version-not-available",
        )
    ]


def _first_per_path(layers: tuple[list[ValidationIssue], ...]) -> tuple[ValidationIssue, ...]:
    kept: list[ValidationIssue] = []
    error_paths: set[str] = set()
    for layer in layers:
        layer_errors: set[str] = set()
        for issue in layer:
            if issue.path in error_paths:
                continue
            kept.append(issue)
            if issue.severity == "error":
                layer_errors.add(issue.path)
        # Issues within one layer never hide each other: each names a different rule.
        error_paths |= layer_errors
    return tuple(kept)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__
