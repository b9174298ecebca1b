"""Per-organisation field mapping, and reading a unified employee out of an HRIS record."""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import EmployeeStatus, EmployeeSyncRecord
from app.domain.errors import Invalid, field_error
from app.domain.integrations.hris.models import (
    HrisFieldMapping,
    HrisFieldMappingRead,
    HrisFieldMappingUpdate,
    UnifiedField,
)

# Unified field → field of EmployeeSyncRecord.
_RECORD_FIELDS = {
    UnifiedField.ID: "external_id",
    UnifiedField.EMAIL: "email",
    UnifiedField.USER_NAME: "user_name",
    UnifiedField.GIVEN_NAME: "given_name",
    UnifiedField.FAMILY_NAME: "family_name",
    UnifiedField.JOB_TITLE: "job_title",
    UnifiedField.DEPARTMENT: "department",
    UnifiedField.LOCATION: "location",
    UnifiedField.MANAGER_ID: "manager_external_id",
    UnifiedField.HIRE_DATE: "hire_date",
    UnifiedField.TERMINATION_DATE: "termination_date",
    UnifiedField.EMPLOYMENT_STATUS: "status",
}

# How HRIS products spell an employment status.
_STATUSES = {
    "active": EmployeeStatus.ACTIVE,
    "employed": EmployeeStatus.ACTIVE,
    "inactive": EmployeeStatus.INACTIVE,
    "leave": EmployeeStatus.INACTIVE,
    "on_leave": EmployeeStatus.INACTIVE,
    "suspended": EmployeeStatus.INACTIVE,
    "pending": EmployeeStatus.INACTIVE,
    "terminated": EmployeeStatus.TERMINATED,
    "inactive_terminated": EmployeeStatus.TERMINATED,
    "left": EmployeeStatus.TERMINATED,
}


def default_mapping() -> dict[str, str]:
    return {field.value: field.value for field in UnifiedField}


async def load_mapping(session: AsyncSession, organization_id: uuid.UUID) -> dict[str, str]:
    """The effective mapping: the organisation's overrides on top of the unified names."""
    row = await _row(session, organization_id)
    return default_mapping() | (row.fields if row is not None else {})


async def _row(session: AsyncSession, organization_id: uuid.UUID) -> HrisFieldMapping | None:
    statement = select(HrisFieldMapping).where(HrisFieldMapping.organization_id == organization_id)
    return (await session.exec(statement)).first()


async def get_mapping(session: AsyncSession, principal: Principal) -> HrisFieldMappingRead:
    require_admin(principal, "configure the HRIS field mapping")
    row = await _row(session, principal.organization_id)
    fields = default_mapping() | (row.fields if row is not None else {})
    return HrisFieldMappingRead.model_validate(
        {"fields": fields, "version": row.version if row is not None else 0}
    )


async def set_mapping(
    session: AsyncSession,
    principal: Principal,
    data: HrisFieldMappingUpdate,
    expected_version: int | None,
) -> HrisFieldMappingRead:
    """Replace the organisation's mapping. Version 0 stands for "never configured"."""
    require_admin(principal, "configure the HRIS field mapping")
    fields = {str(field): name for field, name in data.fields.items()}
    sources = list(default_mapping() | fields)
    targets = [(default_mapping() | fields)[f] for f in sources]
    clashes = sorted({t for t in targets if targets.count(t) > 1})
    if clashes:
        raise Invalid(
            "Two unified fields cannot read the same HRIS field.",
            errors=[
                field_error("fields", f"{name!r} is used twice", "duplicate") for name in clashes
            ],
        )
    row = await _row(session, principal.organization_id)
    check_version(row.version if row is not None else 0, expected_version, "field mapping")
    if row is None:
        row = HrisFieldMapping(organization_id=principal.organization_id, fields=fields)
        session.add(row)
    else:
        row.fields = fields
    await flush_versioned(session, "field mapping")
    return HrisFieldMappingRead.model_validate(
        {"fields": default_mapping() | fields, "version": row.version}
    )


@dataclass(frozen=True, slots=True)
class HrisEmployee:
    """A unified employee read from a source record."""

    record: EmployeeSyncRecord
    updated_at: datetime | None


def _lookup(data: Mapping[str, Any], dotted: str) -> tuple[bool, Any]:
    if dotted in data:
        return True, data[dotted]
    current: Any = data
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return False, None
        current = current[part]
    return True, current


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def source_names(mapping: Mapping[str, str]) -> dict[str, str]:
    """The source's name of each field of an employee record (``given_name`` -> ``firstName``),
    so that what is refused is named as the HRIS names it."""
    return {
        record_field: mapping.get(field.value, field.value)
        for field, record_field in _RECORD_FIELDS.items()
    }


def read_employee(data: Mapping[str, Any], mapping: Mapping[str, str]) -> HrisEmployee:
    """The unified employee in ``data``, whose fields are named as ``mapping`` says.

    Fields absent from ``data`` are left unset (unchanged); present but blank ones clear the
    value. Errors name the source's own field names.
    """
    return employee_reader(mapping)(data)


# Validating straight with the model's pydantic validator: SQLModel's model_validate adds a
# wrapper that doubles the cost of a record, which counts over an export of 100,000 rows.
_validate_record = EmployeeSyncRecord.__pydantic_validator__.validate_python


def employee_reader(mapping: Mapping[str, str]) -> Callable[[Mapping[str, Any]], HrisEmployee]:
    """``read_employee`` for many records of one source: the names are worked out once."""
    source_name = {field: mapping.get(field.value, field.value) for field in UnifiedField}
    lookups = [(source_name[field], record_field) for field, record_field in _RECORD_FIELDS.items()]
    id_name = source_name[UnifiedField.ID]
    status_name = source_name[UnifiedField.EMPLOYMENT_STATUS]
    reverse = source_names(mapping)

    def read(data: Mapping[str, Any]) -> HrisEmployee:
        values: dict[str, Any] = {}
        for name, record_field in lookups:
            found, value = _lookup(data, name)
            if found:
                values[record_field] = _blank_to_none(value)
        for key in ("external_id", "manager_external_id"):
            if isinstance(values.get(key), int):
                values[key] = str(values[key])
        if values.get("external_id") is None:
            raise Invalid(
                "The employee has no id.",
                code="missing_employee_id",
                errors=[field_error(id_name, "required", "missing")],
            )
        status = values.get("status")
        if isinstance(status, str):
            normalised = status.strip().lower().replace(" ", "_").replace("-", "_")
            if normalised not in _STATUSES:
                raise Invalid(
                    f"Unknown employment status {status!r}.",
                    errors=[field_error(status_name, "expected active, inactive or terminated")],
                )
            values["status"] = _STATUSES[normalised]
        try:
            record = _validate_record(values)
        except ValidationError as exc:
            raise Invalid(
                "The employee record has invalid fields; see errors.",
                errors=[
                    field_error(
                        reverse.get(str(error["loc"][0]), str(error["loc"][0]))
                        if error["loc"]
                        else "",
                        error["msg"],
                        error["type"],
                    )
                    for error in exc.errors()
                ],
            ) from exc
        return HrisEmployee(record=record, updated_at=_read_time(data, source_name))

    return read


def _read_time(data: Mapping[str, Any], source_name: Mapping[UnifiedField, str]) -> datetime | None:
    found, value = _lookup(data, source_name[UnifiedField.UPDATED_AT])
    if not found or value in (None, ""):
        return None
    return parse_timestamp(value, source_name[UnifiedField.UPDATED_AT])


def parse_timestamp(value: Any, field: str) -> datetime:
    """An ISO 8601 time with a zone, or Unix seconds."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise Invalid(
        f"{field} is not a time with a time zone.",
        errors=[field_error(field, "expected ISO 8601 with a zone, e.g. 2026-05-01T09:00:00Z")],
    )
