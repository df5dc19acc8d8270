"""T1: how the Track API names a person, in a path or in a body.

A path names a person as `cio_<hex>` (their cio_id) or by the workspace's identifier. In an email
workspace that is the normalized email (P3); anything not email-shaped is refused. In an id
workspace it is the id; an email-shaped value that is no one's id names the one person whose
email it is, and is refused where a person would have to be created with an email as id.

A body names a person as `{"id": ...}`, `{"email": ...}` or `{"cio_id": ...}`, the cio_id
without its prefix, as the clients send it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tui.core.errors import InvalidInput
from tui.core.identity import CIO_PREFIX, CIO_REFERENCE_RE, normalize_email, validate_person_id
from tui.core.models import Person, Workspace
from tui.core.people import by_ident
from tui.core.text import check_scalar_text

BY_EMAIL = "this workspace identifies people by email"
BY_ID = "this workspace identifies people by id: put the id, or cio_<id>, in the path"
BODY_KEYS = ("id", "email", "cio_id")
P = TypeVar("P")


@dataclass(frozen=True)
class Ref:
    """A person as a request names them: `kind` is "path", "id", "email" or "cio_id"."""

    kind: str
    value: str

    def __str__(self) -> str:
        return self.value if self.kind == "path" else f"{self.kind} {self.value!r}"


@dataclass(frozen=True)
class Key:
    """What a reference looks up, decided without the database: a cio_id, an identifier, or
    (id workspaces) the one person with an email, asked when `ident` names no one or is None."""

    cio_id: str | None = None
    ident: str | None = None
    email: str | None = None


@dataclass
class Target(Generic[P]):
    """Who a reference names: an existing person, or the identifier to create one with.

    `unknown_cio` is a cio_id that names no one (nothing happens); `person` and `ident` are
    both None when the reference can name no one (an email in an id workspace nobody has).
    """

    person: P | None = None
    ident: str | None = None
    email: str | None = None
    unknown_cio: bool = False


class People(Protocol[P]):
    """Where `decide` looks people up: the session, or the rows a bulk identify holds."""

    def by_cio(self, cio_id: str) -> P | None: ...
    def by_ident(self, ident: str) -> P | None: ...
    def holders(self, email: str) -> Sequence[P]:
        """At most two people with this email (two: it names no one person)."""
        ...

    def ident_of(self, person: P) -> str: ...


def body_ref(identifiers: Any, what: str = "identifiers") -> Ref:
    """A v1 merge side or v2 `identifiers`: an object with exactly one of id, email, cio_id."""
    if not isinstance(identifiers, dict):
        raise InvalidInput(f"{what} must be an object with one of: id, email, cio_id")
    given = [key for key in BODY_KEYS if identifiers.get(key) not in (None, "")]
    if len(given) != 1:
        raise InvalidInput(f"{what} must name a person by exactly one of: id, email, cio_id")
    value = identifiers[given[0]]
    if isinstance(value, int | float) and not isinstance(value, bool) and given[0] == "id":
        value = str(value)  # clients send numeric ids as numbers
    if not isinstance(value, str):
        raise InvalidInput(f"{what}.{given[0]} must be text")
    return Ref(given[0], check_scalar_text(value, f"{what}.{given[0]}"))


def key_of(identify_by: str, ref: Ref) -> Key:
    """What `ref` looks up in a workspace identifying people by `identify_by`; InvalidInput
    when it can name no one there."""
    check_scalar_text(ref.value, "the identifier")
    if ref.kind == "cio_id" or (ref.kind == "path" and CIO_REFERENCE_RE.fullmatch(ref.value)):
        cio_id = ref.value.removeprefix(CIO_PREFIX)
        if not CIO_REFERENCE_RE.fullmatch(CIO_PREFIX + cio_id):
            raise InvalidInput(f"cio_id {cio_id!r} is not valid: it is 12 to 32 hexadecimal characters")
        return Key(cio_id=cio_id.lower())
    if identify_by == "email":
        if ref.kind == "id":
            raise InvalidInput(f"{BY_EMAIL}: name the person by email or cio_id")
        try:
            return Key(ident=normalize_email(ref.value))
        except InvalidInput as exc:
            raise InvalidInput(f"{BY_EMAIL}, and {exc}") from None
    if ref.kind == "email":
        return Key(email=normalize_email(ref.value))
    ident = validate_person_id(ref.value)
    if ref.kind == "id" or "@" not in ident:
        return Key(ident=ident)
    try:
        return Key(ident=ident, email=normalize_email(ident))
    except InvalidInput:
        return Key(ident=ident)


def decide(key: Key, identify_by: str, people: People[P], *, creating: bool) -> Target[P]:
    """T1: the person `key` names among `people`. `creating`: the caller would create a missing
    person, so a key that could only create one with an email as id is refused."""
    if key.cio_id is not None:
        person = people.by_cio(key.cio_id)
        if person is None:
            return Target(unknown_cio=True)
        return Target(person=person, ident=people.ident_of(person))
    if key.ident is not None:
        person = people.by_ident(key.ident)
        if person is not None or key.email is None:
            return Target(person=person, ident=key.ident, email=key.ident if identify_by == "email" else None)
    assert key.email is not None
    holders = people.holders(key.email)
    if len(holders) == 1:
        return Target(person=holders[0], ident=people.ident_of(holders[0]), email=key.email)
    if creating:
        many = "more than one person has" if holders else "no one has"
        raise InvalidInput(f"{BY_ID} ({many} the email {key.email!r})")
    return Target(email=key.email)


def resolve(session: Session, ws: Workspace, ref: Ref, *, creating: bool) -> Target[Person]:
    """The person `ref` names in `ws` (see `decide`)."""
    return decide(key_of(ws.identify_by, ref), ws.identify_by, _InSession(session, ws), creating=creating)


@dataclass(frozen=True)
class _InSession:
    session: Session
    ws: Workspace

    def by_cio(self, cio_id: str) -> Person | None:
        return self.session.scalar(select(Person).where(Person.workspace_id == self.ws.id, Person.cio_id == cio_id))

    def by_ident(self, ident: str) -> Person | None:
        return by_ident(self.session, self.ws, ident)

    def holders(self, email: str) -> Sequence[Person]:
        query = select(Person).where(Person.workspace_id == self.ws.id, Person.email == email).limit(2)
        return self.session.scalars(query).all()

    def ident_of(self, person: Person) -> str:
        return person.ident
