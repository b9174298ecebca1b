"""Applying a whole HRIS export at once: the rules of ``apply_employee``, set-based.

``apply_employee`` applies one description with a few statements; a directory of 100,000
people cannot afford a dozen round trips a person. Here the organisation's directory is
read once, every description is applied in the file's order to that picture in memory, by
the same rules (``employees.sync`` and ``employees.service`` state them; the tests prove
both paths leave the same directory and the same events), and only what changed is
written, in batches:

1. employees that changed, one ``UPDATE`` each in a single executemany (in the file's
   order, so that an e-mail one person gives up can be taken by the next);
2. new employees, in multi-row ``INSERT`` batches, each manager before their reports;
3. one pass linking existing employees to managers who arrived in this file;
4. the outbox events, in multi-row ``INSERT`` batches, in the order one by one would
   have written them.

An unchanged description writes nothing: no version, no ``updated_at``, no event.
Terminations keep their cascade (pairs, places, groups): they go through
``integrations.offboarding`` one by one once the rest is written.
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import new_id, utcnow
from app.domain.access.authentication import credentials
from app.domain.access.principal import Principal, Role
from app.domain.employees import service as employees
from app.domain.employees.models import (
    MOVE_FIELDS,
    Employee,
    EmployeeMove,
    EmployeeRead,
    EmployeeStatus,
)
from app.domain.employees.sync import _NOT_COLUMNS, _REQUIRED_TO_CREATE, SyncOutcome
from app.domain.errors import Conflict, DomainError, Invalid, NotFound, field_error
from app.domain.events.models import EVENT_SCHEMA_VERSION, OutboxEvent
from app.domain.integrations.hris.apply import TERMINATED
from app.domain.integrations.hris.mapping import HrisEmployee
from app.domain.integrations.offboarding import offboard

EMPLOYEES = Employee.__table__  # type: ignore[attr-defined]
EVENTS = OutboxEvent.__table__  # type: ignore[attr-defined]
MOVES = EmployeeMove.__table__  # type: ignore[attr-defined]
# Columns a description can change (with the bookkeeping that goes with a change).
_SYNCED = (
    "email",
    "user_name",
    "given_name",
    "family_name",
    "job_title",
    "department",
    "location",
    "hire_date",
    "status",
    "terminated_on",
    "manager_id",
    "pending_manager_external_id",
    "source_updated_at",
    "updated_at",
    "version",
)
_UNIQUE = (("email", "email"), ("external_id", "external_id"), ("user_name", "user_name"))
BATCH = 1000

T = TypeVar("T")
Person = dict[str, Any]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Description:
    """One row of the export, read and validated: what ``apply_employee`` receives."""

    line: int
    source: HrisEmployee
    occurred_at: datetime
    terminating: bool = False


@dataclass
class BulkResult:
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, DomainError]] = field(default_factory=list)


@dataclass(slots=True)
class _Offboarding:
    line: int
    employee_id: uuid.UUID
    terminated_on: date
    source_updated_at: datetime


class _Directory:
    """The organisation's employees in memory, with the indexes the rules look up."""

    def __init__(self, organization_id: uuid.UUID, rows: Iterable[Person]) -> None:
        self.organization_id = organization_id
        self.people: dict[uuid.UUID, Person] = {}
        self.stored: dict[uuid.UUID, int] = {}  # id -> version as read
        self.index: dict[str, dict[Any, uuid.UUID]] = {name: {} for name, _ in _UNIQUE}
        self.waiting: dict[str, set[uuid.UUID]] = {}
        for row in rows:
            self.people[row["id"]] = row
            self.stored[row["id"]] = row["version"]
            self._index(row)
        self.changed: dict[uuid.UUID, None] = {}  # employees to write, in order of change
        self.events: list[dict[str, Any]] = []
        self.moves: list[dict[str, Any]] = []  # rows of ``employee_moves``

    def moved(self, person: Person, values: dict[str, Any], now: datetime) -> None:
        """``history.record_moves``: a department or job title that changed (a first value,
        from nothing, is not a move)."""
        for name in MOVE_FIELDS:
            old = person[name]
            if name not in values or old is None or old == values[name]:
                continue
            self.moves.append(
                {
                    "id": new_id(),
                    "organization_id": self.organization_id,
                    "employee_id": person["id"],
                    "field": name,
                    "from_value": old,
                    "to_value": values[name],
                    "changed_at": now,
                }
            )

    def _index(self, person: Person) -> None:
        for name, _ in _UNIQUE:
            if person[name] is not None:
                self.index[name][person[name]] = person["id"]
        if person["pending_manager_external_id"] is not None:
            self.waiting.setdefault(person["pending_manager_external_id"], set()).add(person["id"])

    def _unindex(self, person: Person) -> None:
        for name, _ in _UNIQUE:
            if person[name] is not None and self.index[name].get(person[name]) == person["id"]:
                del self.index[name][person[name]]
        pending = person["pending_manager_external_id"]
        if pending is not None:
            self.waiting.get(pending, set()).discard(person["id"])

    def by_external_id(self, external_id: str) -> Person | None:
        found = self.index["external_id"].get(external_id)
        return self.people[found] if found is not None else None

    def set(self, person: Person, values: dict[str, Any]) -> None:
        self._unindex(person)
        person.update(values)
        self._index(person)

    def add(self, person: Person) -> None:
        self.people[person["id"]] = person
        self._index(person)

    def ensure_unique(self, values: dict[str, Any], own_id: uuid.UUID | None) -> None:
        """``employees._ensure_unique``, against the directory in memory."""
        for name, _ in _UNIQUE:
            value = values.get(name)
            if value is None:
                continue
            holder = self.index[name].get(value)
            if holder is not None and holder != own_id:
                raise employees.duplicate(name)

    def check_manager(self, employee_id: uuid.UUID, manager_id: uuid.UUID) -> None:
        """``employees._check_manager``: no self-management, no reporting cycle."""
        if manager_id == employee_id:
            raise employees.own_manager()
        seen: set[uuid.UUID] = set()
        current: uuid.UUID | None = manager_id
        while current is not None and current not in seen:
            if current == employee_id:
                raise employees.reporting_cycle()
            seen.add(current)
            current = self.people[current]["manager_id"] if current in self.people else None

    def changed_by(self, person: Person, now: datetime) -> None:
        """One write of ``person`` (a flush, one by one): a new version."""
        person["version"] += 1
        person["updated_at"] = now
        self.changed[person["id"]] = None

    def event(self, principal: Principal, type_: str, person: Person, **data: Any) -> None:
        self.events.append(
            {
                "id": new_id(),
                "organization_id": self.organization_id,
                "type": type_,
                "occurred_at": utcnow(),
                "subject_type": "employee",
                "subject_id": person["id"],
                "data": data,
                "schema_version": EVENT_SCHEMA_VERSION,
                "actor": principal.actor,
                "dispatched_at": None,
            }
        )


_SHOWN = tuple(EmployeeRead.model_fields)


def snapshot(person: Person) -> dict[str, Any]:
    """The employee as the API shows it (what ``employees.announce`` puts in events):
    ``EmployeeRead(...).model_dump(mode="json")``, which costs ten times as much."""
    return {name: _json(person.get(name)) for name in _SHOWN}


def _json(value: Any) -> Any:
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, str):
        return str(value)  # an enum's value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value


def _defaults() -> Person:
    template = Employee(organization_id=uuid.uuid4(), email="x@example.com")
    row = {c.name: getattr(template, c.name) for c in EMPLOYEES.columns}
    row["status"] = EmployeeStatus(row["status"]).value
    row["role"] = Role(row["role"]).value
    return row


async def apply_employees(
    session: AsyncSession,
    principal: Principal,
    descriptions: Sequence[Description],
    *,
    channel: str,
    progress: Progress | None = None,
) -> BulkResult:
    """Apply ``descriptions`` in order, as ``apply_employee`` would one by one.

    A description that breaks a rule is reported with its line and changes nothing; the
    caller commits only if there is none. Nothing is written when one fails.
    """
    employees._require_write(principal)
    connection = await session.connection()
    rows = await connection.execute(
        select(EMPLOYEES).where(EMPLOYEES.c.organization_id == principal.organization_id)
    )
    keys = list(rows.keys())
    stored = (dict(zip(keys, row, strict=True)) for row in rows)
    directory = _Directory(principal.organization_id, stored)
    result = BulkResult()
    leaving: list[_Offboarding] = []
    defaults = _defaults()
    for done, description in enumerate(descriptions, start=1):
        try:
            outcome = _apply(directory, principal, description, channel, defaults, leaving)
        except DomainError as exc:
            result.errors.append((description.line, exc))
        else:
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
        if progress is not None and (done % 500 == 0 or done == len(descriptions)):
            progress("applying", done, len(descriptions))
    if result.errors:
        return result
    await _write(session, directory, progress)
    credentials.forget_employees(directory.changed.keys())
    for leaver in leaving:
        try:
            async with session.begin_nested():
                employee = await offboard(
                    session,
                    principal,
                    leaver.employee_id,
                    terminated_on=leaver.terminated_on,
                    source_updated_at=leaver.source_updated_at,
                )
                person = {c.name: getattr(employee, c.name) for c in EMPLOYEES.columns}
                directory.events = []
                directory.event(
                    principal,
                    "employee.synced",
                    person,
                    employee=snapshot(person),
                    source=channel,
                    outcome=TERMINATED,
                )
                await connection.execute(insert(EVENTS), directory.events)
        except DomainError as exc:
            result.errors.append((leaver.line, exc))
    return result


def _apply(
    directory: _Directory,
    principal: Principal,
    description: Description,
    channel: str,
    defaults: Person,
    leaving: list[_Offboarding],
) -> str:
    """One description: checked entirely before anything changes, as in a savepoint."""
    record = description.source.record
    source_time = description.source.updated_at or description.occurred_at
    values = record.model_dump(exclude_unset=True)
    terminating = description.terminating or record.status == EmployeeStatus.TERMINATED
    if terminating:
        values.pop("status", None)
    person = directory.by_external_id(record.external_id)
    if terminating and person is None and values.get("email") is None:
        raise NotFound(
            f"No employee with the external id {record.external_id!r} to terminate.",
            code="employee_not_found",
        )
    if (
        person is not None
        and person["source_updated_at"] is not None
        and source_time < person["source_updated_at"]
    ):
        return SyncOutcome.STALE.value
    changes = {k: v for k, v in values.items() if k not in _NOT_COLUMNS}
    if values.get("status") is not None:
        changes["status"] = EmployeeStatus(values["status"]).value
    names_manager = "manager_external_id" in values
    manager_external_id = values.get("manager_external_id")
    now = utcnow()
    if person is None:
        person = _create(directory, record.external_id, changes, source_time, defaults, now)
        person.update(_manager(directory, person, names_manager, manager_external_id) or {})
        directory.add(person)
        directory.changed[person["id"]] = None
        view = snapshot(person)
        directory.event(principal, "employee.created", person, employee=view)
        outcome = SyncOutcome.CREATED.value
    else:
        changed = _update(directory, principal, person, changes, names_manager, manager_external_id)
        if changed:
            person["source_updated_at"] = source_time
            directory.changed_by(person, now)
            view = snapshot(person)
            directory.event(
                principal, "employee.updated", person, employee=view, changed=sorted(changed)
            )
            outcome = SyncOutcome.UPDATED.value
        else:
            outcome = SyncOutcome.UNCHANGED.value
    _link_waiting_reports(directory, principal, person, now)
    if terminating and person["status"] != EmployeeStatus.TERMINATED.value:
        leaving.append(
            _Offboarding(
                description.line,
                person["id"],
                record.termination_date or description.occurred_at.date(),
                source_time,
            )
        )
        return TERMINATED
    if outcome != SyncOutcome.UNCHANGED.value:
        directory.event(
            principal,
            "employee.synced",
            person,
            employee=view,
            source=channel,
            outcome=outcome,
        )
    return outcome


def _create(
    directory: _Directory,
    external_id: str,
    changes: dict[str, Any],
    source_time: datetime,
    defaults: Person,
    now: datetime,
) -> Person:
    missing = [name for name in _REQUIRED_TO_CREATE if changes.get(name) is None]
    if missing:
        raise Invalid(
            "A new employee needs an e-mail, a given name and a family name.",
            code="incomplete_employee",
            errors=[
                field_error(name, "required to create an employee", "missing") for name in missing
            ],
        )
    directory.ensure_unique({**changes, "external_id": external_id}, None)
    person = dict(defaults)
    person.update(changes)
    person.update(
        id=new_id(),
        organization_id=directory.organization_id,
        external_id=external_id,
        source_updated_at=source_time,
        created_at=now,
        updated_at=now,
        languages=[],
    )
    return person


def _manager(
    directory: _Directory, person: Person, names_manager: bool, manager_external_id: str | None
) -> dict[str, Any] | None:
    """``sync._set_manager``: the manager's columns, or None when the row names none."""
    if not names_manager:
        return None
    if manager_external_id is None:
        return {"manager_id": None, "pending_manager_external_id": None}
    manager = directory.by_external_id(manager_external_id)
    if manager is None and manager_external_id == person["external_id"]:
        manager = person  # a new employee naming themself
    if manager is None:
        return {"manager_id": None, "pending_manager_external_id": manager_external_id}
    if manager is person:
        raise employees.own_manager()
    if manager["id"] != person["manager_id"] and person["id"] in directory.people:
        # A link kept as it is cannot close a cycle; nor can a new employee's, who has no
        # reports yet.
        directory.check_manager(person["id"], manager["id"])
    return {"manager_id": manager["id"], "pending_manager_external_id": None}


def _update(
    directory: _Directory,
    principal: Principal,
    person: Person,
    changes: dict[str, Any],
    names_manager: bool,
    manager_external_id: str | None,
) -> list[str]:
    for required in _REQUIRED_TO_CREATE:
        if required in changes and changes[required] is None:
            raise Invalid(
                f"{required} cannot be cleared.",
                errors=[field_error(required, "cannot be null", "required")],
            )
    directory.ensure_unique(
        {"email": changes.get("email"), "user_name": changes.get("user_name")}, person["id"]
    )
    if changes.get("status") == EmployeeStatus.ACTIVE.value and person["terminated_on"] is not None:
        changes["terminated_on"] = None  # rehired
    changed = [name for name, value in changes.items() if person[name] != value]
    employees.guard_identity_of_role(principal, person["role"], changed)
    manager = _manager(directory, person, names_manager, manager_external_id)
    values = {name: changes[name] for name in changed}
    if manager is not None:
        before = (person["manager_id"], person["pending_manager_external_id"])
        if (manager["manager_id"], manager["pending_manager_external_id"]) != before:
            changed.append("manager_id")
            values.update(manager)
    if changed:
        directory.moved(person, values, utcnow())
        directory.set(person, values)
    return changed


def _link_waiting_reports(
    directory: _Directory, principal: Principal, manager: Person, now: datetime
) -> None:
    """``sync.link_waiting_reports``: who named this manager before they arrived."""
    if manager["external_id"] is None:
        return
    for report_id in sorted(directory.waiting.get(manager["external_id"], ())):
        try:
            directory.check_manager(report_id, manager["id"])
        except DomainError:
            continue  # a reporting cycle in the source's data: the link waits for a fix
        report = directory.people[report_id]
        directory.set(report, {"manager_id": manager["id"], "pending_manager_external_id": None})
        directory.changed_by(report, now)
        directory.event(
            principal,
            "employee.updated",
            report,
            employee=snapshot(report),
            changed=["manager_id"],
        )


async def _write(session: AsyncSession, directory: _Directory, progress: Progress | None) -> None:
    connection = await session.connection()
    stored = [i for i in directory.changed if i in directory.stored]
    created = [i for i in directory.changed if i not in directory.stored]
    new = set(created)
    total = len(stored) + len(created) + len(directory.events)
    written = 0

    def advance(n: int) -> None:
        nonlocal written
        written += n
        if progress is not None:
            progress("writing", written, total)

    # 1. Changed employees, after checking nobody else changed them since they were read
    # (FOR UPDATE keeps it so on PostgreSQL; SQLite's write lock is held since BEGIN).
    for chunk in _chunks(stored, BATCH):
        versions = await connection.execute(
            select(EMPLOYEES.c.id, EMPLOYEES.c.version)
            .where(EMPLOYEES.c.id.in_(chunk))
            .with_for_update()
        )
        if any(version != directory.stored[i] for i, version in versions):
            raise Conflict(
                "Employees changed while the file was being imported; import it again.",
                code="version_mismatch",
            )
    later_links: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for identifier in stored:
        person = directory.people[identifier]
        row = {f"v_{name}": person[name] for name in _SYNCED}
        row["v_id"] = identifier
        if person["manager_id"] in new:
            # The manager is inserted below: linked once they are.
            later_links.append({"v_id": identifier, "v_manager_id": person["manager_id"]})
            row["v_manager_id"] = None
        updates.append(row)
    if updates:
        statement = (
            update(EMPLOYEES)
            .where(EMPLOYEES.c.id == bindparam("v_id"))
            .values({name: bindparam(f"v_{name}") for name in _SYNCED})
        )
        for batch in _chunks(updates, BATCH):
            await connection.execute(statement, batch)
            advance(len(batch))
    # 2. New employees, each manager before their reports (the foreign key holds).
    for chunk in _chunks(_managers_first(directory, created), BATCH):
        await connection.execute(insert(EMPLOYEES), [directory.people[i] for i in chunk])
        advance(len(chunk))
    # 3. One pass linking existing employees to managers who arrived in this file.
    if later_links:
        link = (
            update(EMPLOYEES)
            .where(EMPLOYEES.c.id == bindparam("v_id"))
            .values(manager_id=bindparam("v_manager_id"))
        )
        for batch in _chunks(later_links, BATCH):
            await connection.execute(link, batch)
    # 4. The events, in the order one by one would have written them.
    for batch in _chunks(directory.events, BATCH):
        await connection.execute(insert(EVENTS), batch)
        advance(len(batch))
    # 5. Departments and job titles that changed, for the mobility figures.
    for batch in _chunks(directory.moves, BATCH):
        await connection.execute(insert(MOVES), batch)


def _managers_first(directory: _Directory, created: list[uuid.UUID]) -> list[uuid.UUID]:
    """``created`` ordered so that a manager comes before their reports."""
    new = set(created)
    depth: dict[uuid.UUID, int] = {}
    for identifier in created:
        chain = []
        current: uuid.UUID | None = identifier
        while current in new and current not in depth:
            chain.append(current)
            current = directory.people[current]["manager_id"]
        level = depth.get(current, -1) if current is not None else -1
        for member in reversed(chain):
            level += 1
            depth[member] = level
    return sorted(created, key=depth.__getitem__)


def _chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
