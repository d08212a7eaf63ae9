"""3CX v20: holidays (target) and the Configuration API (client)."""
