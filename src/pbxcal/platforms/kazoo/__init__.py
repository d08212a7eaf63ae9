"""2600Hz Kazoo: temporal rules (target) and the Crossbar API (client)."""
