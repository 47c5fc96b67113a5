"""The browse UI at ``/``: server-rendered pages over the same store and caching as the API."""
