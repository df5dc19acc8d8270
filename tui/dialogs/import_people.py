"""The dialog that asks which CSV or JSON Lines file to import into the current workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from tui.core.people_import import FORMATS
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.dialog import Dialog
from tui.parts.literal import literal
from tui.parts.path_completion import PathSuggester, complete_path

KINDS = {"csv": "CSV", "jsonl": "JSON Lines"}


def file_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError


def check_path(raw: str) -> tuple[Path | None, str]:
    """(the file to import, what it is) or (None, why it cannot be imported)."""
    path = Path(raw.strip()).expanduser()
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        *others, last = FORMATS
        return None, f"name the file {', '.join(others)} or {last}: its ending says its format"
    if not path.exists():
        return None, f"there is no file at {str(path)!r}"
    if not path.is_file():
        return None, f"{str(path)!r} is not a file"
    return path.resolve(), f"{KINDS[kind]} file, {file_size(path.stat().st_size)}"


class PathInput(Input):
    """The file field: the completion of the path typed shows after the cursor; Tab takes it (as
    far as the names agree), or moves on when there is nothing to complete."""

    BINDINGS = [
        Binding(
            "tab", "complete", "Complete", tooltip="Complete the file or folder name typed", id="import_people.complete"
        )
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(suggester=PathSuggester(frozenset(FORMATS)), **kwargs)

    def action_complete(self) -> None:
        completed = complete_path(self.value, frozenset(FORMATS)) if self.value else self.value
        if completed != self.value:
            self.value = completed
            self.cursor_position = len(completed)
        else:
            self.screen.focus_next()


class ImportPeopleDialog(Dialog[Path | None]):
    """Dismisses the path of a readable .csv/.jsonl/.ndjson file, or None."""

    heading = "Import people"
    DEFAULT_CSS = """
    ImportPeopleDialog .dialog {
        width: 76;
        #path-note { color: $text-muted; }
        #path-note.-ok { color: $text-success; }
        #path-note.-bad { color: $text-error; }
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without importing", id="import_people.back")]

    def __init__(self, workspace: WorkspaceInfo) -> None:
        super().__init__()
        self.workspace = workspace

    def compose_body(self) -> ComposeResult:
        kind = self.workspace.identify_by
        yield Static(Content.assemble("Into workspace ", literal(self.workspace.name, "bold")))
        yield Static(
            f"CSV: a header row with an '{kind}' column; every other column is an attribute.\n"
            f"JSON Lines (.jsonl, .ndjson): one object a line with an '{kind}' key.\n"
            "Rejected rows are listed afterwards with their line; the valid rows are imported.",
            classes="note",
        )
        yield Label("File")
        yield PathInput(placeholder="e.g. ~/exports/people.csv (Tab completes)", compact=True, id="path")
        yield Static("Type the path of the file.", id="path-note")

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", compact=True, id="cancel")
            yield Button("Import", variant="primary", compact=True, id="start")

    @on(Input.Changed)
    def show_check(self, event: Input.Changed) -> None:
        self._check(event.value, submitted=False)

    def _check(self, typed: str, *, submitted: bool) -> Path | None:
        """Say under the field what the path is or why it cannot be imported: the one place the
        dialog says it (an empty field is an error only once Enter asks for the import)."""
        note = self.query_one("#path-note", Static)
        path, about = check_path(typed) if typed.strip() else (None, "Type the path of the file.")
        note.set_class(path is not None, "-ok")
        note.set_class(path is None and (submitted or bool(typed.strip())), "-bad")
        note.update(literal(about))
        return path

    @on(Input.Submitted)
    @on(Button.Pressed, "#start")
    def start(self) -> None:
        """Enter: import the file if it can be read; otherwise the note says why not."""
        path = self._check(self.query_one("#path", Input).value, submitted=True)
        if path is not None:
            self.dismiss(path)
