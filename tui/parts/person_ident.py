"""How a person is named on screen."""

from __future__ import annotations

from tui.core.people import PersonInfo


def ident_of(person: PersonInfo) -> str:
    """The person's identifier, the keyset order of `list_people`: the id, or else the email."""
    return person.id if person.id is not None else (person.email or "")
