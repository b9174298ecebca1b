"""GraphiQL served from local assets instead of a CDN."""

import json
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/static-graphiql"

_CDN_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


EXAMPLE_QUERY = """\
# The signed-in person, their pairs and how each one is going.
#
# Put a token in the Headers tab below, then run (Ctrl-Enter). `make run` (or
# `mentorship seed-demo`) prints development tokens for a mentor, a mentee and a
# program manager of the demo organisation; an API key (mk_...) works too.
query MyPairs {
  viewer {
    role
    employee { givenName familyName jobTitle }
  }
  pairs(first: 10, status: ACTIVE) {
    edges {
      node {
        id
        health
        mentor { givenName familyName }
        mentee { givenName familyName }
        agreement { format cadenceDays }
        progress {
          sessions
          daysSinceLastSession
          cadenceAdherence
          openActionItems
        }
        lastLogs(count: 2) { heldAt summary }
      }
    }
  }
}
"""

EXAMPLE_HEADERS = '{\n  "Authorization": "Bearer <a token printed by `mentorship seed-demo`>"\n}'


def offline_graphiql_html() -> str:
    """strawberry's GraphiQL page, opening on an example over the demo organisation.

    Every CDN address points at our own copy: the files are byte-identical to the CDN's, so
    the page's integrity digests still hold.
    """
    html = get_graphql_ide_html(graphql_ide="graphiql")
    for url, name in _CDN_FILES.items():
        html = html.replace(url, f"{STATIC_URL}/{name}")
    start = html.index("const EXAMPLE_QUERY = `")
    end = html.index("`;", start) + 2
    html = html[:start] + f"const EXAMPLE_QUERY = {json.dumps(EXAMPLE_QUERY)};" + html[end:]
    headers = "React.useState(parameters.headers)"
    assert headers in html, "strawberry's GraphiQL page changed: update the example's headers"
    return html.replace(
        headers, f"React.useState(parameters.headers || {json.dumps(EXAMPLE_HEADERS)})"
    )
