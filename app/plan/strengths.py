"""What the citizen is good at and what already works: written by the citizen, or by the
consultant and then shown as the consultant's words."""

from sqlmodel import Session, col, select

from app.access.rules import NotVisible
from app.board.changes import board_change
from app.catalogue import N_
from app.core.i18n import Translator
from app.core.wording import Checked, check
from app.models import Strength, User
from app.models.strength import TEXT_MAX
from app.plan.overview import NotAllowed, is_consultant, is_own_plan


def strengths(*, session: Session, citizen: User) -> list[Strength]:
    return list(
        session.exec(
            select(Strength).where(Strength.citizen_id == citizen.id).order_by(col(Strength.id))
        ).all()
    )


def get_strength(*, session: Session, citizen: User, strength_id: int) -> Strength:
    strength = session.get(Strength, strength_id)
    if strength is None or strength.citizen_id != citizen.id:
        raise NotVisible(strength_id)
    return strength


def add(*, session: Session, citizen: User, actor: User, text: str, t: Translator) -> Checked:
    """Adds a strength in the writer's words; the checked text and any error message."""
    if not (is_own_plan(actor, citizen) or is_consultant(actor)):
        raise NotAllowed()
    checked = check(text, limit=TEXT_MAX, t=t, empty_message=N_("Write something you are good at."))
    if checked.ok:
        assert citizen.id is not None
        with board_change(session, citizen_id=citizen.id, kind="strength", actor_id=actor.id):
            session.add(Strength(citizen_id=citizen.id, text=checked.text, created_by_id=actor.id))
    return checked


def remove(*, session: Session, citizen: User, actor: User, strength: Strength) -> None:
    """The citizen may take any strength off their plan; the consultant only their own words."""
    if not (is_own_plan(actor, citizen) or (is_consultant(actor) and strength.created_by_id == actor.id)):
        raise NotAllowed()
    with board_change(session, citizen_id=strength.citizen_id, kind="strength", actor_id=actor.id):
        session.delete(strength)
