"""A citizen's network: the people the citizen chooses to involve, invited by the citizen and
removed by the citizen at any time. What a member may see is decided in app.access.rules."""

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from app.access.changes import access_changed
from app.catalogue import N_
from app.core.wording import cleaned, problem
from app.live.unit_of_work import unit_of_work
from app.models import AuthSession, Invitation, InvitationKind, NetworkLink, PasskeyCredential, Role, User
from app.network import invitations

RELATION_MAX = 80


@dataclass(frozen=True)
class Member:
    user: User
    relation: str
    # False until the member has opened the invitation and chosen a PIN or passkey.
    joined: bool


def network_members(*, session: Session, citizen_id: int) -> list[Member]:
    rows = session.exec(
        select(User, NetworkLink)
        .join(NetworkLink, col(NetworkLink.member_id) == col(User.id))
        .where(NetworkLink.citizen_id == citizen_id)
        .order_by(col(User.name))
    ).all()
    return [Member(user=user, relation=link.relation, joined=_joined(user)) for user, link in rows]


def _joined(user: User) -> bool:
    return user.pin_hash is not None


def is_network_member(*, session: Session, member_id: int, citizen_id: int) -> bool:
    return session.get(NetworkLink, (citizen_id, member_id)) is not None


def citizens_of(*, session: Session, member: User) -> list[tuple[User, str]]:
    """The citizens whose network `member` is in, with the relation the citizen wrote."""
    rows = session.exec(
        select(User, NetworkLink)
        .join(NetworkLink, col(NetworkLink.citizen_id) == col(User.id))
        .where(NetworkLink.member_id == member.id)
        .order_by(col(User.name))
    ).all()
    return [(user, link.relation) for user, link in rows]


def invite_member(*, session: Session, citizen: User, name: str, relation: str) -> invitations.Issued:
    errors: dict[str, str] = {}
    name = invitations.check_name(name, errors)
    relation = cleaned(relation)
    if wrong := problem(relation):
        errors["relation"] = wrong
    elif not relation:
        errors["relation"] = N_("Write who the person is to you, for example 'my sister'.")
    elif len(relation) > RELATION_MAX:
        errors["relation"] = N_("Write it shorter. Use at most 80 characters.")
    if errors:
        raise invitations.FormError(errors)
    assert citizen.id is not None
    member = User(name=name, role=Role.network, locale=citizen.locale)
    session.add(member)
    session.flush()
    assert member.id is not None
    session.add(NetworkLink(citizen_id=citizen.id, member_id=member.id, relation=relation))
    return invitations.issue(
        session=session,
        kind=InvitationKind.network,
        citizen_id=citizen.id,
        invited=member,
        created_by=citizen,
    )


def reinvite_member(*, session: Session, citizen: User, member_id: int) -> invitations.Issued | None:
    """A new link for a member who lost theirs; None when they are not in this citizen's network."""
    assert citizen.id is not None
    member = session.get(User, member_id)
    if member is None or not is_network_member(session=session, member_id=member_id, citizen_id=citizen.id):
        return None
    return invitations.issue(
        session=session,
        kind=InvitationKind.network,
        citizen_id=citizen.id,
        invited=member,
        created_by=citizen,
    )


def remove_member(*, session: Session, citizen_id: int, member_id: int) -> bool:
    """Removes the member from the citizen's network at once: the link goes, every session of
    theirs ends, and if they are in no one else's network they can no longer sign in at all."""
    link = session.get(NetworkLink, (citizen_id, member_id))
    if link is None:
        return False
    with unit_of_work(session) as work:
        session.delete(link)
        session.exec(delete(AuthSession).where(col(AuthSession.user_id) == member_id))
        session.exec(
            delete(Invitation).where(
                col(Invitation.invited_user_id) == member_id, col(Invitation.citizen_id) == citizen_id
            )
        )
        session.flush()
        remaining = session.exec(select(NetworkLink).where(NetworkLink.member_id == member_id)).first()
        member = session.get(User, member_id)
        if remaining is None and member is not None:
            # The account stays (the audit trail names it) but no way in is left.
            member.invitation_digest = None
            member.pin_hash = None
            session.add(member)
            session.exec(delete(PasskeyCredential).where(col(PasskeyCredential.user_id) == member_id))
        # The member's open views end; the board's other views redraw without them.
        access_changed(work, boards=[citizen_id], people=[member_id])
    return True
