"""The few statements a busy board runs most, run on the database driver's own cursor.

Through SQLAlchemy's Core execution (the compiled-statement cache, an execution context, a result
object) the three statements of a card move took about a fifth of the whole move request, and
the database's own work a twentieth (py-spy of an in-process move, 2026-12-03). A `Prepared`
statement is compiled by SQLAlchemy once per dialect and set of parameters, and then runs in the
session's own transaction, on its own connection, as SQLAlchemy would run it: the same SQL, each
value converted by its column's type, and the SQLite file's write lock taken first
(`app.core.db.before_write`). Statements whose columns need defaults made in Python are refused: the
caller gives every value."""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import Session

from app.core.db import before_write


@dataclass(frozen=True, slots=True)
class _Form:
    """A statement as one dialect runs it."""

    sql: str
    # The parameters' names in order (a positional paramstyle such as SQLite's `?`), or None.
    order: tuple[str, ...] | None
    convert: tuple[tuple[str, Callable[[Any], Any]], ...]
    # Values written into the statement itself, such as the 1 of `version + 1`.
    constants: dict[str, Any]

    def arguments(self, params: Mapping[str, Any]) -> Any:
        if self.convert or self.constants:
            params = {**params, **self.constants}
            for name, process in self.convert:
                params[name] = process(params[name])
        if self.order is None:
            return params
        return tuple(params[name] for name in self.order)


class Prepared:
    """One INSERT or UPDATE (optionally RETURNING), run on the session's connection."""

    def __init__(self, statement: UpdateBase) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, frozenset[str]], _Form] = {}

    def execute(self, session: Session, params: Mapping[str, Any]) -> Any:
        """Runs the statement once. Returns the first value it returns (RETURNING), or None."""
        cursor, form = self._prepare(session, params.keys())
        cursor.execute(form.sql, form.arguments(params))
        row = cursor.fetchone() if cursor.description else None
        cursor.close()
        return row[0] if row else None

    def executemany(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        cursor, form = self._prepare(session, rows[0].keys())
        cursor.executemany(form.sql, [form.arguments(row) for row in rows])
        cursor.close()

    def _prepare(self, session: Session, keys: Collection[str]) -> tuple[Any, _Form]:
        """The driver's cursor in the session's transaction (the write lock taken), and the
        statement as its dialect runs it."""
        connection = session.connection()
        dialect = connection.dialect
        key = (dialect.name, frozenset(keys))
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _compile(self.statement, dialect, list(keys))
        pooled = connection.connection
        before_write(pooled.dbapi_connection)
        return pooled.cursor(), form


def _compile(statement: UpdateBase, dialect: Dialect, keys: list[str]) -> _Form:
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    assert isinstance(compiled, SQLCompiler)
    if compiled.insert_prefetch or compiled.update_prefetch:
        raise ValueError(f"a column needs a default made in Python: give every value ({statement})")
    sql = compiled.string
    if dialect.positional:
        used = list(compiled.positiontup or ())
    else:
        used = [name for name in compiled.binds if f"%({name})s" in sql]
    convert, constants = [], {}
    for name in used:
        bind = compiled.binds[name]
        if name not in keys:
            constants[name] = bind.effective_value
            continue
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            convert.append((name, process))
    return _Form(
        sql=sql,
        order=tuple(used) if dialect.positional else None,
        convert=tuple(convert),
        constants=constants,
    )
