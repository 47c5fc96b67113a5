"""Which version of a server is the latest (DESIGN §9).

Rules, in order: a semantic version beats a non-semantic one; two semantic versions compare
by semver precedence (pre-releases below their release); two non-semantic versions compare by
publish time (later wins). Ties on precedence (``1.0.0`` vs ``1.0.0+build``) fall back to
publish time so the order stays total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

import semver


class Versioned(Protocol):
    """Anything with a version string and a publish time."""

    @property
    def version(self) -> str: ...

    @property
    def published_at(self) -> datetime: ...

    @property
    def status(self) -> str: ...


V = TypeVar("V", bound=Versioned)


def parse_semver(version: str) -> semver.Version | None:
    """The parsed semantic version, or ``None`` when ``version`` is not strict SemVer 2.0.

    A leading ``v`` is tolerated (``v1.2.3``), as publishers commonly tag that way.
    """
    text = version[1:] if version[:1] in ("v", "V") else version
    try:
        return semver.Version.parse(text)
    except (ValueError, TypeError):
        return None


def is_newer(candidate: Versioned, current: Versioned) -> bool:
    """True when ``candidate`` should replace ``current`` as the latest version."""
    a, b = parse_semver(candidate.version), parse_semver(current.version)
    if a is not None and b is None:
        return True
    if a is None and b is not None:
        return False
    if a is not None and b is not None:
        order = a.compare(b)
        if order != 0:
            return order > 0
    return candidate.published_at > current.published_at


def pick_latest(versions: Iterable[V]) -> V | None:
    """The version that should carry ``isLatest`` among all versions of one name.

    Deleted versions only count when every version is deleted: a server whose versions are
    all deleted keeps its most recent one as latest, so latest-only pollers see the deletion.
    """
    items: Sequence[V] = list(versions)
    live = [v for v in items if v.status != "deleted"]
    best: V | None = None
    for item in live or items:
        if best is None or is_newer(item, best):
            best = item
    return best
