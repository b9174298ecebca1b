"""Matching: a program's pool scored and solved as an optimal assignment, runs and their
review, mentees' suggestions and requests, and decisions on enrolments.

Profiles and the scorer live in app/domain/participants; pairs open only through the door in
app/domain/pairs/door.py.
"""
