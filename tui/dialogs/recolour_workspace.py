"""The dialog that changes a workspace's colour: a named colour, or any #rrggbb."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.workspace_colors import NAMED_COLORS
from tui.core.workspaces import WorkspaceInfo, update_workspace
from tui.dialogs.dialog import WorkspaceDialog
from tui.parts.literal import literal
from tui.parts.swatch import swatch


class RecolourWorkspaceDialog(WorkspaceDialog[WorkspaceInfo | None]):
    """Dismisses the recoloured workspace, or None."""

    heading = "Workspace colour"
    DEFAULT_CSS = """
    RecolourWorkspaceDialog OptionList { height: 8; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble(swatch(self.workspace.color), " ", literal(self.workspace.name, "bold")))
        yield OptionList(
            *(Option(Content.assemble(swatch(name, "██"), " ", name), id=name) for name in NAMED_COLORS),
            compact=True,
            id="named-colours",
        )
        yield Label("Or a colour of your own")
        yield Input(placeholder="#rrggbb", max_length=7, compact=True, id="hex-colour")
        yield Static("Enter picks the highlighted colour, or saves the one typed.", classes="note")

    def on_mount(self) -> None:
        if self.workspace.color in NAMED_COLORS:
            self.query_one(OptionList).highlighted = NAMED_COLORS.index(self.workspace.color)

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.recolour(event.option.id or "")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.recolour(event.value)

    def recolour(self, color: str) -> None:
        self.run_core(partial(update_workspace, self.db, self.workspace.name, color=color), self.dismiss)
