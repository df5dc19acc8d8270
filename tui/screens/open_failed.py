"""Shown instead of the workspaces when the database cannot be opened: what failed, why, and how
to fix it. The app opens its database after the first frame (issue 14), so an error at open
reaches the person here rather than as the CLI's `error: ...` line before the app starts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.core.text import visible
from tui.parts.key_footer import KeyFooter

HOW_TO_FIX = Content.assemble(
    "Do what the message says, or open another database: ",
    Content.styled("switchboard --db PATH", "bold"),
    " (a file) or ",
    Content.styled("--db postgresql://USER@HOST/DATABASE", "bold"),
    ", or set ",
    Content.styled("SWITCHBOARD_DB", "bold"),
    ". Nothing was changed.",
)


class OpenFailedScreen(Screen[None]):
    """`reason` is the core's sentence (untrusted: it may quote a path or a server's words)."""

    heading = "Cannot open the database"
    DEFAULT_CSS = """
    OpenFailedScreen {
        align: center middle;
        #open-failed {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 1 2;
            background: $surface;
            border: round $error;
            overflow-y: auto;
        }
        .title { text-style: bold; color: $text-error; }
        #reason { margin: 1 0; }
    }
    """
    BINDINGS = [Binding("q,escape", "app.quit", "Quit", tooltip="Quit Switchboard", show=False, id="open_failed.quit")]

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        yield Header(icon="☎")
        with Vertical(id="open-failed"):
            yield Static("Switchboard cannot open its database", classes="title")
            yield Static(Content(visible(self.reason, keep_lines=True)), id="reason")
            yield Static(HOW_TO_FIX, id="how-to-fix")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Switchboard"
        self.sub_title = "the database did not open"
