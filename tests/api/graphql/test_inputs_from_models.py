"""GraphQL inputs made from the domain's input schemas: a field left out stays out of the
model's data, and null means the model's default only where the input says so."""

import datetime as dt

import strawberry

from app.api.graphql.inputs import given_fields, parsed
from app.api.graphql.pairs import (
    ActionItemInput,
    PairGoalCreateInput,
    PairGoalUpdateInput,
    SessionLogInput,
)
from app.domain.pairs.models import GoalStatus
from app.domain.pairs.schemas import GoalCreate, GoalUpdate
from app.domain.session_logs.models import LogFormat, Owner, SessionLogCreate


def test_fields_not_sent_are_left_out_of_a_partial_update() -> None:
    sent = PairGoalUpdateInput(progress=40, description=None)  # type: ignore[call-arg]
    data = parsed(sent)
    assert isinstance(data, GoalUpdate)
    assert data.model_fields_set == {"progress", "description"}
    assert data.description is None


def test_null_takes_the_default_only_where_the_input_says_so() -> None:
    sent = PairGoalCreateInput(title="Prompts", status=None, progress=None)  # type: ignore[call-arg]
    data = parsed(sent)
    assert isinstance(data, GoalCreate)
    assert (data.status, data.progress) == (GoalStatus.NOT_STARTED, 0)


def test_nested_inputs_follow_their_own_rules() -> None:
    item = ActionItemInput(text="Draft", owner=Owner.MENTEE, done=None)  # type: ignore[call-arg]
    sent = SessionLogInput(  # type: ignore[call-arg]
        held_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
        duration_minutes=45,
        format=LogFormat.VIDEO,
        action_items=[item],
        topics=None,
    )
    assert given_fields(sent)["action_items"] == [{"text": "Draft", "owner": Owner.MENTEE}]
    data = parsed(sent)
    assert isinstance(data, SessionLogCreate)
    assert data.topics == []
    assert data.action_items[0].done is False
    assert vars(item)["due"] is strawberry.UNSET
