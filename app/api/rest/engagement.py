"""REST adapter of engagement: the caller's agenda."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.deps import DbSession
from app.api.problems import common_responses
from app.api.rest import API_PREFIX
from app.api.support_deps import SupportPrincipal
from app.domain.engagement import service
from app.domain.engagement.models import AgendaItem

router = APIRouter(tags=["engagement"], responses=common_responses())


class Agenda(BaseModel):
    items: list[AgendaItem] = Field(
        description="Open items, soonest first; an item is gone as soon as it is done."
    )


@router.get(
    f"{API_PREFIX}/me/agenda",
    summary="What the caller has to do next",
    description=(
        "The caller's open items, soonest first, computed from the data as it is: each with "
        "its kind, subject, reason, due time, stage (`due`, then `urgent` once it has waited "
        "past the program's delay) and the operation that resolves it. Mentors and mentees "
        "see their pairs' items, program managers their programs' reviews, pairs at risk and "
        "feedback response rates, guest mentors (with their invitation token) their circle "
        "meetings and workshops. An API key has no agenda (an empty list). Thresholds: each "
        "program's `engagement_settings`."
    ),
)
async def my_agenda(db: DbSession, principal: SupportPrincipal) -> Agenda:
    return Agenda(items=await service.agenda_for(db, principal))
