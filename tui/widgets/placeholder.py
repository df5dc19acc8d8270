"""TODO(people-core, campaigns-core): the stand-in body of a tab whose core has not landed yet.

Delete this module when the last pane stops using it.
"""

from __future__ import annotations

import shlex

from textual.content import Content
from textual.widgets import Static

from tui.core.workspaces import WorkspaceInfo
from tui.widgets.literal import literal


class PanePlaceholder(Static):
    """Says what the tab will show, the figures known already, and the CLI command meanwhile."""

    DEFAULT_CSS = """
    PanePlaceholder { color: $text-muted; }
    """

    def __init__(self, what: str, command: str) -> None:
        super().__init__()
        self.what = what
        self.command = command

    def show(self, workspace: WorkspaceInfo | None, figures: str) -> None:
        if workspace is None:
            self.update("No workspace yet: create one with n in the workspace list, or from ctrl+p.")
            return
        command = f"switchboard {self.command} -w {shlex.quote(workspace.name)}"
        self.update(
            Content.assemble(
                literal(workspace.name, "bold $text"),
                Content.styled(f" · {self.what}", "bold $text"),
                f"\n{figures}\n\nThe {self.what} view is coming to this tab. Meanwhile, a shell lists them:\n",
                literal(command, "$text-accent"),
            )
        )
