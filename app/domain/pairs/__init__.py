"""Mentoring pairs: their lifecycle, agreement and goals; capacity enforced by the database."""
