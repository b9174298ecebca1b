"""What ``mentorship seed-demo`` prints for a newcomer: who to act as, and commands to paste.

The block is meant to be pasted as is into a shell: the ``export`` lines first (the tour in
docs/tour.md uses the same variables), then ``curl`` commands that work as printed. The test
suite runs these very lines against the service.
"""

import json

from app.demo import DemoResult, Login

GRAPHQL_QUERY = (
    "{ viewer { employee { givenName familyName } } "
    "pairs { nodes { status health mentor { givenName } "
    "progress { sessions minutes cadenceAdherence health } } } }"
)


def _export(variable: str, value: str, login: Login | None = None) -> str:
    line = f"export {variable}={value}"
    if login is not None:
        line += f"   # {login.role}: {login.name} <{login.email}>, {login.title}"
    return line


def try_this(result: DemoResult, base_url: str) -> list[str]:
    """The lines to paste: exports, then one command per thing worth seeing."""
    api = "$API/api/v1"
    bearer = '-H "Authorization: Bearer ${}"'.format
    as_json = '-H "Content-Type: application/json"'
    graphql = json.dumps({"query": GRAPHQL_QUERY})
    runs = f"{api}/programs/{result.enrolling_program_id}/matching-runs"
    return [
        "# Paste these first. The tokens last 24 hours; mint one for anyone with",
        f"#   mentorship dev-token --org {result.slug} --email <their e-mail>",
        _export("API", base_url),
        _export("ADMIN_KEY", result.admin_token),
        _export("MANAGER_TOKEN", result.manager.token, result.manager),
        _export("MENTOR_TOKEN", result.mentor.token, result.mentor),
        _export("MENTEE_TOKEN", result.mentee.token, result.mentee),
        "",
        "# The active program's dashboard: pairs by status and health, sessions per month,",
        "# objectives covered, participation, satisfaction, mentors' confidence.",
        f"curl -s {api}/programs/{result.active_program_id}/dashboard {bearer('MANAGER_TOKEN')}",
        "",
        f"# {result.mentee.name}'s pair: sessions, cadence, goals, ratings, open actions, health.",
        f"curl -s {api}/pairs/{result.mentee_pair_id}/progress {bearer('MENTEE_TOKEN')}",
        "",
        "# A dry run of the enrolling program's matching. A run is a job: this answers 202, the",
        "# run queued with its id, and the worker completes it in a second or two.",
        f"curl -s -X POST {runs} {bearer('MANAGER_TOKEN')} {as_json} -d '{{\"dry_run\": true}}'",
        "# Then, with RUN set to the id it answered (export RUN=...): the summary and who stays",
        "# unmatched and why, then each proposal explained.",
        f"curl -s {runs}/$RUN {bearer('MANAGER_TOKEN')}",
        f"curl -s {runs}/$RUN/proposals {bearer('MANAGER_TOKEN')}",
        "",
        "# GraphQL: who you are, your pairs and their progress, in one request.",
        f"curl -s $API/graphql {bearer('MENTEE_TOKEN')} {as_json} -d '{graphql}'",
    ]
