"""Fixtures for notices: a real SMTP server, settings that send to it, and people who chose a
channel (set straight in the database, as if they had confirmed it)."""

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app import clock
from app.core.config import Settings
from app.models import Channel, Notice, NoticeAddress, User
from app.notices.vapid import new_keys
from app.reminders.runner import Round, run_once
from tests import factories
from tests.notice_services import Inbox, smtp_server

PUBLIC_URL = "https://tavle.kommune.example"
VAPID = new_keys()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def notify_settings(settings: Settings, inbox: Inbox) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_tls": "none",
            "smtp_from": "tavle@kommune.example",
            "public_url": PUBLIC_URL,
            "vapid_private_key": VAPID.private,
            "vapid_subject": "mailto:drift@kommune.example",
        }
    )


def confirmed(db: Session, user: User, channel: Channel, address: str) -> NoticeAddress:
    assert user.id is not None
    row = NoticeAddress(user_id=user.id, channel=channel, address=address, confirmed_at=clock.now())
    db.add(row)
    db.commit()
    return row


def citizen_with_email(
    db: Session, address: str = "anna@example.dk", locale: str = "da", name: str = "Anna Jensen"
) -> User:
    """A citizen (with a consultant) who confirmed `address` for notices."""
    citizen = factories.citizen(db, factories.consultant(db), name=name, locale=locale)
    confirmed(db, citizen, Channel.email, address)
    return citizen


def copenhagen(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=clock.ZONE)


def notify(engine: Engine, settings: Settings) -> Round:
    """One round of `python -m app notify --once`, in this process (so it sees the frozen clock)."""
    return run_once(engine=engine, settings=settings)


def notices_of(db: Session, user: User) -> list[Notice]:
    db.expire_all()
    return list(db.exec(select(Notice).where(Notice.user_id == user.id).order_by(col(Notice.id))).all())
