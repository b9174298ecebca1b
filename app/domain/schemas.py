"""Shared bases for the API schemas every module declares."""

from sqlmodel import SQLModel


class InputSchema(SQLModel):
    """A request body: an unknown field is an error (a typo must not be silently dropped)."""

    model_config = SQLModel.model_config | {"extra": "forbid"}
