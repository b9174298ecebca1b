"""Logged mentoring sessions: what a pair did when it met, confirmed by the other side."""
