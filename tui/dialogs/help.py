"""F1 / ?: the keys of the screen the user is on."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.dialogs.dialog import Dialog


def keys_of(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for the bindings active on `screen` that are shown in a Footer or
    explained by a tooltip; keys bound to the same action share a row."""
    rows: dict[tuple[int, str], tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not (binding.show or binding.tooltip):
            continue
        keys, _ = rows.setdefault((id(active.node), binding.action), ([], binding.tooltip or binding.description))
        keys.append(screen.app.get_key_display(binding))
    return [(" ".join(keys), description) for keys, description in rows.values()]


class HelpDialog(Dialog[None]):
    """Lists the keys it is given; Escape, F1 or ? closes it."""

    DEFAULT_CSS = """
    HelpDialog .dialog { width: 72; }
    HelpDialog VerticalScroll { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape,f1,question_mark", "dismiss", "Close", tooltip="Close the help")]

    def __init__(self, where: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.heading = f"Keys · {where}"
        self.keys = keys

    def compose_body(self) -> ComposeResult:
        width = max((len(key) for key, _ in self.keys), default=0) + 2
        lines = [
            Content.assemble(Content.styled(f"{key:>{width}}", "bold $text-accent"), "  ", description)
            for key, description in self.keys
        ]
        with VerticalScroll(can_focus=False):
            yield Static(Content("\n").join(lines))
