"""The NATS users of a deployment and what each may publish and subscribe to (DESIGN §5).

One user per workload, least privilege: only the credentials of the writers (publishing,
domains, and the outbox relay that delivers their events) may publish to
``registry.events.>`` and touch the events stream; discovery only subscribes (cache
invalidation, CDN purges); identity and publishing may ask domains for grants, and only
domains answers them. ``_INBOX.>`` is where nats-py receives replies and JetStream acks.

:func:`render_authorization` writes this table as a nats-server ``authorization`` block whose
passwords are environment variables (``$NATS_PASSWORD_DISCOVERY`` ...), resolved by
nats-server when it starts; the Helm chart ships the rendered file (a test keeps it equal).
"""

from __future__ import annotations

from dataclasses import dataclass

from mcp_registry.shared.event_model import DOMAINS_GRANTS, EVENTS_WILDCARD, STREAM_NAME

INBOX = "_INBOX.>"

STREAM_API = (
    f"$JS.API.STREAM.INFO.{STREAM_NAME}",
    f"$JS.API.STREAM.CREATE.{STREAM_NAME}",
    f"$JS.API.STREAM.UPDATE.{STREAM_NAME}",
)
"""What :func:`~mcp_registry.shared.events.stream.ensure_stream` calls, and nothing else of
the JetStream API (no deleting or purging the stream)."""

EVENT_WRITER = (EVENTS_WILDCARD, *STREAM_API)

CONSUMER_API = (
    *STREAM_API,
    f"$JS.API.CONSUMER.CREATE.{STREAM_NAME}.>",
    f"$JS.API.CONSUMER.DURABLE.CREATE.{STREAM_NAME}.>",
    f"$JS.API.CONSUMER.INFO.{STREAM_NAME}.>",
    f"$JS.API.CONSUMER.MSG.NEXT.{STREAM_NAME}.>",
    f"$JS.ACK.{STREAM_NAME}.>",
)
"""What a pull consumer of the events stream calls (make sure the stream exists, create or
look up its durable consumer, fetch, acknowledge); it never publishes an event."""


@dataclass(frozen=True)
class NatsUser:
    """One NATS user: its name and the subjects it may publish and subscribe to.

    ``respond`` lets the user publish replies to requests it received (nats-server's
    ``allow_responses``), without a publish permission on every inbox.
    """

    name: str
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    respond: bool = False

    @property
    def password_variable(self) -> str:
        """The environment variable nats-server reads this user's password from."""
        return "NATS_PASSWORD_" + self.name.upper().replace("-", "_")


USERS: tuple[NatsUser, ...] = (
    NatsUser("discovery", publish=(), subscribe=(EVENTS_WILDCARD,)),
    NatsUser("publishing", publish=(*EVENT_WRITER, DOMAINS_GRANTS), subscribe=(INBOX,)),
    NatsUser("identity", publish=(DOMAINS_GRANTS,), subscribe=(INBOX,)),
    NatsUser("domains", publish=EVENT_WRITER, subscribe=(DOMAINS_GRANTS, INBOX), respond=True),
    NatsUser("relay", publish=EVENT_WRITER, subscribe=(INBOX,)),
    # The webhooks worker reads the stream through its durable consumer and writes nothing.
    NatsUser("webhooks", publish=CONSUMER_API, subscribe=(INBOX,)),
)
"""Every workload that connects to NATS (the domains re-verification worker does not)."""


def user(name: str) -> NatsUser:
    """The user called ``name``; ``KeyError`` for an unknown one."""
    for candidate in USERS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def _subjects(subjects: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{s}"' for s in subjects) + "]"


def render_authorization() -> str:
    """The nats-server configuration block of :data:`USERS` (include it from nats.conf)."""
    lines = [
        "# GENERATED from mcp_registry/shared/events/nats_users.py: do not edit.",
        "# Passwords come from the environment nats-server starts with.",
        "authorization {",
        "  users = [",
    ]
    for entry in USERS:
        publish = f"{{ allow: {_subjects(entry.publish)} }}" if entry.publish else '{ deny: [">"] }'
        lines += [
            "    {",
            f"      user: {entry.name}",
            f"      password: ${entry.password_variable}",
            "      permissions: {",
            f"        publish: {publish}",
            f"        subscribe: {{ allow: {_subjects(entry.subscribe)} }}",
        ]
        if entry.respond:
            lines.append("        allow_responses: true")
        lines += ["      }", "    }"]
    lines += ["  ]", "}", ""]
    return "\n".join(lines)
