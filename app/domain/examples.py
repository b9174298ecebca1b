"""The identifiers and dates in the request examples of the API schemas.

Swagger UI's "Try it out" starts from each request body's first example: replace these
identifiers with those of your organisation. The dates are written as if today were
``EXAMPLE_TODAY``; the test that sends every example (tests/api/test_request_examples.py)
moves them by whole weeks to today and swaps these identifiers for real ones.
"""

from datetime import date

EXAMPLE_TODAY = date(2026, 12, 7)

# Employees
EMPLOYEE_ID = "0193a1c2-5e00-7a10-8b20-000000000001"
MANAGER_ID = "0193a1c2-5e00-7a10-8b20-000000000002"
PROGRAM_MANAGER_ID = "0193a1c2-5e00-7a10-8b20-000000000003"
MENTOR_EMPLOYEE_ID = "0193a1c2-5e00-7a10-8b20-000000000004"
# Programs
OBJECTIVE_ID = "0193a1c2-5e00-7a10-8b20-000000000005"
SECOND_OBJECTIVE_ID = "0193a1c2-5e00-7a10-8b20-000000000006"
# Matching
MENTOR_PARTICIPANT_ID = "0193a1c2-5e00-7a10-8b20-000000000007"
MENTEE_PARTICIPANT_ID = "0193a1c2-5e00-7a10-8b20-000000000008"
PROPOSAL_ID = "0193a1c2-5e00-7a10-8b20-000000000009"
SECOND_PROPOSAL_ID = "0193a1c2-5e00-7a10-8b20-000000000010"
# The support network
CIRCLE_ID = "0193a1c2-5e00-7a10-8b20-000000000011"
WORKSHOP_ID = "0193a1c2-5e00-7a10-8b20-000000000012"
# Impact
ASSESSMENT_ITEM_ID = "0193a1c2-5e00-7a10-8b20-000000000013"

IDENTIFIERS = {
    name: value
    for name, value in dict(globals()).items()
    if name.endswith("_ID") and isinstance(value, str)
}
"""Every example identifier by name."""
