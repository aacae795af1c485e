"""plan: authorship on challenges and goals, one step higher, agenda topics, suggestions

Revision ID: 0003_plan
Revises: 0002_board
Create Date: 2026-11-23 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_plan"
down_revision: str | None = "0002_board"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_challenge_updated_by_id", "app_user", ["updated_by_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "step_higher",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("step_higher_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_goal_updated_by_id", "app_user", ["updated_by_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "agenda_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agenda_topic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_topic_citizen_id"), ["citizen_id"], unique=False)

    op.create_table(
        "plan_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_suggestion_citizen_id"), ["citizen_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_suggestion_citizen_id"))
    op.drop_table("plan_suggestion")
    with op.batch_alter_table("agenda_topic", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_topic_citizen_id"))
    op.drop_table("agenda_topic")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_constraint("fk_goal_updated_by_id", type_="foreignkey")
        batch_op.drop_column("step_higher_at")
        batch_op.drop_column("step_higher")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("updated_by_id")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_constraint("fk_challenge_updated_by_id", type_="foreignkey")
        batch_op.drop_column("updated_by_id")
