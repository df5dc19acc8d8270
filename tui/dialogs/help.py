"""F1 / ?: the keys of the screen the user is on."""

from __future__ import annotations

import textwrap
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.dialogs.dialog import Dialog
from tui.parts.keys import LIST_KEYS


def keys_of(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, what they do, binding id) for the bindings active on `screen`, the focused pane's
    first with the list keys it brings (arrows, PgUp/PgDn), then its containers', then the app's.
    Keys bound to the same action share a row; keys shown nowhere and explained nowhere are left out."""
    rows: dict[tuple[int, str], tuple[list[str], str, str]] = {}
    panes: list[str] = []
    chain = [node for node, _ in screen._binding_chain]  # the focused widget first
    active = sorted(
        screen.active_bindings.values(), key=lambda a: chain.index(a.node) if a.node in chain else len(chain)
    )
    for binding_active in active:
        binding = binding_active.binding
        if binding.system or not (binding.show or binding.tooltip):
            continue
        pane = (binding.id or "").partition(".")[0]
        if pane in LIST_KEYS and pane not in panes:
            panes.append(pane)
            for keys, what in LIST_KEYS[pane]:
                rows[(0, f"{pane}:{keys}")] = ([keys], what, "")
        row = rows.setdefault(
            (id(binding_active.node), binding.action), ([], binding.tooltip or binding.description, binding.id or "")
        )
        row[0].append(screen.app.get_key_display(binding))
    return [(" ".join(keys), what, binding_id) for keys, what, binding_id in rows.values()]


DESCRIPTION_WIDTH = 60  # longer descriptions wrap
GAP = 2


def key_lines(keys: list[tuple[str, str, str]], width: int) -> Content:
    """The rows as lines `width` columns wide: keys right-aligned, what they do, and the binding id
    beside it when there is room, else wrapped under it; nothing is cut."""
    key_width = max((len(key) for key, _, _ in keys), default=0) + GAP
    said = min(DESCRIPTION_WIDTH, max((len(description) for _, description, _ in keys), default=0))
    id_width = max((len(binding_id) for _, _, binding_id in keys), default=0)
    room = max(width - key_width - GAP, 20)
    beside = room >= said + GAP + id_width
    indent = " " * (key_width + GAP)
    lines: list[Content] = []
    for key, description, binding_id in keys:
        said_lines = textwrap.wrap(description, min(room, said) if beside else room) or [""]
        first = Content.assemble(Content.styled(f"{key:>{key_width}}", "bold $text-accent"), " " * GAP)
        if beside:
            first += f"{said_lines[0]:<{said}}" + Content.styled(f"{' ' * GAP}{binding_id}", "$text-muted")
        else:
            first += said_lines[0]
        lines.append(first)
        lines += [Content(indent + line) for line in said_lines[1:]]
        if binding_id and not beside:
            lines.append(Content.styled(indent + binding_id, "$text-muted"))
    lines.append(Content.styled('\nRebind a key in config.toml: [keys] "people.new" = "a"', "$text-muted"))
    return Content("\n").join(lines)


class KeyLines(Static):
    """The key rows, laid out again for the width they get."""

    def __init__(self, keys: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys = keys

    def on_resize(self, event: events.Resize) -> None:
        self.update(key_lines(self.keys, event.size.width))


class HelpDialog(Dialog[None]):
    """Lists the keys it is given; Escape, F1 or ? closes it."""

    DEFAULT_CSS = """
    HelpDialog .dialog { width: 104; max-width: 96%; }
    HelpDialog VerticalScroll { height: auto; max-height: 20; }
    HelpDialog #keys { text-wrap: nowrap; }
    """
    BINDINGS = [Binding("escape,f1,question_mark", "dismiss", "Close", tooltip="Close the help", id="help.back")]

    def __init__(self, where: str, keys: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.heading = f"Keys · {where}"
        self.keys = keys

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield KeyLines(self.keys, id="keys")
