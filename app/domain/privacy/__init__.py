"""The right of access and the right to erasure, across every module."""
