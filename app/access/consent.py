"""The citizen's two consents, in plain words, and the record of every choice.

(a) `consultant`: my plan in Tavle is shared with my consultant. Without it the consultant sees
    the citizen's name and that the plan is not shared, nothing else.
(b) `network`: the cards I choose are shared with my network. Without it network members see
    nothing.

Taking part in Tavle is voluntary (the legal job plan lives in Jobnet's Min Plan), so nothing is
shared until the citizen has said yes. Saying no, or withdrawing, deletes nothing: saying yes
again shows everything as before. `app.access.rules` reads these for every page and every live
event; a change is published as a change of access, so open views check again at once."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, true
from sqlmodel import Session, col, select

from app.access import audit
from app.access.changes import access_changed
from app.catalogue import N_
from app.core.db import lock_person
from app.live.unit_of_work import unit_of_work
from app.models import CaseloadLink, ConsentRecord, ConsentScope, User

TEXT_VERSION = "2026-12"
SCOPES = (ConsentScope.consultant, ConsentScope.network)


@dataclass(frozen=True)
class Wording:
    """What the citizen reads about one consent: the question, what yes means, what no means."""

    question: str
    yes: str
    no: str
    # How the citizen's answer reads later ("My plan is shared with my consultant").
    given: str
    not_given: str
    # The button on the privacy page that changes it.
    stop: str
    start: str


WORDING: dict[ConsentScope, Wording] = {
    ConsentScope.consultant: Wording(
        question=N_("May your consultant see your plan in Tavle?"),
        yes=N_(
            "Yes: my consultant at the job centre may see my plan in Tavle. That is what I want to "
            "work on, my goals, our agreements and how I rate my activities."
        ),
        no=N_("No: my consultant sees only my name. I can still use Tavle on my own."),
        given=N_("Your consultant can see your plan."),
        not_given=N_("Your consultant cannot see your plan. They see only your name."),
        stop=N_("Stop sharing my plan with my consultant"),
        start=N_("Share my plan with my consultant"),
    ),
    ConsentScope.network: Wording(
        question=N_("May your network see the cards you choose to share?"),
        yes=N_(
            "Yes: the people I invite to my network may see the agreements I choose to share with "
            "them. Nothing else."
        ),
        no=N_("No: my network sees nothing."),
        given=N_("Your network can see the cards you share with them."),
        not_given=N_("Your network cannot see anything."),
        stop=N_("Stop sharing cards with my network"),
        start=N_("Share the cards I choose with my network"),
    ),
}
ABOUT = N_(
    "Tavle is voluntary. Your job plan from the job centre is in Jobnet (Min Plan), not here. "
    "You can say no. Saying no never leads to a sanction. Nothing is deleted if you say no, and "
    "you can change your mind at any time on the page “My data”."
)


@dataclass(frozen=True)
class ConsentState:
    """The latest choice per scope (None: not asked yet, or never answered)."""

    consultant: ConsentRecord | None = None
    network: ConsentRecord | None = None

    def latest(self, scope: ConsentScope) -> ConsentRecord | None:
        return self.consultant if scope == ConsentScope.consultant else self.network

    def given(self, scope: ConsentScope) -> bool:
        record = self.latest(scope)
        return record is not None and record.given

    @property
    def plan_shared(self) -> bool:
        return self.given(ConsentScope.consultant)

    @property
    def network_shared(self) -> bool:
        return self.given(ConsentScope.network)

    @property
    def answered(self) -> bool:
        """Both questions answered, yes or no: the citizen is not asked again at sign-in."""
        return self.consultant is not None and self.network is not None


_LATEST_ANSWER = (
    select(ConsentRecord.given)
    .where(ConsentRecord.citizen_id == bindparam("citizen_id"), ConsentRecord.scope == bindparam("scope"))
    .order_by(col(ConsentRecord.at).desc(), col(ConsentRecord.id).desc())
    .limit(1)
)


# The same answer as a condition inside another statement (its parameters: citizen_id, scope),
# so that a link and the consent it rests on are asked in one round trip.
GIVEN = _LATEST_ANSWER.scalar_subquery() == true()


def is_given(*, session: Session, citizen_id: int, scope: ConsentScope) -> bool:
    """The one question `app.access.rules` asks: one indexed lookup."""
    given = session.exec(_LATEST_ANSWER, params={"citizen_id": citizen_id, "scope": scope}).first()
    return bool(given)


def state(*, session: Session, citizen_id: int) -> ConsentState:
    return states(session=session, citizen_ids=[citizen_id]).get(citizen_id, ConsentState())


def states(*, session: Session, citizen_ids: Iterable[int]) -> dict[int, ConsentState]:
    """The latest choices of many citizens at once (a caseload)."""
    ids = list(dict.fromkeys(citizen_ids))
    found: dict[int, dict[ConsentScope, ConsentRecord]] = {i: {} for i in ids}
    if not ids:
        return {}
    records = session.exec(
        select(ConsentRecord)
        .where(col(ConsentRecord.citizen_id).in_(ids))
        .order_by(col(ConsentRecord.at), col(ConsentRecord.id))
    ).all()
    for record in records:
        found[record.citizen_id][ConsentScope(record.scope)] = record
    return {
        i: ConsentState(consultant=by.get(ConsentScope.consultant), network=by.get(ConsentScope.network))
        for i, by in found.items()
    }


def history(*, session: Session, citizen_id: int) -> list[ConsentRecord]:
    """Every choice, newest first."""
    return list(
        session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.citizen_id == citizen_id)
            .order_by(col(ConsentRecord.at).desc(), col(ConsentRecord.id).desc())
        ).all()
    )


def choose(*, session: Session, citizen: User, choices: dict[ConsentScope, bool]) -> list[ConsentScope]:
    """Records the citizen's answers; only a change (or a first answer) is written. Returns the
    scopes that changed. One unit of work: the records, the audit entries the citizen reads, and
    the access change that makes every open view concerned check again, in every process."""
    assert citizen.id is not None
    # The answers so far read under the citizen's own lock: a double tap writes one change.
    lock_person(session, citizen.id)
    now = state(session=session, citizen_id=citizen.id)
    changed = [
        scope for scope, given in choices.items() if now.latest(scope) is None or now.given(scope) != given
    ]
    if not changed:
        session.commit()
        return []
    consultants = session.exec(
        select(CaseloadLink.consultant_id).where(CaseloadLink.citizen_id == citizen.id)
    ).all()
    with unit_of_work(session) as work:
        for scope in changed:
            given = choices[scope]
            session.add(
                ConsentRecord(citizen_id=citizen.id, scope=scope, given=given, text_version=TEXT_VERSION)
            )
            _told(session, citizen, scope, given)
        # The board's views (the consultant's, the network's) and the caseload rows.
        access_changed(work, boards=[citizen.id], caseloads=consultants)
    return changed


def _told(session: Session, citizen: User, scope: ConsentScope, given: bool) -> None:
    """The entry in the citizen's own trail (app/privacy/templates/partials/audit_entry.html
    says it in words)."""
    assert citizen.id is not None
    target = f"consent:{scope.value}:{'yes' if given else 'no'}"
    audit.add(session=session, actor=citizen, citizen_id=citizen.id, action="consent", target=target)


def record_for_demo(*, session: Session, citizen: User) -> None:
    """Seeding: yes to both, as if the citizen had answered at their first sign-in, and in their
    trail as such."""
    assert citizen.id is not None
    for scope in SCOPES:
        session.add(ConsentRecord(citizen_id=citizen.id, scope=scope, given=True, text_version=TEXT_VERSION))
        _told(session, citizen, scope, True)
