"""GraphQL types derived from the domain's read schemas follow them: a field added to a read
schema shows in its GraphQL type, or the type names it among those it leaves out."""

import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from app.api.graphql.derived import EXCLUDED, derived, from_read
from app.api.graphql.groups import GroupType
from app.api.graphql.pairs import RatingsType, SessionLogType
from app.api.graphql.schema import schema
from app.domain.groups.models import GroupRead
from app.domain.progress.schemas import Ratings
from app.domain.session_logs.models import SessionLogRead


def _derived_types() -> dict[str, tuple[type[BaseModel], Any]]:
    found = {}
    for name, concrete in schema.schema_converter.type_map.items():
        origin = getattr(concrete.definition, "origin", None)
        model = getattr(origin, "_pydantic_type", None)
        if model is not None:
            found[name] = (model, concrete.definition)
    return found


def _unaccounted(name: str, model: type[BaseModel], definition: Any) -> set[str]:
    exposed = {field.python_name for field in definition.fields}
    return set(model.model_fields) - exposed - EXCLUDED.get(name, frozenset())


def test_the_types_of_the_schema_are_derived_from_read_schemas() -> None:
    names = set(_derived_types())
    assert {"Pair", "PairAgreement", "SessionLog", "Employee", "Program", "Workshop"} <= names


@pytest.mark.parametrize("name", sorted(_derived_types()))
def test_every_field_of_the_read_schema_is_exposed_or_left_out_by_name(name: str) -> None:
    model, definition = _derived_types()[name]
    assert _unaccounted(name, model, definition) == set()
    assert EXCLUDED.get(name, frozenset()) <= set(model.model_fields)


def test_a_field_added_to_a_read_schema_is_caught() -> None:
    class ThingRead(BaseModel):
        id: int
        label: str

    @derived(ThingRead, name="DerivedThingProbe", exclude={"label"})
    class ThingType:
        pass

    definition = ThingType.__strawberry_definition__  # type: ignore[attr-defined]
    assert _unaccounted("DerivedThingProbe", ThingRead, definition) == set()

    class GrownThingRead(ThingRead):
        added: str

    assert _unaccounted("DerivedThingProbe", GrownThingRead, definition) == {"added"}


def test_an_exclusion_names_a_field_of_the_read_schema() -> None:
    class OtherRead(BaseModel):
        id: int

    with pytest.raises(TypeError, match="missing"):
        derived(OtherRead, name="DerivedOtherProbe", exclude={"missing"})


def _fields(made: Any) -> Any:
    if isinstance(made, list):
        return [_fields(item) for item in made]
    if hasattr(made, "_original_model"):
        return {name: _fields(value) for name, value in vars(made).items()}
    return made


NOW = "2026-03-02T10:00:00+00:00"
LOG = {
    "id": str(uuid.uuid4()),
    "pair_id": str(uuid.uuid4()),
    "program_id": str(uuid.uuid4()),
    "author_employee_id": str(uuid.uuid4()),
    "author_side": "mentor",
    "held_at": NOW,
    "duration_minutes": 45,
    "format": "video",
    "topics": ["ai"],
    "summary": None,
    "mentor_learned": None,
    "mentee_learned": "Prompts.",
    "action_items": [
        {"text": "Draft", "owner": "mentee", "due": "2026-03-09"},
        {"text": "Read", "owner": "mentor", "done": True},
    ],
    "mentor_rating": 4,
    "mentee_rating": None,
    "status": "confirmed",
    "dispute_reason": None,
    "responded_at": None,
    "private_note": None,
    "created_at": NOW,
    "updated_at": NOW,
    "version": 1,
}


@pytest.mark.parametrize(
    ("kind", "view"),
    [
        (RatingsType, Ratings(mentor=4.5, mentee=None)),
        (SessionLogType, SessionLogRead.model_validate(LOG)),
        (SessionLogType, SessionLogRead.model_validate(LOG | {"action_items": []})),
    ],
    ids=["nullable scalars", "a list of nested objects", "an empty list"],
)
def test_objects_are_made_as_strawberry_makes_them(kind: Any, view: BaseModel) -> None:
    assert _fields(from_read(kind, view)) == _fields(kind.from_pydantic(view))


def test_private_fields_come_from_the_caller_and_nothing_else() -> None:
    group = GroupRead(
        id=uuid.uuid4(),
        display_name="Mentors",
        external_id=None,
        member_count=2,
        created_at=NOW,  # type: ignore[arg-type]
        updated_at=NOW,  # type: ignore[arg-type]
        version=1,
    )
    row: Any = "the row"
    assert from_read(GroupType, group, model=row).model is row
    with pytest.raises(TypeError):
        from_read(GroupType, group)  # the row is missing: loudly, not as None
    with pytest.raises(TypeError, match="no private fields"):
        from_read(RatingsType, Ratings(mentor=None, mentee=None), model="misspelt")
