"""Inbound HRIS sync: signed webhooks, per-organisation field mapping, CSV import."""
