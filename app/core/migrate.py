"""Apply Alembic migrations from code, at start-up and in tests."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from app.core.config import ROOT


def migrate(engine: Engine) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
