"""the first answer to each change sent with a client's key, kept for a day

Revision ID: 0009_idempotent_requests
Revises: 0008_consent_and_lifecycle
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009_idempotent_requests"
down_revision: str | None = "0008_consent_and_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotent_request",
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("idempotent_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotent_request_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_idempotent_request_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_table("idempotent_request")
