"""Time in the demo: everything is placed relative to the moment it is loaded.

The services stamp what they create with the current time. What the demo tells as having
happened weeks or months ago (a pilot that ended, sessions held, a consultation closed) gets
its dates from :func:`backdate` afterwards: the one place where the demo writes a table
without going through a service, and only dates and times.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


@dataclass(frozen=True)
class Clock:
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()

    def ago(self, days: float, hour: int | None = None) -> datetime:
        """``days`` before now (at ``hour`` o'clock UTC that day), never after now."""
        moment = self.now - timedelta(days=days)
        if hour is not None:
            moment = moment.replace(hour=hour, minute=0, second=0, microsecond=0)
        return min(moment, self.now)

    def ahead(self, days: float, hour: int | None = None) -> datetime:
        moment = self.now + timedelta(days=days)
        if hour is not None:
            moment = moment.replace(hour=hour, minute=0, second=0, microsecond=0)
        return moment

    def day(self, offset: int) -> date:
        """The date ``offset`` days from today (negative: in the past)."""
        return self.today + timedelta(days=offset)


async def backdate(session: AsyncSession, row: SQLModel, **moments: datetime | date) -> None:
    """Set when ``row``'s story happened: ``created_at``, ``ended_at``, ``started_on``...

    ``updated_at``, when the table has one and it is not given, becomes the latest moment
    given (an UPDATE would otherwise stamp it with the present). The version is left alone:
    nobody changed the record, it only happened earlier.
    """
    model = type(row)
    values: dict[str, Any] = dict(moments)
    stamps = [v for v in moments.values() if isinstance(v, datetime)]
    if "updated_at" in model.model_fields and "updated_at" not in values and stamps:
        values["updated_at"] = max(stamps)
    statement = update(model).where(model.id == row.id).values(**values)  # type: ignore[attr-defined]
    await session.exec(statement.execution_options(synchronize_session=False))
    for name, value in values.items():
        set_committed_value(row, name, value)
