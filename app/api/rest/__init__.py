"""REST adapters, one router per domain module, mounted under /api/v1."""

# Routers carry the full prefix themselves, so a route's path is the URL template that logs
# and metrics report.
API_PREFIX = "/api/v1"
