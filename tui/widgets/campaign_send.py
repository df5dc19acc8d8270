"""The foot of the Campaigns pane while a campaign sends: a progress bar, then what happened."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from tui.core.db import Database
from tui.core.sending import SendResult, send_campaign
from tui.core.text import visible
from tui.parts.core_work import CoreWork
from tui.parts.literal import literal

COUNTS = (  # field, label, style when not zero
    ("queued", "queued", "bold $text-success"),
    ("scheduled", "scheduled", "bold $text-success"),
    ("test", "test", "bold $text-primary"),
    ("suppressed", "suppressed", "bold $text-warning"),
    ("failed", "failed", "bold $text-error"),
    ("skipped", "skipped", "bold"),
)


def result_summary(result: SendResult) -> Content:
    """`12 queued · 12 scheduled · 0 test · 0 suppressed · 2 failed · 0 skipped` (skipped: had the message already)."""
    parts = []
    for field, label, style in COUNTS:
        n: int = getattr(result, field)
        parts.append(Content.assemble(Content.styled(f"{n:,}", style if n else "bold $text-muted"), f" {label}"))
    return Content(" · ").join(parts)


class SendPanel(CoreWork, Vertical):
    """Hidden until a send starts; shows its progress, then its result until hidden. The send
    runs in this widget's worker, so the rest of the app stays usable meanwhile."""

    DEFAULT_CSS = """
    SendPanel {
        dock: bottom;
        height: auto;
        display: none;
        padding: 0 1;
        margin-top: 1;
        border: round $border-blurred;
        border-title-color: $text-accent;
        &.-shown { display: block; }
        &.-failed { border: round $error; }
        ProgressBar { display: none; }
        &.-sending ProgressBar { display: block; }
        Bar { width: 1fr; }
    }
    """

    @dataclass
    class Progressed(Message):
        """In the worker thread, after each stored batch."""

        done: int
        total: int

    class Finished(Message):
        """A send ended (sent or refused): what it changed should be shown."""

    campaign = ""  # the name of the campaign sending or sent

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self._stop = threading.Event()

    def on_unmount(self) -> None:
        """The app is closing: a send stops after the batch being written."""
        self._stop.set()

    def compose(self) -> ComposeResult:
        yield Static(id="send-status")
        yield ProgressBar(total=1, show_eta=False)  # determinate: no animation timer while hidden

    @property
    def sending(self) -> bool:
        return self.has_class("-sending")

    def start(self, workspace: str, campaign: str) -> None:
        """Send `campaign` of `workspace` now (M1), unless a send is under way."""
        if self.sending:
            self.notify("A send is under way: wait for it to finish.", severity="warning")
            return
        self.campaign = campaign
        self._title("Sending")
        self._show(Content("To everyone in the workspace without these messages…"))
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.set_classes("-shown -sending")
        self.run_core(partial(self._send, workspace, campaign), self._sent)

    def _send(self, workspace: str, campaign: str) -> SendResult:
        """In the worker thread: progress goes to the UI as messages, never waiting for it."""
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(done, total))

        return send_campaign(
            self.db,
            workspace,
            campaign,
            progress=progress,
            cancelled=lambda: self._stop.is_set() or worker.is_cancelled,
        )

    def on_send_panel_progressed(self, message: Progressed) -> None:
        message.stop()
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    def _sent(self, result: SendResult) -> None:
        self._stop_bar()
        self._title("Sent")
        self._show(result_summary(result))
        self.set_classes("-shown")
        self.notify(result_summary(result).plain, title=f"Sent {visible(self.campaign)}", markup=False)
        self.post_message(self.Finished())

    def core_failed(self, message: str) -> None:
        self._stop_bar()
        self._title("Not sent")
        self._show(literal(message))
        self.set_classes("-shown -failed")
        self.notify(visible(message), title="Not sent", severity="error", markup=False)
        self.post_message(self.Finished())

    def hide(self) -> None:
        """Hide the last result (a send under way stays)."""
        if not self.sending:
            self.set_classes("")

    def _stop_bar(self) -> None:
        """End the indeterminate animation (no batch reported when nobody is there)."""
        self.query_one(ProgressBar).update(total=1, progress=1)

    def _title(self, what: str) -> None:
        self.border_title = Content.assemble(what, " · ", literal(self.campaign))

    def _show(self, status: Content) -> None:
        self.query_one("#send-status", Static).update(status)
