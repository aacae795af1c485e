"""Consent to the shared plan: recorded with the version of the text the citizen saw."""

from sqlmodel import Session, col, select

from app.catalogue import N_
from app.models import ConsentRecord
from app.models.base import utcnow

TEXT_VERSION = "2026-11"
CONSENT_TEXT = N_(
    "I agree that my plan in Tavle — my challenges, goals, agreements and how meaningful I find "
    "my activities — is shared with my consultant at the job centre, and with the people in my "
    "network I choose to share cards with. I can withdraw my consent at any time. Withdrawing "
    "never leads to a sanction."
)


def current(*, session: Session, citizen_id: int) -> ConsentRecord | None:
    return session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.citizen_id == citizen_id)
        .order_by(col(ConsentRecord.given_at).desc(), col(ConsentRecord.id).desc())
    ).first()


def is_given(*, session: Session, citizen_id: int) -> bool:
    record = current(session=session, citizen_id=citizen_id)
    return record is not None and record.withdrawn_at is None


def give(*, session: Session, citizen_id: int) -> ConsentRecord:
    if is_given(session=session, citizen_id=citizen_id):
        record = current(session=session, citizen_id=citizen_id)
        assert record is not None
        return record
    record = ConsentRecord(citizen_id=citizen_id, text_version=TEXT_VERSION)
    session.add(record)
    session.commit()
    return record


def withdraw(*, session: Session, citizen_id: int) -> None:
    record = current(session=session, citizen_id=citizen_id)
    if record is not None and record.withdrawn_at is None:
        record.withdrawn_at = utcnow()
        session.add(record)
        session.commit()
