"""Which records a write changes, computed from the name's current versions (pure logic).

Both backends read the versions of one name, call a planner here, and apply the transitions it
returns in the order given: records losing ``is_latest`` first, the one gaining it last, so the
database-level "one latest per name" unique index never sees two latest records mid-write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mcp_registry.shared.errors import BadRequest
from mcp_registry.shared.serverjson.versions import pick_latest
from mcp_registry.shared.storage.records import NewVersion, Status


@dataclass(frozen=True)
class VersionState:
    """What the planners need to know of one stored version."""

    version: str
    published_at: datetime
    status: Status
    status_message: str | None
    is_latest: bool
    seq: int


@dataclass(frozen=True)
class Transition:
    """The new state of one existing record; every transition bumps its ``seq``/``updated_at``.

    ``status_changed`` means status or message changed (emit a status event); otherwise only
    ``is_latest`` changed. ``status_moved`` means the status itself changed: only then does
    ``status_changed_at`` move (as the official registry keeps it for a message-only change).
    """

    version: str
    status: Status
    status_message: str | None
    is_latest: bool
    status_changed: bool
    status_moved: bool = False


@dataclass(frozen=True)
class PublishPlan:
    """``new_is_latest`` for the inserted record, transitions of existing records (applied
    before the insert), and ``previous_latest``: the version that lost latest to it, if any."""

    new_is_latest: bool
    transitions: list[Transition]
    previous_latest: str | None


@dataclass(frozen=True)
class StatusPlan:
    """The versions a status change addresses and the transitions it causes."""

    addressed: list[str]
    transitions: list[Transition]


def in_publish_order(states: Iterable[VersionState]) -> list[VersionState]:
    """States by (published_at, version): the order ties in :func:`pick_latest` resolve by."""
    return sorted(states, key=lambda s: (s.published_at, s.version))


def winner(states: Iterable[VersionState]) -> str | None:
    """The version that should carry ``is_latest`` (deterministic on ties)."""
    best = pick_latest(in_publish_order(states))
    return best.version if best is not None else None


def _transitions(
    before: Sequence[VersionState], after: Sequence[VersionState], chosen: str | None
) -> list[Transition]:
    """Transitions turning ``before`` into ``after`` with ``chosen`` latest, losses first."""
    old = {s.version: s for s in before}
    losses: list[Transition] = []
    others: list[Transition] = []
    gains: list[Transition] = []
    for state in in_publish_order(after):
        prior = old[state.version]
        is_latest = state.version == chosen
        status_changed = (state.status, state.status_message) != (
            prior.status,
            prior.status_message,
        )
        if not status_changed and is_latest == prior.is_latest:
            continue
        transition = Transition(
            version=state.version,
            status=state.status,
            status_message=state.status_message,
            is_latest=is_latest,
            status_changed=status_changed,
            status_moved=state.status != prior.status,
        )
        if prior.is_latest and not is_latest:
            losses.append(transition)
        elif is_latest and not prior.is_latest:
            gains.append(transition)
        else:
            others.append(transition)
    return losses + others + gains


def reconcile_latest(states: Sequence[VersionState]) -> list[Transition]:
    """Transitions that leave exactly the right record latest (empty when already so)."""
    return _transitions(states, states, winner(states))


def plan_publish(states: Sequence[VersionState], new: NewVersion, *, now: datetime) -> PublishPlan:
    """Plan inserting ``new`` (published ``now``) next to the existing ``states``."""
    candidate = VersionState(
        version=new.version,
        published_at=now,
        status=new.status,
        status_message=new.status_message,
        is_latest=False,
        seq=0,
    )
    chosen = winner([*states, candidate])
    new_is_latest = chosen == new.version
    # The candidate takes part in choosing the winner but gets no transition: it is inserted,
    # after the other records lost latest.
    transitions = _transitions(states, states, chosen)
    previous = next((s.version for s in states if s.is_latest), None) if new_is_latest else None
    return PublishPlan(new_is_latest, transitions, previous)


def plan_status(
    states: Sequence[VersionState],
    version: str | None,
    status: Status,
    message: str | None,
) -> StatusPlan | None:
    """Plan setting ``status``/``message`` on ``version`` (every version when None).

    None when the name has no versions or ``version`` is not one of them.
    """
    if version is None:
        addressed = [s.version for s in in_publish_order(states)]
    else:
        addressed = [s.version for s in states if s.version == version]
    if not addressed:
        return None
    targets = set(addressed)
    after = [
        replace(s, status=status, status_message=message) if s.version in targets else s
        for s in states
    ]
    return StatusPlan(addressed, _transitions(states, after, winner(after)))


def check_identity(name: str, version: str, server: dict[str, Any]) -> None:
    """BadRequest when ``server`` names another (name, version) than the one it is stored as."""
    if server.get("name", name) != name or server.get("version", version) != version:
        raise BadRequest(
            f"server.json names {server.get('name')!r} {server.get('version')!r}, "
            f"but is stored as {name!r} {version!r}"
        )
