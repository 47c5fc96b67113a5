"""Webhooks: the worker that turns committed changes into signed deliveries (DESIGN §5).

``consumer`` follows the events stream with a durable JetStream consumer and enqueues a
delivery per matching subscription before acknowledging; ``deliverer`` attempts due
deliveries (Standard Webhooks signatures, backoff, dead-letter); ``worker`` runs both.
"""
