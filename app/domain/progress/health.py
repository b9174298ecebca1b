"""The rules that say whether a pair is on track. Pure: figures in, a health out.

A pair's cadence is the number of days between meetings *its agreement* sets; without an
agreement, the program's recommended cadence; without either, ``DEFAULT_CADENCE_DAYS``.
Only sessions that count are used: logs not deleted and not disputed.

Only an active pair has a health (a proposed, paused or ended pair has none). Its
*quiet days* are the days since its last session that counts or, before the first one,
since it started (``started_on``, else the agreement's start date, else its creation).

- ``at_risk``: quiet for more than twice the cadence (``AT_RISK_FACTOR``).
- ``needs_attention``: quiet for more than the cadence; or an open action item past its
  due date; or a mean rating (both sides, all sessions) below ``LOW_RATING``.
- ``on_track``: otherwise.

Cadence adherence is the sessions held divided by the sessions the cadence called for
since the start (at least one), capped at 1.
"""

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.pairs.schemas import PairHealth

DEFAULT_CADENCE_DAYS = 14
AT_RISK_FACTOR = 2
LOW_RATING = 3.0


@dataclass(frozen=True, slots=True)
class HealthFigures:
    active: bool
    cadence_days: int
    started_at: datetime
    last_session_at: datetime | None
    sessions: int
    next_due_on: date | None
    mean_rating: float | None


def cadence(agreed: int | None, program: int | None) -> int:
    return agreed or program or DEFAULT_CADENCE_DAYS


def quiet_days(figures: HealthFigures, now: datetime) -> float:
    since = figures.last_session_at or figures.started_at
    return max(0.0, (now - since).total_seconds() / 86_400)


def adherence(figures: HealthFigures, until: datetime) -> float:
    period = max(0.0, (until - figures.started_at).total_seconds() / 86_400)
    expected = max(1, int(period // figures.cadence_days))
    return round(min(1.0, figures.sessions / expected), 2)


def health(figures: HealthFigures, now: datetime) -> PairHealth | None:
    if not figures.active:
        return None
    quiet = quiet_days(figures, now)
    if quiet > AT_RISK_FACTOR * figures.cadence_days:
        return PairHealth.AT_RISK
    if quiet > figures.cadence_days:
        return PairHealth.NEEDS_ATTENTION
    if figures.next_due_on is not None and figures.next_due_on < now.date():
        return PairHealth.NEEDS_ATTENTION
    if figures.mean_rating is not None and figures.mean_rating < LOW_RATING:
        return PairHealth.NEEDS_ATTENTION
    return PairHealth.ON_TRACK
