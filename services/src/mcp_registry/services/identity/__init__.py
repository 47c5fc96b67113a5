"""The identity service: token exchange (``/auth/*``), registry JWT signing, JWKS."""
