"""The dialog that adds a person, showing the stored identifier and any error as you type."""

from __future__ import annotations

from functools import partial
from typing import Any

from tui.core.people import AddResult, add_person
from tui.dialogs.person_form import PersonFormDialog


class AddPersonDialog(PersonFormDialog[AddResult | None]):
    """Dismisses the core's AddResult (created, or an existing person updated: P5), or None."""

    heading = "New person"
    save_label = "Add person"

    def submit(self, identifier: str, email: str, attributes: dict[str, Any]) -> None:
        if self.by_email:
            self.add(None, identifier, attributes)
        else:
            self.add(identifier, email or None, attributes)

    def add(self, person_id: str | None, email: str | None, attributes: dict[str, Any]) -> None:
        add = partial(add_person, self.db, self.workspace.name, id=person_id, email=email, attributes=attributes)
        self.run_core(add, self.dismiss)
