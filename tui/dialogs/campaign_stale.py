"""A dialog's edit that lost an optimistic-concurrency race: the pane reloads and says so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.errors import ChangedElsewhere
from tui.dialogs.dialog import Dialog
from tui.parts.core_work import CoreError, error_text


@dataclass(frozen=True)
class Stale:
    """Dismissed by a dialog whose record changed elsewhere since it was loaded."""

    message: str


def stale_or_refused(dialog: Dialog[Any], error: CoreError) -> None:
    """The `refused` of a campaign edit: a lost race closes the dialog with Stale (the pane then
    reloads); any other refusal shows in the dialog, which stays open for a correction."""
    if isinstance(error, ChangedElsewhere):
        dialog.dismiss(Stale(str(error)))
    else:
        dialog.core_failed(error_text(error))
