"""A person's activity from the Track API: events and page views, newest first, read a page at a
time as the cursor nears the last row loaded."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.core.db import Database
from tui.core.events import EventInfo, EventsPage, list_events
from tui.core.text import safe_json
from tui.parts.core_work import CoreWork
from tui.widgets.people_columns import CREATED_FORMAT, cell, fill_table

PAGE = 100
COLUMNS = (("time", 16), ("type", 6), ("name", 30), ("data", 80))
MORE_WITHIN = 10  # read the next page when the cursor comes this close to the last row


def event_cells(event: EventInfo) -> list[str]:
    return [event.timestamp.strftime(CREATED_FORMAT), event.type, event.name, safe_json(event.data)]


class PersonActivity(CoreWork, Vertical):
    """`show(workspace, ref, first_page)`; later pages load themselves."""

    DEFAULT_CSS = """
    PersonActivity {
        #activity-table { height: 1fr; }
        #no-activity { color: $text-muted; }
        &.-empty { height: auto; }
    }
    """

    def __init__(self, db: Database, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.db = db
        self._source: tuple[str, str] | None = None  # workspace, person reference
        self._next: str | None = None
        self._shown = 0

    def compose(self) -> ComposeResult:
        yield Static("Activity", id="activity-title", classes="section-title")
        yield Static("No activity yet: events and page views sent to the Track API show here.", id="no-activity")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="activity-table")

    def show(self, workspace: str, ref: str, page: EventsPage) -> None:
        self._source, self._next, self._shown = (workspace, ref), page.next, 0
        fill_table(self.query_one(DataTable), COLUMNS, [event_cells(e) for e in page.events])
        self._counted(page)

    def _append(self, page: EventsPage) -> None:
        self.query_one(DataTable).add_rows([cell(value) for value in event_cells(e)] for e in page.events)
        self._counted(page)

    def _counted(self, page: EventsPage) -> None:
        self._next = page.next
        self._shown += len(page.events)
        more = "+" if self._next else ""
        title = f"Activity ({self._shown:,}{more}, newest first)" if self._shown else "Activity"
        self.query_one("#activity-title", Static).update(title)
        self.query_one(DataTable).display = self._shown > 0
        self.query_one("#no-activity").display = self._shown == 0
        self.set_class(self._shown == 0, "-empty")  # no rows: leave the room to the messages

    @on(DataTable.RowHighlighted, "#activity-table")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if self._next is None or self._source is None or self.core_busy("more"):
            return
        if event.cursor_row >= self._shown - MORE_WITHIN:
            workspace, ref = self._source
            read = partial(list_events, self.db, workspace, person=ref, limit=PAGE, after=self._next)
            self.run_core(read, self._append, group="more")
