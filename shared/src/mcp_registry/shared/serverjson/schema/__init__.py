"""The server.json JSON Schema documents we ship, and which ``$schema`` dates map to them.

Only the current date (``2025-12-11``) has its own document here: our rendition of the
official schema for that date. Older official dates are accepted, validated against the
current rendition (the closest we have, and what every stored document must satisfy so that
today's clients can read it), and reported with a ``schema-version-deprecated`` warning that
names the current URL. A date the official registry never published is refused.

The mapping, oldest first:

=============  =======================================================
``$schema``    validated against
=============  =======================================================
2025-07-09     2025-12-11 (deprecated; its snake_case fields no longer apply)
2025-09-16     2025-12-11 (deprecated)
2025-09-29     2025-12-11 (deprecated)
2025-10-11     2025-12-11 (deprecated)
2025-10-17     2025-12-11 (deprecated)
2025-12-11     2025-12-11 (current)
=============  =======================================================
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, Final

CURRENT_SCHEMA_DATE: Final = "2025-12-11"
"""The schema date new documents should declare."""

SCHEMA_URL_TEMPLATE: Final = (
    "https://static.modelcontextprotocol.io/schemas/{date}/server.schema.json"
)

CURRENT_SCHEMA_URL: Final = SCHEMA_URL_TEMPLATE.format(date=CURRENT_SCHEMA_DATE)
"""The canonical ``$schema`` value for the current date."""

DEPRECATED_SCHEMA_DATES: Final = frozenset(
    {"2025-07-09", "2025-09-16", "2025-09-29", "2025-10-11", "2025-10-17"}
)
"""Official dates older than the current one: accepted with a warning."""

KNOWN_SCHEMA_DATES: Final = DEPRECATED_SCHEMA_DATES | {CURRENT_SCHEMA_DATE}

_DOCUMENT_FOR_DATE: Final = {date: CURRENT_SCHEMA_DATE for date in KNOWN_SCHEMA_DATES}

# The official registry reads the identifier out of ".../schemas/<id>/server.schema.json",
# whatever the host; we do the same so documents it accepts are read the same way here.
_SCHEMA_URL_DATE: Final = re.compile(r"/schemas/([A-Za-z0-9_~.-]+)/server\.schema\.json(?:[?#]|$)")


def schema_url(date: str) -> str:
    """The canonical ``$schema`` URL for ``date``."""
    return SCHEMA_URL_TEMPLATE.format(date=date)


def date_from_url(url: str) -> str | None:
    """The schema identifier in a ``$schema`` URL (``2025-12-11``), or ``None`` if none."""
    match = _SCHEMA_URL_DATE.search(url)
    return match.group(1) if match else None


def document_date_for(date: str) -> str | None:
    """The date of the shipped document that validates ``date``, or ``None`` if unknown."""
    return _DOCUMENT_FOR_DATE.get(date)


def load_schema(date: str = CURRENT_SCHEMA_DATE) -> dict[str, Any]:
    """The shipped schema document for ``date`` (one of the document dates), parsed once.

    Raises ``FileNotFoundError`` for a date we ship no document for. Callers must not
    mutate the returned dict: it is shared.
    """
    return _load(date)


@cache
def _load(date: str) -> dict[str, Any]:
    # Cached on the positional date alone, so f() and f(CURRENT_SCHEMA_DATE) share one entry.
    resource = resources.files(__name__).joinpath(f"{date}.json")
    if not resource.is_file():
        raise FileNotFoundError(f"no server.json schema document for {date}")
    loaded: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


@cache
def top_level_properties(date: str = CURRENT_SCHEMA_DATE) -> frozenset[str]:
    """The top-level properties the shipped document of ``date`` defines."""
    properties = load_schema(date).get("properties", {})
    return frozenset(str(key) for key in properties)
