"""REST adapter of workshops and guest mentors."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.api.support_deps import SupportPrincipal
from app.domain.support import guests, registrations, seats, workshops
from app.domain.support.models import RegistrationStatus
from app.domain.support.schemas import (
    GuestHome,
    GuestInvitation,
    GuestInvitationRead,
    GuestMentorCreate,
    GuestMentorCreated,
    GuestMentorRead,
    RegistrationAttendance,
    RegistrationRead,
    WorkshopCreate,
    WorkshopFeedback,
    WorkshopRead,
    WorkshopUpdate,
)

WORKSHOPS = f"{API_PREFIX}/workshops"
WORKSHOP = f"{WORKSHOPS}/{{workshop_id}}"
GUESTS = f"{API_PREFIX}/guest-mentors"

router = APIRouter(responses=common_responses())


@router.post(
    WORKSHOPS,
    tags=["workshops"],
    status_code=status.HTTP_201_CREATED,
    summary="Create a workshop",
    description=(
        "For one program (its managers) or the whole organisation (administrators). The "
        "facilitator is an employee or a guest mentor."
    ),
    responses=responses(
        404,
        codes={
            403: ("not_program_manager",),
            404: ("program_not_found",),
            409: ("date_order", "invalid", "one_facilitator"),
        },
    ),
)
async def create_workshop(
    body: WorkshopCreate, db: DbSession, principal: SupportPrincipal, response: Response
) -> WorkshopRead:
    workshop = await workshops.create_workshop(db, principal, body)
    response.headers["Location"] = f"{WORKSHOPS}/{workshop.id}"
    set_etag(response, workshop.version)
    return await workshops.read(db, workshop)


@router.get(
    WORKSHOPS,
    tags=["workshops"],
    summary="List workshops",
    description="Those of the programs the caller sees and the organisation's; guests their own.",
)
async def list_workshops(
    db: DbSession, principal: SupportPrincipal, paging: Paging, program_id: uuid.UUID | None = None
) -> Page[WorkshopRead]:
    page = await workshops.list_workshops(
        db, principal, program_id=program_id, limit=paging.limit, cursor=paging.cursor
    )
    tallies = await workshops.counts(db, [w.id for w in page.items])
    return Page(
        items=[workshops.to_read(w, tallies[w.id]) for w in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    WORKSHOP,
    tags=["workshops"],
    summary="Get a workshop",
    responses=responses(404, codes={404: ("workshop_not_found",)}),
)
async def get_workshop(
    workshop_id: uuid.UUID, db: DbSession, principal: SupportPrincipal, response: Response
) -> WorkshopRead:
    workshop = await workshops.get_workshop(db, principal, workshop_id)
    set_etag(response, workshop.version)
    return await workshops.read(db, workshop)


@router.patch(
    WORKSHOP,
    tags=["workshops"],
    summary="Change a workshop",
    description=(
        "Its organisers or facilitator, with `If-Match`. Added seats go to the waitlist in "
        "order; the capacity cannot drop below the people registered (409)."
    ),
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_workshop_organiser",),
            404: ("workshop_not_found",),
            409: ("capacity_below_registered", "invalid"),
        },
    ),
)
async def update_workshop(
    workshop_id: uuid.UUID,
    body: WorkshopUpdate,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
    response: Response,
) -> WorkshopRead:
    workshop = await workshops.update_workshop(db, principal, workshop_id, body, if_match)
    set_etag(response, workshop.version)
    return await workshops.read(db, workshop)


@router.post(
    f"{WORKSHOP}/registration",
    tags=["workshops"],
    status_code=status.HTTP_201_CREATED,
    summary="Register for a workshop",
    description=(
        "A seat when one is free, otherwise a place on the waitlist (`status`). The database "
        "enforces the capacity. Emits `workshop.registration_changed`."
    ),
    responses=responses(
        404,
        409,
        codes={403: ("not_a_person",), 404: ("workshop_not_found",), 409: ("already_registered",)},
    ),
)
async def register(
    workshop_id: uuid.UUID, db: DbSession, principal: SupportPrincipal
) -> RegistrationRead:
    registration = await registrations.register(db, principal, workshop_id)
    return await seats.registration_read(db, registration)


@router.get(
    f"{WORKSHOP}/registration",
    tags=["workshops"],
    summary="Your registration",
    responses=responses(404, codes={404: ("registration_not_found", "workshop_not_found")}),
)
async def my_registration(
    workshop_id: uuid.UUID, db: DbSession, principal: SupportPrincipal
) -> RegistrationRead:
    registration = await registrations.my_registration(db, principal, workshop_id)
    return await seats.registration_read(db, registration)


@router.delete(
    f"{WORKSHOP}/registration",
    tags=["workshops"],
    summary="Cancel your registration",
    description="A freed seat goes to the first person on the waitlist.",
    responses=responses(404, codes={404: ("registration_not_found", "workshop_not_found")}),
)
async def cancel_registration(
    workshop_id: uuid.UUID, db: DbSession, principal: SupportPrincipal
) -> RegistrationRead:
    registration = await registrations.cancel(db, principal, workshop_id)
    return await seats.registration_read(db, registration)


@router.put(
    f"{WORKSHOP}/registration/feedback",
    tags=["workshops"],
    summary="Rate a workshop",
    responses=responses(404, 409, codes={404: ("registration_not_found", "workshop_not_found")}),
)
async def give_feedback(
    workshop_id: uuid.UUID, body: WorkshopFeedback, db: DbSession, principal: SupportPrincipal
) -> RegistrationRead:
    registration = await registrations.give_feedback(db, principal, workshop_id, body)
    return await seats.registration_read(db, registration)


@router.get(
    f"{WORKSHOP}/registrations",
    tags=["workshops"],
    summary="List a workshop's registrations",
    description="Its facilitator and organisers.",
    responses=responses(
        404, codes={403: ("not_workshop_organiser",), 404: ("workshop_not_found",)}
    ),
)
async def list_registrations(
    workshop_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
    status: RegistrationStatus | None = None,
) -> Page[RegistrationRead]:
    page = await registrations.list_registrations(
        db, principal, workshop_id, status=status, limit=paging.limit, cursor=paging.cursor
    )
    items = await seats.registration_reads(db, page.items)
    return Page(items=items, next_cursor=page.next_cursor)


@router.put(
    f"{WORKSHOP}/registrations/{{registration_id}}/attendance",
    tags=["workshops"],
    summary="Record attendance",
    responses=responses(
        404, 409, codes={403: ("not_workshop_organiser",), 404: ("workshop_not_found",)}
    ),
)
async def mark_workshop_attendance(
    workshop_id: uuid.UUID,
    registration_id: uuid.UUID,
    body: RegistrationAttendance,
    db: DbSession,
    principal: SupportPrincipal,
) -> RegistrationRead:
    registration = await registrations.mark_attendance(
        db, principal, workshop_id, registration_id, body.attended
    )
    return await seats.registration_read(db, registration)


# --- guest mentors -------------------------------------------------------------------------


@router.post(
    GUESTS,
    tags=["guest mentors"],
    status_code=status.HTTP_201_CREATED,
    summary="Record a guest mentor",
    description=(
        "A person from a partner organisation, with their consent. The answer carries their "
        "invitation token (`mg_...`), shown once: it opens only what they are invited to."
    ),
    responses=responses(404, codes={404: ("not_found",)}),
)
async def create_guest(
    body: GuestMentorCreate, db: DbSession, principal: SupportPrincipal
) -> GuestMentorCreated:
    guest, token = await guests.create_guest(db, principal, body)
    return GuestMentorCreated(**guests.to_read(guest).model_dump(), token=token)


@router.get(
    GUESTS,
    tags=["guest mentors"],
    summary="List guest mentors",
    responses=responses(404, codes={404: ("not_found",)}),
)
async def list_guests(
    db: DbSession, principal: SupportPrincipal, paging: Paging
) -> Page[GuestMentorRead]:
    page = await guests.list_guests(db, principal, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[guests.to_read(g) for g in page.items], next_cursor=page.next_cursor)


@router.get(
    f"{GUESTS}/me",
    tags=["guest mentors"],
    summary="A guest mentor's own page",
    description=(
        "For a guest mentor's invitation token: their record and the circles and workshops "
        "they were invited to. Anyone else finds nothing (404)."
    ),
    responses=responses(404, codes={404: ("not_found",)}),
)
async def guest_home(db: DbSession, principal: SupportPrincipal) -> GuestHome:
    return await guests.guest_home(db, principal)


@router.get(
    f"{GUESTS}/{{guest_id}}",
    tags=["guest mentors"],
    summary="Get a guest mentor",
    responses=responses(404, codes={404: ("guest_not_found", "not_found")}),
)
async def get_guest(
    guest_id: uuid.UUID, db: DbSession, principal: SupportPrincipal
) -> GuestMentorRead:
    return guests.to_read(await guests.get_guest(db, principal, guest_id))


@router.delete(
    f"{GUESTS}/{{guest_id}}",
    tags=["guest mentors"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase a guest mentor",
    description=(
        "When a guest withdraws consent: their name, contact and words are erased, their "
        "token revoked, their circle and workshop places given back. Counts stay."
    ),
    responses=responses(404, codes={404: ("guest_not_found", "not_found")}),
)
async def erase_guest(guest_id: uuid.UUID, db: DbSession, principal: SupportPrincipal) -> Response:
    await guests.erase_guest(db, principal, guest_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    f"{GUESTS}/{{guest_id}}/token",
    tags=["guest mentors"],
    summary="Issue a new invitation token",
    description="The previous token stops working.",
    responses=responses(404, codes={404: ("guest_not_found", "not_found")}),
)
async def rotate_token(
    guest_id: uuid.UUID, db: DbSession, principal: SupportPrincipal
) -> GuestMentorCreated:
    guest, token = await guests.rotate_token(db, principal, guest_id)
    return GuestMentorCreated(**guests.to_read(guest).model_dump(), token=token)


@router.delete(
    f"{GUESTS}/{{guest_id}}/token",
    tags=["guest mentors"],
    summary="Revoke the invitation token",
    responses=responses(404, codes={404: ("guest_not_found", "not_found")}),
)
async def revoke_token(
    guest_id: uuid.UUID, db: DbSession, principal: SupportPrincipal
) -> GuestMentorRead:
    return guests.to_read(await guests.revoke_token(db, principal, guest_id))


@router.post(
    f"{GUESTS}/{{guest_id}}/invitations",
    tags=["guest mentors"],
    status_code=status.HTTP_201_CREATED,
    summary="Invite a guest mentor to a circle or a workshop",
    description="The circle's program managers, or the workshop's organisers.",
    responses=responses(
        404,
        409,
        codes={
            404: ("circle_not_found", "guest_not_found", "not_found", "workshop_not_found"),
            409: ("one_invitation",),
        },
    ),
)
async def invite(
    guest_id: uuid.UUID, body: GuestInvitation, db: DbSession, principal: SupportPrincipal
) -> GuestInvitationRead:
    return await guests.invite(db, principal, guest_id, body)
