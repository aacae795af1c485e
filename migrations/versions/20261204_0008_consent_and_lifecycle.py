"""consent per scope, staff lifecycle, erasure requests and retention

Consent becomes a history of choices, one scope each: (a) the plan with the consultant, (b) the
chosen cards with the network. The one consent recorded before covered both, so each earlier
record becomes a "yes" to both at the time it was given, and a "no" to both when withdrawn.

Revision ID: 0008_consent_and_lifecycle
Revises: 0007_agreement_sharing
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_consent_and_lifecycle"
down_revision: str | None = "0007_agreement_sharing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPES = ("consultant", "network")


def upgrade() -> None:
    connection = op.get_bind()
    old = sa.table(
        "consent_record",
        sa.column("citizen_id", sa.Integer()),
        sa.column("text_version", sa.String()),
        sa.column("given_at", sa.DateTime(timezone=True)),
        sa.column("withdrawn_at", sa.DateTime(timezone=True)),
    )
    earlier = connection.execute(
        sa.select(old.c.citizen_id, old.c.text_version, old.c.given_at, old.c.withdrawn_at)
    ).all()
    op.drop_table("consent_record")
    record = op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("text_version", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_record_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_consent_record_latest", ["citizen_id", "scope", "at"], unique=False)
    rows = []
    for citizen_id, text_version, given_at, withdrawn_at in earlier:
        for scope in SCOPES:
            rows.append(
                {"citizen_id": citizen_id, "scope": scope, "given": True, "text_version": text_version, "at": given_at}
            )
            if withdrawn_at is not None:
                rows.append(
                    {
                        "citizen_id": citizen_id,
                        "scope": scope,
                        "given": False,
                        "text_version": text_version,
                        "at": withdrawn_at,
                    }
                )
    if rows:
        op.bulk_insert(record, rows)

    # Plain ALTER TABLE ADD COLUMN, never a batch copy: on SQLite a copy of app_user drops the
    # old table, and with foreign keys on that deletes every row that cascades from a user.
    op.add_column("app_user", sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "app_user", sa.Column("password_must_change", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("app_user", sa.Column("case_closed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "audit_entry",
        sa.Column("subject_name", sqlmodel.sql.sqltypes.AutoString(length=120), server_default="", nullable=False),
    )

    op.create_table(
        "erasure_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("erasure_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasure_request_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_erasure_request_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("erasure_request")
    # ALTER TABLE DROP COLUMN (SQLite 3.35 and later), never a batch copy of app_user (see above).
    for table, column in (
        ("audit_entry", "subject_name"),
        ("app_user", "case_closed_at"),
        ("app_user", "password_must_change"),
        ("app_user", "deactivated_at"),
    ):
        op.execute(sa.text(f'ALTER TABLE "{table}" DROP COLUMN "{column}"'))
    op.drop_table("consent_record")
    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("text_version", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_record_citizen_id"), ["citizen_id"], unique=False)
