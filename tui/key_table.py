"""The one table of the app's keys, read from the bindings themselves.

README's key table is `markdown()` (a test keeps them equal); F1 shows a pane's rows of it with the
keys the user's keymap gives; `config.toml`'s `[keys]` may rebind any id it lists.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import tui.dialogs
import tui.screens
import tui.widgets
from tui.parts.keys import LIST_KEYS, moves_only

START_MARK = "<!-- keys:start"
END_MARK = "<!-- keys:end -->"

# Where each id prefix applies, in the order the table lists them.
PANES = {
    "app": "Everywhere",
    "main": "Main screen",
    "sidebar": "Workspace list (sidebar)",
    "people": "People",
    "person": "A person",
    "campaigns": "Campaign list",
    "workflow": "A campaign's workflow",
    "preview": "A message preview",
    "activity": "Activity",
    "messages": "Messages",
    "message": "A message",
    "billing": "Billing",
    "credentials": "API credentials",
    "delivery": "Delivery settings",
    "send_mode": "Send mode",
    "action_form": "Action form",
    "person_form": "Person form",
    "import_people": "Import people",
    "import_summary": "Import summary",
    "wizard": "Import actions (wizard)",
    "confirm": "Confirmations",
    "remove_action": "Removing an action that sent messages",
    "secret": "A new secret",
    "dialog": "Every dialog",
    "help": "Help",
    "open_failed": "When the database cannot be opened",
}


@dataclass(frozen=True)
class KeyRow:
    """One binding of the app: its id, default keys, footer name and what it does."""

    id: str
    keys: str
    name: str
    what: str
    shown: bool

    @property
    def pane(self) -> str:
        return self.id.partition(".")[0]


def _modules() -> Iterator[str]:
    yield "tui.app"
    for package in (tui.screens, tui.widgets, tui.dialogs):
        for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield found.name


def bindings() -> list[Binding]:
    """Every binding the app declares (each class's own BINDINGS), in module order."""
    seen: dict[int, Binding] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for thing in vars(module).values():
            if isinstance(thing, type) and issubclass(thing, DOMNode) and thing.__module__ == name:
                for binding in thing.__dict__.get("BINDINGS", []):
                    if isinstance(binding, Binding):
                        seen.setdefault(id(binding), binding)
    return list(seen.values())


def rows() -> list[KeyRow]:
    """The table: one row per binding id, grouped by pane in PANES order, as declared within a pane."""
    by_id: dict[str, KeyRow] = {}
    for binding in bindings():
        assert binding.id, f"binding {binding.key!r} -> {binding.action!r} has no id"
        what = binding.tooltip or binding.description
        by_id.setdefault(binding.id, KeyRow(binding.id, binding.key, binding.description, what, binding.show))
    order = list(PANES)
    return sorted(by_id.values(), key=lambda row: order.index(row.pane) if row.pane in order else len(order))


def ids() -> set[str]:
    return {row.id for row in rows()}


def _shown_keys(keys: str) -> str:
    names = {
        "slash": "/",
        "question_mark": "?",
        "escape": "Esc",
        "enter": "Enter",
        "delete": "Del",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "asterisk": "*",
    }
    return " ".join(names.get(key, key) for key in keys.split(","))


def markdown() -> str:
    """The key table as README shows it: a section per pane, with navigation."""
    out: list[str] = []
    for pane, title in PANES.items():
        pane_rows = [row for row in rows() if row.pane == pane and not (moves_only(row.id) and pane in LIST_KEYS)]
        if not pane_rows:
            continue
        out += [f"**{title}**", "", "| key | does | id |", "|---|---|---|"]
        out += [f"| {keys} | {what} | |" for keys, what in LIST_KEYS.get(pane, [])]
        out += [f"| `{_shown_keys(row.keys)}` | {row.what} | `{row.id}` |" for row in pane_rows]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_into(readme: Path) -> None:
    """Put `markdown()` between README's keys markers (`python -m tui.key_table README.md`)."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("\n", text.index(START_MARK)) + 1
    end = text.index(END_MARK)
    readme.write_text(text[:start] + "\n" + markdown() + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    write_into(Path(sys.argv[1]))
