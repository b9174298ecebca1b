"""Outbound event subscriptions: who wants which events, and their delivery."""
