"""Organisations (tenants), API keys, identity providers, and who is acting (Principal)."""
