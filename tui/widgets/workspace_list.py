"""The sidebar's list of workspaces: colour mark, name, identifier kind and people count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.parts.delivery_counts import delivery_counts_short
from tui.parts.literal import count, literal, row_detail
from tui.parts.swatch import swatch

if TYPE_CHECKING:
    from tui.core.workspaces import WorkspaceInfo

MODE_BADGES = {"test": "TEST", "never": "NEVER"}  # send modes that change what a send does, in words


def workspace_row(workspace: WorkspaceInfo, *, current: bool) -> Content:
    """Two lines: mark and name (bold and marked when current), then kind and people count; a
    third with the message counts once the workspace has messages."""
    marker = Content.styled("▍", "$accent") if current else Content(" ")
    name = literal(workspace.name, "bold" if current else "")
    details = f"{workspace.identify_by} · {count(workspace.people, 'person', 'people')}"
    badge = MODE_BADGES.get(workspace.send_mode)
    shown = (
        Content.assemble(name, " ", Content.styled(f" {badge} ", "bold $text-warning on $warning-muted"))
        if badge
        else name
    )
    row = Content.assemble(
        marker,
        swatch(workspace.color),
        " ",
        shown,
        "\n",
        marker,
        "  ",
        row_detail(details),
    )
    if workspace.messages:
        row = Content.assemble(row, "\n", marker, "  ", delivery_counts_short(workspace.messages))
    return row


class WorkspaceList(OptionList):
    """Every workspace; the highlighted one is the current one (moving the highlight switches)."""

    BINDINGS = [
        Binding(
            "enter", "select", "Switch", tooltip="Make the highlighted workspace current", show=False, id="sidebar.open"
        ),
        Binding("n", "screen.new_workspace", "New", tooltip="Create a workspace", id="sidebar.new"),
        Binding("r", "screen.rename_workspace", "Rename", tooltip="Rename the current workspace", id="sidebar.rename"),
        Binding(
            "C",
            "screen.recolour_workspace",
            "Colour",
            tooltip="Change the current workspace's colour",
            id="sidebar.colour",
        ),
        Binding(
            "m",
            "screen.send_mode",
            "Send mode",
            tooltip="Change the send mode: normal, test or never",
            id="sidebar.send_mode",
        ),
        Binding(
            "a",
            "screen.credentials",
            "API keys",
            tooltip="Site ID and API keys of the current workspace",
            id="sidebar.api_keys",
        ),
        Binding(
            "D",
            "screen.delivery",
            "Delivery",
            tooltip="How this workspace's messages go out; Test connection",
            id="sidebar.delivery",
        ),
        Binding("d", "screen.delete_workspace", "Delete", tooltip="Delete the current workspace", id="sidebar.delete"),
    ]

    workspaces: reactive[tuple[WorkspaceInfo, ...]] = reactive(())
    current: reactive[WorkspaceInfo | None] = reactive(None)
    _rebuilding = False  # set while the rows are redrawn: highlight changes then are not the user's

    @dataclass
    class Chosen(Message):
        """The user chose the workspace with this id."""

        workspace_id: int

    def watch_workspaces(self) -> None:
        self._rebuild()

    def watch_current(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        """Redraw the rows with the highlight on the current workspace: the highlighted row, the
        current workspace and the one the sidebar's keys act on are always the same."""
        current_id = str(self.current.id) if self.current else None
        ids = [str(ws.id) for ws in self.workspaces]
        self._rebuilding = True
        try:
            self.set_options(
                Option(workspace_row(ws, current=option_id == current_id), id=option_id)
                for ws, option_id in zip(self.workspaces, ids, strict=True)
            )
            if current_id in ids:
                self.highlighted = ids.index(current_id)
        finally:
            self._rebuilding = False

    def watch_highlighted(self, highlighted: int | None) -> None:
        """Moving the highlight makes that workspace current (as lazygit's side lists do); a
        rebuild moves it too, and does not switch."""
        super().watch_highlighted(highlighted)
        option = self.highlighted_option
        if self._rebuilding or option is None or option.id is None:
            return
        if self.current is None or option.id != str(self.current.id):
            self.post_message(self.Chosen(int(option.id)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(int(event.option.id)))
