"""A new secret, shown this one time, with a copy-to-clipboard action."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from tui.dialogs.dialog import Dialog
from tui.parts.keys import hint
from tui.parts.literal import literal


class SecretDialog(Dialog[None]):
    """Shows `secret` once. `y` copies it (OSC 52, which also works over SSH)."""

    DEFAULT_CSS = """
    SecretDialog #secret {
        margin: 1 0;
        padding: 0 1;
        background: $panel;
        color: $text-accent;
        text-style: bold;
    }
    """
    BINDINGS = [
        Binding("y", "copy", "Copy", tooltip="Copy the secret to the clipboard", id="secret.copy"),
        Binding("escape,enter", "dismiss", "Done", tooltip="Close: the secret is not shown again", id="secret.back"),
    ]

    def __init__(self, heading: str, about: Content, secret: str) -> None:
        super().__init__()
        self.heading = heading
        self.about = about
        self.secret = secret

    def compose_body(self) -> ComposeResult:
        yield Static(self.about)
        yield Static(literal(self.secret), id="secret")
        yield Static(
            hint(
                self,
                "This is the only time it is shown: copy it now ({secret.copy}) and keep it somewhere safe. "
                "Afterwards only its last 4 characters are shown.",
            ),
            classes="note",
        )

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.secret)
        self.notify("Copied to the clipboard.", timeout=3)
