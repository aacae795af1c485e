"""notices outside Tavle and the calendar feed

The outbox of notices (one row per notice, claimed by the senders), each person"s channels
(a confirmed e-mail address or mobile number, Web Push subscriptions), their quiet hours and
digest choice, and the private calendar feed. Meetings and agreements get an index on the time
and date the reminders look for.

Revision ID: 0010_notices
Revises: 0009_idempotent_requests
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_notices"
down_revision: str | None = "0009_idempotent_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("calendar_feed",
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("token_nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("user_id"),
    sa.UniqueConstraint("token_digest")
    )
    op.create_table("notice",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("citizen_id", sa.Integer(), nullable=True),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("thread", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column("subject_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("subject_on", sa.Date(), nullable=True),
    sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column("state", sa.String(length=20), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("stale_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("channels", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["citizen_id"], ["app_user.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("key")
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_notice_state_due", ["state", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_user_id"), ["user_id"], unique=False)

    op.create_table("notice_address",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("channel", sa.String(length=20), nullable=False),
    sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("code_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column("code_sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("code_attempts", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("user_id", "channel", name="uq_notice_address_user_channel")
    )
    with op.batch_alter_table("notice_address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_address_user_id"), ["user_id"], unique=False)

    op.create_table("notice_settings",
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("quiet", sa.Boolean(), nullable=False),
    sa.Column("quiet_from", sa.Time(), nullable=False),
    sa.Column("quiet_until", sa.Time(), nullable=False),
    sa.Column("digest", sa.Boolean(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("user_id")
    )
    op.create_table("push_subscription",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("auth_secret", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("endpoint")
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_subscription_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_due_on"), ["due_on"], unique=False)

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_at"), ["at"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_at"))

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_due_on"))

    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_user_id"))

    op.drop_table("push_subscription")
    op.drop_table("notice_settings")
    with op.batch_alter_table("notice_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_address_user_id"))

    op.drop_table("notice_address")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_user_id"))
        batch_op.drop_index("ix_notice_state_due")
        batch_op.drop_index(batch_op.f("ix_notice_citizen_id"))

    op.drop_table("notice")
    op.drop_table("calendar_feed")
