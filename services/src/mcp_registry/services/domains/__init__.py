"""The domains service: domain verification and periodic re-verification (DESIGN §7)."""
