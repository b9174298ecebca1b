"""Integrations: HRIS webhooks, SCIM provisioning, CSV import, outbound event subscriptions."""
