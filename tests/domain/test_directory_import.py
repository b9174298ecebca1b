"""Importing a directory in bulk gives what applying its rows one by one gives.

The CSV import applies every row to the directory in memory and writes only what changed
(``integrations.hris.bulk``). Each test here runs it on a real database (SQLite and
PostgreSQL) and, where it says so, against the reference: the same rows applied one at a
time by ``apply_employee``, in a second organisation.
"""

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.domain.access.principal import Principal, Role, Scope
from app.domain.employees.models import Employee, EmployeeMove, EmployeeRead, EmployeeStatus
from app.domain.events.models import OutboxEvent
from app.domain.integrations.hris.apply import apply_employee
from app.domain.integrations.hris.bulk import snapshot
from app.domain.integrations.hris.csv_import import (
    CHANNEL,
    ImportReport,
    import_employees,
    read_rows,
)
from app.domain.integrations.hris.mapping import load_mapping, read_employee
from tests.conftest import Tenant, make_tenant

HEADER = "id,email,given_name,family_name,job_title,manager_id,employment_status\n"

# Reports before their managers, a reporting cycle in the source's data (A1 and A2 name
# each other: the second link waits), someone on leave, someone who left.
FIRST = HEADER + (
    "E1,ann@x.example,Ann,One,Engineer,E3,active\n"
    "E2,bob@x.example,Bob,Two,Analyst,E3,leave\n"
    "E3,cat@x.example,Cat,Three,Director,E4,active\n"
    "E4,dan@x.example,Dan,Four,CEO,,active\n"
    "A1,al@x.example,Al,Loop,Clerk,A2,active\n"
    "A2,bea@x.example,Bea,Loop,Clerk,A1,active\n"
    "L1,lea@x.example,Lea,Left,Clerk,E4,terminated\n"
    "W1,wes@x.example,Wes,Waits,Clerk,NOBODY,active\n"
)
# A title changes, Bob gives up his e-mail and a newcomer takes it, Ann moves under a
# manager who arrives in this file, Lea is rehired, Al's waiting link is dropped (naming
# A2 again would be refused: a cycle), the rest is as it was.
SECOND = HEADER + (
    "E1,ann@x.example,Ann,One,Engineer,N2,active\n"
    "E2,bob.two@x.example,Bob,Two,Senior Analyst,E3,active\n"
    "E3,cat@x.example,Cat,Three,Director,E4,active\n"
    "E4,dan@x.example,Dan,Four,CEO,,active\n"
    "A1,al@x.example,Al,Loop,Clerk,,active\n"
    "A2,bea@x.example,Bea,Loop,Clerk,A1,active\n"
    "L1,lea@x.example,Lea,Left,Clerk,E4,active\n"
    "N1,bob@x.example,Newt,Comer,Intern,E2,active\n"
    "N2,nia@x.example,Nia,New,Manager,E4,active\n"
    "W1,wes@x.example,Wes,Waits,Clerk,NOBODY,active\n"
)


async def bulk(app: FastAPI, tenant: Tenant, text: str) -> ImportReport:
    async with unit_of_work(app.state.session_factory) as session:
        report = await import_employees(session, tenant.organization_id, text)
        if report.errors:
            await session.rollback()
        return report


async def one_by_one(app: FastAPI, tenant: Tenant, text: str) -> dict[str, int]:
    """The reference: each row applied by ``apply_employee`` in a savepoint of its own."""
    principal = Principal.for_integration(tenant.organization_id, CHANNEL, Scope.HRIS_SYNC)
    outcomes: dict[str, int] = defaultdict(int)
    started = utcnow()
    async with unit_of_work(app.state.session_factory) as session:
        mapping = await load_mapping(session, tenant.organization_id)
        for line, row in read_rows(text):
            async with session.begin_nested():
                change = await apply_employee(
                    session,
                    principal,
                    read_employee(row, mapping),
                    occurred_at=started + timedelta(microseconds=line),
                    channel=CHANNEL,
                )
            outcomes[change.outcome] += 1
    return dict(outcomes)


async def directory(session: AsyncSession, organization_id: uuid.UUID) -> dict[str | None, Any]:
    people = (
        await session.exec(select(Employee).where(Employee.organization_id == organization_id))
    ).all()
    rows = {e.id: e for e in people}
    return {
        e.external_id: {
            "email": e.email,
            "name": (e.given_name, e.family_name),
            "job_title": e.job_title,
            "status": e.status,
            "terminated_on": e.terminated_on,
            "manager": rows[e.manager_id].external_id if e.manager_id else None,
            "waiting_for": e.pending_manager_external_id,
        }
        for e in rows.values()
    }


async def events(session: AsyncSession, organization_id: uuid.UUID) -> dict[str, list[Any]]:
    """Each employee's events, in order: type, fields changed or outcome, what it shows."""
    rows = (
        await session.exec(
            select(OutboxEvent)
            .where(
                OutboxEvent.organization_id == organization_id,
                OutboxEvent.subject_type == "employee",
            )
            .order_by(col(OutboxEvent.id))
        )
    ).all()
    by_person: dict[str, list[Any]] = defaultdict(list)
    for event in rows:
        shown = event.data["employee"]
        by_person[shown["external_id"]].append(
            (
                event.type,
                event.data.get("changed") or event.data.get("outcome"),
                shown["email"],
                shown["job_title"],
                shown["status"],
                shown["manager_id"] is not None,
            )
        )
    return dict(by_person)


async def moves(app: FastAPI, organization_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """The departments and job titles that changed, as the mobility figures read them."""
    async with app.state.session_factory() as session:
        rows = await session.exec(
            select(
                Employee.external_id,
                EmployeeMove.field,
                EmployeeMove.from_value,
                EmployeeMove.to_value,
            )
            .join(Employee, col(Employee.id) == EmployeeMove.employee_id)
            .where(col(EmployeeMove.organization_id) == organization_id)
        )
        return sorted(tuple(row) for row in rows.all())


async def state(app: FastAPI, organization_id: uuid.UUID) -> tuple[Any, Any]:
    async with app.state.session_factory() as session:
        return await directory(session, organization_id), await events(session, organization_id)


async def test_bulk_import_leaves_what_one_by_one_leaves(app: FastAPI, tenant: Tenant) -> None:
    reference = await make_tenant(app, tenant.client, "Reference")
    for text, expected in (
        (FIRST, {"created": 7, "terminated": 1}),
        (SECOND, {"created": 2, "updated": 4, "unchanged": 4}),
    ):
        report = await bulk(app, tenant, text)
        assert report.errors == []
        assert report.outcomes == expected
        assert await one_by_one(app, reference, text) == expected
        ours, theirs = (
            await state(app, tenant.organization_id),
            await state(app, reference.organization_id),
        )
        assert ours[0] == theirs[0]
        assert ours[1] == theirs[1]
        assert await moves(app, tenant.organization_id) == await moves(
            app, reference.organization_id
        )

    people, history = await state(app, tenant.organization_id)
    assert people["E1"]["manager"] == "N2"  # an existing employee, under a newcomer
    assert people["N1"]["email"] == "bob@x.example"  # taken once Bob gave it up
    assert people["L1"]["status"] == "active"
    assert people["L1"]["terminated_on"] is None
    assert (people["A1"]["manager"], people["A1"]["waiting_for"]) == (None, None)
    assert (people["A2"]["manager"], people["A2"]["waiting_for"]) == ("A1", None)
    assert people["W1"]["waiting_for"] == "NOBODY"
    # Bob's new title is a move; first values (from nothing) are not.
    assert await moves(app, tenant.organization_id) == [
        ("E2", "job_title", "Analyst", "Senior Analyst")
    ]
    # Al and Bea named each other: Bea's link held, Al's waited (until dropped above).
    assert ("employee.updated", ["manager_id"]) in [e[:2] for e in history["A1"]]
    # Ann came before her manager: created waiting, then linked when Cat arrived.
    assert [e[:2] for e in history["E1"][:3]] == [
        ("employee.created", None),
        ("employee.synced", "created"),
        ("employee.updated", ["manager_id"]),
    ]


async def test_reimporting_the_same_file_writes_nothing(app: FastAPI, tenant: Tenant) -> None:
    assert (await bulk(app, tenant, FIRST)).errors == []
    # The cycle's rows aside (naming A2 again is refused, one by one as well).
    same = "".join(line for line in FIRST.splitlines(keepends=True) if not line.startswith("A"))

    async def snapshot() -> tuple[Any, ...]:
        async with app.state.session_factory() as session:
            people = (
                await session.exec(
                    select(Employee.external_id, Employee.version, Employee.updated_at).where(
                        Employee.organization_id == tenant.organization_id
                    )
                )
            ).all()
            count = len(
                (
                    await session.exec(
                        select(OutboxEvent.id).where(
                            OutboxEvent.organization_id == tenant.organization_id
                        )
                    )
                ).all()
            )
            return sorted(tuple(p) for p in people), count

    before = await snapshot()
    again = await bulk(app, tenant, same)
    assert again.errors == []
    assert again.outcomes == {"unchanged": 6}
    assert await snapshot() == before  # no version, no timestamp, no event


async def test_one_faulty_row_writes_nothing_and_every_fault_is_named(
    app: FastAPI, tenant: Tenant
) -> None:
    assert (await bulk(app, tenant, FIRST)).errors == []
    before = await state(app, tenant.organization_id)
    faulty = HEADER + (
        "N1,ann@x.example,Newt,Comer,Intern,,active\n"  # Ann's e-mail
        "N2,nia@x.example,,New,Manager,,active\n"  # a new employee without a given name
        "N3,ned@x.example,Ned,Self,Clerk,N3,active\n"  # their own manager
        "E4,dan@x.example,Dan,Four,CEO,E1,active\n"  # Dan under Ann, who reports to him
        "E2,bob@x.example,Bob,Two,Analyst,E3,fired\n"  # no such status
        "N4,nia@x.example,Nia,New,Manager,,active\n"  # fine: N2 failed, its e-mail is free
    )
    report = await bulk(app, tenant, faulty)
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "email"),
        (3, "given_name"),
        (4, "manager_id"),
        (5, "manager_id"),
        (6, "employment_status"),
    ]
    assert await state(app, tenant.organization_id) == before


def test_events_show_the_employee_as_the_api_does() -> None:
    """The bulk path writes snapshots without pydantic: they must be what pydantic writes."""
    person: dict[str, Any] = {
        "id": uuid.uuid4(),
        "organization_id": uuid.uuid4(),
        "external_id": "E1",
        "email": "ann@x.example",
        "user_name": None,
        "given_name": "Ann",
        "family_name": "One",
        "job_title": "Engineer",
        "department": None,
        "location": "Paris",
        "manager_id": uuid.uuid4(),
        "seniority_level": 3,
        "birth_year": 1990,
        "hire_date": date(2020, 2, 29),
        "languages": ["en", "fr"],
        "timezone": "Europe/Paris",
        "status": EmployeeStatus.INACTIVE,
        "terminated_on": None,
        "erased_at": None,
        "role": Role.PROGRAM_MANAGER,
        "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
        "version": 2,
        "pending_manager_external_id": None,
    }
    for changes in ({}, {"status": "terminated", "terminated_on": date(2026, 5, 1)}):
        person |= changes
        assert snapshot(person) == EmployeeRead.model_validate(person).model_dump(mode="json")
