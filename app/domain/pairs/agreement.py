"""The agreement a pair writes for itself, and each side's acknowledgement of it.

Either side writes it (format, cadence, channel, ground rules, confidentiality, start
date); any change asks both sides to acknowledge the new text, so an acknowledgement
always refers to what the agreement says now.
"""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict
from app.domain.events.service import record_event
from app.domain.pairs import access
from app.domain.pairs.access import Side
from app.domain.pairs.models import OPEN_STATUSES, Pair
from app.domain.pairs.schemas import AgreementWrite
from app.domain.pairs.service import load_pair, to_read


def _require_open(pair: Pair) -> None:
    if pair.status not in OPEN_STATUSES:
        raise Conflict("The pair has ended.", code="pair_ended")


async def write_agreement(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    data: AgreementWrite,
    expected_version: int | None,
) -> Pair:
    seen = await load_pair(session, principal, pair_id, lock=True)
    pair = seen.pair
    access.require_side(principal, pair, "write their agreement")
    check_version(pair.version, expected_version, "pair")
    _require_open(pair)
    pair.agreement_format = data.format.value
    pair.agreement_cadence_days = data.cadence_days
    pair.agreement_channel = data.channel
    pair.agreement_ground_rules = data.ground_rules
    pair.agreement_confidentiality = data.confidentiality
    pair.agreement_starts_on = data.starts_on
    now = utcnow()
    pair.agreement_updated_at = now
    pair.mentor_acknowledged_at = None
    pair.mentee_acknowledged_at = None
    pair.updated_at = now
    await flush_versioned(session, "pair")
    await record_event(
        session,
        organization_id=pair.organization_id,
        type="pair.agreement_updated",
        subject_type="pair",
        subject_id=pair.id,
        data=to_read(pair),
        actor=principal,
    )
    return pair


async def acknowledge_agreement(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, expected_version: int | None
) -> Pair:
    """The caller's side agrees to the agreement as it stands (send the version you read)."""
    seen = await load_pair(session, principal, pair_id, lock=True)
    pair = seen.pair
    side = access.require_side(principal, pair, "acknowledge their agreement")
    if expected_version is not None:
        check_version(pair.version, expected_version, "pair")
    _require_open(pair)
    if pair.agreement_format is None:
        raise Conflict("The pair has not written an agreement yet.", code="no_agreement")
    now = utcnow()
    if side == Side.MENTOR:
        pair.mentor_acknowledged_at = now
    else:
        pair.mentee_acknowledged_at = now
    pair.updated_at = now
    await flush_versioned(session, "pair")
    return pair
