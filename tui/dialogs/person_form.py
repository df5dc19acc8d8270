"""The form of a person (identifier, email, attributes) checked as you type, shared by add and edit.

Every check is the core's own (`identity.normalize_email`, `identity.validate_person_id`,
`attributes.parse_json_object` / `parse_pairs`), so the inline error is the exact sentence the
core would refuse with, and nothing is sent to the core until every field is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label, Static, TextArea

from tui.core import attributes as attrs
from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.identity import normalize_email, validate_person_id
from tui.core.text import safe_json
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.dialog import Dialog
from tui.parts.literal import count, literal

ResultT = TypeVar("ResultT")
ATTRIBUTES_HINT = 'key=value lines, or a JSON object: {"plan": "pro", "seats": 3}'


def parse_attributes(text: str) -> dict[str, Any]:
    """`key=value` lines (values stay strings) or one JSON object (values keep their types)."""
    if text.lstrip().startswith("{"):
        return attrs.parse_json_object(text, source="attributes")
    pairs = attrs.parse_pairs(line for line in text.splitlines() if line.strip())
    return attrs.check_attributes(pairs)


def attributes_json(attributes: dict[str, Any]) -> str:
    """Attributes as editable JSON; every control character escaped (JSON escapes C0 itself)."""
    if not attributes:
        return ""
    return safe_json(attributes, indent=2)


@dataclass(frozen=True)
class Checked:
    """A field's value as it would be stored, or the reason it would be refused."""

    value: Any = None
    error: str | None = None


def check(rule: Any, raw: str) -> Checked:
    try:
        return Checked(rule(raw))
    except InvalidInput as exc:
        return Checked(error=str(exc))


def optional_email(raw: str) -> str | None:
    return normalize_email(raw) if raw.strip() else None


class PersonFormDialog(Dialog[ResultT]):
    """The fields of a person; subclasses prefill them (`initial_*`) and `submit` the checked values."""

    DEFAULT_CSS = """
    PersonFormDialog .dialog {
        width: 72;
        padding: 0 2;
        overflow-y: auto;
        & > Label { margin-top: 0; }
        & > .field-note { margin-bottom: 1; color: $text-muted; }
        & > .field-note.-ok { color: $text-success; }
        & > .field-note.-bad { color: $text-error; }
        #attributes { height: 4; background: $panel; &:focus { background: $panel-lighten-1; } }
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving anything", id="person_form.back"),
        Binding(
            "ctrl+s", "save", "Save", tooltip="Save the person (only once every field is valid)", id="person_form.save"
        ),
    ]
    save_label = "Save"

    def __init__(self, db: Database, workspace: WorkspaceInfo) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.by_email = workspace.identify_by == "email"

    def initial_identifier(self) -> str:
        return ""

    def initial_email(self) -> str:
        return ""

    def initial_attributes(self) -> str:
        return ""

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Workspace ", literal(self.workspace.name, "bold")), classes="note")
        yield Label("Email" if self.by_email else "Id")
        placeholder = "e.g. person@example.com" if self.by_email else "e.g. user-1842 (case-sensitive)"
        yield Input(self.initial_identifier(), placeholder=placeholder, compact=True, id="identifier")
        yield Static(classes="field-note", id="identifier-note")
        if not self.by_email:
            yield Label("Email (optional)")
            yield Input(self.initial_email(), placeholder="e.g. person@example.com", compact=True, id="email")
            yield Static(classes="field-note", id="email-note")
        yield Label("Attributes")
        yield TextArea(self.initial_attributes(), compact=True, show_cursor=True, id="attributes")
        yield Static(classes="field-note", id="attributes-note")

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", compact=True, id="cancel")
            yield Button(self.save_label, variant="primary", compact=True, id="save")

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            self.query_one(TextArea).cursor_blink = False
        self.refresh_notes()

    # Checking ------------------------------------------------------------------------------

    def identifier(self) -> Checked:
        raw = self.query_one("#identifier", Input).value
        if not raw.strip():
            kind = "email" if self.by_email else "id"
            return Checked(error=f"this workspace identifies people by {kind}: give the person's {kind}")
        return check(normalize_email if self.by_email else validate_person_id, raw)

    def email(self) -> Checked:
        return Checked() if self.by_email else check(optional_email, self.query_one("#email", Input).value)

    def attributes(self) -> Checked:
        return check(parse_attributes, self.query_one(TextArea).text)

    @on(Input.Changed)
    @on(TextArea.Changed)
    def refresh_notes(self) -> None:
        """Show, under each field, how it would be stored or why it would be refused."""
        kind = "email" if self.by_email else "id"
        self._note("identifier", self.identifier(), f"Required: people here are identified by {kind}.")
        if not self.by_email:
            self._note("email", self.email(), "No email.")
        attributes = self.attributes()
        if attributes.error or not attributes.value:
            self._note("attributes", attributes, ATTRIBUTES_HINT)
        else:
            summary = f"{count(len(attributes.value), 'attribute')}: {', '.join(attributes.value)}"
            self._show("attributes", "", literal(summary))

    def _note(self, field: str, checked: Checked, empty: str) -> None:
        """An empty field shows `empty`; a bad one its error; a good one how it will be stored."""
        if not self._raw(field).strip():
            self._show(field, "", Content(empty))
        elif checked.error is not None:
            self._show(field, "-bad", literal(checked.error))
        else:
            self._show(field, "-ok", Content.assemble("will be stored as ", literal(str(checked.value), "bold")))

    def _raw(self, field: str) -> str:
        widget = self.query_one(f"#{field}")
        return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]

    def _show(self, field: str, state: str, text: Content) -> None:
        note = self.query_one(f"#{field}-note", Static)
        note.set_class(state == "-ok", "-ok")
        note.set_class(state == "-bad", "-bad")
        note.update(text)

    # Saving --------------------------------------------------------------------------------

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save if every field is valid; otherwise the notes already say what is wrong."""
        fields = {"identifier": self.identifier(), "email": self.email(), "attributes": self.attributes()}
        bad = next((name for name, checked in fields.items() if checked.error), None)
        if bad is not None:
            self._show(bad, "-bad", literal(fields[bad].error or ""))
            self.query_one(f"#{bad}").focus()
            return
        raw_email = "" if self.by_email else self.query_one("#email", Input).value
        self.submit(self.query_one("#identifier", Input).value, raw_email, fields["attributes"].value)

    def submit(self, identifier: str, email: str, attributes: dict[str, Any]) -> None:
        """Every field is valid: save through the core (in a worker)."""
        raise NotImplementedError
