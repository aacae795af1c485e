""" "Min aftale": the citizen's plan on one page, to read on the phone or print on one A4 sheet
(and save as PDF from the browser). A citizen without a smartphone gets it printed at the
meeting. It holds what Germany's Kooperationsplan holds: goals in the citizen's own words with
today's scale, the next steps (who does what by when), the help and how meaningful it feels, the
strengths, and the next meeting with the citizen's agenda."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app import clock
from app.board.read import GoalView, InterventionView
from app.models import Agreement, AgreementStatus, Meeting, Strength, User
from app.plan.agenda import AgendaItem, agenda_for
from app.plan.overview import plan_summary

NEXT_STEPS = (AgreementStatus.doing, AgreementStatus.todo)


@dataclass(frozen=True)
class MyAgreement:
    citizen: User
    made_on: date
    goals: list[GoalView]
    # Open agreements: under way first, then to do; soonest due first within each.
    next_steps: list[Agreement]
    help: list[InterventionView]
    strengths: list[Strength]
    next_meeting: Meeting | None
    agenda: list[AgendaItem]


def my_agreement(*, session: Session, citizen: User) -> MyAgreement:
    """Call after `visible_citizen`: the page shows the whole plan."""
    assert citizen.id is not None
    plan = plan_summary(session=session, citizen=citizen)
    steps = [a for a in plan.agreements if a.status in NEXT_STEPS]
    steps.sort(key=lambda a: (NEXT_STEPS.index(a.status), a.due_on or date.max, a.position))
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.citizen_id == citizen.id, col(Meeting.at) >= clock.now())
        .order_by(col(Meeting.at))
        .limit(1)
    ).first()
    return MyAgreement(
        citizen=citizen,
        made_on=clock.today(),
        goals=plan.goals,
        next_steps=steps,
        help=plan.interventions,
        strengths=plan.strengths,
        next_meeting=meeting,
        agenda=agenda_for(session=session, citizen_id=citizen.id),
    )
