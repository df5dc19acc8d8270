"""The People table: a DataTable over a PeopleWindow that reads its own pages as the view moves.

Pages come from keyset queries (`list_people(after=...)`, `before=...`) in a thread worker: the
page below when the view nears the last loaded row, the page above when it nears the first, pages
far away dropped; Home and End read the first or the last page of the whole listing. Reads are
exclusive: a new one drops the one on its way, so a slow answer (an old filter, a workspace left
behind) never overwrites a fresher one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.people import PersonInfo, delete_person
from tui.core.people_list import BY_IDENT, PageAt, PeoplePage, PeopleSort, cursor_of, list_people
from tui.core.people_search import PeopleSearch, parse_search
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.delete_person import confirm_delete_person
from tui.parts.core_work import CoreError, CoreWork, error_text, stop_if_dropped
from tui.widgets.people_columns import PeopleColumn, cell, people_columns, sortable
from tui.widgets.people_window import PAGE_SIZE, PeopleWindow

PAGE_READS = "people-page"  # the worker group of page reads: a new read drops the one under way
MARGIN = PAGE_SIZE // 2  # read the next page when the view comes this close to the last loaded row


@dataclass(frozen=True)
class PageRequest:
    """One read: the `first` or `last` page of the listing, the `next` one below, the `previous`
    one above, or a `refresh` of the loaded rows in place."""

    kind: str
    workspace: str
    search: str
    at: PageAt
    limit: int


class PeopleTable(CoreWork, DataTable):
    """Rows keyed by cio_id. `open` a workspace, `set_search` a prefix, `reload` in place; the
    table posts `Changed` whenever its rows, loading state or error change."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", tooltip="Open the highlighted person", id="people.open"),
        Binding("d,delete", "delete_person", "Delete", tooltip="Delete the highlighted person", id="people.delete"),
        Binding(
            "home,g,ctrl+home",
            "first",
            "First",
            tooltip="Go to the first person of the list",
            show=False,
            id="people.first",
        ),
        Binding(
            "end,G,ctrl+end", "last", "Last", tooltip="Go to the last person of the list", show=False, id="people.last"
        ),
    ]

    class Changed(Message):
        """Rows came in, a read started, or a read failed: the pane redraws what depends on them."""

    @dataclass
    class Scanned(Message):
        """A read that no index serves got this far (posted from its worker thread)."""

        done: int
        total: int

    class Deleted(Message):
        """The user deleted a person from the list (or the core refused, with `error`)."""

        def __init__(self, person: PersonInfo, error: str | None = None) -> None:
            super().__init__()
            self.person, self.error = person, error

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.db = db
        self.order: PeopleSort = BY_IDENT
        self.window = PeopleWindow(lambda person: cursor_of(person, self.order))
        self.workspace: WorkspaceInfo | None = None
        self.search = ""
        self.pending: PageRequest | None = None
        self.error: str | None = None
        self.loaded_for: int | None = None  # the workspace whose rows are shown
        self.scanned: tuple[int, int] | None = None  # how far the read under way has scanned
        self.costly = False  # the last read scanned (no index serves the search): re-read on request only
        self._columns: list[PeopleColumn] = []
        self._replacing = False  # rows are being replaced: the view is not where it will be

    @property
    def searching(self) -> PeopleSearch | None:
        """The search shown (None: everyone, or a search the core refuses: see `error`)."""
        try:
            return parse_search(self.search, self.workspace.identify_by) if self.workspace else None
        except InvalidInput:
            return None

    @property
    def reading(self) -> bool:
        """A read that changes what shows is on its way (a quiet refresh does not count)."""
        return self.pending is not None and self.pending.kind != "refresh"

    def position(self, total: int | None) -> int | None:
        """The highlighted person's place in the listing of `total` people, from 1; None when
        there are no rows or the place is not known (the window was read from the end)."""
        return self.window.position(self.cursor_row, total)

    # What to show -------------------------------------------------------------------------

    def open(self, workspace: WorkspaceInfo | None) -> None:
        """Start over on a workspace (or none), without a filter."""
        self.drop_core(PAGE_READS)  # whatever is on its way belongs to the one left behind
        self.workspace, self.search, self.order = workspace, "", BY_IDENT
        self.pending, self.error, self.loaded_for = None, None, None
        self.window.reset([], more_below=False)
        self.clear()
        self._load("first")
        self.post_message(self.Changed())

    def set_order(self, order: PeopleSort) -> None:
        """List in this order (L1), from its first person."""
        if order != self.order:
            self.order = order
            self._load("first")

    @property
    def sortable(self) -> list[str]:
        """The columns shown that the list can be sorted by."""
        return sortable(self._columns)

    def set_search(self, search: str) -> None:
        """Show the people whose identifier starts with `search` (all with "")."""
        if search != self.search:
            self.search = search
            self._load("first")

    def reload(self) -> None:
        """Read the loaded rows again (changes made elsewhere), keeping the place. A read on its
        way already brings fresh rows."""
        if self.pending is None:
            self._load("refresh" if self.loaded_for is not None else "first")

    # Reading ------------------------------------------------------------------------------

    def _load(self, kind: str) -> None:
        ws, window = self.workspace, self.window
        if ws is None:
            return
        at, limit = PageAt(), window.page_size
        if kind == "next":
            at = PageAt(after=window.next_cursor)
        elif kind == "previous":
            at = PageAt(before=window.previous_cursor)
        elif kind == "last":
            at = PageAt(last=True)
        elif kind == "refresh":
            at = PageAt(start=window.previous_cursor)
            limit = min(max(len(window.rows), window.page_size), window.max_rows)
        request = self.pending = PageRequest(kind, ws.name, self.search, at, limit)
        self.scanned = None
        read = partial(
            list_people,
            self.db,
            ws.name,
            search=self.search or None,
            limit=limit,
            sort=self.order,
            after=at.after,
            start=at.start,
            before=at.before,
            last=at.last,
            progress=self._progress,
        )
        self.run_core(read, partial(self._read, request), group=PAGE_READS, refused=self._unread)
        if self.reading:
            self.post_message(self.Changed())

    def _progress(self, done: int, total: int) -> None:
        """In the worker thread, after each scanned chunk of a read that no index serves."""
        stop_if_dropped()
        self.post_message(self.Scanned(done, total))

    def on_people_table_scanned(self, message: Scanned) -> None:
        message.stop()
        if self.pending is not None:
            self.scanned = (message.done, message.total)
            self.post_message(self.Changed())

    def _read(self, request: PageRequest, page: PeoplePage) -> None:
        self.costly = self.scanned is not None
        self.pending = self.error = self.scanned = None
        self._apply(request.kind, page)
        self.post_message(self.Changed())

    def _unread(self, error: CoreError) -> None:
        self.pending, self.error, self.scanned = None, error_text(error), None
        self.post_message(self.Changed())

    def _apply(self, kind: str, page: PeoplePage) -> None:
        """Put a page into the window and the rows, keeping the view on the same people."""
        window = self.window
        more = page.next is not None
        if kind == "first":
            window.reset(page.people, more_below=more)
            self._sample_columns()
            self.show(window.rows, cursor_row=0, scroll_y=0)
        elif kind == "last":
            window.reset_at_end(page.people, more_above=page.previous is not None)
            self._sample_columns()
            self.show(window.rows, cursor_row=len(window.rows) - 1, scroll_y=len(window.rows))
        elif kind == "next":
            dropped = window.append(page.people, more_below=more)
            if dropped:
                self.show(window.rows, cursor_row=self.cursor_row - dropped, scroll_y=self.scroll_y - dropped)
            else:
                self.append(page.people)
        elif kind == "previous":
            added = window.prepend(page.people, more_above=page.previous is not None)
            self.show(window.rows, cursor_row=self.cursor_row + added, scroll_y=self.scroll_y + added)
        else:
            self._refreshed(page.people, more)
        self.loaded_for = self.workspace.id if self.workspace else None
        self._check_edges()

    def _refreshed(self, people: list[PersonInfo], more: bool) -> None:
        """Fresh rows for the same place: redraw only if something changed."""
        window = self.window
        before = [(person.cio_id, person.version) for person in window.rows]
        highlighted = window.rows[self.cursor_row].cio_id if window.rows and self.row_count else None
        window.replace(people, more_below=more)
        if self._sample_columns() or before != [(person.cio_id, person.version) for person in window.rows]:
            ids = [person.cio_id for person in window.rows]
            row = ids.index(highlighted) if highlighted in ids else self.cursor_row
            self.show(window.rows, cursor_row=row, scroll_y=self.scroll_y)

    def _sample_columns(self) -> bool:
        """Choose the columns from the loaded rows (on a first read and on every refresh, so that
        they follow the data: an import's new attributes, longer identifiers); True if they changed."""
        ws = self.workspace
        if ws is None:
            return False
        columns = people_columns(ws.identify_by, self.window.rows, self.order)
        if [(c.key, c.label, c.width) for c in columns] == [(c.key, c.label, c.width) for c in self._columns]:
            return False
        self._columns = columns
        self.clear(columns=True)
        for column in self._columns:
            self.add_column(cell(column.label), width=column.width, key=column.key)
        return True

    def _check_edges(self) -> None:
        """Read the page below (or above) when the view nears the last (or first) loaded row."""
        window = self.window
        if self.pending is not None or self._replacing or not window.rows:
            return
        top = int(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        if window.more_below and bottom >= len(window.rows) - MARGIN:
            self._load("next")
        elif window.more_above and top < MARGIN:
            self._load("previous")

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._check_edges()

    def on_data_table_row_highlighted(self) -> None:
        self._check_edges()

    def action_first(self) -> None:
        """Home: the first person of the listing, read again when the window has moved past them."""
        if self.window.more_above:
            self._load("first")
        elif self.row_count:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        """End: the last person of the listing, read from the end when the window is not there."""
        if self.window.more_below:
            self._load("last")
        elif self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def action_delete_person(self) -> None:
        """Delete the highlighted person, once the user confirms."""
        ws, rows = self.workspace, self.window.rows
        if ws is None or not rows or not self.row_count:
            return
        person = rows[min(self.cursor_row, len(rows) - 1)]

        def answered(yes: bool | None) -> None:
            if yes:
                delete = partial(delete_person, self.db, ws.name, person.reference, expected_version=person.version)
                self.run_core(delete, lambda _: self.post_message(self.Deleted(person)), refused=refused)

        def refused(error: CoreError) -> None:
            self.post_message(self.Deleted(person, error_text(error)))

        self.app.push_screen(confirm_delete_person(person), answered)

    # Rows ---------------------------------------------------------------------------------

    def append(self, people: list[PersonInfo]) -> None:
        for person in people:
            self.add_row(*(cell(column.value(person)) for column in self._columns), key=person.cio_id)

    def show(self, people: list[PersonInfo], *, cursor_row: int, scroll_y: float) -> None:
        """Replace every row, then put the cursor and the view at these (new) row positions."""
        self._replacing = True
        try:
            self.clear()
            self.append(people)
            header = self.header_height if self.show_header else 0
            # The DataTable sizes itself when idle; size it now so that the scroll below is not clamped.
            self.virtual_size = Size(self.virtual_size.width, header + len(people))
            if people:
                self.move_cursor(row=max(0, min(cursor_row, len(people) - 1)), scroll=False)
            self.scroll_to(y=max(0.0, scroll_y), animate=False, immediate=True)
        finally:
            self._replacing = False
