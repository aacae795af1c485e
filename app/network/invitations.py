"""Invitations: a consultant invites a citizen, a citizen invites a network member. The person
opens the link (or scans the QR code) within 72 hours and chooses a PIN or a passkey; they sign in
later with their personal code and PIN, or with the passkey."""

import itertools
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, delete, select

from app.catalogue import N_
from app.core.i18n import SUPPORTED
from app.core.numbers import digits
from app.core.security import digest, hash_secret, new_token, normalise_code
from app.core.wording import cleaned, problem
from app.identity import pending
from app.models import CaseloadLink, Invitation, InvitationKind, Role, User
from app.models.base import utcnow

VALID_FOR = timedelta(hours=72)
NAME_MAX = 120
PIN_LENGTH = 6
# No 0/O, 1/I/L: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_SUFFIX = 4
FOLD = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "ß": "SS"})


class FormError(ValueError):
    """Carries field -> untranslated message; the route translates it for the viewer."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class Refusal(StrEnum):
    unknown = "unknown"
    used = "used"
    expired = "expired"


class InvitationRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Issued:
    """What the inviter is shown once: the link's token and the personal code, both in clear."""

    invitation: Invitation
    token: str
    code: str


def personal_code(name: str) -> str:
    """Readable and personal, like ANNA-7K2P: up to four letters of the first name, then four
    random characters from an alphabet without look-alikes."""
    first = name.strip().split(" ")[0].upper().translate(FOLD) if name.strip() else ""
    ascii_only = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in ascii_only if ch.isalpha())[:4] or "TAVLE"
    return f"{letters}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_SUFFIX))


def issue(
    *, session: Session, kind: InvitationKind, citizen_id: int, invited: User, created_by: User
) -> Issued:
    """A fresh link and personal code for `invited`. Older unused links for them stop working."""
    # `invited` may come from another session (the signed-in user): change this session's row.
    invited = session.get(User, invited.id) or invited
    assert invited.id is not None
    session.exec(
        delete(Invitation).where(
            col(Invitation.invited_user_id) == invited.id, col(Invitation.used_at).is_(None)
        )
    )
    code = _unique_code(session=session, name=invited.name)
    invited.invitation_digest = digest(normalise_code(code))
    token = new_token()
    invitation = Invitation(
        token_digest=digest(token),
        kind=kind,
        citizen_id=citizen_id,
        invited_user_id=invited.id,
        created_by_id=created_by.id,
        expires_at=utcnow() + VALID_FOR,
    )
    session.add_all([invited, invitation])
    session.commit()
    return Issued(invitation=invitation, token=token, code=code)


def _unique_code(*, session: Session, name: str) -> str:
    for _ in range(20):
        code = personal_code(name)
        taken = session.exec(
            select(User.id).where(User.invitation_digest == digest(normalise_code(code)))
        ).first()
        if taken is None:
            return code
    raise RuntimeError("no free personal code after 20 tries")


def check_name(name: str, errors: dict[str, str], field: str = "name") -> str:
    name = cleaned(name)
    if wrong := problem(name):
        errors[field] = wrong
    elif not name:
        errors[field] = N_("Write the person's name.")
    elif len(name) > NAME_MAX:
        errors[field] = N_("The name is too long. Use at most 120 characters.")
    return name


def create_citizen(*, session: Session, consultant: User, name: str, locale: str) -> Issued:
    """A new citizen in the consultant's caseload, with a board and an invitation, in one step."""
    errors: dict[str, str] = {}
    name = check_name(name, errors)
    if locale not in SUPPORTED:
        errors["locale"] = N_("Choose a language.")
    if errors:
        raise FormError(errors)
    assert consultant.id is not None
    citizen = User(name=name, role=Role.citizen, locale=locale)
    session.add(citizen)
    session.flush()
    assert citizen.id is not None
    # The board's row comes with its first change (app.board.changes).
    session.add(CaseloadLink(consultant_id=consultant.id, citizen_id=citizen.id))
    return issue(
        session=session,
        kind=InvitationKind.citizen,
        citizen_id=citizen.id,
        invited=citizen,
        created_by=consultant,
    )


def find(*, session: Session, token: str) -> Invitation:
    """The invitation behind a link, or InvitationRefused saying why not."""
    invitation = find_any(session=session, token=token)
    if invitation is None:
        raise InvitationRefused(Refusal.unknown)
    if invitation.used_at is not None:
        raise InvitationRefused(Refusal.used)
    if invitation.expires_at <= utcnow():
        raise InvitationRefused(Refusal.expired)
    return invitation


def find_any(*, session: Session, token: str) -> Invitation | None:
    """The invitation behind a link whatever its state (to say why it cannot be used)."""
    return session.exec(select(Invitation).where(Invitation.token_digest == digest(token))).first()


def status_of(invitation: Invitation | None) -> str:
    """'none', 'open', 'used' or 'expired': what the inviter is told about the latest link."""
    if invitation is None:
        return "none"
    if invitation.used_at is not None:
        return "used"
    return "expired" if invitation.expires_at <= utcnow() else "open"


def check_pin(pin: str, pin_again: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not pin:
        errors["pin"] = N_("Choose a PIN of 6 digits.")
    elif len(pin) != PIN_LENGTH or not digits(pin):
        errors["pin"] = N_("The PIN must be exactly 6 digits (numbers only).")
    elif _too_easy(pin):
        errors["pin"] = N_("That PIN is too easy to guess. Avoid 111111 and 123456.")
    elif pin != pin_again:
        errors["pin_again"] = N_("The two PINs are not the same. Type the same PIN twice.")
    return errors


def _too_easy(pin: str) -> bool:
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def choose_pin(*, session: Session, invitation: Invitation, pin: str, pin_again: str) -> User:
    """Sets the PIN and uses up the invitation; FormError when the PIN is not acceptable."""
    errors = check_pin(pin, pin_again)
    if errors:
        raise FormError(errors)
    user = session.get(User, invitation.invited_user_id)
    assert user is not None
    user.pin_hash = hash_secret(pin)
    session.add(user)
    return complete(session=session, invitation=invitation)


def complete(*, session: Session, invitation: Invitation) -> User:
    invitation.used_at = utcnow()
    session.add(invitation)
    session.commit()
    user = session.get(User, invitation.invited_user_id)
    assert user is not None
    return user


def invited_user(*, session: Session, invitation: Invitation) -> User:
    user = session.get(User, invitation.invited_user_id)
    assert user is not None
    return user


def latest(*, session: Session, invited_user_id: int) -> Invitation | None:
    return session.exec(
        select(Invitation)
        .where(Invitation.invited_user_id == invited_user_id)
        .order_by(col(Invitation.created_at).desc())
    ).first()


SHOW_MINUTES = 30
SHOW_PURPOSE = "show_invitation"


def remember_for_display(*, session: Session, issued: Issued, viewer: User) -> str:
    """The link and code are shown to the inviter after the redirect, for half an hour, and only
    to them: the returned key goes in the page address, the secrets stay on the server."""
    return pending.begin(
        session=session,
        purpose=SHOW_PURPOSE,
        user_id=viewer.id,
        minutes=SHOW_MINUTES,
        data={
            "token": issued.token,
            "code": issued.code,
            "invited_user_id": issued.invitation.invited_user_id,
            "expires_at": issued.invitation.expires_at.isoformat(),
        },
    )


@dataclass(frozen=True)
class Shown:
    token: str
    code: str
    invited_user_id: int
    expires_at: datetime


def shown(*, session: Session, key: str | None, viewer: User) -> Shown | None:
    record = pending.peek(session=session, purpose=SHOW_PURPOSE, token=key)
    if record is None or record.user_id != viewer.id:
        return None
    data = pending.data_of(record)
    return Shown(
        token=str(data["token"]),
        code=str(data["code"]),
        invited_user_id=int(data["invited_user_id"]),
        expires_at=datetime.fromisoformat(str(data["expires_at"])),
    )
