"""Registry tokens: signing keys, minting, the one verification helper, permission matching."""
