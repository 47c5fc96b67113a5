"""The event bus: the NATS bridge (sync facade over nats-py), the outbox relay, consumers."""
