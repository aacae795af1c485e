"""Small builders for test data. Every user gets a known password or PIN."""

import itertools
from datetime import date

from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session

from app.board.changes import board_change
from app.core.security import digest, normalise_code
from app.models import (
    Actor,
    Agreement,
    AgreementStatus,
    CaseloadLink,
    Challenge,
    ConsentRecord,
    ConsentScope,
    Goal,
    Intervention,
    LifeArea,
    Role,
    User,
)

PASSWORD = "correct horse battery"
PIN = "135790"
_counter = itertools.count(1)
_hashes: dict[str, str] = {}
# The app's Argon2id is slow at every sign-in, on purpose. The people the tests make carry a
# cheap Argon2id hash instead: the app checks a hash by the parameters written in it, so their
# sign-ins take the app's own path, quickly. What the app itself stores (a PIN chosen at an
# invitation, a new password) still has the full cost.
_CHEAP = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hash(secret: str) -> str:
    if secret not in _hashes:
        _hashes[secret] = _CHEAP.hash(secret)
    return _hashes[secret]


def consultant(session: Session, name: str = "Karin Konsulent", email: str | None = None) -> User:
    n = next(_counter)
    user = User(
        name=name,
        role=Role.consultant,
        email=email or f"consultant{n}@example.dk",
        password_hash=_hash(PASSWORD),
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def citizen(
    session: Session,
    consultant: User | None = None,
    name: str = "Bo Borger",
    code: str | None = None,
    locale: str | None = None,
    consent: bool = True,
) -> User:
    """A citizen who has joined; `consent`: they said yes to both questions at their first
    sign-in (False: they have not answered yet)."""
    n = next(_counter)
    user = User(
        name=name,
        role=Role.citizen,
        locale=locale,
        invitation_digest=digest(normalise_code(code or f"CODE-{n}")),
        pin_hash=_hash(PIN),
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    assert user.id is not None
    if consent:
        for scope in ConsentScope:
            session.add(ConsentRecord(citizen_id=user.id, scope=scope, given=True, text_version="test"))
        session.commit()
    if consultant is not None:
        assert consultant.id is not None
        session.add(CaseloadLink(consultant_id=consultant.id, citizen_id=user.id))
        session.commit()
    return user


def network_member(
    session: Session, citizen: User, name: str = "Louise Søster", code: str | None = None
) -> User:
    """A member of `citizen`'s network who has joined (signs in with `code` and PIN)."""
    from app.models import NetworkLink

    n = next(_counter)
    user = User(
        name=name,
        role=Role.network,
        invitation_digest=digest(normalise_code(code or f"NET-{n}")),
        pin_hash=_hash(PIN),
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    assert user.id is not None and citizen.id is not None
    session.add(NetworkLink(citizen_id=citizen.id, member_id=user.id, relation="søster"))
    session.commit()
    return user


def changed_board(session: Session, owner: User) -> None:
    """What the app does after every change to a board: a new version, so nothing serves an
    older read of it. Tests that change board rows by hand call this afterwards too."""
    assert owner.id is not None
    with board_change(session, citizen_id=owner.id):
        pass


def challenge(session: Session, owner: User, title: str = "Komme op om morgenen") -> Challenge:
    assert owner.id is not None
    item = Challenge(
        citizen_id=owner.id, life_area=LifeArea.everyday_life, title=title, created_by_id=owner.id
    )
    with board_change(session, citizen_id=owner.id):
        session.add(item)
    session.refresh(item)
    return item


def goal(session: Session, owner: User, title: str = "Arbejde 10 timer om ugen") -> Goal:
    assert owner.id is not None
    item = Goal(citizen_id=owner.id, title=title, created_by_id=owner.id)
    with board_change(session, citizen_id=owner.id):
        session.add(item)
    session.refresh(item)
    return item


def agreement(
    session: Session,
    owner: User,
    what: str = "Ringe til tandlægen",
    status: AgreementStatus = AgreementStatus.todo,
    due_on: date | None = None,
    shared: bool = False,
) -> Agreement:
    """`shared`: the citizen shares it with their network."""
    assert owner.id is not None
    item = Agreement(
        citizen_id=owner.id,
        what=what,
        who=Actor.citizen,
        status=status,
        due_on=due_on,
        shared=shared,
        created_by_id=owner.id,
    )
    with board_change(session, citizen_id=owner.id):
        session.add(item)
    session.refresh(item)
    return item


def intervention(session: Session, owner: User, kind: str = "mentor") -> Intervention:
    assert owner.id is not None
    item = Intervention(citizen_id=owner.id, kind=kind, provider="Mentorhuset")
    with board_change(session, citizen_id=owner.id):
        session.add(item)
    session.refresh(item)
    return item


def staff(session: Session, role: Role, email: str, name: str = "Ada Admin") -> User:
    user = User(name=name, role=role, email=email, password_hash=_hash(PASSWORD))
    session.add(user)
    session.commit()
    session.refresh(user)
    return user
