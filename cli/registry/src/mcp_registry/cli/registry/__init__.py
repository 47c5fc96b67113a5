"""``mcp-registry``: the operator's command line (serve, dev, worker, db, import, keys, config)."""
