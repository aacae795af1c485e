"""The agenda for the next meeting: what the citizen marked "I want to talk about this"
(a challenge, a goal, an agreement) and topics written in their own words. The consultant's
view of the citizen and the meeting screen show it first."""

from sqlmodel import Session, col, select

from app.access.rules import NotVisible
from app.board.agenda import OPEN_AGREEMENTS, AgendaItem, agenda_for
from app.board.changes import board_change, tell_caseloads
from app.catalogue import N_
from app.core.i18n import Translator
from app.core.wording import Checked, check
from app.models import (
    AgendaTopic,
    Agreement,
    Challenge,
    Goal,
    User,
)
from app.models.agenda import TOPIC_MAX
from app.plan.overview import NotAllowed, is_consultant, is_own_plan, require_citizen

__all__ = ["AgendaItem", "agenda_for"]


def open_agreements(*, session: Session, citizen: User) -> list[Agreement]:
    """Agreements the citizen can put on the agenda."""
    return list(
        session.exec(
            select(Agreement)
            .where(
                Agreement.citizen_id == citizen.id,
                col(Agreement.deleted_at).is_(None),
                col(Agreement.status).in_(OPEN_AGREEMENTS),
            )
            .order_by(col(Agreement.position), col(Agreement.id))
        ).all()
    )


def add_topic(*, session: Session, citizen: User, actor: User, text: str, t: Translator) -> Checked:
    """A topic in the writer's words; the citizen's, or the consultant's shown as theirs."""
    if not (is_own_plan(actor, citizen) or is_consultant(actor)):
        raise NotAllowed()
    checked = check(text, limit=TOPIC_MAX, t=t, empty_message=N_("Write what you want to talk about."))
    if checked.ok:
        assert citizen.id is not None
        with board_change(session, citizen_id=citizen.id, kind="agenda", actor_id=actor.id) as change:
            session.add(AgendaTopic(citizen_id=citizen.id, text=checked.text, created_by_id=actor.id))
            # The consultant's caseload card says that an agenda exists.
            tell_caseloads(session=session, change=change, citizen_id=citizen.id, kind="agenda")
    return checked


def get_topic(*, session: Session, citizen: User, topic_id: int) -> AgendaTopic:
    topic = session.get(AgendaTopic, topic_id)
    if topic is None or topic.citizen_id != citizen.id:
        raise NotVisible(topic_id)
    return topic


def topic_done(*, session: Session, citizen: User, actor: User, topic: AgendaTopic) -> None:
    """Talked about, or no longer needed: off the agenda. The words are kept."""
    if not (is_own_plan(actor, citizen) or is_consultant(actor)):
        raise NotAllowed()
    if not topic.done:
        with board_change(session, citizen_id=topic.citizen_id, kind="agenda", actor_id=actor.id) as change:
            topic.done, topic.done_at = True, change.at
            session.add(topic)
            tell_caseloads(session=session, change=change, citizen_id=topic.citizen_id, kind="agenda")


def toggle_agreement(*, session: Session, citizen: User, actor: User, agreement_id: int) -> Agreement:
    """ "I want to talk about this" on an open agreement — the citizen's own mark."""
    require_citizen(actor, citizen)
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.citizen_id != citizen.id or agreement.deleted_at is not None:
        raise NotVisible(agreement_id)
    with board_change(
        session, citizen_id=agreement.citizen_id, kind="agreement", item_id=agreement.id, actor_id=actor.id
    ) as change:
        agreement.on_agenda = not agreement.on_agenda
        session.add(agreement)
        tell_caseloads(session=session, change=change, citizen_id=agreement.citizen_id, kind="agenda")
    return agreement


def clear(*, session: Session, citizen: User, actor: User) -> int:
    """After the meeting: everything off the agenda (topics are kept as done). How many items."""
    if not (is_own_plan(actor, citizen) or is_consultant(actor)):
        raise NotAllowed()
    assert citizen.id is not None
    if not agenda_for(session=session, citizen_id=citizen.id):
        return 0
    with board_change(session, citizen_id=citizen.id, kind="agenda", actor_id=actor.id) as change:
        items = agenda_for(session=session, citizen_id=citizen.id)
        for item in items:
            if item.kind == "topic":
                topic = session.get(AgendaTopic, item.item_id)
                if topic is not None:
                    topic.done, topic.done_at = True, change.at
                    session.add(topic)
                continue
            marked = _marked(session, item)
            if marked is not None:
                marked.on_agenda = False
                session.add(marked)
        tell_caseloads(session=session, change=change, citizen_id=citizen.id, kind="agenda")
    return len(items)


def _marked(session: Session, item: AgendaItem) -> Challenge | Goal | Agreement | None:
    if item.kind == "challenge":
        return session.get(Challenge, item.item_id)
    if item.kind == "goal":
        return session.get(Goal, item.item_id)
    return session.get(Agreement, item.item_id)
