"""The consultant's notices: a declined suggestion and a low rating land in Mette's list in
Tavle (never another consultant's, and not once the citizen stops sharing her plan), and her
daily e-mail digest arrives at a real SMTP server with the numbers only, no names, no content."""

from sqlalchemy import Engine
from sqlmodel import Session

from app import clock
from app.access import consent
from app.board.changes import board_change
from app.core.config import Settings
from app.models import ChallengeStatus, ConsentScope, MeaningfulnessRating, NoticeSettings, User
from app.notices import listing
from tests import factories
from tests.conftest import FrozenClock
from tests.notice_services import Inbox
from tests.notices.conftest import copenhagen, notify

SECRET = "HEMMELIG-UDFORDRING"


def _declines_and_rates(db: Session, anna: User) -> None:
    """Anna says no thanks to a suggested challenge, and rates her mentor 2 of 10."""
    assert anna.id is not None
    challenge = factories.challenge(db, anna, title=f"Gå til {SECRET}")
    mentor = factories.intervention(db, anna)
    assert mentor.id is not None
    with board_change(db, citizen_id=anna.id):
        challenge.status = ChallengeStatus.declined
        challenge.updated_at = clock.now()
        db.add(challenge)
        db.add(MeaningfulnessRating(intervention_id=mentor.id, value=2, reason=SECRET, rated_at=clock.now()))


def test_declines_and_low_ratings_are_in_her_own_consultants_list_only(
    db: Session, engine: Engine, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    mette = factories.consultant(db, name="Mette Hansen")
    ole = factories.consultant(db, name="Ole Olsen")
    factories.citizen(db, ole, name="Bo Berg")
    anna = factories.citizen(db, mette, name="Anna Jensen")
    _declines_and_rates(db, anna)

    notify(engine, notify_settings)

    kinds = sorted(item.kind for item in listing.listed_for(session=db, staff=mette))
    assert kinds == ["decline", "rating"]
    assert all(
        item.citizen_name == "Anna Jensen" and not item.read
        for item in listing.listed_for(session=db, staff=mette)
    )
    assert listing.listed_for(session=db, staff=ole) == []
    # Anna stops sharing her plan: her news leaves Mette's list at once.
    consent.choose(session=db, citizen=anna, choices={ConsentScope.consultant: False})
    assert listing.listed_for(session=db, staff=mette) == []


def test_the_daily_digest_has_numbers_only(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 6, 30))
    mette = factories.consultant(db, name="Mette Hansen", email="mette@kommune.example")
    assert mette.id is not None
    db.add(NoticeSettings(user_id=mette.id, digest=True))
    db.commit()
    anna = factories.citizen(db, mette, name="Anna Jensen")
    _declines_and_rates(db, anna)
    assert notify(engine, notify_settings).report.sent == 0  # before the digest hour (07:00)

    frozen_clock.set(copenhagen(2026, 3, 2, 7, 0))
    assert notify(engine, notify_settings).report.sent == 1

    [mail] = inbox.to("mette@kommune.example")
    assert mail.message["Subject"] == "Tavle: det nye siden i går"
    assert "- 1 forslag afvist" in mail.text
    assert "- 1 lav eller faldende vurdering" in mail.text
    everything = mail.message.as_string() + mail.text
    assert "Anna" not in everything and SECRET not in everything
    # The next day nothing new came in: no e-mail.
    frozen_clock.set(copenhagen(2026, 3, 3, 7, 5))
    notify(engine, notify_settings)
    assert len(inbox.to("mette@kommune.example")) == 1
