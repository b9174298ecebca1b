"""Enrolment profiles, explainable pair scoring, the optimal assignment, and matching runs."""
