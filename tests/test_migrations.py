"""Alembic's migrations form one line: every revision has one parent, and there is one head."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.core.config import ROOT
from app.core.db import make_engine
from app.core.migrate import migrate


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
    migrate(engine)
    former = ["0002_board", "0003_plan", "0004_interventions", "0005_signin", "0006_privacy"]
    with engine.begin() as connection:
        for revision in former:
            connection.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    migrate(engine)
    with engine.connect() as connection:
        applied = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    assert applied == ["0007_agreement_sharing"]
    engine.dispose()
