"""matching runs as jobs

Revision ID: f770a14e70db
Revises: c34a20cb9180
Create Date: 2026-12-06 07:29:01.693770
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
import app.db.types


revision: str = "f770a14e70db"
down_revision: str | None = "c34a20cb9180"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("started_at", app.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        # Runs made before runs were jobs ran at once, inside their request: they are done.
        batch_op.add_column(
            sa.Column(
                "progress",
                app.db.types.JSONDocument(),
                nullable=False,
                server_default=sa.text("""'{"stage": "done"}'"""),
            )
        )
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("lease_token", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", app.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("cancelled_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))
        batch_op.create_index(
            "ix_matching_runs_open",
            ["created_at"],
            unique=False,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        )
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.alter_column("progress", server_default=None)
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_matching_runs_open",
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        )
        batch_op.drop_column("error_code")
        batch_op.drop_column("cancelled_by")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_token")
        batch_op.drop_column("attempts")
        batch_op.drop_column("progress")
        batch_op.drop_column("started_at")
