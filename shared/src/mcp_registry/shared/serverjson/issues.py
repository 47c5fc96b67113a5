"""Validation issues and reports, in the official ``POST /validate`` shape.

The official registry answers ``{"valid": bool, "issues": [{type, path, message, severity,
reference}]}``. This module owns that shape and the one path notation every rule uses.

Path notation (the same for schema, semantic and linter issues):

* the document root is ``""``;
* an object member whose key is a plain identifier (``[A-Za-z_$][A-Za-z0-9_$]*``) is
  ``.key`` (without the dot at the start): ``name``, ``packages[0].transport.url``,
  ``$schema``;
* any other key is ``["key"]`` with JSON string escaping:
  ``_meta["io.modelcontextprotocol.registry/publisher-provided"]``;
* an array element is ``[index]``: ``remotes[1].url``.

This matches the official registry's semantic paths (``packages[0].transport.url``) for every
field the schema defines, and stays unambiguous for keys that contain dots or slashes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

IssueType = Literal["json", "schema", "semantic", "linter"]
Severity = Literal["error", "warning", "info"]
PathPart = str | int

_PLAIN_KEY: Final = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def format_path(parts: Iterable[PathPart]) -> str:
    """Render a sequence of keys and indexes in the notation described in the module doc."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


def join_path(base: str, *parts: PathPart) -> str:
    """``base`` (already rendered) extended by ``parts``: ``join_path("packages[0]", "url")``."""
    tail = format_path(parts)
    if not base:
        return tail
    if not tail or tail.startswith("["):
        return base + tail
    return f"{base}.{tail}"


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One finding about a server.json.

    ``type`` says which layer found it (``json`` for a body that is not an object, ``schema``,
    ``semantic``, ``linter``); ``severity`` ``error`` makes the document invalid, ``warning``
    and ``info`` never do; ``reference`` identifies the rule: ``schema:#/<json pointer into
    our schema>`` for schema issues, a stable rule id (``remote-url-https``) otherwise.
    """

    type: IssueType
    path: str
    message: str
    severity: Severity
    reference: str

    def to_dict(self) -> dict[str, str]:
        """The official wire shape of one issue."""
        return {
            "type": self.type,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of validating one document.

    ``issues`` are ordered: document-level issues (``$schema``) first, then schema issues,
    then semantic and linter issues, each in document order. ``schema_date`` is the date
    taken from ``$schema`` when it could be read (even when that date is unknown).
    """

    issues: tuple[ValidationIssue, ...]
    schema_date: str | None = None

    @property
    def valid(self) -> bool:
        """True when no issue has severity ``error``."""
        return not any(issue.severity == "error" for issue in self.issues)

    @property
    def errors(self) -> tuple[ValidationIssue, ...]:
        """Only the issues of severity ``error``."""
        return tuple(issue for issue in self.issues if issue.severity == "error")

    def references(self) -> set[str]:
        """Every rule reference present; convenient for tests and metrics."""
        return {issue.reference for issue in self.issues}

    def to_dict(self) -> dict[str, Any]:
        """``{"valid": bool, "issues": [...]}``, the official ``POST /validate`` body."""
        return {"valid": self.valid, "issues": [issue.to_dict() for issue in self.issues]}


def error(kind: IssueType, path: str, message: str, reference: str) -> ValidationIssue:
    """An issue of severity ``error``."""
    return ValidationIssue(kind, path, message, "error", reference)


def warning(kind: IssueType, path: str, message: str, reference: str) -> ValidationIssue:
    """An issue of severity ``warning``."""
    return ValidationIssue(kind, path, message, "warning", reference)


def info(kind: IssueType, path: str, message: str, reference: str) -> ValidationIssue:
    """An issue of severity ``info``."""
    return ValidationIssue(kind, path, message, "info", reference)


def body_location(path: str) -> str:
    """The problem+json ``location`` of a path: ``body``, ``body.name``, ``body._meta["k"]``."""
    if not path:
        return "body"
    return f"body{path}" if path.startswith("[") else f"body.{path}"


def first_error(issues: Sequence[ValidationIssue]) -> ValidationIssue | None:
    """The first issue of severity ``error``, if any."""
    return next((issue for issue in issues if issue.severity == "error"), None)
