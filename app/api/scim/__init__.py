"""SCIM 2.0 adapter, mounted at ``/scim/v2`` as its own small application.

SCIM clients (Okta, Microsoft Entra) expect SCIM's error document
(``urn:ietf:params:scim:api:messages:2.0:Error``) and ``application/scim+json``, not the
problem+json of the rest of the API, so this application has its own error handlers.
Its contract is RFC 7644 and its discovery endpoints, so it is left out of the OpenAPI
document.
"""

from fastapi import FastAPI

from app.api.scim.discovery import discovery_routes
from app.api.scim.errors import install_errors
from app.api.scim.groups import GROUPS
from app.api.scim.resources import resource_routes
from app.api.scim.users import USERS


def create_scim_app(parent: FastAPI) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # One state for both: the session factory and authentication settings of the service.
    app.state = parent.state
    install_errors(app)
    discovery_routes(app)
    resource_routes(app, USERS)
    resource_routes(app, GROUPS)
    return app
