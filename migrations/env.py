"""Alembic environment: the URL comes from Tavle's settings (or the caller's connection)."""

from alembic import context
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.config import get_settings
from app.core.db import make_engine

target_metadata = SQLModel.metadata
# Any fixed number: several app processes starting at once take turns migrating.
MIGRATION_LOCK = 7_411_702


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    is_postgres = connection.dialect.name == "postgresql"
    if is_postgres:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        connection.commit()
    try:
        _one_line(connection)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
            connection.commit()


# Before 2026-12 the revisions after 0001 were six branches of it; they now form one line in the
# same order. A database made then lists all six as applied: only the last one is kept.
FORMER_HEADS = ("0002_board", "0003_plan", "0004_interventions", "0005_signin", "0006_privacy")
LAST_FORMER_HEAD = "0007_agreement_sharing"


def _one_line(connection) -> None:  # type: ignore[no-untyped-def]
    if not inspect(connection).has_table("alembic_version"):
        return
    applied = {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    if LAST_FORMER_HEAD in applied and applied & set(FORMER_HEADS):
        connection.execute(
            text("DELETE FROM alembic_version WHERE version_num <> :last"), {"last": LAST_FORMER_HEAD}
        )
        connection.commit()


run_migrations_online()
