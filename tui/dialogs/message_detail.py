"""One message as it stands: where it went, its status and attempts, the server's answer, and
its subject and body (all untrusted text, shown literally)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.core.message_counts import kind_of
from tui.core.messages import MessageInfo
from tui.core.text import iso, visible
from tui.dialogs.dialog import Dialog
from tui.parts.literal import literal


def _line(label: str, value: str | None) -> Content:
    return Content.assemble(Content.styled(f"{label:<14}", "$text-muted"), literal(value or "—"))


def message_lines(message: MessageInfo) -> list[Content]:
    status = f"{message.status.value} (test)" if message.test else message.status.value
    lines = [
        _line("Status", status),
        _line("Channel", message.channel),
        _line("To", message.recipient),
        _line("Campaign", message.campaign),
        _line("Person", f"cio_{message.person}"),
        _line("Attempts", str(message.attempts)),
        _line("Answer", message.answer),
        _line("Last error", message.last_error or message.reason),
        _line("Next attempt", iso(message.next_attempt_at) if kind_of(message.status) == "queued" else None),
        _line("Delivered", iso(message.delivered_at)),
    ]
    heading = {"email": "Subject", "push": "Title", "webhook": "Request"}.get(message.channel)
    if heading:
        lines.append(_line(heading, message.subject))
    return lines


class MessageDialog(Dialog[None]):
    """Read only: Escape or Enter closes it."""

    BINDINGS = [Binding("escape,enter", "cancel", "Close", tooltip="Close the message", id="message.back")]

    DEFAULT_CSS = """
    MessageDialog .dialog { width: 90; }
    MessageDialog #message-body {
        height: auto;
        max-height: 45vh;
        margin-top: 1;
        padding: 0 1;
        border: round $border-blurred;
        border-title-color: $text-accent;
    }
    """

    def __init__(self, message: MessageInfo) -> None:
        super().__init__()
        self.message = message
        self.heading = f"Message {message.id}"

    def compose_body(self) -> ComposeResult:
        for line in message_lines(self.message):
            yield Static(line)
        with VerticalScroll(id="message-body", can_focus=False) as body:
            body.border_title = "Body"
            yield Static(Content(visible(self.message.body or "", keep_lines=True)))
