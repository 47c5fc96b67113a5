"""The web layer every service shares: app base, problem+json, request bodies, health, metrics."""
