"""Running the wizard from anywhere: asks for the target campaign first when none is known."""

from __future__ import annotations

from textual.app import App

from tui.core.action_import import ImportResult
from tui.core.db import Database
from tui.core.text import visible
from tui.dialogs.import_wizard.target_picker import TargetCampaignDialog
from tui.dialogs.import_wizard.wizard import ImportWizard
from tui.parts.literal import count


def imported_note(result: ImportResult) -> str:
    """'Imported 3 actions into Onboarding (steps 3 to 5); 1 needs review.' (plain text)"""
    copies = result.actions
    steps = f"step {copies[0].position}" if len(copies) == 1 else f"steps {copies[0].position} to {copies[-1].position}"
    review = sum(a.needs_review for a in copies)
    note = f"Imported {count(len(copies), 'action')} into {visible(result.campaign.name)} ({steps})"
    return note + (f"; {review} {'needs' if review == 1 else 'need'} review." if review else ".")


def open_import_wizard(app: App, db: Database, workspace: str, campaign: str | None = None) -> None:
    """Run the wizard into `campaign` of `workspace` (asking which one when None), then say what it imported."""

    def imported(result: ImportResult | None) -> None:
        if result is not None:
            app.notify(imported_note(result), title="Actions imported", markup=False)

    def picked(target: str | None) -> None:
        if target is not None:
            app.push_screen(ImportWizard(db, workspace, target), imported)

    if campaign is None:
        app.push_screen(TargetCampaignDialog(db, workspace), picked)
    else:
        picked(campaign)
