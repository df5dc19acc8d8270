"""A workspace's messages, newest first: status, channel, recipient, campaign, attempts and the
last answer, refreshed every few seconds to watch a worker deliver. `f` filters by status,
`r` sends a failed message again now, Enter shows one whole."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui.core.db import Database
from tui.core.messages import MessageInfo, list_messages, retry_message
from tui.core.states import MessageStatus
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.message_detail import MessageDialog
from tui.parts.core_work import CoreWork
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import database_label, literal

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


def _cell(text: str | None) -> Text:
    """One line of untrusted text, never parsed as markup."""
    return Text(visible(text or ""), no_wrap=True, overflow="ellipsis")


def last_answer(message: MessageInfo) -> str:
    return message.answer or message.last_error or message.reason or ""


class MessagesScreen(CoreWork, Screen[None]):
    """Escape goes back; ctrl+r reloads (it also reloads by itself every `refresh_seconds`)."""

    DEFAULT_CSS = """
    MessagesScreen {
        #messages-heading { padding: 0 2; text-style: bold; color: $text-primary; }
        #messages-empty { padding: 1 2; color: $text-muted; display: none; }
        &.-empty #messages-empty { display: block; }
        &.-empty DataTable { display: none; }
        DataTable { height: 1fr; border: round $border-blurred; &:focus { border: round $border; } }
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close", tooltip="Back to the workspaces"),
        Binding("f", "next_filter", "Filter", tooltip="Show only messages in the next status"),
        Binding("r", "retry", "Retry", tooltip="Send the highlighted failed message again now"),
        Binding("enter", "show", "Show", tooltip="The whole message, its answer and attempts"),
        Binding("ctrl+r", "reload", "Refresh", tooltip="Reload the messages"),
    ]

    def __init__(self, db: Database, workspace: WorkspaceInfo, *, refresh_seconds: float | None = 3.0) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.refresh_seconds = refresh_seconds
        self.status: MessageStatus | None = None
        self.rows: dict[str, MessageInfo] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="☎")
        yield Static(id="messages-heading")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static(id="messages-empty")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Switchboard · {visible(self.workspace.name)} · Messages"
        self.sub_title = database_label(self.db.description)
        table = self.query_one(DataTable)
        for label, key, width in (
            ("ID", "id", 6),
            ("Status", "status", 10),
            ("Channel", "channel", 8),
            ("To", "to", 24),
            ("Campaign", "campaign", 16),
            ("Att.", "attempts", 4),
            ("Last answer", "answer", 34),
        ):
            table.add_column(label, key=key, width=width)
        self.action_reload()
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.action_reload)

    def action_reload(self) -> None:
        status = self.status.value if self.status else None
        self.run_core(lambda: list_messages(self.db, self.workspace.name, limit=SHOWN, status=status), self._show)

    def _show(self, messages: list[MessageInfo]) -> None:
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
        which = f"{self.status.value} messages" if self.status else "messages"
        shown = f"the newest {SHOWN:,} " if len(messages) == SHOWN else ""
        self.query_one("#messages-heading", Static).update(
            Content.assemble(
                literal(self.workspace.name),
                f" · {shown}{which} · f filter ({self.status or 'all'}) · r retry · enter show",
            )
        )
        self.query_one("#messages-empty", Static).update(
            f"No {which} here. Send a running campaign, then run `switchboard deliver` to deliver what is queued."
        )
        self.set_class(not messages, "-empty")

    def _highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _highlighted(self) -> MessageInfo | None:
        key = self._highlighted_key()
        return self.rows.get(key) if key is not None else None

    def action_next_filter(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.action_reload()

    def on_data_table_row_selected(self) -> None:  # Enter on the table
        self.action_show()

    def action_show(self) -> None:
        message = self._highlighted()
        if message is not None:
            self.app.push_screen(MessageDialog(message))

    def action_retry(self) -> None:
        message = self._highlighted()
        if message is None:
            return
        self.run_core(lambda: retry_message(self.db, self.workspace.name, message.id), self._retried, group="retry")

    def _retried(self, message: MessageInfo) -> None:
        self.notify(f"Message {message.id} is queued again.", title="Retry", markup=False)
        self.action_reload()

    def core_failed(self, message: str) -> None:
        self.notify(visible(message), title="Messages", severity="error", markup=False)
