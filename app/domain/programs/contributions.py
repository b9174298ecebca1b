"""Use cases of consultation contributions: stakeholders answer, managers decide.

A contribution is a comment, a concern, a proposed objective or the endorsement of an
objective. A manager accepts it (linking the objective it created or changed) or declines it
with a reason; the consultation closes only when none waits for a decision.
"""

import uuid
from collections.abc import Sequence

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.programs import access
from app.domain.programs.consultation import (
    ConsultationAccess,
    consultation_access,
    managed_consultation,
    require_open,
)
from app.domain.programs.consultation_models import (
    Consultation,
    Contribution,
    ContributionCreate,
    ContributionDecision,
    ContributionFilter,
    ContributionKind,
    ContributionRead,
    ContributionResolution,
    ContributionStatus,
    ProposedObjective,
    Stakeholder,
)
from app.domain.programs.models import Objective, Program, ProgramStatus
from app.domain.programs.objectives import add_objective


def to_read(contribution: Contribution) -> ContributionRead:
    return ContributionRead.model_validate(contribution)


def _not_found() -> NotFound:
    return NotFound("Contribution not found.", code="contribution_not_found")


def _invalid(field: str, message: str, kind: str) -> Invalid:
    return Invalid(
        message[0].upper() + message[1:] + ".", errors=[field_error(field, message, kind)]
    )


async def _objective_of(
    session: AsyncSession, program: Program, objective_id: uuid.UUID, field: str
) -> Objective:
    objective = await session.get(Objective, objective_id)
    if objective is None or objective.program_id != program.id:
        raise _invalid(field, "no objective of this program has this id", "not_found")
    return objective


async def _contributor(
    session: AsyncSession, principal: Principal, seen: ConsultationAccess, wanted: uuid.UUID | None
) -> Stakeholder:
    """The stakeholder a contribution is from: the caller, or one a manager names."""
    own = seen.stakeholder
    manages = access.manages(principal, seen.program)
    if wanted is None:
        if own is not None:
            return own
        if manages:
            raise _invalid("stakeholder_id", "name the stakeholder you record this for", "required")
        raise Forbidden("Only invited stakeholders contribute.", code="not_invited")
    if own is not None and own.id == wanted:
        return own
    if not manages:
        raise Forbidden(
            "Only the program's managers record contributions for others.",
            code="not_program_manager",
        )
    stakeholder = await session.get(Stakeholder, wanted)
    if stakeholder is None or stakeholder.consultation_id != seen.consultation.id:
        raise _invalid("stakeholder_id", "no stakeholder of this consultation", "not_found")
    return stakeholder


async def _check_content(session: AsyncSession, program: Program, data: ContributionCreate) -> None:
    kind = data.kind
    needs_body = kind in (ContributionKind.COMMENT, ContributionKind.CONCERN)
    if needs_body and not (data.body and data.body.strip()):
        raise _invalid("body", f"a {kind} needs a body", "required")
    if kind == ContributionKind.PROPOSED_OBJECTIVE and data.proposal is None:
        raise _invalid("proposal", "a proposed objective needs a proposal", "required")
    if kind != ContributionKind.PROPOSED_OBJECTIVE and data.proposal is not None:
        raise _invalid("proposal", "only proposed objectives carry a proposal", "not_allowed")
    if kind == ContributionKind.ENDORSEMENT:
        if data.objective_id is None:
            raise _invalid("objective_id", "an endorsement names the objective", "required")
        await _objective_of(session, program, data.objective_id, "objective_id")
    elif data.objective_id is not None:
        raise _invalid("objective_id", "only endorsements name an objective", "not_allowed")


async def submit_contribution(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: ContributionCreate
) -> Contribution:
    seen = await consultation_access(session, principal, program_id, lock=True)
    program, consultation = seen.program, seen.consultation
    if program.status == ProgramStatus.ARCHIVED:
        raise Conflict("An archived program cannot be changed.", code="program_archived")
    require_open(consultation)
    stakeholder = await _contributor(session, principal, seen, data.stakeholder_id)
    if consultation.deadline <= utcnow():
        raise Conflict(
            "The consultation's deadline has passed.", code="consultation_deadline_passed"
        )
    await _check_content(session, program, data)
    contribution = Contribution(
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        stakeholder_id=stakeholder.id,
        kind=data.kind,
        body=data.body,
        objective_id=data.objective_id,
        proposal=data.proposal.model_dump(mode="json") if data.proposal else None,
        submitted_by=principal.actor,
    )
    session.add(contribution)
    if stakeholder.responded_at is None:
        stakeholder.responded_at = utcnow()
    await session.flush()
    return contribution


async def _in_consultation(
    session: AsyncSession, consultation: Consultation, contribution_id: uuid.UUID
) -> Contribution:
    contribution = await session.get(Contribution, contribution_id)
    if contribution is None or contribution.consultation_id != consultation.id:
        raise _not_found()
    return contribution


async def resolve_contribution(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    contribution_id: uuid.UUID,
    data: ContributionResolution,
    expected_version: int | None = None,
) -> Contribution:
    program, consultation = await managed_consultation(session, principal, program_id)
    contribution = await _in_consultation(session, consultation, contribution_id)
    if expected_version is not None:
        check_version(contribution.version, expected_version, "contribution")
    if contribution.status != ContributionStatus.PENDING:
        raise Conflict(
            f"The contribution was {contribution.status} already.", code="contribution_resolved"
        )
    if data.decision == ContributionDecision.DECLINED:
        if data.reason is None:
            raise _invalid("reason", "declining needs a reason", "required")
        if data.objective_id is not None or data.create_objective:
            raise _invalid(
                "objective_id", "a declined contribution changes no objective", "not_allowed"
            )
        contribution.status = ContributionStatus.DECLINED
    else:
        contribution.resulting_objective_id = await _resulting_objective(
            session, program, contribution, data
        )
        contribution.status = ContributionStatus.ACCEPTED
    contribution.resolution_reason = data.reason
    contribution.resolved_by = principal.actor
    contribution.resolved_at = utcnow()
    await flush_versioned(session, "contribution")
    return contribution


async def _resulting_objective(
    session: AsyncSession,
    program: Program,
    contribution: Contribution,
    data: ContributionResolution,
) -> uuid.UUID | None:
    """The objective an accepted contribution created or changed."""
    if data.create_objective:
        if data.objective_id is not None:
            raise _invalid("objective_id", "give objective_id or create_objective", "one_of")
        if contribution.proposal is None:
            raise _invalid(
                "create_objective", "only a proposed objective can be created", "not_allowed"
            )
        proposal = ProposedObjective.model_validate(contribution.proposal)
        return (await add_objective(session, program, proposal.as_objective())).id
    if data.objective_id is not None:
        return (await _objective_of(session, program, data.objective_id, "objective_id")).id
    if contribution.kind == ContributionKind.PROPOSED_OBJECTIVE:
        raise _invalid(
            "objective_id",
            "accepting a proposal needs the objective it became (or create_objective)",
            "required",
        )
    # An endorsement supports its objective; a comment or concern may change none.
    return contribution.objective_id


async def list_contributions(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    filters: ContributionFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Contribution]:
    seen = await consultation_access(session, principal, program_id)
    statement = select(Contribution).where(Contribution.consultation_id == seen.consultation.id)
    if not seen.whole:
        assert seen.stakeholder is not None
        statement = statement.where(Contribution.stakeholder_id == seen.stakeholder.id)
    if filters.status is not None:
        statement = statement.where(Contribution.status == filters.status.value)
    if filters.kind is not None:
        statement = statement.where(Contribution.kind == filters.kind.value)
    return await pagination.paginate(
        session, statement, keys=[Contribution.id], limit=limit, cursor=cursor
    )


async def get_contribution(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, contribution_id: uuid.UUID
) -> Contribution:
    seen = await consultation_access(session, principal, program_id)
    contribution = await _in_consultation(session, seen.consultation, contribution_id)
    if not seen.whole and (
        seen.stakeholder is None or contribution.stakeholder_id != seen.stakeholder.id
    ):
        raise _not_found()
    return contribution


async def contribution_pages(
    session: AsyncSession,
    organization_id: uuid.UUID,
    keys: Sequence[tuple[uuid.UUID, uuid.UUID | None]],
    *,
    limit: int | None,
    cursor: str | None,
) -> dict[tuple[uuid.UUID, uuid.UUID | None], pagination.Page[Contribution]]:
    """A page of contributions of several consultations, for GraphQL's loaders, in one query.

    Each key is (consultation id, stakeholder id): with a stakeholder, only theirs (what an
    invitee may see); with ``None``, all of them. A stakeholder belongs to one consultation.
    """
    whole = [consultation_id for consultation_id, only in keys if only is None]
    own = [only for _, only in keys if only is not None]
    visible = []
    if whole:
        visible.append(col(Contribution.consultation_id).in_(whole))
    if own:
        visible.append(col(Contribution.stakeholder_id).in_(own))
    pages = await pagination.pages_per_parent(
        session,
        Contribution,
        col(Contribution.consultation_id),
        [consultation_id for consultation_id, _ in keys],
        organization_id=organization_id,
        where=[or_(*visible)],
        limit=limit,
        cursor=cursor,
    )
    return {key: pages[key[0]] for key in keys}
