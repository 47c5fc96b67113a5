"""The server.json model and its validation.

``validate`` is the entry point (``validate_server``, ``require_valid``); ``schema`` holds the
JSON Schema documents; ``versions`` decides which version of a server is the latest.
"""
