"""Notifications: each person's preferences, and nudges sent to them by e-mail."""
