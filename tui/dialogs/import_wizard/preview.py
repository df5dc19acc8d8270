"""The content of one action, as step 3 previews it: type, name and every setting, literally."""

from __future__ import annotations

from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.core.action_settings import SPECS
from tui.core.campaigns import ActionInfo
from tui.core.text import visible
from tui.parts.literal import literal


def type_tag(action_type: str) -> Content:
    return Content.styled(f"{action_type:<8}", "bold $text-accent")


def setting_keys(action: ActionInfo) -> list[str]:
    """The settings in the order the type takes them, then any others."""
    known = SPECS[action.type].options if action.type in SPECS else ()
    return [key for key in known if key in action.settings] + [key for key in action.settings if key not in known]


def origin(action: ActionInfo) -> Content | None:
    """Where the action itself was imported from, if it was."""
    came = action.imported_from
    if not came:
        return None
    where = f"{came.get('workspace', '?')} / {came.get('campaign', '?')}"
    return Content.assemble(Content.styled("imported from ", "$foreground-muted"), literal(where))


def review_note(reason: str, target: str) -> Content:
    warn = "$text-warning"
    return Content.assemble(
        Content.styled("⚠ Needs review in ", f"bold {warn}"), literal(target, f"bold {warn}"),
        Content.styled(": ", f"bold {warn}"), literal(reason, warn),
    )  # fmt: skip


class ActionPreview(VerticalScroll):
    """Shows one action (or a note); setting values wrap in their own column."""

    DEFAULT_CSS = """
    ActionPreview {
        padding: 0 1;
        background: $boost;
        & > Static { margin-bottom: 1; }
        & > Grid {
            grid-size: 2;
            grid-columns: auto 1fr;
            grid-rows: auto;
            grid-gutter: 0 2;
            height: auto;
            margin-bottom: 1;
        }
        .key { color: $text-muted; }
    }
    """

    def show(self, action: ActionInfo, review: str | None, target: str) -> None:
        """`action`, and why its copy would need review in the workspace `target` (None: it would not)."""
        cells: list[Static] = []
        for key in setting_keys(action):
            value = visible(action.settings[key], keep_lines=True).expandtabs(4)
            cells += [Static(Content(key), classes="key"), Static(Content(value))]
        notes = [note for note in (origin(action), review_note(review, target) if review else None) if note]
        self.remove_children()
        self.mount_all(
            [
                Static(Content.assemble(type_tag(action.type), literal(action.name, "bold"))),
                Grid(*cells),
                *(Static(note) for note in notes),
            ]
        )

    def note(self, text: Content) -> None:
        self.remove_children()
        self.mount(Static(text))
