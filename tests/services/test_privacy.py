"""Export holds everything about the citizen and nothing about anyone else; erasure leaves nothing."""

from sqlalchemy import String, Text, select
from sqlmodel import Session, SQLModel

from app import clock
from app.access import audit, consent
from app.models import (
    AuditEntry,
    ConsentScope,
    MeaningfulnessRating,
    Role,
    ScaleKind,
    ScaleReading,
    User,
)
from app.privacy import service as privacy
from tests import factories


def _full_plan(db: Session, person: User, tag: str) -> None:
    assert person.id is not None
    factories.challenge(db, person, title=f"Udfordring {tag}")
    goal = factories.goal(db, person, title=f"Mål {tag}")
    assert goal.id is not None
    db.add(ScaleReading(goal_id=goal.id, kind=ScaleKind.today, value=4, recorded_at=clock.now()))
    factories.agreement(db, person, what=f"Aftale {tag}")
    item = factories.intervention(db, person)
    assert item.id is not None
    db.add(MeaningfulnessRating(intervention_id=item.id, value=7, reason=f"Hvorfor {tag}"))
    db.commit()
    consent.choose(session=db, citizen=person, choices={ConsentScope.network: False})


def _all_text(data: object) -> str:
    return repr(data)


def test_export_contains_every_part_of_the_plan_and_no_secrets(db: Session) -> None:
    staff = factories.consultant(db)
    me = factories.citizen(db, staff, name="Eksport Ella")
    _full_plan(db, me, "ELLA")
    audit.record(session=db, actor=staff, citizen_id=me.id, action="read", target="GET /x")
    data = privacy.export_citizen(session=db, citizen=me)
    text = _all_text(data)
    for expected in ("Udfordring ELLA", "Mål ELLA", "Aftale ELLA", "Hvorfor ELLA", "Eksport Ella"):
        assert expected in text
    assert {
        "challenge",
        "goal",
        "scale_reading",
        "agreement",
        "intervention",
        "meaningfulness_rating",
        "consent_record",
        "audit_entry",
    } <= set(data["tables"])
    assert "pin_hash" not in text and "invitation_digest" not in text and "argon2" not in text


def test_export_has_nothing_about_another_citizen(db: Session) -> None:
    staff = factories.consultant(db)
    me = factories.citizen(db, staff, name="Eksport Ella")
    other = factories.citizen(db, staff, name="Anden Anders")
    _full_plan(db, me, "ELLA")
    _full_plan(db, other, "ANDERS")
    text = _all_text(privacy.export_citizen(session=db, citizen=me))
    assert "ANDERS" not in text and "Anden Anders" not in text


def test_erasure_leaves_nothing_in_any_table(db: Session) -> None:
    staff = factories.consultant(db)
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    me = factories.citizen(db, staff, name="Slettes Sofie")
    other = factories.citizen(db, staff, name="Bliver Bo")
    _full_plan(db, me, "SOFIE")
    _full_plan(db, other, "BO")
    audit.record(session=db, actor=staff, citizen_id=me.id, action="read", target="GET /x")
    my_id = me.id
    privacy.erase_citizen(session=db, citizen=me, by=admin)
    db.expire_all()
    for table in SQLModel.metadata.sorted_tables:
        for row in db.execute(select(table)).mappings():
            for column in table.columns:
                value = row[column.name]
                if isinstance(column.type, String | Text) and isinstance(value, str):
                    assert "SOFIE" not in value and "Sofie" not in value, (table.name, column.name)
                if column.name in ("citizen_id", "user_id") and table.name != "audit_entry":
                    assert value != my_id, (table.name, column.name)
    assert db.get(User, my_id) is None
    trail = db.execute(select(AuditEntry)).scalars().all()
    assert [e.action for e in trail if e.citizen_id == my_id] == []
    assert any(e.action == "erase" and e.actor_id == admin.id for e in trail)
    # The other citizen's plan is untouched.
    assert "Udfordring BO" in _all_text(privacy.export_citizen(session=db, citizen=other))
