"""The credential cache: bounded, short-lived, and forgetful on demand."""

import time
import uuid

from app.domain.access.authentication import CredentialCache
from app.domain.access.principal import Principal, Role, Scope


def _key() -> Principal:
    return Principal.for_api_key(uuid.uuid4(), uuid.uuid4(), frozenset({Scope.READ}))


def test_entries_expire_and_are_bounded() -> None:
    cache = CredentialCache(ttl_seconds=0.05, max_entries=2)
    first, second, third = _key(), _key(), _key()
    cache.put("a", first)
    assert cache.get("a") is not None
    assert cache.get("a").principal is first  # type: ignore[union-attr]
    time.sleep(0.06)
    assert cache.get("a") is None
    cache.put("a", first)
    cache.put("b", second)
    cache.put("c", third)
    assert cache.get("a") is None  # the oldest went
    assert cache.get("c") is not None
    cache.put("short", first, lifetime=0.0)
    assert cache.get("short") is None  # never outlives the credential itself


def test_forgetting() -> None:
    cache = CredentialCache(ttl_seconds=60)
    employee = uuid.uuid4()
    person = Principal.for_employee(uuid.uuid4(), employee, Role.EMPLOYEE)
    cache.put("token-1", person)
    cache.put("token-2", person)
    cache.put("key", _key())
    cache.forget_employee(employee)
    assert cache.get("token-1") is None
    assert cache.get("token-2") is None
    assert cache.get("key") is not None
    cache.forget("key")
    assert cache.get("key") is None
    disabled = CredentialCache(ttl_seconds=0)
    disabled.put("x", person)
    assert disabled.get("x") is None
