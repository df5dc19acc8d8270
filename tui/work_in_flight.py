"""Long work the app may be doing when someone quits, and what quitting does to it.

Each of these stops between batches when the app closes (its widget is unmounted), keeping
every batch it committed; the sentence says so, and how to finish the job later.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from tui.dialogs.delete_workspace import DeleteWorkspaceDialog
from tui.widgets.campaign_send import SendPanel
from tui.widgets.people_import_bar import ImportBar

IMPORTING = (
    "An import of people is running. Quitting stops it after the batch being written: the rows "
    "imported so far stay, and importing the same file again finishes it."
)
SENDING = (
    "A campaign is sending. Quitting stops it after the batch being written: the messages sent so "
    "far stay, and sending it again reaches the rest."
)
DELETING = (
    "A workspace is being deleted. Quitting stops it after the batch being written: the people "
    "deleted so far stay deleted, and deleting the workspace again finishes it."
)


def work_in_flight(screens: Iterable[Screen[object]]) -> list[str]:
    """A sentence for each kind of long work running on these screens."""
    busy: list[str] = []
    for screen in screens:
        if any(bar.running for bar in screen.query(ImportBar)):
            busy.append(IMPORTING)
        if any(panel.sending for panel in screen.query(SendPanel)):
            busy.append(SENDING)
        if isinstance(screen, DeleteWorkspaceDialog) and screen.deleting:
            busy.append(DELETING)
    return list(dict.fromkeys(busy))
