"""Bulk import of an HRIS export (CSV): every row validated, upserted by external id.

Columns are the unified HRIS fields (``id``, ``email``, ``given_name``, ...), or the names
the organisation's field mapping gives them. The import is all or nothing: each row runs
in a savepoint so that every faulty row is reported (line, field, reason), and the caller
commits only when there is none, and never on a dry run.
"""

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal, Scope
from app.domain.errors import DomainError
from app.domain.integrations.hris.apply import apply_employee
from app.domain.integrations.hris.mapping import load_mapping, read_employee, source_names
from app.domain.integrations.hris.models import UnifiedField

CHANNEL = "csv_import"


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def read_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; blank lines are skipped."""
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        if not any((value or "").strip() for value in row.values()):
            continue
        yield reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k is not None}


def _errors_of(line: int, exc: DomainError, names: dict[str, str]) -> list[RowError]:
    """The row's errors, each named by its column (the organisation's name for the field)."""
    if not exc.errors:
        return [RowError(line, "", exc.detail)]
    return [
        RowError(
            line,
            names.get(str(e.get("field", "")), str(e.get("field", ""))),
            str(e.get("message", "")),
        )
        for e in exc.errors
    ]


async def import_employees(
    session: AsyncSession,
    organization_id: uuid.UUID,
    text: str,
    *,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Apply every row of ``text`` in ``session``; the caller commits or rolls back."""
    principal = Principal.for_integration(organization_id, CHANNEL, Scope.HRIS_SYNC)
    mapping = await load_mapping(session, organization_id)
    report = ImportReport()
    rows = list(read_rows(text))
    id_column = mapping.get(UnifiedField.ID.value, UnifiedField.ID.value)
    header = next(csv.reader(io.StringIO(text)), [])
    if id_column not in [h.strip() for h in header]:
        report.errors.append(RowError(1, id_column, "the header has no employee id column"))
        return report
    started = utcnow()
    seen: dict[str, int] = {}
    for line, row in rows:
        report.rows += 1
        external_id = row.get(id_column, "").strip()
        if external_id in seen:
            report.errors.append(
                RowError(line, id_column, f"{external_id!r} is on line {seen[external_id]} too")
            )
        else:
            seen[external_id] = line
            await _import_row(session, principal, mapping, line, row, started, report)
        if on_row is not None:
            on_row()
    return report


async def _import_row(
    session: AsyncSession,
    principal: Principal,
    mapping: dict[str, str],
    line: int,
    row: dict[str, str],
    started: datetime,
    report: ImportReport,
) -> None:
    try:
        async with session.begin_nested():
            source = read_employee(row, mapping)
            # Later lines describe the company later: a row never loses to an earlier one.
            change = await apply_employee(
                session,
                principal,
                source,
                occurred_at=started + timedelta(microseconds=line),
                channel=CHANNEL,
            )
    except DomainError as exc:
        report.errors.extend(_errors_of(line, exc, source_names(mapping)))
        return
    report.outcomes[change.outcome] = report.outcomes.get(change.outcome, 0) + 1
