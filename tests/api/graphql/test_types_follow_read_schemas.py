"""GraphQL types derived from the domain's read schemas follow them: a field added to a read
schema shows in its GraphQL type, or the type names it among those it leaves out."""

from typing import Any

import pytest
from pydantic import BaseModel

from app.api.graphql.derived import EXCLUDED, derived
from app.api.graphql.schema import schema


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
