"""The cost of making a GraphQL object from a read schema: strawberry's own conversion
(``from_pydantic``) against ``app.api.graphql.derived.from_read``, which plans each type's
conversion once.

Builds a pair's progress (one nested object) and a session log with three action items (a
list of nested objects), checks that both conversions make the same object, then times each
in process and prints microseconds per object and the ratio. No database.

    .venv/bin/python -m bench.graphql_objects --number 20000
"""

import argparse
import timeit
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from app.api.graphql.derived import from_read
from app.api.graphql.pairs import ProgressType, SessionLogType
from app.api.graphql.schema import schema  # noqa: F401 (builds the types and their plans)
from app.domain.pairs.models import PairStatus
from app.domain.pairs.schemas import PairHealth
from app.domain.progress.schemas import PairProgress, Ratings
from app.domain.session_logs.models import ActionItem, LogFormat, LogStatus, Owner, SessionLogRead


def _progress() -> PairProgress:
    return PairProgress(
        pair_id=uuid.uuid4(),
        status=PairStatus.ACTIVE,
        health=next(iter(PairHealth)),
        cadence_days=14,
        cadence_source="program",
        sessions=5,
        minutes=300,
        last_session_at=datetime.now(UTC),
        days_since_last_session=3.0,
        cadence_adherence=0.9,
        goals_total=3,
        goals_achieved=1,
        mean_goal_progress=40.0,
        mean_ratings=Ratings(mentor=4.0, mentee=4.5),
        open_action_items=2,
        next_action_item_due=date.today(),
    )


def _log() -> SessionLogRead:
    now = datetime.now(UTC)
    items = [ActionItem(text=f"Step {i}", owner=Owner.MENTEE, due=date.today()) for i in range(3)]
    return SessionLogRead(
        id=uuid.uuid4(),
        pair_id=uuid.uuid4(),
        program_id=uuid.uuid4(),
        author_employee_id=uuid.uuid4(),
        author_side=Owner.MENTOR,
        held_at=now,
        duration_minutes=45,
        format=LogFormat.VIDEO,
        topics=["ai", "prompting"],
        summary="Prompts for reports.",
        mentor_learned=None,
        mentee_learned="Few-shot examples.",
        action_items=items,
        mentor_rating=4,
        mentee_rating=5,
        status=LogStatus.CONFIRMED,
        dispute_reason=None,
        responded_at=now,
        private_note=None,
        created_at=now,
        updated_at=now,
        version=2,
    )


def _fields(made: Any) -> dict[str, Any]:
    return {k: _fields(v) if hasattr(v, "_original_model") else v for k, v in vars(made).items()}


def measure(kind: Any, view: BaseModel, number: int) -> tuple[float, float]:
    theirs: Callable[[], Any] = lambda: kind.from_pydantic(view)  # noqa: E731
    ours: Callable[[], Any] = lambda: from_read(kind, view)  # noqa: E731
    assert _fields(theirs()) == _fields(ours()), "the two conversions differ"
    return (
        timeit.timeit(theirs, number=number) / number * 1e6,
        timeit.timeit(ours, number=number) / number * 1e6,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=20000, help="objects made per figure")
    args = parser.parse_args()
    print(f"{'object':34} {'from_pydantic us':>16} {'from_read us':>12} {'ratio':>6}")
    for name, kind, view in (
        ("pair progress (1 nested)", ProgressType, _progress()),
        ("session log (3 nested in a list)", SessionLogType, _log()),
    ):
        theirs, ours = measure(kind, view, args.number)
        print(f"{name:34} {theirs:16.1f} {ours:12.1f} {theirs / ours:6.1f}")


if __name__ == "__main__":
    main()
