"""The sidebar's list of workspaces: colour mark, name, identifier kind and people count."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.workspaces import WorkspaceInfo
from tui.widgets.literal import count, literal
from tui.widgets.swatch import swatch


def workspace_row(workspace: WorkspaceInfo, *, current: bool) -> Content:
    """Two lines: mark and name (bold and marked when current), then kind and people count."""
    marker = Content.styled("▍", "$accent") if current else Content(" ")
    name = literal(workspace.name, "bold" if current else "")
    details = f"{workspace.identify_by} · {count(workspace.people, 'person', 'people')}"
    return Content.assemble(
        marker, swatch(workspace.color), " ", name, "\n", marker, "  ", Content.styled(details, "$text-muted")
    )


class WorkspaceList(OptionList):
    """Every workspace; Enter (or a click) makes the highlighted one current."""

    BINDINGS = [
        Binding("enter", "select", "Switch", tooltip="Make the highlighted workspace current", show=False),
        Binding("n", "screen.new_workspace", "New", tooltip="Create a workspace"),
        Binding("r", "screen.rename_workspace", "Rename", tooltip="Rename the current workspace"),
        Binding("o", "screen.recolour_workspace", "Colour", tooltip="Change the current workspace's colour"),
        Binding("m", "screen.send_mode", "Send mode", tooltip="Change the send mode: normal, test or never"),
        Binding("k", "screen.credentials", "Keys", tooltip="Site ID and API keys of the current workspace"),
        Binding("d", "screen.delete_workspace", "Delete", tooltip="Delete the current workspace"),
    ]

    workspaces: reactive[tuple[WorkspaceInfo, ...]] = reactive(())
    current: reactive[WorkspaceInfo | None] = reactive(None)

    @dataclass
    class Chosen(Message):
        """The user chose the workspace with this id."""

        workspace_id: int

    def watch_workspaces(self) -> None:
        self._rebuild()

    def watch_current(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        """Redraw the rows, keeping the highlight on the same workspace (else on the current one)."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        current_id = str(self.current.id) if self.current else None
        ids = [str(ws.id) for ws in self.workspaces]
        self.set_options(
            Option(workspace_row(ws, current=option_id == current_id), id=option_id)
            for ws, option_id in zip(self.workspaces, ids, strict=True)
        )
        keep = next((option_id for option_id in (highlighted, current_id) if option_id in ids), None)
        if keep is not None:
            self.highlighted = ids.index(keep)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(int(event.option.id)))
