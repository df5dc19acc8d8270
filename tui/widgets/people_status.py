"""The line under the People table: the search, how many it matches, where the highlight is, and
what is being read.

A search's matches are counted in a thread worker (`count_people`) as soon as the search is set;
a new search (or none) drops the count under way, and a count that has to scan reports how far it
got. Nothing here waits for the count: until it arrives the line says it is counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.core.db import Database
from tui.core.people_list import BY_IDENT, PeopleSort, count_people
from tui.core.people_search import PeopleSearch
from tui.core.workspaces import WorkspaceInfo
from tui.parts.core_work import CoreError, CoreWork, error_text, stop_if_dropped
from tui.parts.keys import hint
from tui.parts.literal import literal
from tui.widgets.people_columns import ARROWS
from tui.widgets.people_table import PeopleTable

COUNTS = "people-count"  # the worker group of match counts: a new one drops the one under way


def scanned_text(done: int, total: int) -> str:
    return f"{done:,} of {total:,} scanned"


@dataclass(frozen=True)
class Counted:
    workspace: int
    search: str
    matches: int


class PeopleStatus(CoreWork, Static):
    """`count` a search's matches, `show` the table's state."""

    @dataclass
    class Scanned(Message):
        done: int
        total: int

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.counted: Counted | None = None
        self._counting: tuple[int, int] | None = None  # (scanned, total) of the count under way
        self._shown: tuple[WorkspaceInfo | None, PeopleTable] | None = None

    def count(self, ws: WorkspaceInfo | None, search: str) -> None:
        """Count the people `search` matches in `ws` (nothing without a search)."""
        self.drop_core(COUNTS)
        self._counting = None
        if ws is None or not search or self._is_counted(ws, search):
            return
        self._counting = (0, ws.people)
        count = partial(count_people, self.db, ws.name, search=search, progress=self._progress)
        self.run_core(count, partial(self._counted, ws.id, search), group=COUNTS, refused=self._unreadable)

    def _is_counted(self, ws: WorkspaceInfo, search: str) -> bool:
        return self.counted is not None and (self.counted.workspace, self.counted.search) == (ws.id, search)

    def forget(self) -> None:
        """The people changed: counts are read again on the next `count`."""
        self.counted = None

    def _progress(self, done: int, total: int) -> None:
        """In the worker thread, after each scanned chunk."""
        stop_if_dropped()
        self.post_message(self.Scanned(done, total))

    def on_people_status_scanned(self, message: Scanned) -> None:
        message.stop()
        if self.core_busy(COUNTS):
            self._counting = (message.done, message.total)
            self._redraw()

    def _counted(self, workspace: int, search: str, matches: int) -> None:
        self.counted, self._counting = Counted(workspace, search, matches), None
        self._redraw()

    def _unreadable(self, error: CoreError) -> None:
        self._counting = None
        self.update(literal(error_text(error), "$text-error"))

    def _redraw(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, ws: WorkspaceInfo | None, table: PeopleTable) -> None:
        """Say what the table shows."""
        self._shown = (ws, table)
        self.update(self._line(ws, table))

    def _line(self, ws: WorkspaceInfo | None, table: PeopleTable) -> Content:
        if table.error is not None:
            return literal(table.error, "$text-error")
        if ws is None or table.loaded_for != ws.id:
            return Content("Loading…" if ws else "")
        parts: list[Content] = []
        search = table.searching
        total = max(ws.people, len(table.window.rows))
        matches = self.counted.matches if self.counted is not None and self._is_counted(ws, table.search) else None
        if search is not None:
            parts.append(describe(search, ws.identify_by))
            if self._counting is not None:
                parts.append(Content(f"counting… {scanned_text(*self._counting)}"))
            elif matches is not None:
                parts.append(Content(f"{matches:,} of {total:,} match"))
        if table.order != BY_IDENT:
            parts.append(sorted_by(table.order, ws.identify_by))
        if table.scanned is not None:
            parts.append(Content(f"searching… {scanned_text(*table.scanned)}"))
        elif not table.window.rows:
            if search is not None:  # "0 of N match" says no one already
                clears = hint(self, "{people.back} clears the filter")
                parts.append(clears if matches == 0 else Content.assemble("no one · ", clears))
        else:
            listed = total if search is None else matches
            position = table.position(listed)
            if position is not None:
                parts.append(Content(f"{position:,} of {listed:,}" if listed is not None else f"match {position:,}"))
        if table.reading and table.scanned is None:
            name = table.order.attribute
            if name is None:
                parts.append(Content("loading…"))
            else:
                parts.append(Content.assemble("sorting by ", literal(name, "bold"), "… (reads the whole workspace)"))
        return Content(" · ").join(part for part in parts if part)


def sorted_by(order: PeopleSort, identify_by: str) -> Content:
    """`by first_name ▼`: the order in text (the sorted column may be out of sight)."""
    name = order.attribute or (identify_by if order.column == "ident" else order.column)
    return Content.assemble("by ", literal(name), ARROWS[order.descending])


def describe(search: PeopleSearch, identify_by: str) -> Content:
    """`email contains "ann"`, the user's text in bold and never markup."""
    if search.kind == "attribute":
        return Content.assemble(literal(search.name or "", "bold"), " is ", literal(search.text, "bold"))
    verb = "starts with" if search.kind == "prefix" else "contains"
    return Content.assemble(f"{identify_by} {verb} ", literal(search.text, "bold"))
