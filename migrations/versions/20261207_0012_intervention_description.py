"""intervention description: what will happen, in plain words, for the citizen to read

Revision ID: 0012_intervention_description
Revises: 0011_conversation
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_intervention_description"
down_revision: str | None = "0011_conversation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.String(length=1000), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_column("description")
