"""Participants: enrolment in a program, the profile each fills in, and how two profiles fit.

Below both pairs and matching: pairs opens a pair only for participants who may be paired
(the hard exclusions here), matching scores a whole pool with the same code.
"""
