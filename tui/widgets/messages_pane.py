"""The Messages tab: a workspace's messages (or one campaign's), newest first: status, channel,
recipient, campaign, attempts and the last answer, read again on each refresh of the main screen
to watch a worker deliver. `f` filters by status, `r` sends a failed message again now, Enter
shows one whole. When messages wait and no worker has been seen lately, it says how to start one.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from tui.core.db import Database
from tui.core.messages import MessageInfo, list_messages, retry_message
from tui.core.states import MessageStatus
from tui.core.text import visible
from tui.core.worker_heartbeats import WorkerHint, worker_hint
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.message_detail import MessageDialog
from tui.parts.core_work import CoreWork
from tui.parts.keys import hint
from tui.parts.literal import count, literal
from tui.widgets.pane import WorkspacePane

SHOWN = 200  # the newest messages of the filter
FILTERS: tuple[MessageStatus | None, ...] = (
    None,
    MessageStatus.QUEUED,
    MessageStatus.SCHEDULED,
    MessageStatus.SENDING,
    MessageStatus.RETRYING,
    MessageStatus.DELIVERED,
    MessageStatus.FAILED,
    MessageStatus.SUPPRESSED,
)
STATUS_STYLE = {
    MessageStatus.DELIVERED: "$text-success",
    MessageStatus.FAILED: "$text-error",
    MessageStatus.RETRYING: "$text-warning",
}
COLUMNS = (
    ("ID", "id", 6),
    ("Status", "status", 10),
    ("Channel", "channel", 8),
    ("To", "to", 24),
    ("Campaign", "campaign", 16),
    ("Att.", "attempts", 4),
    ("Last answer", "answer", 34),
)


def _cell(text: str | None) -> Text:
    """One line of untrusted text, never parsed as markup."""
    return Text(visible(text or ""), no_wrap=True, overflow="ellipsis")


def last_answer(message: MessageInfo) -> str:
    return message.answer or message.last_error or message.reason or ""


def hint_text(hint: WorkerHint, now: datetime) -> Content:
    """`12 messages wait and no delivery worker has run: start one with switchboard deliver`."""
    if hint.last_seen is None:
        since = "no delivery worker has run on this database"
    else:
        minutes = max(1, int((now - hint.last_seen).total_seconds() // 60))
        since = f"no delivery worker has run for {count(minutes, 'minute')}"
    return Content.assemble(
        Content.styled(f"⚠ {count(hint.waiting, 'message')} to go, and {since}. ", "$text-warning"),
        "Start one in a terminal: ",
        Content.styled("switchboard deliver", "bold"),
        Content.styled(" (or deliver --once from cron).", "$text-muted"),
    )


class MessagesPane(CoreWork, WorkspacePane):
    """The current workspace's messages; `campaign` (a name) keeps one campaign's."""

    DEFAULT_CSS = """
    MessagesPane {
        padding: 0 1;
        #messages-heading { height: auto; margin-top: 1; }  /* wraps at 80 columns: nothing cut */
        #worker-hint { display: none; margin-top: 1; }
        #worker-hint.-shown { display: block; }
        #messages-empty { height: 1fr; margin-top: 1; color: $text-muted; display: none; }
        &.-empty #messages-empty { display: block; }
        &.-empty #messages-list { display: none; }
        #messages-list { height: 1fr; margin-top: 1; }
    }
    """
    BINDINGS = [
        Binding("f", "next_filter", "Filter", tooltip="Show only messages in the next status", id="messages.cycle"),
        Binding("R", "retry", "Retry", tooltip="Send the highlighted failed message again now", id="messages.retry"),
        Binding("enter", "show", "Show", tooltip="The whole message, its answer and attempts", id="messages.open"),
        Binding(
            "escape",
            "all_campaigns",
            "All campaigns",
            tooltip="Show the messages of every campaign",
            id="messages.back",
        ),
        Binding("down", "focus_list", "To the list", show=False, id="messages.to_list"),
    ]

    campaign: reactive[str | None] = reactive(None)

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(db, id=id)
        self.status: MessageStatus | None = None
        self.rows: dict[str, MessageInfo] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="messages-heading")
        yield Static(id="worker-hint")
        table: DataTable[object] = DataTable(cursor_type="row", zebra_stripes=True, id="messages-list")
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static(id="messages-empty")

    def watch_workspace(self, old: WorkspaceInfo | None, new: WorkspaceInfo | None) -> None:
        if self.is_mounted and (old is None or new is None or old.id != new.id):
            self.status = None
            self.query_one(DataTable).clear()
            self.rows = {}
            if self.campaign is None:
                self.reload()
            self.campaign = None  # which reloads

    def watch_campaign(self) -> None:
        self.refresh_bindings()
        if self.is_mounted:
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "all_campaigns":
            return self.campaign is not None
        return True

    def reload(self) -> None:
        """Read the messages again, and whether a worker runs."""
        workspace = self.workspace
        if workspace is None:
            return
        status, campaign = self.status, self.campaign

        def read() -> tuple[list[MessageInfo], WorkerHint | None, datetime]:
            messages = list_messages(
                self.db, workspace.name, campaign=campaign, limit=SHOWN, status=status.value if status else None
            )
            return messages, worker_hint(self.db, workspace.name), self.db.runtime.now()

        self.run_core(read, self._show)

    def _show(self, read: tuple[list[MessageInfo], WorkerHint | None, datetime]) -> None:
        messages, waiting, now = read
        table = self.query_one(DataTable)
        keep = self._highlighted_key()
        table.clear()
        self.rows = {str(m.id): m for m in messages}
        for m in messages:
            table.add_row(
                Text(str(m.id), justify="right"),
                Content.styled(m.status.value + (" (test)" if m.test else ""), STATUS_STYLE.get(m.status, "")),
                _cell(m.channel),
                _cell(m.recipient),
                _cell(m.campaign),
                Text(str(m.attempts), justify="right"),
                _cell(last_answer(m)),
                key=str(m.id),
            )
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._heading(len(messages))
        shown_hint = self.query_one("#worker-hint", Static)
        shown_hint.update(hint_text(waiting, now) if waiting else "")
        shown_hint.set_class(waiting is not None, "-shown")
        which = f"{self.status.value} messages" if self.status else "messages"
        campaigns = self.screen.query_one("#campaigns-pane")  # where the send key is bound
        self.query_one("#messages-empty", Static).update(
            hint(
                campaigns,
                f"No {which} here. Send a running campaign (Campaigns tab, {{campaigns.send_now}}), then run "
                "`switchboard deliver` to deliver what is queued.",
            )
        )
        self.set_class(not messages, "-empty")

    def _heading(self, shown: int) -> None:
        assert self.workspace is not None
        which = f"{self.status.value} messages" if self.status else "messages"
        newest = f"the newest {SHOWN:,} " if shown == SHOWN else ""
        of = Content.assemble(" of campaign ", literal(self.campaign, "bold")) if self.campaign else Content("")
        self.query_one("#messages-heading", Static).update(
            Content.assemble(
                literal(self.workspace.name, "bold"),
                of,
                f" · {newest}{which}",
                hint(
                    self,
                    f"  {{messages.cycle}} filter ({self.status or 'all'}) · {{messages.retry}} retry · {{messages.open}} show",
                ),
            )
        )

    def _highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _highlighted(self) -> MessageInfo | None:
        key = self._highlighted_key()
        return self.rows.get(key) if key is not None else None

    def action_focus_list(self) -> None:
        self.query_one(DataTable).focus()

    def action_next_filter(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.reload()

    def action_all_campaigns(self) -> None:
        self.campaign = None

    def on_data_table_row_selected(self) -> None:  # Enter on the table
        self.action_show()

    def action_show(self) -> None:
        message = self._highlighted()
        if message is not None:
            self.app.push_screen(MessageDialog(message))

    def action_retry(self) -> None:
        message, workspace = self._highlighted(), self.workspace
        if message is None or workspace is None:
            return
        self.run_core(lambda: retry_message(self.db, workspace.name, message.id), self._retried, group="retry")

    def _retried(self, message: MessageInfo) -> None:
        self.notify(f"Message {message.id} is queued again.", title="Retry", markup=False)
        self.reload()

    def core_failed(self, message: str) -> None:
        self.notify(visible(message), title="Messages", severity="error", markup=False)
