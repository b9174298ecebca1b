"""GraphiQL served from local assets instead of a CDN."""

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


def offline_graphiql_html() -> str:
    """strawberry's GraphiQL page with every CDN address pointing at our own copy.

    The files are byte-identical to the CDN's, so the page's integrity digests still hold.
    """
    html = get_graphql_ide_html(graphql_ide="graphiql")
    for url, name in _CDN_FILES.items():
        html = html.replace(url, f"{STATIC_URL}/{name}")
    return html
