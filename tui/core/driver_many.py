"""Statements run for many rows at once through the driver's own executemany.

SQLAlchemy's executemany prepares every parameter of every row in Python, which for thousands
of small rows costs more than the database's work. Here a statement is compiled once per
dialect, the bind processors of its parameters (what each column's type does to a value on its
way to the database: JSON text, naive UTC times) are looked up once, and each row goes to the
driver through them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement, Insert
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]

# From this many rows an INSERT on PostgreSQL (psycopg) goes as one COPY: executemany sends a
# statement per row (pipelined), and the server's per-statement work was most of a Track batch's.
COPY_FROM_ROWS = 64


@dataclass(frozen=True)
class DriverMany:
    """A compiled statement and its parameters' processors, in the driver's order."""

    sql: str
    names: tuple[str, ...]
    positional: bool
    processors: tuple[Processor | None, ...]  # None: the value goes as it is
    copy_sql: str | None = None  # an INSERT's rows as COPY (PostgreSQL with psycopg)

    @classmethod
    def compile(
        cls,
        statement: ClauseElement,
        dialect: Dialect,
        column_keys: Sequence[str] | None = None,
        *,
        repeated: Sequence[str] = (),
        copy: bool = False,
    ) -> DriverMany:
        """`statement` for `dialect`; an INSERT names its columns in `column_keys`. Every
        parameter must be a named bind that rows give (no literal values in the statement).
        The parameters in `repeated` mostly hold one value (a transaction's time): each value
        is processed once. `copy`: a plain INSERT (no ON CONFLICT) whose many rows PostgreSQL
        may take as one COPY."""
        keys = list(column_keys) if column_keys else None
        if isinstance(statement, Insert):
            statement = statement.inline()  # no RETURNING of generated ids
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=keys))
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
        if set(names) != set(compiled.binds):
            raise RuntimeError(f"unexpected parameters {names} in {compiled.string}")
        processors: list[Processor | None] = []
        for name in names:
            process = type_processor(compiled.binds[name].type, dialect)
            processors.append(lru_cache(maxsize=1)(process) if process and name in repeated else process)
        copy_sql = None
        if copy and isinstance(statement, Insert) and dialect.name == "postgresql" and dialect.driver == "psycopg":
            # An INSERT's binds are named after its columns (column_keys).
            table = dialect.identifier_preparer.format_table(statement.table)
            quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
            copy_sql = f"COPY {table} ({quoted}) FROM STDIN"
        return cls(compiled.string, names, compiled.positional, tuple(processors), copy_sql)

    def execute(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once for each row (a mapping of parameter names to values).
        Values are taken and processed column by column (itemgetter, map, zip: loops in C)."""
        if not rows:
            return
        take = itemgetter(*self.names)
        columns: list[Sequence[Any]] = (
            list(zip(*map(take, rows), strict=True)) if len(self.names) > 1 else [[take(row) for row in rows]]
        )
        for index, process in enumerate(self.processors):
            if process is not None:
                columns[index] = tuple(map(process, columns[index]))
        params: list[Any] = list(zip(*columns, strict=True))
        if self.copy_sql is not None and len(params) >= COPY_FROM_ROWS:
            self._copy(session, params)
            return
        if not self.positional:
            params = [dict(zip(self.names, row, strict=True)) for row in params]
        session.connection().exec_driver_sql(self.sql, params)

    def _copy(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        """The rows through COPY, in the session's transaction; the driver's errors become
        SQLAlchemy's, as an executemany's would (a unique-key race is an IntegrityError)."""
        assert self.copy_sql is not None
        connection = session.connection()
        dbapi = connection.dialect.loaded_dbapi
        try:
            raw = connection.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(self.copy_sql) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
        except dbapi.Error as exc:
            raise DBAPIError.instance(self.copy_sql, None, exc, dbapi.Error) from exc


def type_processor(type_: Any, dialect: Dialect) -> Processor | None:
    """What a column's type does to a value on its way to this database (None: nothing)."""
    process: Processor | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return process


def bind_processor(type_: Any, dialect: Dialect) -> Processor:
    """`type_processor`, as a function even when it does nothing."""
    return type_processor(type_, dialect) or _unchanged


def _unchanged(value: Any) -> Any:
    return value
