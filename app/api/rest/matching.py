"""REST adapters of the matching module: enrolment, matching runs, review and self-matching."""

from fastapi import APIRouter

from app.api.rest import match_requests, matching_runs, participants

router = APIRouter()
router.include_router(participants.router)
router.include_router(matching_runs.router)
router.include_router(match_requests.router)
