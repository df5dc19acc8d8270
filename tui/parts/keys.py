"""The app's one vocabulary of keys.

Every binding has an id, `pane.name`, that the `[keys]` table of config.toml can rebind (Textual's
keymap). A binding whose name is a verb below takes the verb's key, so the same key does the same
kind of thing in every pane; the navigation keys move and never act. tests/test_keys.py holds every
binding of the app to these rules, and README's key table to `tui.key_table`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from textual.actions import SkipAction
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Input, TextArea

VERBS = {
    "new": "n",
    "edit": "e",
    "rename": "r",
    "delete": "d",
    "open": "enter",
    "back": "escape",
    "filter": "slash",  # type what to find
    "cycle": "f",  # show the next kind or status
    "sort": "o",  # order by the next column
    "undo": "u",  # take back the change just made, for a few seconds
    "import": "i",
    "cancel_work": "x",  # stop the work under way (an import, a deletion)
    "refresh": "ctrl+r",
    "save": "ctrl+s",
}
NAVIGATION = frozenset(
    {"up", "down", "left", "right", "j", "k", "pageup", "pagedown", "home", "end", "g", "G", "tab", "shift+tab"}
)
# Ids of bindings that only move (or, for "complete", fill in the text of the field being typed
# in: Tab in a path field completes, as in a shell, and moves on when there is nothing to complete).
NAVIGATION_NAMES = ("nav_", "to_list", "first", "last", "complete")

# Keys that the list widgets (DataTable, OptionList) bring; listed so that F1 shows them too.
LIST_KEYS: dict[str, list[tuple[str, str]]] = {
    "people": [
        ("↑ ↓ PgUp PgDn", "Move through the people; more are read as you go"),
        ("Home End g G", "Go to the first or the last person of the whole list (or of the filter's matches)"),
    ],
    "campaigns": [("↑ ↓ j k", "Move through the campaigns")],
    "workflow": [("↑ ↓ j k", "Move through the actions")],
    "activity": [("↑ ↓ PgUp PgDn", "Move through the activity; older rows are read as you go")],
    "messages": [("↑ ↓ PgUp PgDn", "Move through the messages")],
    "sidebar": [("↑ ↓", "Move through the workspaces")],
    "credentials": [("↑ ↓", "Move through the App API keys")],
    "wizard": [("↑ ↓ PgUp PgDn", "Move through the list")],
}


def moves_focus(binding: Binding) -> Binding:
    """`binding`, whose action moves the focus (to a pane, into a filter field), made a priority
    binding: it runs when the app receives the key, before the keys typed after it go on to the
    focused widget, so that they reach where the focus went (`/` then `n` typed fast is an "n" in
    the filter, not a new person). Its action calls `step_aside_while_typing` first, so that in a
    text field the key is typed."""
    return replace(binding, priority=True)


def step_aside_while_typing(node: DOMNode) -> None:
    """In a priority binding's action: let the key through to the text field that has the focus."""
    if isinstance(node.app.focused, (Input, TextArea)):
        raise SkipAction()


def verb_of(binding_id: str) -> str | None:
    """The verb that a binding id names (`people.new` -> `new`), or None."""
    name = binding_id.partition(".")[2]
    return name if name in VERBS else None


def moves_only(binding_id: str) -> bool:
    """True for a binding that only moves the cursor or focus (it may use navigation keys)."""
    return binding_id.partition(".")[2].startswith(NAVIGATION_NAMES)


def key_for(node: DOMNode, binding_id: str) -> str:
    """The key that runs `binding_id` on `node`, as the footer shows it, after the user's keymap:
    text that names a key (an empty state's "press n") must name the key that really does it."""
    for bindings in node._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.id == binding_id:
                remapped = node.app._keymap.get(binding_id)
                shown = replace(binding, key=remapped.split(",")[0]) if remapped else binding
                return node.app.get_key_display(shown)
    raise KeyError(f"{type(node).__name__} has no binding {binding_id!r}")


def key_of(binding: Binding) -> str:
    """The first of a binding's keys (the one the footer shows)."""
    return binding.key.split(",")[0].strip()


def hint(node: DOMNode, text: str) -> Content:
    """`text` with each `{binding.id}` replaced by the key that runs it on `node` (or an ancestor),
    shown bold: "press {people.new} to add one" reads "press n to add one", or the user's key."""
    pieces: list[Content | str] = []
    for index, piece in enumerate(re.split(r"\{([a-z_0-9]+\.[a-z_0-9]+)\}", text)):
        pieces.append(Content.styled(_key_near(node, piece), "bold $text-accent") if index % 2 else piece)
    return Content.assemble(*pieces)


def _key_near(node: DOMNode, binding_id: str) -> str:
    for ancestor in node.ancestors_with_self:
        try:
            return key_for(ancestor, binding_id)
        except KeyError:
            continue
    raise KeyError(f"no binding {binding_id!r} on {type(node).__name__} or its ancestors")
