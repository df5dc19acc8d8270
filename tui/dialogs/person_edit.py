"""The dialog that changes a person's identifier, email and attributes, refusing lost updates."""

from __future__ import annotations

from functools import partial
from typing import Any

from tui.core.db import Database
from tui.core.errors import ChangedElsewhere
from tui.core.identity import normalize_email
from tui.core.people import PersonInfo, update_person
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.person_form import PersonFormDialog, attributes_json, optional_email
from tui.parts.core_work import CoreError, error_text
from tui.parts.person_ident import ident_of

_MISSING = object()


def attribute_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(attributes to set, attribute names to unset) that turn `old` into `new`."""
    changes = {name: value for name, value in new.items() if old.get(name, _MISSING) != value}
    return changes, [name for name in old if name not in new]


class EditPersonDialog(PersonFormDialog[PersonInfo | ChangedElsewhere | None]):
    """Saves with the version it was opened on. Dismisses the saved person; ChangedElsewhere when
    someone else changed them meanwhile (the caller reloads); None when cancelled."""

    heading = "Edit person"

    def __init__(self, db: Database, workspace: WorkspaceInfo, person: PersonInfo) -> None:
        super().__init__(db, workspace)
        self.person = person

    def initial_identifier(self) -> str:
        return ident_of(self.person)

    def initial_email(self) -> str:
        return self.person.email or ""

    def initial_attributes(self) -> str:
        return attributes_json(self.person.attributes)

    def submit(self, identifier: str, email: str, attributes: dict[str, Any]) -> None:
        person = self.person
        changes, unset = attribute_changes(person.attributes, attributes)
        new_id = new_email = None
        if self.by_email:
            new_email = identifier if normalize_email(identifier) != person.email else None
        else:
            new_id = identifier if identifier != person.id else None
            new_email = email.strip() if optional_email(email) != person.email else None
        if new_id is None and new_email is None and not changes and not unset:
            self.show_error("Nothing to save: nothing was changed. Escape closes.")
            return
        self.save(new_id, new_email, changes, unset)

    def save(self, new_id: str | None, new_email: str | None, changes: dict[str, Any], unset: list[str]) -> None:
        update = partial(
            update_person,
            self.db,
            self.workspace.name,
            self.person.reference,
            id=new_id,
            email=new_email,
            attributes=changes,
            unset=unset,
            expected_version=self.person.version,
        )
        self.run_core(update, self.dismiss, refused=self._refused)

    def _refused(self, error: CoreError) -> None:
        """Edited elsewhere meanwhile: the person screen reloads and says so; else shown here."""
        if isinstance(error, ChangedElsewhere):
            self.dismiss(error)
        else:
            self.core_failed(error_text(error))
