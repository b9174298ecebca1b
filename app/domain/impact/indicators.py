"""Use cases of success indicators: recording their measurements and binding them to a
figure the service computes.

Managers (and administrators) record and bind; whoever reads the program's mentoring
(its managers, administrators, ``read`` keys) reads the measurements, audited.
"""

import uuid
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.impact.models import (
    AssessmentItem,
    BindingRead,
    BindingWrite,
    Computation,
    IndicatorBinding,
    IndicatorMeasurement,
    MeasurementCreate,
    MeasurementRead,
    Side,
)
from app.domain.programs import access as program_access
from app.domain.programs.models import Objective, Program
from app.domain.programs.service import get_program, program_for_change


def measurement_read(measurement: IndicatorMeasurement) -> MeasurementRead:
    return MeasurementRead.model_validate(measurement, from_attributes=True)


def binding_read(binding: IndicatorBinding) -> BindingRead:
    return BindingRead.model_validate(binding, from_attributes=True)


def indicator_not_found() -> NotFound:
    return NotFound("Success indicator not found.", code="indicator_not_found")


async def _objective(
    session: AsyncSession, program: Program, objective_id: uuid.UUID, indicator: int
) -> Objective:
    objective = await session.get(Objective, objective_id)
    if objective is None or objective.program_id != program.id:
        raise NotFound("Objective not found.", code="objective_not_found")
    if not 0 <= indicator < len(objective.success_indicators):
        raise indicator_not_found()
    return objective


async def read_program(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, action: str
) -> Program:
    """A program whose mentoring figures the caller may read; the read is audited."""
    program = await get_program(session, principal, program_id)
    program_access.require_reads_mentoring(principal, program)
    await audit.record(session, principal, action, "program", program.id)
    return program


async def record_measurement(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: int,
    data: MeasurementCreate,
) -> IndicatorMeasurement:
    program = await program_for_change(session, principal, program_id)
    objective = await _objective(session, program, objective_id, indicator)
    if data.measured_on > utcnow().date():
        raise Invalid(
            "A measurement describes a day that has come.",
            code="measurement_in_future",
            errors=[field_error("measured_on", "must not be after today", "in_future")],
        )
    bound = await _binding(session, objective.id, indicator)
    if bound is not None:
        raise Conflict(
            "This indicator is computed by the service; unbind it to enter values by hand.",
            code="indicator_computed",
        )
    measurement = IndicatorMeasurement(
        organization_id=program.organization_id,
        program_id=program.id,
        objective_id=objective.id,
        indicator=indicator,
        recorded_by=principal.actor,
        **data.model_dump(),
    )
    session.add(measurement)
    await session.flush()
    return measurement


async def list_measurements(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: int,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[IndicatorMeasurement]:
    program = await read_program(session, principal, program_id, "indicator_measurements.read")
    objective = await _objective(session, program, objective_id, indicator)
    statement = select(IndicatorMeasurement).where(
        IndicatorMeasurement.organization_id == program.organization_id,
        IndicatorMeasurement.objective_id == objective.id,
        IndicatorMeasurement.indicator == indicator,
    )
    return await pagination.paginate(
        session,
        statement,
        keys=[IndicatorMeasurement.measured_on, IndicatorMeasurement.id],
        limit=limit,
        cursor=cursor,
    )


async def delete_measurement(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    measurement_id: uuid.UUID,
) -> None:
    program = await program_for_change(session, principal, program_id)
    measurement = await session.get(IndicatorMeasurement, measurement_id)
    if measurement is None or measurement.program_id != program.id:
        raise NotFound("Measurement not found.", code="measurement_not_found")
    await session.delete(measurement)
    await session.flush()


async def _binding(
    session: AsyncSession, objective_id: uuid.UUID, indicator: int
) -> IndicatorBinding | None:
    return (
        await session.exec(
            select(IndicatorBinding).where(
                IndicatorBinding.objective_id == objective_id,
                IndicatorBinding.indicator == indicator,
            )
        )
    ).first()


async def _check_binding(session: AsyncSession, program: Program, data: BindingWrite) -> None:
    if data.computation == Computation.MENTEES_LOGGED_TOPIC and data.topic is None:
        raise Invalid(
            "Name the topic whose sessions count.",
            errors=[field_error("topic", "required for mentees_logged_topic", "required")],
        )
    if data.computation == Computation.MENTOR_CONFIDENCE:
        item = (
            await session.get(AssessmentItem, data.assessment_item_id)
            if data.assessment_item_id is not None
            else None
        )
        if item is None or item.program_id != program.id or item.side != Side.MENTOR:
            raise Invalid(
                "Name a mentor-side assessment item of the program.",
                code="assessment_item_not_usable",
                errors=[
                    field_error(
                        "assessment_item_id", "a mentor-side item of the program", "invalid"
                    )
                ],
            )


async def bind_indicator(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: int,
    data: BindingWrite,
    expected_version: int | None = None,
) -> IndicatorBinding:
    program = await program_for_change(session, principal, program_id)
    objective = await _objective(session, program, objective_id, indicator)
    await _check_binding(session, program, data)
    fields: dict[str, Any] = {
        "computation": data.computation,
        "topic": data.topic if data.computation == Computation.MENTEES_LOGGED_TOPIC else None,
        "assessment_item_id": (
            data.assessment_item_id if data.computation == Computation.MENTOR_CONFIDENCE else None
        ),
    }
    binding = await _binding(session, objective.id, indicator)
    if binding is None:
        binding = IndicatorBinding(
            organization_id=program.organization_id,
            program_id=program.id,
            objective_id=objective.id,
            indicator=indicator,
            **fields,
        )
        session.add(binding)
        await session.flush()
        return binding
    check_version(binding.version, expected_version, "binding")
    for name, value in fields.items():
        setattr(binding, name, value)
    await flush_versioned(session, "binding")
    return binding


async def unbind_indicator(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: int,
) -> None:
    program = await program_for_change(session, principal, program_id)
    objective = await _objective(session, program, objective_id, indicator)
    binding = await _binding(session, objective.id, indicator)
    if binding is None:
        raise NotFound("This indicator is not bound.", code="binding_not_found")
    await session.delete(binding)
    await session.flush()


async def program_measurements(
    session: AsyncSession, program: Program
) -> dict[tuple[uuid.UUID, int], list[IndicatorMeasurement]]:
    rows = await session.exec(
        select(IndicatorMeasurement)
        .where(
            IndicatorMeasurement.organization_id == program.organization_id,
            IndicatorMeasurement.program_id == program.id,
        )
        .order_by(col(IndicatorMeasurement.measured_on), col(IndicatorMeasurement.id))
    )
    grouped: dict[tuple[uuid.UUID, int], list[IndicatorMeasurement]] = {}
    for row in rows:
        grouped.setdefault((row.objective_id, row.indicator), []).append(row)
    return grouped


async def program_bindings(
    session: AsyncSession, program: Program
) -> dict[tuple[uuid.UUID, int], IndicatorBinding]:
    rows = await session.exec(
        select(IndicatorBinding).where(
            IndicatorBinding.organization_id == program.organization_id,
            IndicatorBinding.program_id == program.id,
        )
    )
    return {(row.objective_id, row.indicator): row for row in rows}


def today() -> date:
    return utcnow().date()
