"""The consultant's list of notices inside Tavle: new messages, suggestions declined, low or
falling ratings, for the citizens who share their plan with them. Read from the outbox's
`listed` rows (app.reminders.scan and `outbox.message_waiting` write them); access is asked
again when the list is read, so a citizen who withdrew consent drops out of it at once."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.live.unit_of_work import unit_of_work
from app.models import Notice, NoticeState, User
from app.models.base import utcnow
from app.notices.delivery import visible_citizens

SHOWN = 50


@dataclass(frozen=True)
class Listed:
    id: int
    kind: str
    citizen_name: str
    link: str
    at: datetime
    read: bool


def listed_for(*, session: Session, staff: User, limit: int = SHOWN) -> list[Listed]:
    """The newest notices first, unread and read, only of citizens this person may see now."""
    visible = visible_citizens(session=session, staff=staff)
    if not visible:
        return []
    rows = session.exec(
        select(Notice, User.name)
        .join(User, col(User.id) == Notice.citizen_id)
        .where(
            col(Notice.user_id) == staff.id,
            col(Notice.state) == NoticeState.listed,
            col(Notice.citizen_id).in_(visible),
        )
        .order_by(col(Notice.due_at).desc(), col(Notice.id).desc())
        .limit(limit)
    ).all()
    return [
        Listed(
            id=notice.id or 0,
            kind=notice.kind,
            citizen_name=name,
            link=notice.link,
            at=notice.due_at,
            read=notice.read_at is not None,
        )
        for notice, name in rows
    ]


def mark_all_read(*, session: Session, staff: User) -> None:
    with unit_of_work(session):
        session.execute(
            update(Notice)
            .where(
                col(Notice.user_id) == staff.id,
                col(Notice.state) == NoticeState.listed,
                col(Notice.read_at).is_(None),
            )
            .values(read_at=utcnow())
        )
