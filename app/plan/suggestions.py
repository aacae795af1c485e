"""Comments and wording suggestions on a challenge or a goal.

Nobody but the citizen changes the citizen's words. A consultant suggests a new wording; it
replaces the text only when the citizen accepts it, and the suggestion keeps who wrote it, who
decided and when. Comments can be written by either side and are shown with their author."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.access.rules import NotVisible
from app.board.changes import board_change
from app.catalogue import N_
from app.core.i18n import Translator
from app.core.wording import Checked, check
from app.models import (
    Challenge,
    Goal,
    PlanSuggestion,
    SuggestionKind,
    SuggestionStatus,
    TargetType,
    User,
)
from app.models.base import utcnow
from app.models.challenge import TITLE_MAX as CHALLENGE_TITLE_MAX
from app.models.goal import TITLE_MAX as GOAL_TITLE_MAX
from app.models.suggestion import SUGGESTION_MAX
from app.plan.overview import NotAllowed, is_consultant, is_own_plan, require_citizen

Target = Challenge | Goal


@dataclass
class Thread:
    """What was said about one item: comments, and wording suggestions with their answers."""

    items: list[PlanSuggestion]

    @property
    def people(self) -> list[int | None]:
        return [i for s in self.items for i in (s.author_id, s.decided_by_id)]

    @property
    def pending(self) -> list[PlanSuggestion]:
        return [s for s in self.items if s.status == SuggestionStatus.pending]


def target_of(*, session: Session, citizen: User, target_type: str, target_id: int) -> Target:
    """The item a comment is about; 404 when it is not this citizen's."""
    try:
        kind = TargetType(target_type)
    except ValueError:
        raise NotVisible(target_id) from None
    item: Target | None = (
        session.get(Challenge, target_id) if kind == TargetType.challenge else session.get(Goal, target_id)
    )
    if item is None or item.citizen_id != citizen.id:
        raise NotVisible(target_id)
    return item


def _type(target: Target) -> TargetType:
    return TargetType.challenge if isinstance(target, Challenge) else TargetType.goal


def thread(*, session: Session, citizen: User, target: Target) -> Thread:
    rows = session.exec(
        select(PlanSuggestion)
        .where(
            PlanSuggestion.citizen_id == citizen.id,
            PlanSuggestion.target_type == _type(target),
            PlanSuggestion.target_id == target.id,
        )
        .order_by(col(PlanSuggestion.created_at), col(PlanSuggestion.id))
    ).all()
    return Thread(items=list(rows))


def pending_for(
    *, session: Session, citizen: User, targets: Sequence[Target]
) -> dict[tuple[str, int], list[PlanSuggestion]]:
    """Pending wording suggestions per item, for lists that show many items at once."""
    rows = session.exec(
        select(PlanSuggestion).where(
            PlanSuggestion.citizen_id == citizen.id,
            PlanSuggestion.status == SuggestionStatus.pending,
        )
    ).all()
    wanted = {(_type(t).value, t.id) for t in targets}
    found: dict[tuple[str, int], list[PlanSuggestion]] = {}
    for row in rows:
        key = (str(row.target_type), row.target_id)
        if key in wanted:
            found.setdefault(key, []).append(row)
    return found


def add(
    *,
    session: Session,
    citizen: User,
    actor: User,
    target: Target,
    kind: str,
    text: str,
    t: Translator,
) -> Checked:
    """A comment (either side) or a wording suggestion (the consultant's way to propose words)."""
    try:
        wanted = SuggestionKind(kind)
    except ValueError:
        raise NotAllowed() from None
    if wanted == SuggestionKind.wording and not is_consultant(actor):
        raise NotAllowed()
    if not (is_own_plan(actor, citizen) or is_consultant(actor)):
        raise NotAllowed()
    limit = SUGGESTION_MAX
    if wanted == SuggestionKind.wording:
        limit = CHALLENGE_TITLE_MAX if isinstance(target, Challenge) else GOAL_TITLE_MAX
    checked = check(text, limit=limit, t=t, empty_message=N_("Write your comment or suggestion."))
    if checked.ok:
        assert citizen.id is not None and target.id is not None
        session.add(
            PlanSuggestion(
                citizen_id=citizen.id,
                target_type=_type(target),
                target_id=target.id,
                kind=wanted,
                text=checked.text,
                status=SuggestionStatus.pending
                if wanted == SuggestionKind.wording
                else SuggestionStatus.open,
                author_id=actor.id,
            )
        )
        session.commit()
    return checked


def get_suggestion(*, session: Session, citizen: User, suggestion_id: int) -> PlanSuggestion:
    suggestion = session.get(PlanSuggestion, suggestion_id)
    if suggestion is None or suggestion.citizen_id != citizen.id:
        raise NotVisible(suggestion_id)
    return suggestion


def decide(
    *, session: Session, citizen: User, actor: User, suggestion: PlanSuggestion, accept: bool
) -> Target:
    """The citizen's answer. Accepting puts the suggested words in place, as changed by the
    citizen now; the suggestion keeps whose words they were."""
    require_citizen(actor, citizen)
    target = target_of(
        session=session, citizen=citizen, target_type=suggestion.target_type, target_id=suggestion.target_id
    )
    if suggestion.kind != SuggestionKind.wording or suggestion.status != SuggestionStatus.pending:
        return target
    now = utcnow()
    suggestion.status = SuggestionStatus.accepted if accept else SuggestionStatus.declined
    suggestion.decided_by_id, suggestion.decided_at = actor.id, now
    session.add(suggestion)
    if not accept:
        session.commit()
        return target
    kind = _type(target).value
    with board_change(session, citizen_id=target.citizen_id, kind=kind, item_id=target.id, actor_id=actor.id):
        target.title = suggestion.text
        target.updated_by_id, target.updated_at = actor.id, now
        session.add(target)
    return target
