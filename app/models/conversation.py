"""Conversations between meetings: one thread on each agreement and one general thread per
citizen, the messages in them, and how far each person has read.

A thread's `waiting_for` says whose answer a message marked "I'm waiting for an answer" waits
for ("consultant" or "citizen"); an answer from that side clears it. It is kept on the thread,
not worked out from the messages, so the caseload can ask it of fifteen citizens in one query."""

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

MESSAGE_MAX = 2000
THREAD_KEY_MAX = 40
# The two sides of a conversation: whose answer a thread waits for. The network is on the
# citizen's side.
CONSULTANT_SIDE = "consultant"
CITIZEN_SIDE = "citizen"


def side_of(role: str) -> str:
    return CONSULTANT_SIDE if role == "consultant" else CITIZEN_SIDE


class Thread(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    # The agreement the thread is about; None: the citizen's general thread.
    agreement_id: int | None = Field(default=None, foreign_key="agreement.id", ondelete="CASCADE")
    # "agreement:12" or "citizen:5": one thread per key (also the notices' name for it).
    key: str = Field(max_length=THREAD_KEY_MAX, unique=True)
    waiting_for: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    last_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    messages: int = 0


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    body: str = Field(max_length=MESSAGE_MAX)
    # The writer marked "I'm waiting for an answer".
    waiting: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ThreadRead(SQLModel, table=True):
    """How far one person has read one thread, and when: "Seen by Mette 10:14"."""

    __tablename__ = "thread_read"

    thread_id: int = Field(foreign_key="thread.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    last_message_id: int
    read_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
