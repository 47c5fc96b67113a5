"""GitLab CI/CD ID-token login for the MCP Registry (entry point ``gitlab``)."""
