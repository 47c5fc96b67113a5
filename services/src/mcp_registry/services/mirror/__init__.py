"""Mirroring another registry: pull its entries incrementally into the local store.

``upstream`` reads an official-API registry (its change feed when it has ours, else
``updated_since``); ``applying`` turns an upstream item into local writes that keep the
upstream's timestamps and mark the entry mirrored; ``sync`` runs one pull and keeps the
progress; ``worker`` repeats it, backing off on upstream errors (which never delete data).
"""
