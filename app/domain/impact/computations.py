"""Indicators the service computes from its own data, as of now.

- ``mentees_logged_topic``: of the program's approved mentees, the percentage whose pair
  logged a session that counts (not deleted, not disputed) on the topic.
- ``pairs_met_cadence``: of the program's pairs that ran (active, paused, completed, ended
  early), the percentage whose cadence adherence is 1 (as the dashboard computes it).
- ``mentor_confidence``: mentors' mean latest answer (end, else mid, else baseline) to a
  mentor-side assessment item, on its 1-5 scale.

Each is shown only over at least ``MINIMUM_GROUP_SIZE`` people or pairs.
"""

import uuid
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.impact.models import AssessmentAnswer, Computation, IndicatorBinding, Wave
from app.domain.impact.schemas import MINIMUM_GROUP_SIZE
from app.domain.pairs import repository as pair_statements
from app.domain.pairs.models import Pair, PairStatus
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program
from app.domain.progress.figures import counted_logs
from app.domain.progress.service import progress_for_pairs
from app.domain.session_logs.models import SessionLog

_RAN = (PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
_LATEST_FIRST = (Wave.END, Wave.MID, Wave.BASELINE)


@dataclass(frozen=True, slots=True)
class Computed:
    value: float | None
    counted: int
    note: str


def _too_few(counted: int, what: str) -> Computed:
    return Computed(None, counted, f"Not shown: {counted} {what}, fewer than {MINIMUM_GROUP_SIZE}.")


async def _mentees_logged_topic(session: AsyncSession, program: Program, topic: str) -> Computed:
    mentees = set(
        (
            await session.exec(
                select(Participant.employee_id).where(
                    Participant.program_id == program.id,
                    Participant.role == ParticipantRole.MENTEE,
                    Participant.status == ParticipantStatus.APPROVED,
                )
            )
        ).all()
    )
    if len(mentees) < MINIMUM_GROUP_SIZE:
        return _too_few(len(mentees), "mentees")
    rows = await session.exec(
        select(Pair.mentee_employee_id, SessionLog.topics)
        .join(Pair, col(Pair.id) == col(SessionLog.pair_id))
        .where(
            SessionLog.organization_id == program.organization_id,
            SessionLog.program_id == program.id,
            *counted_logs(),
        )
    )
    logged = {mentee for mentee, topics in rows.all() if mentee in mentees and topic in topics}
    value = round(100 * len(logged) / len(mentees), 1)
    return Computed(
        value, len(mentees), f"{len(logged)} of {len(mentees)} mentees logged '{topic}'."
    )


async def _pairs_met_cadence(session: AsyncSession, program: Program) -> Computed:
    pairs = list(
        (
            await session.exec(
                pair_statements.of_organization(program.organization_id).where(
                    Pair.program_id == program.id, col(Pair.status).in_(_RAN)
                )
            )
        ).all()
    )
    if len(pairs) < MINIMUM_GROUP_SIZE:
        return _too_few(len(pairs), "pairs")
    found = await progress_for_pairs(session, pairs, programs_read=[program])
    met = sum(1 for p in found.values() if p.cadence_adherence >= 1)
    value = round(100 * met / len(pairs), 1)
    return Computed(value, len(pairs), f"{met} of {len(pairs)} pairs met their cadence.")


async def _mentor_confidence(session: AsyncSession, item_id: uuid.UUID | None) -> Computed:
    rows = await session.exec(
        select(AssessmentAnswer.employee_id, AssessmentAnswer.wave, AssessmentAnswer.score).where(
            AssessmentAnswer.item_id == item_id
        )
    )
    by_person: dict[uuid.UUID, dict[str, int]] = {}
    for employee_id, wave, score in rows.all():
        by_person.setdefault(employee_id, {})[str(wave)] = score
    latest = [
        next(answers[w] for w in _LATEST_FIRST if w in answers) for answers in by_person.values()
    ]
    if len(latest) < MINIMUM_GROUP_SIZE:
        return _too_few(len(latest), "mentors answered")
    value = round(sum(latest) / len(latest), 2)
    return Computed(value, len(latest), f"Mean latest answer of {len(latest)} mentors.")


async def compute(session: AsyncSession, program: Program, binding: IndicatorBinding) -> Computed:
    if binding.computation == Computation.MENTEES_LOGGED_TOPIC:
        return await _mentees_logged_topic(session, program, binding.topic or "")
    if binding.computation == Computation.PAIRS_MET_CADENCE:
        return await _pairs_met_cadence(session, program)
    return await _mentor_confidence(session, binding.assessment_item_id)
