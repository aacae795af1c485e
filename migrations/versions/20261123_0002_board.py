"""board: live board, agreements soft delete, undo and "seen" markers

Revision ID: 0002_board
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_board"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("who_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_agreement_who_user_id", "app_user", ["who_user_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "board_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "citizen_id"),
    )

    op.create_table(
        "board_undo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("before_status", sa.String(length=20), nullable=False),
        sa.Column("before_position", sa.Integer(), nullable=False),
        sa.Column("after_status", sa.String(length=20), nullable=False),
        sa.Column("after_position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("board_undo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_undo_citizen_id"), ["citizen_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("board_undo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_undo_citizen_id"))
    op.drop_table("board_undo")
    op.drop_table("board_seen")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agreement_who_user_id", type_="foreignkey")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("who_user_id")
