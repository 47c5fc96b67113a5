"""``mcp-publisher``: the server author's command line (init, login, publish, status, ...)."""
