"""A change authorised a moment before access ended is not written after it. The write path asks
again, holding the board's lock, whether the person the request let in still may: the citizen's
consent withdrawn, the consultant removed from the caseload, or their account closed between the
page's check and the write, and the write is refused and rolled back. Then the same as a race:
consultant saves and a withdrawal let go together by one barrier, against a live server. On
SQLite and PostgreSQL."""

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.access import consent
from app.access.rules import NotVisible, visible_citizen
from app.admin import accounts
from app.board.changes import board_change
from app.models import Actor, Agreement, ConsentScope, Role, User
from tests import factories
from tests.board.test_concurrent_changes import at_once
from tests.live import LiveServer, Visitor

ROUNDS = 10
SAVES = 4


def _withdraw(db: Session, anna: User, _mette: User) -> None:
    consent.choose(session=db, citizen=anna, choices={ConsentScope.consultant: False})


def _remove(db: Session, anna: User, mette: User) -> None:
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    assert accounts.unassign(session=db, consultant_id=mette.id or 0, citizen_id=anna.id or 0, by=admin)


def _close(db: Session, _anna: User, mette: User) -> None:
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    accounts.set_active(session=db, user_id=mette.id or 0, active=False, by=admin)


ENDINGS: dict[str, Callable[[Session, User, User], None]] = {
    "consent withdrawn": _withdraw,
    "removed from the caseload": _remove,
    "account closed": _close,
}


def _write(request: Session, anna: User, mette: User, what: str) -> None:
    assert anna.id is not None and mette.id is not None
    with board_change(request, citizen_id=anna.id, kind="agreement", actor_id=mette.id):
        request.add(Agreement(citizen_id=anna.id, what=what, who=Actor.consultant, created_by_id=mette.id))


def _cards(db: Session, what: str) -> list[Agreement]:
    db.expire_all()
    return list(db.exec(select(Agreement).where(Agreement.what == what)).all())


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_access_ended_between_the_check_and_the_write_refuses_the_write(
    ending: str, db: Session, engine: Engine
) -> None:
    mette = factories.consultant(db, name="Mette Hansen")
    anna = factories.citizen(db, mette, name="Anna Jensen")
    with Session(engine, expire_on_commit=False) as request:
        # Mette's request lets her in (the page's check) ...
        consultant = request.get(User, mette.id)
        assert consultant is not None and anna.id is not None
        citizen = visible_citizen(session=request, user=consultant, citizen_id=anna.id)
        # ... her access ends (another request, another process) ...
        ENDINGS[ending](db, anna, mette)
        # ... and then her change reaches the write path: refused, nothing written.
        with pytest.raises(NotVisible):
            _write(request, citizen, consultant, "Skrevet efter at adgangen sluttede")
    assert _cards(db, "Skrevet efter at adgangen sluttede") == []


def test_with_access_unchanged_the_same_write_lands(db: Session, engine: Engine) -> None:
    """The control: the same steps with nothing ended in between."""
    mette = factories.consultant(db, name="Mette Hansen")
    anna = factories.citizen(db, mette, name="Anna Jensen")
    with Session(engine, expire_on_commit=False) as request:
        consultant = request.get(User, mette.id)
        assert consultant is not None and anna.id is not None
        citizen = visible_citizen(session=request, user=consultant, citizen_id=anna.id)
        _write(request, citizen, consultant, "Skrevet mens adgangen var der")
    assert len(_cards(db, "Skrevet mens adgangen var der")) == 1


def test_saves_racing_a_withdrawal_are_each_saved_or_refused_never_half(
    db: Session, live_server: LiveServer
) -> None:
    mette_user = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
    anna_user = factories.citizen(db, mette_user, name="Anna Jensen", code="ANNA")
    anna, mettes = Visitor(live_server), [Visitor(live_server) for _ in range(SAVES)]
    try:
        anna.sign_in_citizen("ANNA")
        for mette in mettes:
            mette.sign_in_staff("mette@example.dk")
        board = f"/citizens/{anna_user.id}"
        for round_ in range(ROUNDS):
            assert anna.post(f"{board}/consent/consultant", {"given": "yes"}).status_code == 303
            texts = [f"Runde {round_} nr. {n}" for n in range(SAVES)]
            answers = at_once(
                (anna, f"{board}/consent/consultant", {"given": "no"}),
                *(
                    (mette, f"{board}/agreements", {"what": text, "who": "consultant"})
                    for mette, text in zip(mettes, texts, strict=True)
                ),
            )
            assert answers[0].status_code == 303
            for text, answer in zip(texts, answers[1:], strict=True):
                # Saved and told so, or refused and not saved: never a 500, never half.
                assert answer.status_code in (303, 404), (round_, answer.status_code, answer.text[:300])
                assert len(_cards(db, text)) == (1 if answer.status_code == 303 else 0), (round_, text)
            # Whatever the order, once the withdrawal has answered nothing more gets in.
            too_late = f"Runde {round_} for sent"
            late = mettes[0].post(f"{board}/agreements", {"what": too_late, "who": "consultant"})
            assert late.status_code == 404 and _cards(db, too_late) == []
    finally:
        for visitor in (anna, *mettes):
            visitor.close()
