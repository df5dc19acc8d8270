"""T1: how the Track API names a person, in a path or in a body.

A path names a person as `cio_<hex>` (their cio_id) or by the workspace's identifier. In an email
workspace that is the normalized email (P3); anything not email-shaped is refused. In an id
workspace it is the id; an email-shaped value that is no one's id names the one person whose
email it is, and is refused where a person would have to be created with an email as id.

A body names a person as `{"id": ...}`, `{"email": ...}` or `{"cio_id": ...}`, the cio_id
without its prefix, as the clients send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Ref:
    """A person as a request names them: `kind` is "path", "id", "email" or "cio_id"."""

    kind: str
    value: str

    def __str__(self) -> str:
        return self.value if self.kind == "path" else f"{self.kind} {self.value!r}"


@dataclass
class Target:
    """Who a reference names: an existing person, or the identifier to create one with.

    `unknown_cio` is a cio_id that names no one (nothing happens); `person` and `ident` are
    both None when the reference can name no one (an email in an id workspace nobody has).
    """

    person: Person | None = None
    ident: str | None = None
    email: str | None = None
    unknown_cio: bool = False


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


def resolve(session: Session, ws: Workspace, ref: Ref, *, creating: bool) -> Target:
    """The person `ref` names in `ws`. `creating`: the caller would create a missing person,
    so a reference that could only create one with an email as id is refused."""
    check_scalar_text(ref.value, "the identifier")
    if ref.kind == "cio_id" or (ref.kind == "path" and CIO_REFERENCE_RE.fullmatch(ref.value)):
        return _by_cio_id(session, ws, ref.value.removeprefix(CIO_PREFIX))
    if ws.identify_by == "email":
        if ref.kind == "id":
            raise InvalidInput(f"{BY_EMAIL}: name the person by email or cio_id")
        return _by_email_ident(session, ws, ref.value)
    if ref.kind == "email":
        return _by_email_in_id_workspace(session, ws, ref.value, creating)
    ident = validate_person_id(ref.value)
    person = by_ident(session, ws, ident)
    if person is not None or ref.kind == "id" or "@" not in ident or not _email_shaped(ident):
        return Target(person=person, ident=ident)
    return _by_email_in_id_workspace(session, ws, ident, creating)


def _by_cio_id(session: Session, ws: Workspace, cio_id: str) -> Target:
    if not CIO_REFERENCE_RE.fullmatch(CIO_PREFIX + cio_id):
        raise InvalidInput(f"cio_id {cio_id!r} is not valid: it is 12 to 32 hexadecimal characters")
    person = session.scalar(select(Person).where(Person.workspace_id == ws.id, Person.cio_id == cio_id.lower()))
    return Target(person=person, ident=person.ident if person else None, unknown_cio=person is None)


def _by_email_ident(session: Session, ws: Workspace, raw: str) -> Target:
    try:
        ident = normalize_email(raw)
    except InvalidInput as exc:
        raise InvalidInput(f"{BY_EMAIL}, and {exc}") from None
    return Target(person=by_ident(session, ws, ident), ident=ident, email=ident)


def _by_email_in_id_workspace(session: Session, ws: Workspace, raw: str, creating: bool) -> Target:
    email = normalize_email(raw)
    holders = session.scalars(select(Person).where(Person.workspace_id == ws.id, Person.email == email).limit(2)).all()
    if len(holders) == 1:
        return Target(person=holders[0], ident=holders[0].ident, email=email)
    if creating:
        many = "more than one person has" if holders else "no one has"
        raise InvalidInput(f"{BY_ID} ({many} the email {email!r})")
    return Target(email=email)


def _email_shaped(value: str) -> bool:
    try:
        normalize_email(value)
    except InvalidInput:
        return False
    return True
