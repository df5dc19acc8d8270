"""The Activity tab: what the Track API did in the workspace, newest first (T7).

Live: each refresh of the main screen reads only what came after the newest row shown. Paged:
older rows are read a page at a time as the cursor nears the last one. Filtered by kind (`k`
cycles through them) or by person (`/`, a cio_<hex>); every read is one indexed range scan, so
it stays fast however much activity a workspace has.
"""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from tui.core.activity import KINDS, Activity, ActivityPage, list_activity
from tui.core.db import Database
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.parts.core_work import CoreError, CoreWork, error_text
from tui.parts.keys import moves_focus, step_aside_while_typing
from tui.parts.literal import literal
from tui.widgets.pane import WorkspacePane
from tui.widgets.people_columns import CREATED_FORMAT, cell, fill_table

PAGE = 100
MORE_WITHIN = 10
COLUMNS = (("time", 16), ("kind", 12), ("what", 120))
FILTERS: tuple[str | None, ...] = (None, *KINDS)
EMPTY = "No activity yet. Apps feed this workspace through the Track API: switchboard serve api (see README)."


def activity_cells(item: Activity) -> list[str]:
    return [item.at.strftime(CREATED_FORMAT), item.kind, item.detail]


class ActivityPane(CoreWork, WorkspacePane):
    """The current workspace's Track API activity."""

    DEFAULT_CSS = """
    ActivityPane {
        padding: 0 1;
        #activity-heading { height: 1; margin-top: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        #activity-filter { height: 1; margin-top: 1; display: none; }
        #activity-filter.-shown { display: block; }
        #activity-filter-prompt { width: 8; color: $text-accent; text-style: bold; }
        #activity-filter-input { width: 1fr; }
        #activity-list { height: 1fr; margin-top: 1; }
        #activity-empty { height: 1fr; margin-top: 1; color: $text-muted; }
    }
    """
    BINDINGS = [
        Binding(
            "f", "next_kind", "Kind", tooltip="Show one kind of activity; again for the next kind", id="activity.cycle"
        ),
        moves_focus(
            Binding(
                "slash",
                "filter_person",
                "Person",
                tooltip="Show one person's activity (cio_<hex>)",
                id="activity.filter",
            )
        ),
        Binding("escape", "clear_filters", "Clear", tooltip="Show all activity", id="activity.back"),
        Binding("down", "focus_list", "To the list", show=False, id="activity.to_list"),
    ]

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(db, id=id)
        self.kind: str | None = None
        self.person: str | None = None
        self._rows: list[Activity] = []
        self._next: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="activity-heading")
        with Horizontal(id="activity-filter"):
            yield Static("person ", id="activity-filter-prompt")
            yield Input(placeholder="cio_… then Enter", compact=True, id="activity-filter-input")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="activity-list")
        yield Static(EMPTY, id="activity-empty")

    def watch_workspace(self, old: WorkspaceInfo | None, new: WorkspaceInfo | None) -> None:
        if old is None or new is None or old.id != new.id:
            self.kind = self.person = None
            self._load_first()
        else:
            self.reload()

    # Reading ------------------------------------------------------------------------------

    def _read(self, *, after: str | None = None, newer_than: int | None = None) -> partial[ActivityPage]:
        assert self.workspace is not None
        return partial(
            list_activity, self.db, self.workspace.name, kind=self.kind, person=self.person,
            limit=PAGE, after=after, newer_than=newer_than,
        )  # fmt: skip

    def _load_first(self) -> None:
        self.drop_core("newer")
        self.drop_core("older")
        self._rows, self._next = [], None
        if self.workspace is None:
            self._show()
            return
        self.run_core(self._read(), self._first, group="first", refused=self._first_refused)

    def reload(self) -> None:
        """Read what came after the newest row shown (the main screen's refresh calls this)."""
        if self.workspace is None or self.core_busy("first"):
            return
        if not self._rows:
            self._load_first()
            return
        self.run_core(self._read(newer_than=self._rows[0].id), self._newer, group="newer")

    def _first(self, page: ActivityPage) -> None:
        self._rows, self._next = list(page.activity), page.next
        self._show()

    def _newer(self, page: ActivityPage) -> None:
        if page.next is not None:  # more came than a page: start again from the newest
            self._load_first()
        elif page.activity:
            self._rows[:0] = page.activity
            self._show(keep=len(page.activity))

    def _older(self, page: ActivityPage) -> None:
        self._rows += page.activity
        self._next = page.next
        self.query_one(DataTable).add_rows([cell(value) for value in activity_cells(a)] for a in page.activity)
        self._heading()

    def core_failed(self, message: str) -> None:
        self.notify(visible(message), title="Cannot load activity", severity="error", markup=False)

    def _first_refused(self, error: CoreError) -> None:
        """A person filter that names no one is dropped (the refresh would repeat the refusal)."""
        self.core_failed(error_text(error))
        if self.person is not None:
            self.person = None
            self.query_one("#activity-filter").remove_class("-shown")
            self._load_first()

    # Showing ------------------------------------------------------------------------------

    def _show(self, *, keep: int = 0) -> None:
        """Show the rows; `keep`: rows added on top, so the cursor stays on the row it was on."""
        table = self.query_one(DataTable)
        cursor = table.cursor_row + keep if table.row_count else 0
        fill_table(table, COLUMNS, [activity_cells(a) for a in self._rows])
        if self._rows:
            table.move_cursor(row=min(cursor, len(self._rows) - 1))
        table.display = bool(self._rows)
        self.query_one("#activity-empty").display = not self._rows
        filtered = self.kind is not None or self.person is not None
        self.query_one("#activity-empty", Static).update(
            "Nothing matches these filters: Escape shows all activity." if filtered else EMPTY
        )
        self._heading()

    def _heading(self) -> None:
        parts = [Content.styled("Activity", "bold"), Content.styled(f"  {len(self._rows):,}", "$text-muted")]
        if self._next:
            parts.append(Content.styled("+ (more as you scroll)", "$text-muted"))
        if self.kind:
            parts += [Content.styled("  kind ", "$text-muted"), literal(self.kind, "bold $text-accent")]
        if self.person:
            parts += [Content.styled("  person ", "$text-muted"), literal(self.person, "bold $text-accent")]
        self.query_one("#activity-heading", Static).update(Content.assemble(*parts))

    @on(DataTable.RowHighlighted, "#activity-list")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if self._next is None or self.core_busy("older") or event.cursor_row < len(self._rows) - MORE_WITHIN:
            return
        self.run_core(self._read(after=self._next), self._older, group="older")

    # Keys ---------------------------------------------------------------------------------

    def action_focus_list(self) -> None:
        self.query_one(DataTable).focus()

    def action_next_kind(self) -> None:
        self.kind = FILTERS[(FILTERS.index(self.kind) + 1) % len(FILTERS)]
        self._load_first()

    def action_filter_person(self) -> None:
        step_aside_while_typing(self)
        self.query_one("#activity-filter").add_class("-shown")
        self.screen.set_focus(self.query_one("#activity-filter-input", Input))  # now: see moves_focus

    @on(Input.Submitted, "#activity-filter-input")
    def _person_chosen(self, event: Input.Submitted) -> None:
        self.person = event.value.strip() or None
        self.query_one("#activity-filter").set_class(self.person is not None, "-shown")
        self.focus()
        self._load_first()

    def action_clear_filters(self) -> None:
        self.kind = self.person = None
        self.query_one("#activity-filter-input", Input).value = ""
        self.query_one("#activity-filter").remove_class("-shown")
        self.focus()
        self._load_first()
