"""The one confirmation before a person is deleted (from the People list or the person screen)."""

from __future__ import annotations

from textual.content import Content

from tui.core.people import PersonInfo
from tui.dialogs.confirm import ConfirmDialog
from tui.parts.literal import literal
from tui.parts.person_ident import ident_of


def confirm_delete_person(person: PersonInfo) -> ConfirmDialog:
    question = Content.assemble(
        "Delete ", literal(ident_of(person), "bold"), f" ({person.reference})?\n",
        "Their messages go too. Billing still counts them for this month.",
    )  # fmt: skip
    return ConfirmDialog("Delete person", question, "Delete")
