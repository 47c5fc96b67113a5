"""The discovery service: public reads, response caching, search, the read API."""
