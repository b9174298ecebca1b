"""End-user JWTs: providers per organisation, key sources, claims, roles and refusals."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.conftest import Tenant, problem


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _public_pem(key: Any) -> str:
    pem: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


def _jwk(key: Any, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return data | {"kid": kid, "use": "sig", "alg": "RS256"}


def _token(
    key: Any, issuer: str, audience: str, email: str, alg: str = "RS256", **extra: Any
) -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": issuer,
        "aud": audience,
        "email": email,
        "sub": email,
        "exp": now + timedelta(minutes=5),
    }
    return jwt.encode(
        claims | extra,
        key,
        algorithm=alg,
        headers={"kid": extra.pop("kid", "k1")} if alg != "HS256" else None,
    )


async def _provider(tenant: Tenant, **body: Any) -> dict[str, Any]:
    payload = {
        "name": "Corporate IdP",
        "issuer": f"{tenant.issuer}/corp",
        "audience": "intranet",
    } | body
    response = await tenant.client.post(
        "/api/v1/identity-providers", json=payload, headers=tenant.admin
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_rs256_with_pem_public_key(tenant: Tenant) -> None:
    key = _rsa_key()
    provider = await _provider(tenant, public_key_pem=_public_pem(key))
    assert provider["key_source"] == "public_key_pem"
    person = await tenant.employee()
    token = _token(key, provider["issuer"], "intranet", person["email"])
    me = await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["kind"] == "user"
    assert me.json()["employee"]["id"] == person["id"]

    # Algorithm confusion: an HS256 token "signed" with the public key text must fail.
    forged = jwt.encode(
        {
            "iss": provider["issuer"],
            "aud": "intranet",
            "email": person["email"],
            "exp": datetime.now(UTC) + timedelta(minutes=5),
        },
        "x" * 64,
        algorithm="HS256",
    )
    problem(
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}), 401
    )
    # A token signed by another key.
    other = _token(_rsa_key(), provider["issuer"], "intranet", person["email"])
    problem(
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}), 401
    )


async def test_inline_jwks_picks_key_by_kid(tenant: Tenant) -> None:
    k1, k2 = _rsa_key(), _rsa_key()
    provider = await _provider(tenant, jwks={"keys": [_jwk(k1, "k1"), _jwk(k2, "k2")]})
    person = await tenant.employee()
    for key, kid in ((k1, "k1"), (k2, "k2")):
        token = _token(key, provider["issuer"], "intranet", person["email"], kid=kid)
        response = await tenant.client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
    wrong_kid = _token(k1, provider["issuer"], "intranet", person["email"], kid="k2")
    problem(
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {wrong_kid}"}), 401
    )


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """A real HTTP server on loopback serving a JWKS that the test can rotate."""
    document: dict[str, Any] = {"keys": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", document
    server.shutdown()


async def test_jwks_url_is_fetched_and_refreshed_on_rotation(
    tenant: Tenant, jwks_server: tuple[str, dict[str, Any]]
) -> None:
    url, document = jwks_server
    old, new = _rsa_key(), _rsa_key()
    document["keys"] = [_jwk(old, "old")]
    provider = await _provider(tenant, jwks_url=url)
    person = await tenant.employee()
    token = _token(old, provider["issuer"], "intranet", person["email"], kid="old")
    assert (
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200

    # The provider rotates: a token with an unknown kid makes the service refetch the JWKS.
    document["keys"] = [_jwk(new, "new")]
    tenant.app.state.auth.jwks_cache.min_refresh = 0
    token = _token(new, provider["issuer"], "intranet", person["email"], kid="new")
    assert (
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200


async def test_token_refusals(tenant: Tenant) -> None:
    person = await tenant.employee()

    async def status_of(token: str) -> dict[str, Any]:
        return problem(
            await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401
        )

    past = datetime.now(UTC) - timedelta(hours=1)
    await status_of(tenant.token(person["email"], exp=past))
    await status_of(tenant.token(person["email"], aud="someone-else"))
    await status_of(tenant.token(person["email"], iss="https://unknown.example"))
    await status_of(
        jwt.encode(
            {"iss": tenant.issuer, "aud": tenant.audience, "email": person["email"]},
            tenant.secret,
            algorithm="HS256",
        )
    )
    body = await status_of(tenant.token("nobody@example.com"))
    assert body["code"] == "unknown_employee"
    await status_of(
        jwt.encode(
            {
                "iss": tenant.issuer,
                "aud": tenant.audience,
                "email": person["email"],
                "exp": datetime.now(UTC) + timedelta(minutes=5),
            },
            "wrong-secret-wrong-secret-wrong-secret",
            algorithm="HS256",
        )
    )


async def test_sub_claim_maps_to_external_id(tenant: Tenant) -> None:
    secret = "s" * 40
    provider = await _provider(tenant, identity_claim="sub", shared_secret=secret)
    person = await tenant.employee(external_id="HR-777")
    now = datetime.now(UTC)
    token = jwt.encode(
        {
            "iss": provider["issuer"],
            "aud": "intranet",
            "sub": "HR-777",
            "exp": now + timedelta(minutes=5),
        },
        secret,
        algorithm="HS256",
    )
    me = await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["employee"]["id"] == person["id"]
    assert "shared_secret" not in provider


async def test_provider_validation(tenant: Tenant, other_tenant: Tenant) -> None:
    base = {"name": "x", "issuer": "https://x.example", "audience": "a"}
    post = tenant.client.post
    # One key source exactly: a rule across fields, so a business rule (409).
    problem(
        await post("/api/v1/identity-providers", json=base, headers=tenant.admin),
        409,
        "one_key_source",
    )
    problem(
        await post(
            "/api/v1/identity-providers",
            json=base | {"shared_secret": "s" * 40, "public_key_pem": _public_pem(_rsa_key())},
            headers=tenant.admin,
        ),
        409,
        "one_key_source",
    )
    private_pem = (
        _rsa_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    body = problem(
        await post(
            "/api/v1/identity-providers",
            json=base | {"public_key_pem": private_pem},
            headers=tenant.admin,
        ),
        409,
    )
    assert body["errors"][0]["field"] == "public_key_pem"
    problem(
        await post(
            "/api/v1/identity-providers",
            json=base | {"jwks": {"keys": [{"kty": "nope"}]}},
            headers=tenant.admin,
        ),
        409,  # an object, as the schema says, but with no usable key
    )
    problem(
        await post(
            "/api/v1/identity-providers",
            json=base | {"jwks_url": "http://evil.example/jwks"},
            headers=tenant.admin,
        ),
        422,  # the schema's pattern: https, or http to this machine only
    )
    problem(
        await post(
            "/api/v1/identity-providers",
            json=base | {"shared_secret": "short"},
            headers=tenant.admin,
        ),
        422,
    )
    ec_pem = _public_pem(ec.generate_private_key(ec.SECP256R1()))
    assert (
        await post(
            "/api/v1/identity-providers",
            json=base | {"public_key_pem": ec_pem},
            headers=tenant.admin,
        )
    ).status_code == 201
    # Issuer + audience identify one provider across all organisations.
    problem(
        await other_tenant.client.post(
            "/api/v1/identity-providers",
            json=base | {"shared_secret": "s" * 40},
            headers=other_tenant.admin,
        ),
        409,
        "identity_provider_exists",
    )


async def test_update_replaces_key_source_with_if_match(tenant: Tenant) -> None:
    key = _rsa_key()
    provider = await _provider(tenant, shared_secret="q" * 40)
    url = f"/api/v1/identity-providers/{provider['id']}"
    problem(await tenant.client.patch(url, json={"enabled": False}, headers=tenant.admin), 428)
    response = await tenant.client.patch(
        url, json={"public_key_pem": _public_pem(key)}, headers=tenant.admin | {"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.json()["key_source"] == "public_key_pem"
    person = await tenant.employee()
    token = _token(key, provider["issuer"], "intranet", person["email"])
    assert (
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200

    disabled = await tenant.client.patch(
        url, json={"enabled": False}, headers=tenant.admin | {"If-Match": '"2"'}
    )
    assert disabled.json()["enabled"] is False
    problem(
        await tenant.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401
    )

    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    problem(await tenant.client.get(url, headers=tenant.admin), 404)


async def test_roles_of_people(tenant: Tenant) -> None:
    admin = await tenant.employee(role="admin")
    manager = await tenant.employee(role="program_manager")
    person = await tenant.employee(birth_year=1999)
    colleague = await tenant.employee(birth_year=1970)

    # Everyone may read the directory, but a colleague's birth year stays private.
    seen = await tenant.client.get(
        f"/api/v1/employees/{colleague['id']}", headers=tenant.as_user(person)
    )
    assert seen.status_code == 200
    assert seen.json()["birth_year"] is None
    own = await tenant.client.get(
        f"/api/v1/employees/{person['id']}", headers=tenant.as_user(person)
    )
    assert own.json()["birth_year"] == 1999
    for privileged in (admin, manager):
        seen = await tenant.client.get(
            f"/api/v1/employees/{colleague['id']}", headers=tenant.as_user(privileged)
        )
        assert seen.json()["birth_year"] == 1970

    body = {"email": "new@x.example", "given_name": "N", "family_name": "W"}
    problem(
        await tenant.client.post("/api/v1/employees", json=body, headers=tenant.as_user(person)),
        403,
    )
    problem(
        await tenant.client.post("/api/v1/employees", json=body, headers=tenant.as_user(manager)),
        403,
    )
    created = await tenant.client.post(
        "/api/v1/employees", json=body, headers=tenant.as_user(admin)
    )
    assert created.status_code == 201
    me = (await tenant.client.get("/api/v1/me", headers=tenant.as_user(admin))).json()
    assert me["role"] == "admin"
    assert me["organization"]["id"] == str(tenant.organization_id)
