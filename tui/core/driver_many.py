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
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement, Insert
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class DriverMany:
    """A compiled statement and its parameters' processors, in the driver's order."""

    sql: str
    names: tuple[str, ...]
    positional: bool
    processors: tuple[Processor | None, ...]  # None: the value goes as it is

    @classmethod
    def compile(
        cls,
        statement: ClauseElement,
        dialect: Dialect,
        column_keys: Sequence[str] | None = None,
        *,
        repeated: Sequence[str] = (),
    ) -> DriverMany:
        """`statement` for `dialect`; an INSERT names its columns in `column_keys`. Every
        parameter must be a named bind that rows give (no literal values in the statement).
        The parameters in `repeated` mostly hold one value (a transaction's time): each value
        is processed once."""
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
        return cls(compiled.string, names, compiled.positional, tuple(processors))

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
        if not self.positional:
            params = [dict(zip(self.names, row, strict=True)) for row in params]
        session.connection().exec_driver_sql(self.sql, params)


def type_processor(type_: Any, dialect: Dialect) -> Processor | None:
    """What a column's type does to a value on its way to this database (None: nothing)."""
    process: Processor | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return process


def bind_processor(type_: Any, dialect: Dialect) -> Processor:
    """`type_processor`, as a function even when it does nothing."""
    return type_processor(type_, dialect) or _unchanged


def _unchanged(value: Any) -> Any:
    return value
