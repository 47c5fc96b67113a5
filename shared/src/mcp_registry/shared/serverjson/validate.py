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

from mcp_registry.shared.errors import BadRequest, ErrorDetail, InvalidInput
from mcp_registry.shared.serverjson.issues import (
    ValidationIssue,
    ValidationReport,
    body_location,
    error,
    format_path,
    warning,
)
from mcp_registry.shared.serverjson.names import namespace_of
from mcp_registry.shared.serverjson.schema import (
    CURRENT_SCHEMA_DATE,
    CURRENT_SCHEMA_URL,
    KNOWN_SCHEMA_DATES,
    date_from_url,
    document_date_for,
    top_level_properties,
)
from mcp_registry.shared.serverjson.schema_rules import schema_issues
from mcp_registry.shared.serverjson.semantic_rules import semantic_issues

__all__ = [
    "VALIDATION_FAILED",
    "PublisherMetaTooLarge",
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
    # Every known date maps to a shipped document; an unknown one is still checked against
    # the current document so the publisher sees every other problem in the same answer.
    document_date = (document_date_for(date) if date else None) or CURRENT_SCHEMA_DATE
    head = _schema_declaration_issues(document, date) + _unknown_property_issues(
        document, document_date
    )
    layers = (head, schema_issues(document, document_date), semantic_issues(document))
    return ValidationReport(_first_per_path(layers), schema_date=date)


VALIDATION_FAILED = "validation failed"
"""The official ``detail`` of a body that fails its schema (huma's phrase)."""

_OVERSIZED_META = "publisher-meta-too-large"


class PublisherMetaTooLarge(BadRequest):
    """The publisher-provided ``_meta`` is over its limit: a 400 rule, as the official one."""


def require_valid(document: object) -> dict[str, Any]:
    """Return ``document`` when it has no error-severity issue; raise otherwise.

    422 :class:`InvalidInput` ``validation failed`` listing every error as ``{"message",
    "location": "body.<path>"}``; when the only error is an oversized publisher ``_meta``,
    400 :class:`PublisherMetaTooLarge` (the official status for it). Warnings do not stop a
    publish.
    """
    report = validate_server(document)
    if report.valid and isinstance(document, dict):
        return document
    errors = report.errors
    details = [ErrorDetail(issue.message, body_location(issue.path)) for issue in errors]
    if all(issue.reference == _OVERSIZED_META for issue in errors):
        raise PublisherMetaTooLarge(errors[0].message, details)
    raise InvalidInput(VALIDATION_FAILED, details)


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


def _unknown_property_issues(document: dict[str, Any], date: str) -> list[ValidationIssue]:
    """The top level is closed, as the official registry's body schema is: a property it does
    not define (a typo, a field of an older schema) is refused rather than silently stored."""
    known = top_level_properties(date)
    return [
        error(
            "schema",
            format_path([key]),
            f"unexpected property {key!r}: server.json defines only {', '.join(sorted(known))}",
            "unknown-property",
        )
        for key in document
        if key not in known
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
