"""The publishing service: authenticated writes, validation and imports."""
