"""Bulk import of an HRIS export (CSV): every row validated, upserted by external id.

Columns are the unified HRIS fields (``id``, ``email``, ``given_name``, ...), or the names
the organisation's field mapping gives them. The import is all or nothing: every faulty
row is reported (line, field, reason), and the caller commits only when there is none, and
never on a dry run.
"""

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal, Scope
from app.domain.errors import DomainError
from app.domain.integrations.hris.bulk import Description, Progress, apply_employees
from app.domain.integrations.hris.mapping import employee_reader, load_mapping, source_names
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
    progress: Progress | None = None,
) -> ImportReport:
    """Apply every row of ``text`` in ``session``; the caller commits or rolls back.

    Rows are read and validated first, then applied together (``hris.bulk``): what one
    row changes, the next sees, as if each were applied in turn; only what changed is
    written. ``progress(stage, done, total)`` follows reading, applying and writing.
    """
    principal = Principal.for_integration(organization_id, CHANNEL, Scope.HRIS_SYNC)
    mapping = await load_mapping(session, organization_id)
    names = source_names(mapping)
    read = employee_reader(mapping)
    report = ImportReport()
    rows = list(read_rows(text))
    id_column = mapping.get(UnifiedField.ID.value, UnifiedField.ID.value)
    header = next(csv.reader(io.StringIO(text)), [])
    if id_column not in [h.strip() for h in header]:
        report.errors.append(RowError(1, id_column, "the header has no employee id column"))
        return report
    started = utcnow()
    seen: dict[str, int] = {}
    descriptions: list[Description] = []
    for done, (line, row) in enumerate(rows, start=1):
        report.rows += 1
        external_id = row.get(id_column, "").strip()
        if external_id in seen:
            report.errors.append(
                RowError(line, id_column, f"{external_id!r} is on line {seen[external_id]} too")
            )
        else:
            seen[external_id] = line
            try:
                source = read(row)
            except DomainError as exc:
                report.errors.extend(_errors_of(line, exc, names))
            else:
                # Later lines describe the company later: a row never loses to an earlier one.
                occurred_at = started + timedelta(microseconds=line)
                descriptions.append(Description(line, source, occurred_at))
        if progress is not None and (done % 500 == 0 or done == len(rows)):
            progress("reading", done, len(rows))
    result = await apply_employees(
        session, principal, descriptions, channel=CHANNEL, progress=progress
    )
    report.outcomes = result.outcomes
    report.errors.extend(
        error for line, exc in result.errors for error in _errors_of(line, exc, names)
    )
    report.errors.sort(key=lambda error: error.line)
    return report
