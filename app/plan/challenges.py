"""The citizen's challenges: picked from the catalogue or written in their own words, put in
their own order, parked or solved and brought back. The consultant may only suggest one; it
joins the plan when the citizen accepts it."""

from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session, col, select

from app.access.rules import NotVisible
from app.board.changes import board_change, tell_caseloads
from app.catalogue import N_
from app.catalogue.challenges import BY_KEY
from app.core.i18n import Translator, translator
from app.core.wording import check
from app.models import Challenge, ChallengeStatus, LifeArea, User
from app.models.challenge import TITLE_MAX, WHY_MAX
from app.plan.overview import NotAllowed, is_consultant, is_own_plan, require_citizen

# The citizen's plan: these are theirs; "suggested" and "declined" are the consultant's ideas.
IN_PLAN = (ChallengeStatus.active, ChallengeStatus.parked, ChallengeStatus.solved)
Direction = Literal["up", "down"]


@dataclass
class ChallengeForm:
    life_area: str = ""
    title: str = ""
    why: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, challenge: Challenge) -> "ChallengeForm":
        return cls(life_area=challenge.life_area, title=challenge.title, why=challenge.why)


@dataclass
class ChallengeLists:
    active: list[Challenge]
    suggested: list[Challenge]
    parked: list[Challenge]
    solved: list[Challenge]
    declined: list[Challenge]

    @property
    def catalogue_keys(self) -> set[str]:
        """What is already in the plan or suggested, so the catalogue can say so."""
        return {
            c.catalogue_key
            for c in (*self.active, *self.suggested, *self.parked, *self.solved)
            if c.catalogue_key
        }


def lists(*, session: Session, citizen: User) -> ChallengeLists:
    rows = session.exec(
        select(Challenge)
        .where(Challenge.citizen_id == citizen.id)
        .order_by(col(Challenge.position), col(Challenge.id))
        # As stored now, even for rows this session read before (inside a board change: current).
        .execution_options(populate_existing=True)
    ).all()

    def having(status: ChallengeStatus) -> list[Challenge]:
        return [c for c in rows if c.status == status]

    return ChallengeLists(
        active=having(ChallengeStatus.active),
        suggested=having(ChallengeStatus.suggested),
        parked=having(ChallengeStatus.parked),
        solved=having(ChallengeStatus.solved),
        declined=having(ChallengeStatus.declined),
    )


def get_challenge(*, session: Session, citizen: User, challenge_id: int) -> Challenge:
    """The citizen's challenge, or NotVisible (404) when it is anyone else's."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or challenge.citizen_id != citizen.id:
        raise NotVisible(challenge_id)
    return challenge


def _new_status(actor: User, citizen: User) -> ChallengeStatus:
    if is_own_plan(actor, citizen):
        return ChallengeStatus.active
    if is_consultant(actor):
        return ChallengeStatus.suggested
    raise NotAllowed()


def _next_position(session: Session, citizen: User) -> int:
    last = session.exec(
        select(Challenge.position)
        .where(Challenge.citizen_id == citizen.id, col(Challenge.status).in_(IN_PLAN))
        .order_by(col(Challenge.position).desc())
    ).first()
    return 0 if last is None else last + 1


def _save(session: Session, challenge: Challenge, actor: User, *, agenda: bool = False) -> Challenge:
    """`agenda`: the change puts it on the agenda or takes it off (the caseload card counts it)."""
    with board_change(
        session, citizen_id=challenge.citizen_id, kind="challenge", item_id=challenge.id, actor_id=actor.id
    ) as change:
        challenge.updated_by_id = actor.id
        challenge.updated_at = change.at
        session.add(challenge)
        session.flush()
        change.item_id = challenge.id
        if agenda:
            tell_caseloads(session=session, change=change, citizen_id=challenge.citizen_id, kind="agenda")
    session.refresh(challenge)
    return challenge


def add_from_catalogue(*, session: Session, citizen: User, actor: User, key: str) -> Challenge | None:
    """Copies a catalogue challenge into the plan in the citizen's language (a consultant's pick
    becomes a suggestion). None for an unknown key. Picking it twice gives the same one back."""
    status = _new_status(actor, citizen)
    item = BY_KEY.get(key)
    if item is None:
        return None
    existing = session.exec(
        select(Challenge).where(
            Challenge.citizen_id == citizen.id,
            Challenge.catalogue_key == key,
            col(Challenge.status).in_((*IN_PLAN, ChallengeStatus.suggested)),
        )
    ).first()
    if existing is not None:
        if status == ChallengeStatus.active and existing.status in (
            ChallengeStatus.parked,
            ChallengeStatus.solved,
        ):
            # Picked again while parked or solved: the citizen wants it back.
            existing.position = _next_position(session, citizen)
            existing.status = ChallengeStatus.active
            return _save(session, existing, actor)
        return existing
    assert citizen.id is not None
    challenge = Challenge(
        citizen_id=citizen.id,
        life_area=item.life_area,
        title=translator(citizen.locale or "da").gettext(item.text),
        catalogue_key=key,
        status=status,
        position=_next_position(session, citizen),
        created_by_id=actor.id,
    )
    return _save(session, challenge, actor)


def _validate(form: ChallengeForm, t: Translator) -> tuple[LifeArea, str, str] | None:
    form.errors.clear()
    try:
        area = LifeArea(form.life_area)
    except ValueError:
        area = None
        form.errors["life_area"] = t.gettext("Choose the part of life it is about.")
    title = check(form.title, limit=TITLE_MAX, t=t, empty_message=N_("Write what you want to work on."))
    why = check(form.why, limit=WHY_MAX, t=t, empty_message="", required=False, multiline=True)
    form.title, form.why = title.text, why.text
    if title.error:
        form.errors["title"] = title.error
    if why.error:
        form.errors["why"] = why.error
    if form.errors or area is None:
        return None
    return area, title.text, why.text


def add_own(
    *, session: Session, citizen: User, actor: User, form: ChallengeForm, t: Translator
) -> Challenge | None:
    """A challenge in the writer's own words; None (and `form.errors`) when the form is not right."""
    status = _new_status(actor, citizen)
    checked = _validate(form, t)
    if checked is None:
        return None
    area, title, why = checked
    assert citizen.id is not None
    challenge = Challenge(
        citizen_id=citizen.id,
        life_area=area,
        title=title,
        why=why,
        status=status,
        position=_next_position(session, citizen),
        created_by_id=actor.id,
    )
    return _save(session, challenge, actor)


def update_wording(
    *,
    session: Session,
    citizen: User,
    actor: User,
    challenge: Challenge,
    form: ChallengeForm,
    t: Translator,
) -> Challenge | None:
    """Only the citizen rewords their challenge; others comment or suggest (NotAllowed)."""
    require_citizen(actor, citizen)
    if challenge.status not in IN_PLAN:
        raise NotAllowed()
    checked = _validate(form, t)
    if checked is None:
        return None
    challenge.life_area, challenge.title, challenge.why = checked
    return _save(session, challenge, actor)


def move(*, session: Session, citizen: User, actor: User, challenge: Challenge, direction: Direction) -> int:
    """One place up or down among the active challenges; returns its new place (1 = top). The
    order is read under the board's lock, so two moves at once never number two alike."""
    require_citizen(actor, citizen)
    assert citizen.id is not None
    try:
        with board_change(
            session, citizen_id=citizen.id, kind="challenge", item_id=challenge.id, actor_id=actor.id
        ) as change:
            active = lists(session=session, citizen=citizen).active
            if challenge not in active:
                raise NotAllowed()
            index = active.index(challenge)
            target = index - 1 if direction == "up" else index + 1
            if not 0 <= target < len(active):
                raise _Unmoved(index + 1)
            active[index], active[target] = active[target], active[index]
            for position, item in enumerate(active):
                item.position = position
                session.add(item)
            challenge.updated_by_id, challenge.updated_at = actor.id, change.at
    except _Unmoved as unmoved:
        return unmoved.place
    return target + 1


class _Unmoved(Exception):
    """Already at the top or the bottom: nothing is written."""

    def __init__(self, place: int) -> None:
        super().__init__(place)
        self.place = place


def set_status(
    *, session: Session, citizen: User, actor: User, challenge: Challenge, status: str
) -> Challenge:
    """Park, mark as solved, or bring back into the active list (at the end)."""
    require_citizen(actor, citizen)
    try:
        wanted = ChallengeStatus(status)
    except ValueError:
        raise NotAllowed() from None
    if wanted not in IN_PLAN or challenge.status not in IN_PLAN:
        raise NotAllowed()
    if wanted == challenge.status:
        return challenge
    if wanted == ChallengeStatus.active:
        challenge.position = _next_position(session, citizen)
    challenge.status = wanted
    return _save(session, challenge, actor)


def decide_suggestion(
    *, session: Session, citizen: User, actor: User, challenge: Challenge, accept: bool
) -> Challenge:
    """The citizen's answer to a suggested challenge: into the plan, or "no thanks"."""
    require_citizen(actor, citizen)
    if challenge.status != ChallengeStatus.suggested:
        return challenge
    if accept:
        challenge.position = _next_position(session, citizen)
        challenge.status = ChallengeStatus.active
    else:
        challenge.status = ChallengeStatus.declined
    return _save(session, challenge, actor)


def toggle_agenda(*, session: Session, citizen: User, actor: User, challenge: Challenge) -> Challenge:
    """ "I want to talk about this" — the citizen's own mark."""
    require_citizen(actor, citizen)
    if challenge.status not in IN_PLAN:
        raise NotAllowed()
    challenge.on_agenda = not challenge.on_agenda
    return _save(session, challenge, actor, agenda=True)
