"""What two or more parts of the registry import (the ``mcp-registry-shared`` distribution).

Imports nothing from services, CLIs or plugins (checked by import-linter). Its base install is
``serverjson`` (with ``errors``) alone, which the publisher CLI uses; the ``server`` extra brings
what the rest runs on:

- ``serverjson``: the server.json model and validation;
- ``errors``: the one error tree; ``web``: the Falcon app base, problem+json, body parsing;
- ``config``: settings from ``MCP_REGISTRY_*``; ``clock``, ``release``;
- ``storage``: the storage port and its ``sqlite`` and ``mongo`` backends;
- ``event_model``: outbox events and subjects (below both storage and the bus);
  ``events``: the NATS bridge, outbox relay and consumers;
- ``auth``: registry tokens and permissions; ``plugins``: the plugin host and hookspecs;
  ``plugin_api``: the one module plugins import;
- ``process_resources``: what a service's process wiring needs from the runtime.
"""
