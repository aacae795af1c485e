"""Alembic's migrations form one line: every revision has one parent, and there is one head."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from app.core.config import ROOT
from app.core.db import make_engine
from app.core.migrate import migrate

HEAD = "0012_intervention_description"


def _upgrade(engine: Engine, revision: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def test_the_migrations_form_one_linear_chain_with_one_head() -> None:
    script = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))
    heads = script.get_heads()
    assert len(heads) == 1, f"more than one head: {heads}"
    chain = list(script.walk_revisions())
    assert chain[-1].down_revision is None, "the oldest revision starts the chain"
    for revision in chain:
        assert not isinstance(revision.down_revision, tuple | list), f"{revision.revision} is a merge"
        assert len(revision.nextrev) <= 1, f"{revision.revision} branches"


def test_a_database_made_when_the_migrations_were_branches_upgrades(tmp_path: Path) -> None:
    """Made before the revisions formed one line, a database lists six heads as applied."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _upgrade(engine, "0007_agreement_sharing")
    former = ["0002_board", "0003_plan", "0004_interventions", "0005_signin", "0006_privacy"]
    with engine.begin() as connection:
        for revision in former:
            connection.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    migrate(engine)
    with engine.connect() as connection:
        applied = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    assert applied == [HEAD]
    engine.dispose()


def test_a_consent_given_before_there_were_two_becomes_a_yes_to_both(tmp_path: Path) -> None:
    """Until 2026-12 one consent covered the plan with the consultant and the chosen cards with
    the network: a record of it becomes a yes to each, and its withdrawal a no to each."""
    engine = make_engine(f"sqlite:///{tmp_path / 'consent.db'}")
    _upgrade(engine, "0007_agreement_sharing")
    with engine.begin() as connection:
        for name in ("Given Gitte", "Withdrawn Wilma"):
            connection.execute(
                text(
                    "INSERT INTO app_user (name, role, created_at) "
                    "VALUES (:n, 'citizen', '2026-01-01 10:00:00')"
                ),
                {"n": name},
            )
        ids: dict[str, int] = dict(connection.execute(text("SELECT name, id FROM app_user")).all())
        connection.execute(
            text(
                "INSERT INTO consent_record (citizen_id, text_version, given_at, withdrawn_at) VALUES "
                "(:g, '2026-11', '2026-11-02 09:00:00', NULL), (:w, '2026-11', '2026-11-02 09:00:00', "
                "'2026-11-20 12:00:00')"
            ),
            {"g": ids["Given Gitte"], "w": ids["Withdrawn Wilma"]},
        )
    migrate(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT citizen_id, scope, given FROM consent_record ORDER BY citizen_id, scope, at")
        ).all()
    gitte, wilma = ids["Given Gitte"], ids["Withdrawn Wilma"]
    assert [tuple(r) for r in rows] == [
        (gitte, "consultant", True),
        (gitte, "network", True),
        (wilma, "consultant", True),
        (wilma, "consultant", False),
        (wilma, "network", True),
        (wilma, "network", False),
    ]
    # And back: the one consent again, each person's rows (cascading from app_user) still there.
    config = Config(str(ROOT / "alembic.ini"))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_agreement_sharing")
        connection.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM app_user")).scalar_one() == 2
    engine.dispose()
