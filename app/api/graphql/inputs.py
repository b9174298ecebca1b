"""Strawberry inputs as the dicts the domain's schemas validate."""

import dataclasses
from typing import Any

import strawberry


def given_fields(value: Any) -> Any:
    """An input, nested inputs included, with only the fields a client sent (UNSET left out)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            name: given_fields(item)
            for name, item in vars(value).items()
            if item is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [given_fields(item) for item in value]
    return value


def without_nulls(fields: dict[str, Any], *names: str) -> dict[str, Any]:
    """GraphQL null for a field with a default means 'use the default': the fields named (all
    of them when none is) are left out when null."""
    return {k: v for k, v in fields.items() if not (v is None and (not names or k in names))}
