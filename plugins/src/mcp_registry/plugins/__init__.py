"""Built-in plugins (the ``mcp-registry-plugins`` distribution), registered by entry point.

Identity providers (``identity_*``) and package-ownership validators (``packages_*``), built
only on :mod:`mcp_registry.shared.plugin_api`, exactly like a third party's plugin.
"""
