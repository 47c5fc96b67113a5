"""The plugin host: hookspecs (the contracts), the manager, and the API plugins build on."""
