"""Database plumbing: engine, sessions, shared column types and mixins."""
