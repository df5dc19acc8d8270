"""Domain errors. Each carries a sentence a person can act on; the CLI prints it as `error: ...`."""

from __future__ import annotations

import sys


class SwitchboardError(Exception):
    """Base of every refusal the domain makes. Its message is shown to the user as is."""


class InvalidInput(SwitchboardError):
    """A value broke a rule (an email, a name, a duration...). Nothing was changed.

    `field`, when set, names where the value came from (a key of a Track API body), for
    answers that point at it; see `naming`."""

    field: str = ""


class naming:
    """InvalidInput raised inside names `field`, unless it names a field already. A class, not
    a generator: it wraps every value a Track API batch checks."""

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        if isinstance(exc, InvalidInput) and not exc.field:
            exc.field = self.field


class NotFound(SwitchboardError):
    """A workspace, person, campaign or action named by the user does not exist."""


class Conflict(SwitchboardError):
    """The change clashes with data that exists (a duplicate name, an identifier in use...)."""


class ChangedElsewhere(Conflict):
    """Someone else changed the record since it was loaded: reload and try again."""


class DatabaseError(SwitchboardError):
    """The database cannot be opened or used (newer schema, unreachable server...)."""


class Contention(DatabaseError):
    """PostgreSQL gave up this transaction so that a concurrent one could go on (a deadlock or
    a serialization failure): nothing of it was saved, and running it again is safe."""


class Busy(DatabaseError):
    """Another connection held SQLite's write lock for longer than this write waits (not at all,
    for `Database.without_waiting`): nothing of it was saved, and running it again is safe."""


class TemplateProblem(InvalidInput):
    """A Liquid template that does not parse: which setting, where, and what is wrong.

    `line` and `column` count from 1 in the template's text; `detail` is Liquid's own message
    (or "unknown filter 'x'"). Its sentence is "FIELD has a Liquid syntax error at line L,
    column C: DETAIL" ("has an error" for an unknown filter).
    """

    def __init__(self, field: str, line: int, column: int, detail: str, syntax: bool = True) -> None:
        what = "a Liquid syntax error" if syntax else "an error"
        super().__init__(f"{field} has {what} at line {line}, column {column}: {detail}")
        self.field = field
        self.line = line
        self.column = column
        self.detail = detail
        self.syntax = syntax  # False: the text parses, but names a filter Liquid does not have

    def in_field(self, field: str) -> TemplateProblem:
        """The same problem, said of the setting `field`."""
        return TemplateProblem(field, self.line, self.column, self.detail, self.syntax)

    def __reduce__(self) -> tuple[type[TemplateProblem], tuple[str, int, int, str, bool]]:
        return type(self), (self.field, self.line, self.column, self.detail, self.syntax)


def refusal(error: BaseException) -> str | None:
    """The sentence a person sees for a refused core call: a domain error's own, or "the
    database failed: ..." for a database error; None for anything else (a bug, to be raised).

    SQLAlchemy is consulted only once something has loaded it (no error can come from it
    before): the app's first frame is drawn before the database layer is imported (issue 14).
    """
    if isinstance(error, SwitchboardError):
        return str(error)
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.SQLAlchemyError):
        return f"the database failed: {getattr(error, 'orig', None) or error}"
    return None
