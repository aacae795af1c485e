"""Demo data for the embedded default: one consultant and three citizens with real-looking plans.
The sign-in details are fixed (and in the README) so every new user can try every role."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import clock
from app.access import consent
from app.board.changes import direct_writes
from app.core.security import digest, hash_secret, normalise_code
from app.models import (
    Actor,
    AgendaTopic,
    Agreement,
    AgreementStatus,
    Board,
    CaseloadLink,
    Challenge,
    Goal,
    GoalChallengeLink,
    Intervention,
    LifeArea,
    MeaningfulnessRating,
    Meeting,
    Message,
    NetworkLink,
    Outcome,
    OutcomeStatus,
    Role,
    ScaleKind,
    ScaleReading,
    Strength,
    Thread,
    User,
    Wish,
)
from app.models.base import utcnow

CONSULTANT_EMAIL = "mette@tavle.demo"
CONSULTANT_PASSWORD = "tavle-demo"
# The manager sees anonymous aggregates only and the admin manages accounts without reading plans;
# both use the consultant's password.
MANAGER_EMAIL = "lene@tavle.demo"
ADMIN_EMAIL = "admin@tavle.demo"
# Anna's sister, in Anna's network: she sees only the cards Anna shares.
NETWORK_CODE = "LOUISE-DEMO"
CITIZEN_PIN = "246810"


@dataclass(frozen=True)
class DemoCitizen:
    name: str
    code: str
    locale: str | None


DEMO_CITIZENS = (
    DemoCitizen("Anna Jensen", "ANNA-DEMO", None),
    DemoCitizen("Jonas Nielsen", "JONAS-DEMO", None),
    DemoCitizen("Sara Ahmed", "SARA-DEMO", "en"),
)


# Any fixed number: several workers starting at once (uvicorn --workers) seed one at a time.
SEED_LOCK = 7_411_703


def seed_demo(engine: Engine) -> bool:
    """Creates the demo once; returns False when it was already there. Safe with several
    processes starting at once: on PostgreSQL they take turns under an advisory lock (held
    until the seeding transaction ends), so the second finds the demo made; on SQLite a
    second writer that lost the race finds the demo's addresses taken and leaves it alone."""
    try:
        return _seed(engine)
    except IntegrityError:
        return False


def _seed(engine: Engine) -> bool:
    with Session(engine) as session, direct_writes(session):
        if engine.dialect.name == "postgresql":
            session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK})
        if session.exec(select(User).where(User.email == CONSULTANT_EMAIL)).first():
            return False
        consultant = User(
            name="Mette Hansen",
            role=Role.consultant,
            email=CONSULTANT_EMAIL,
            password_hash=hash_secret(CONSULTANT_PASSWORD),
        )
        session.add(consultant)
        session.flush()
        pin_hash = hash_secret(CITIZEN_PIN)
        for name, role, email in (
            ("Lene Larsen", Role.manager, MANAGER_EMAIL),
            ("Adam Holm", Role.admin, ADMIN_EMAIL),
        ):
            session.add(
                User(name=name, role=role, email=email, password_hash=hash_secret(CONSULTANT_PASSWORD))
            )
        for n, (demo, build) in enumerate(zip(DEMO_CITIZENS, (_anna, _jonas, _sara), strict=True)):
            citizen = User(
                name=demo.name,
                role=Role.citizen,
                locale=demo.locale,
                invitation_digest=digest(normalise_code(demo.code)),
                pin_hash=pin_hash,
            )
            session.add(citizen)
            session.flush()
            assert citizen.id is not None and consultant.id is not None
            # As if each had said yes to both questions at their first sign-in.
            consent.record_for_demo(session=session, citizen=citizen)
            session.add(CaseloadLink(consultant_id=consultant.id, citizen_id=citizen.id))
            session.add(Board(citizen_id=citizen.id))
            build(session, citizen.id, consultant.id)
            if n == 0:
                sister = _sister(session, citizen.id, pin_hash)
                _anna_talks(session, citizen.id, consultant.id, sister)
            _meetings_and_outcomes(session, citizen.id, consultant.id, n)
        _colleagues_caseload(session)
        session.commit()
        return True


def _meetings_and_outcomes(session: Session, cid: int, by: int, n: int) -> None:
    """A meeting held and one planned, and three months of wage hours and status."""
    session.add(Meeting(citizen_id=cid, at=_morning(-(12 + n * 5)), created_by_id=by))
    if n != 1:
        session.add(Meeting(citizen_id=cid, at=_morning(6 + n * 3), created_by_id=by))
    hours = ((0, 4, 10), (0, 0, 0), (6, 12, 30))[n]
    _three_months(session, cid, by, [(h, S.searching if h < 30 else S.ordinary_job) for h in hours])


def _three_months(session: Session, cid: int, by: int, months: list[tuple[int, OutcomeStatus]]) -> None:
    """Wage hours and status for the last three months, oldest first."""
    this_month = clock.today().replace(day=1)
    for back, (hours, status) in enumerate(months):
        month = (this_month - timedelta(days=31 * (2 - back))).replace(day=1)
        session.add(Outcome(citizen_id=cid, month=month, wage_hours=hours, status=status, recorded_by_id=by))


# Two colleagues' caseloads: citizens nobody signs in as, there so that the manager's anonymous
# figures (never shown for a group of fewer than five) have something to show in the demo.
# Per citizen: wage hours over the last three months, the latest status, and one intervention
# with the citizen's meaningfulness ratings (oldest first).
COLLEAGUES = ("Karsten Berg", "Rikke Lund")
S = OutcomeStatus
COLLEAGUES_CITIZENS: tuple[tuple[str, tuple[int, int, int], OutcomeStatus, str, tuple[int, ...]], ...] = (
    ("Birgitte Madsen", (0, 6, 12), S.searching, "mentor", (5, 7, 8)),
    ("Ahmad Rahimi", (8, 15, 37), S.ordinary_job, "internship", (6, 8, 9)),
    ("Camilla Holm", (0, 0, 0), S.sick_leave, "psychologist", (4, 5, 6)),
    ("Dennis Poulsen", (0, 4, 8), S.searching, "mentor", (7, 6, 7)),
    ("Eva Lindberg", (20, 24, 30), S.flex_job, "wage_subsidy", (6, 7, 7)),
    ("Frederik Nørgaard", (0, 0, 5), S.searching, "course", (3, 5, 6)),
    ("Gitte Sørensen", (0, 0, 0), S.education, "course", (8, 9)),
    ("Hassan Yilmaz", (10, 18, 37), S.ordinary_job, "internship", (5, 7, 8)),
    ("Ida Kjær", (0, 2, 4), S.searching, "mentor", (6, 4, 3)),
    ("Jens Vestergaard", (0, 0, 0), S.other, "physiotherapy", (5, 6)),
    ("Karin Dahl", (4, 6, 10), S.searching, "internship", (7, 8)),
    ("Lars Bach", (0, 0, 0), S.searching, "psychologist", (2, 4, 5)),
    ("Maja Friis", (0, 0, 0), S.searching, "course", (6, 6)),
    ("Niels Thomsen", (12, 20, 32), S.ordinary_job, "mentor", (6, 8, 8)),
    ("Olivia Berg", (0, 0, 0), S.education, "course", (7, 8)),
    ("Peter Winther", (0, 0, 0), S.sick_leave, "psychologist", (3, 3, 5)),
    ("Rasmus Krog", (0, 3, 6), S.searching, "internship", (5, 6, 7)),
    ("Sofie Ravn", (0, 0, 0), S.searching, "mentor", (8, 7)),
    ("Thomas Eriksen", (15, 25, 37), S.ordinary_job, "internship", (7, 8, 9)),
    ("Ulla Mikkelsen", (0, 0, 0), S.searching, "psychologist", (4, 6)),
    ("Viktor Hansen", (0, 0, 0), S.searching, "course", (5, 4, 6)),
    ("Yasmin Ali", (6, 10, 15), S.wage_subsidy, "wage_subsidy", (6, 7)),
    ("Zenia Bruun", (0, 0, 0), S.searching, "mentor", (6, 7, 7)),
    ("Anders Møller", (0, 0, 0), S.searching, "physiotherapy", (4, 5)),
    ("Bente Iversen", (10, 22, 37), S.ordinary_job, "internship", (6, 7, 8)),
    ("Christian Juhl", (0, 0, 0), S.searching, "psychologist", (5, 5, 6)),
    ("Dorthe Lauridsen", (0, 0, 2), S.searching, "course", (4, 6, 7)),
)


def _colleagues_caseload(session: Session) -> None:
    colleagues = [User(name=name, role=Role.consultant) for name in COLLEAGUES]
    session.add_all(colleagues)
    session.flush()
    for n, (name, hours, status, kind, ratings) in enumerate(COLLEAGUES_CITIZENS):
        colleague = colleagues[n % len(colleagues)].id
        citizen = User(name=name, role=Role.citizen)
        session.add(citizen)
        session.flush()
        assert citizen.id is not None and colleague is not None
        consent.record_for_demo(session=session, citizen=citizen)
        session.add(CaseloadLink(consultant_id=colleague, citizen_id=citizen.id))
        session.add(Board(citizen_id=citizen.id))
        # Searching until the latest month, which has the status the table gives.
        statuses = [S.searching] * (len(hours) - 1) + [status]
        _three_months(session, citizen.id, colleague, list(zip(hours, statuses, strict=True)))
        history = [(14 * (len(ratings) - i), value, "") for i, value in enumerate(ratings)]
        _intervention(session, citizen.id, colleague, kind, "Jobcenter Nord", history)


def _sister(session: Session, cid: int, pin_hash: str) -> int:
    sister = User(
        name="Louise Jensen",
        role=Role.network,
        invitation_digest=digest(normalise_code(NETWORK_CODE)),
        pin_hash=pin_hash,
    )
    session.add(sister)
    session.flush()
    assert sister.id is not None
    session.add(NetworkLink(citizen_id=cid, member_id=sister.id, relation="Søster"))
    return sister.id


def _anna_talks(session: Session, cid: int, consultant: int, sister: int) -> None:
    """Three conversations: a question of Anna's waiting for Mette, a word from Mette in the
    general thread, and Louise on the walk the card shared with her names her for."""
    cards = {a.what: a for a in session.exec(select(Agreement).where(Agreement.citizen_id == cid)).all()}
    walk = cards["Gå tur med min søster to gange om ugen"]
    walk.who_user_id = sister
    session.add(walk)
    for agreement, waiting_for, said in (
        (
            cards["Ringe til gældsrådgivningen"],
            "consultant",
            [
                (
                    cid,
                    20,
                    "Jeg har ringet to gange, men de tager ikke telefonen. Skal jeg skrive til dem?",
                    True,
                )
            ],
        ),
        (None, None, [(consultant, 26, "Hej Anna. Husk brevet fra inkasso til mødet.", False)]),
        (walk, None, [(sister, 50, "Vi gik tur i søndags. Det var dejligt!", False)]),
    ):
        aid = agreement.id if agreement else None
        thread = Thread(
            citizen_id=cid,
            agreement_id=aid,
            key=f"agreement:{aid}" if aid else f"citizen:{cid}",
            waiting_for=waiting_for,
            messages=len(said),
            last_message_at=utcnow() - timedelta(hours=said[-1][1]),
        )
        session.add(thread)
        session.flush()
        assert thread.id is not None
        for author, hours_ago, body, waiting in said:
            at = utcnow() - timedelta(hours=hours_ago)
            session.add(
                Message(thread_id=thread.id, author_id=author, body=body, waiting=waiting, created_at=at)
            )


def _morning(days: int) -> datetime:
    """Ten in the morning, job-centre time, `days` from today: when meetings are held."""
    day = clock.today() + timedelta(days=days)
    return datetime.combine(day, time(10, 0), tzinfo=clock.ZONE)


def _days(n: int) -> date:
    return clock.today() + timedelta(days=n)


def _challenge(session: Session, cid: int, area: LifeArea, title: str, why: str, pos: int) -> int:
    challenge = Challenge(
        citizen_id=cid, life_area=area, title=title, why=why, position=pos, created_by_id=cid
    )
    session.add(challenge)
    session.flush()
    assert challenge.id is not None
    return challenge.id


def _goal(
    session: Session,
    cid: int,
    title: str,
    challenge_ids: list[int],
    readings: list[tuple[int, int]],
) -> int:
    goal = Goal(citizen_id=cid, title=title, created_by_id=cid)
    session.add(goal)
    session.flush()
    assert goal.id is not None
    for challenge_id in challenge_ids:
        session.add(GoalChallengeLink(goal_id=goal.id, challenge_id=challenge_id))
    for days_ago, value in readings:
        session.add(
            ScaleReading(
                goal_id=goal.id,
                kind=ScaleKind.today,
                value=value,
                recorded_by_id=cid,
                recorded_at=utcnow() - timedelta(days=days_ago),
            )
        )
    return goal.id


def _intervention(
    session: Session,
    cid: int,
    by: int,
    kind: str,
    provider: str,
    ratings: list[tuple[int, int, str]],
) -> None:
    item = Intervention(
        citizen_id=cid,
        kind=kind,
        provider=provider,
        starts_on=_days(-60),
        ends_on=_days(60),
        wish=Wish.wants,
        created_by_id=by,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    for days_ago, value, reason in ratings:
        session.add(
            MeaningfulnessRating(
                intervention_id=item.id,
                value=value,
                reason=reason,
                rated_at=utcnow() - timedelta(days=days_ago),
            )
        )


def _agreement(
    session: Session,
    cid: int,
    by: int,
    what: str,
    who: Actor,
    due: int | None,
    status: AgreementStatus,
    pos: int,
    who_name: str = "",
    goal_id: int | None = None,
    shared: bool = False,
) -> None:
    session.add(
        Agreement(
            citizen_id=cid,
            what=what,
            who=who,
            who_name=who_name,
            due_on=_days(due) if due is not None else None,
            status=status,
            position=pos,
            goal_id=goal_id,
            shared=shared,
            accepted_by_citizen=True,
            accepted_by_consultant=True,
            created_by_id=by,
            updated_by_id=by,
        )
    )


def _anna(session: Session, cid: int, consultant: int) -> None:
    morning = _challenge(
        session,
        cid,
        LifeArea.everyday_life,
        "Komme op om morgenen",
        "Så jeg kan nå ting, før dagen er gået",
        0,
    )
    debt = _challenge(
        session,
        cid,
        LifeArea.money,
        "Få styr på min gæld",
        "Brevene fra inkasso gør mig bange",
        1,
    )
    _challenge(
        session,
        cid,
        LifeArea.mental_wellbeing,
        "Tale med nye mennesker uden at blive nervøs",
        "",
        2,
    )
    goal = _goal(
        session,
        cid,
        "Arbejde 10 timer om ugen med dyr inden sommer",
        [morning],
        [(60, 3), (30, 4), (7, 5)],
    )
    _goal(session, cid, "Have overblik over hvad jeg skylder", [debt], [(30, 2), (5, 4)])
    # What Anna wants to talk about at the next meeting: her debt, and a letter of her own words.
    marked = session.get(Challenge, debt)
    assert marked is not None
    marked.on_agenda = True
    session.add(AgendaTopic(citizen_id=cid, text="Brevet fra inkasso, der kom i mandags", created_by_id=cid))
    for text in ("Jeg er god til dyr", "Jeg holder hvad jeg lover, når jeg har en plan"):
        session.add(Strength(citizen_id=cid, text=text, created_by_id=cid))
    _agreement(session, cid, cid, "Ringe til gældsrådgivningen", Actor.citizen, 7, AgreementStatus.todo, 0)
    _agreement(
        session,
        cid,
        consultant,
        "Finde tre dyrehandler, der tager praktikanter",
        Actor.consultant,
        10,
        AgreementStatus.doing,
        1,
        goal_id=goal,
    )
    _agreement(
        session,
        cid,
        cid,
        "Gå tur med min søster to gange om ugen",
        Actor.network,
        None,
        AgreementStatus.done,
        2,
        who_name="Louise (søster)",
        shared=True,
    )
    _intervention(
        session,
        cid,
        consultant,
        "mentor",
        "Mentorkorps Nord",
        [(45, 6, ""), (20, 7, ""), (3, 8, "Hun lytter til mig")],
    )
    _intervention(
        session,
        cid,
        consultant,
        "debt_counselling",
        "Gældsrådgivningen",
        [(25, 6, ""), (4, 3, "Jeg forstår ikke papirerne")],
    )


def _jonas(session: Session, cid: int, consultant: int) -> None:
    back = _challenge(
        session,
        cid,
        LifeArea.physical_health,
        "Ondt i ryggen når jeg står længe",
        "Jeg vil kunne arbejde på lager igen",
        0,
    )
    _challenge(session, cid, LifeArea.transport, "Komme frem uden bil", "", 1)
    goal = _goal(session, cid, "Kunne stå op i to timer", [back], [(40, 2), (10, 3)])
    session.add(Strength(citizen_id=cid, text="Jeg er god med mine hænder", created_by_id=cid))
    session.add(Strength(citizen_id=cid, text="Har kørt truck i otte år", created_by_id=consultant))
    _agreement(
        session,
        cid,
        consultant,
        "Træne hos fysioterapeuten hver tirsdag",
        Actor.citizen,
        -3,
        AgreementStatus.todo,
        0,
        goal_id=goal,
    )
    _agreement(
        session,
        cid,
        consultant,
        "Undersøge buskort til Aalborg",
        Actor.consultant,
        5,
        AgreementStatus.todo,
        1,
    )
    _intervention(
        session,
        cid,
        consultant,
        "physiotherapy",
        "Fysio Vest",
        [(35, 7, ""), (6, 3, "Det gør mere ondt efter træning")],
    )


def _sara(session: Session, cid: int, consultant: int) -> None:
    language = _challenge(
        session,
        cid,
        LifeArea.language,
        "Speak Danish at work",
        "I want to talk with colleagues, not only with my phone",
        0,
    )
    _challenge(session, cid, LifeArea.work, "Find a job in a kitchen", "I love cooking", 1)
    goal = _goal(session, cid, "Work in a canteen kitchen", [language], [(50, 4), (14, 6)])
    session.add(Strength(citizen_id=cid, text="I cook for 20 people at family parties", created_by_id=cid))
    _agreement(
        session,
        cid,
        cid,
        "Go to Danish class on Monday and Wednesday",
        Actor.citizen,
        2,
        AgreementStatus.doing,
        0,
        goal_id=goal,
    )
    _agreement(
        session,
        cid,
        consultant,
        "Ask the canteen at the hospital about an internship",
        Actor.consultant,
        14,
        AgreementStatus.todo,
        1,
        goal_id=goal,
    )
    _intervention(
        session,
        cid,
        consultant,
        "course",
        "Sprogcenter Midt",
        [(40, 8, ""), (10, 9, "I can talk more now")],
    )
    _intervention(session, cid, consultant, "internship", "Kantinen, Regionshospitalet", [])
