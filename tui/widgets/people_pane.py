"""The People tab of the main screen: the current workspace's people, with filter, add and import.

The table (PeopleTable) reads its own pages as the view moves and never holds more than a
bounded window of them; this pane says what is shown, filters, and opens what acts on people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from tui.core.db import Database
from tui.core.people import AddResult
from tui.core.people_list import PeopleSort
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.add_person import AddPersonDialog
from tui.dialogs.import_people import ImportPeopleDialog
from tui.dialogs.people_import_summary import ImportSummaryDialog
from tui.parts.keys import hint, moves_focus, step_aside_while_typing
from tui.parts.literal import count, literal
from tui.parts.person_ident import ident_of
from tui.widgets.pane import WorkspacePane
from tui.widgets.people_import_bar import ImportBar
from tui.widgets.people_status import PeopleStatus
from tui.widgets.people_table import PeopleTable

FILTER_DELAY = 0.25  # seconds of quiet typing before the filter is applied

EMPTY = "No people yet: press {people.new} to add one, {people.import} to import a CSV/JSONL file."
NO_WORKSPACE = "No workspace yet: create one with n in the workspace list, or from ctrl+p."


class PeoplePane(WorkspacePane):
    """The current workspace's people: filter, open, add, import."""

    DEFAULT_CSS = """
    PeoplePane {
        padding: 0 1;
        #people-heading { height: 1; margin-top: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        #people-filter { height: 1; margin-top: 1; display: none; }
        #filter-prompt { width: 2; color: $text-accent; text-style: bold; }
        #people-filter-input { width: 1fr; }
        PeopleTable { height: 1fr; margin-top: 1; }
        #people-empty { height: 1fr; margin-top: 1; color: $text-muted; display: none; }
        #people-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    @dataclass
    class OpenPerson(Message):
        """The user chose a person: the screen above shows them, then calls `closed(changed)`."""

        workspace: WorkspaceInfo
        reference: str
        closed: Callable[[bool | None], None]

    BINDINGS = [
        Binding("n", "add_person", "New", tooltip="Add a person to this workspace", id="people.new"),
        Binding(
            "i", "import_people", "Import", tooltip="Import people from a CSV or JSON Lines file", id="people.import"
        ),
        moves_focus(
            Binding(
                "slash",
                "filter",
                "Filter",
                tooltip="Find people as you type: text in the identifier, ^start of it, or key:value of an attribute",
                id="people.filter",
            )
        ),
        Binding(
            "escape", "clear_filter", "Clear filter", tooltip="Clear the filter and show everyone", id="people.back"
        ),
        Binding(
            "x",
            "cancel_import",
            "Cancel import",
            tooltip="Stop the running import after its current batch",
            id="people.cancel_work",
        ),
        Binding(
            "o",
            "sort",
            "Sort",
            tooltip="Sort by the next column: identifier, created (newest first), each attribute shown",
            id="people.sort",
        ),
        Binding("O", "reverse", "Reverse", tooltip="Reverse the order of the list", show=False, id="people.reverse"),
        Binding("down", "focus_table", "To the list", show=False, id="people.to_list"),
    ]

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(db, id=id)
        self.table = PeopleTable(db, id="people-table")
        self.import_bar = ImportBar(db)
        self.status = PeopleStatus(db, id="people-status")
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="people-heading")
        with Horizontal(id="people-filter"):
            yield Static("/", id="filter-prompt")
            yield Input(
                placeholder="text in the identifier · ^start · key:value", compact=True, id="people-filter-input"
            )
        yield self.table
        yield Static(id="people-empty")
        yield self.status
        yield self.import_bar

    # The workspace ------------------------------------------------------------------------

    def watch_workspace(self, old: WorkspaceInfo | None, new: WorkspaceInfo | None) -> None:
        """Another workspace starts over at its first page; a reloaded one is read again in place."""
        self._show_heading()
        if new is None or old is None or old.id != new.id:
            self._set_filter("")
            self.table.open(new)
            self.status.count(new, "")
        else:
            self.table.workspace = new
            self.reload(changed=new.people != old.people)

    def reload(self, *, changed: bool = False) -> None:
        """Show changes made elsewhere (ctrl+r and the periodic refresh), keeping the place. A
        search that scans the workspace is read again, and a search's matches counted again,
        only when people `changed` (here, or their number elsewhere)."""
        if changed or not self.table.costly:
            self.table.reload()
        if changed:
            self._recount()

    def _recount(self) -> None:
        self.status.forget()
        self.status.count(self.workspace, self.table.search)

    def _show_heading(self) -> None:
        ws = self.workspace
        heading = self.query_one("#people-heading", Static)
        if ws is None:
            heading.update("")
            return
        about = f" · {count(ws.people, 'person', 'people')} · identified by {ws.identify_by}"
        heading.update(Content.assemble(literal(ws.name, "bold"), Content.styled(about, "$text-muted")))

    @on(PeopleTable.Changed)
    def _table_changed(self) -> None:
        self._show_state()

    @on(DataTable.RowHighlighted, "#people-table")
    def _highlighted(self) -> None:
        self._show_status()

    # What shows ---------------------------------------------------------------------------

    def _show_state(self) -> None:
        """The table, or the empty state saying what to do."""
        ws, table = self.workspace, self.table
        empty = self.query_one("#people-empty", Static)
        # Empty only once a read has said so: while the rows of a cleared filter are on their way
        # the (stale, empty) table stays, and keeps the focus.
        nobody = ws is None or (
            table.pending is None and table.loaded_for == ws.id and not table.window.rows and not table.search
        )
        empty.update(NO_WORKSPACE if ws is None else hint(self, EMPTY))
        if table.display == nobody:  # the keys that apply change with what shows
            had_focus = table.has_focus
            table.display = not nobody
            empty.display = nobody
            if nobody and had_focus:
                self.focus()
            elif not nobody and self.has_focus:
                table.focus()
            self.refresh_bindings()
        self._show_status()

    def _show_status(self) -> None:
        self.status.show(self.workspace, self.table)

    # Keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_person", "import_people") and self.workspace is None:
            return None
        if action == "import_people" and self.import_bar.running:
            return None
        if action == "cancel_import":
            return self.import_bar.running
        if action == "clear_filter":
            return self._filtering
        if action in ("sort", "reverse"):
            return self.table.display or None
        if action == "focus_table":
            return self.table.display and not self.table.has_focus
        return True

    @property
    def _filtering(self) -> bool:
        return bool(self.table.search) or self.query_one("#people-filter").display

    def key_target(self) -> Widget:
        """The list takes the keys when it shows."""
        return self.table if self.table.display else self

    def action_sort(self) -> None:
        """The next sortable column, ascending (creation: newest first)."""
        columns, current = self.table.sortable, self.table.order.column
        following = columns[(columns.index(current) + 1) % len(columns)] if current in columns else "ident"
        self.table.set_order(PeopleSort(following, descending=following == "created"))

    def action_reverse(self) -> None:
        order = self.table.order
        self.table.set_order(PeopleSort(order.column, descending=not order.descending))

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        step_aside_while_typing(self)
        self.query_one("#people-filter").display = True
        self.screen.set_focus(self.query_one("#people-filter-input", Input))  # now: see moves_focus
        self.refresh_bindings()

    @on(Input.Changed, "#people-filter-input")
    def _filter_typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(FILTER_DELAY, self._apply_filter)

    @on(Input.Submitted, "#people-filter-input")
    def _filter_submitted(self) -> None:
        self._apply_filter()
        self.action_focus_table()

    def _apply_filter(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._search(self.query_one("#people-filter-input", Input).value)

    def _search(self, search: str) -> None:
        self.table.set_search(search)
        self.status.count(self.workspace, search)

    def action_clear_filter(self) -> None:
        self._set_filter("")
        self._search("")
        self.focus()

    def _set_filter(self, value: str) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.query_one("#people-filter-input", Input).value = value
        self.query_one("#people-filter").display = bool(value)
        self.refresh_bindings()

    # Opening, adding, importing -----------------------------------------------------------

    @on(DataTable.RowSelected, "#people-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        ws = self.workspace
        if ws is not None and event.row_key.value is not None:
            self.post_message(self.OpenPerson(ws, f"cio_{event.row_key.value}", self._person_closed))

    def _person_closed(self, changed: bool | None) -> None:
        if changed:
            self._people_changed()

    def _people_changed(self) -> None:
        """Show the change here, and the new counts in the sidebar."""
        self.reload(changed=True)
        self.call_later(self.screen.run_action, "reload")  # this pane's screen, not the dialog on top

    def on_people_table_deleted(self, message: PeopleTable.Deleted) -> None:
        who = visible(ident_of(message.person))
        if message.error is None:
            self.notify(f"Deleted {who}.", title="Person deleted", markup=False)
        else:
            self.notify(visible(message.error), title="Not deleted", severity="error", markup=False)
        self._people_changed()

    def action_add_person(self) -> None:
        if self.workspace is not None:
            self.app.push_screen(AddPersonDialog(self.db, self.workspace), self._added)

    def _added(self, result: AddResult | None) -> None:
        if result is None:
            return
        who = visible(ident_of(result.person))
        if result.created:
            self.notify(f"Added {who}.", title="Person added", markup=False)
        else:
            self.notify(f"{who} already existed: their attributes were merged.", title="Person updated", markup=False)
        self._people_changed()

    def action_import_people(self) -> None:
        ws = self.workspace
        if ws is not None and not self.import_bar.running:
            self.app.push_screen(ImportPeopleDialog(ws), partial(self._import_chosen, ws))

    def _import_chosen(self, ws: WorkspaceInfo, path: Path | None) -> None:
        if path is not None:
            self.import_bar.start(ws.name, path)
            self.refresh_bindings()

    def action_cancel_import(self) -> None:
        self.import_bar.cancel()

    def on_import_bar_finished(self, message: ImportBar.Finished) -> None:
        self.refresh_bindings()
        self.app.push_screen(ImportSummaryDialog(message.outcome))
        if message.outcome.report is not None:
            self._people_changed()
