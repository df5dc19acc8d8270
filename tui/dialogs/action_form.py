"""The dialog that adds an action of one type, or edits one (never its type)."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from tui.core.action_settings import SPECS, WEBHOOK_METHODS
from tui.core.actions import MAX_NAME, add_action, edit_action
from tui.core.campaigns import ActionInfo
from tui.core.db import Database
from tui.core.errors import TemplateProblem
from tui.core.text import visible
from tui.dialogs.campaign_stale import Stale, stale_or_refused
from tui.dialogs.dialog import Dialog
from tui.parts.campaign_badges import type_tag
from tui.parts.core_work import CoreError
from tui.parts.literal import literal

LABELS = {
    "subject": "Subject",
    "body": "Body",
    "from": "From",
    "title": "Title",
    "method": "Method",
    "url": "URL",
    "duration": "Wait for",
}
# Examples, marked as such: an empty field must not look filled in (issue 10).
PLACEHOLDERS = {
    "subject": "e.g. Welcome, {{ customer.first_name }}",
    "from": "e.g. team@example.com",
    "title": "e.g. Your order shipped",
    "url": "e.g. https://example.com/hooks/{{ customer.cio_id }}",
    "duration": "e.g. 30m, 2h or 3d",
}
LIQUID_HINT = "Liquid templates: {{ customer.first_name }}, {{ campaign.name }}"


def setting_field(key: str, value: str) -> Widget:
    """The input for one setting, showing `value` (control characters made visible)."""
    field_id = f"setting-{key}"
    if key == "body":
        return TextArea(visible(value, keep_lines=True), soft_wrap=True, compact=True, id=field_id)
    if key == "method":
        return Select(
            [(m, m) for m in WEBHOOK_METHODS], value=value or "POST", allow_blank=False, compact=True, id=field_id
        )
    return Input(visible(value), placeholder=PLACEHOLDERS.get(key, ""), compact=True, id=field_id)


def field_value(field: Widget) -> str:
    if isinstance(field, TextArea):
        return field.text
    if isinstance(field, Select):
        return str(field.value)
    assert isinstance(field, Input)
    return field.value


class ActionFormDialog(Dialog[ActionInfo | Stale | None]):
    """Adds an action of `action_type` at `position` (None: the end), or edits `action`.

    A refusal shows in the dialog, a template error under its field with the cursor on it;
    nothing is saved until core accepts the whole action.
    """

    DEFAULT_CSS = """
    ActionFormDialog .dialog { width: 76; }
    ActionFormDialog .fields {
        height: auto;
        max-height: 35vh;
        margin-top: 1;
        scrollbar-size-vertical: 1;
        & > Label { margin-top: 1; text-style: bold; }
        & > Label:first-of-type { margin-top: 0; }
        & > TextArea { height: 6; background: $panel; &:focus { background: $panel-lighten-1; } }
        & > .invalid { background-tint: $error 25%; }
        & > .field-error { display: none; color: $text-error; }
        & > .field-error.-shown { display: block; }
    }
    /* A short terminal (80x24): the dialog takes the height it may and the fields take what the
       heading, errors and buttons leave, scrolling inside it; the body is shorter, so the subject
       stays in sight while it is typed, and Save/Cancel are never pushed out by an error. */
    ActionFormDialog.-short {
        .dialog { height: 90%; }
        .fields { height: 1fr; max-height: 100%; }
        .fields > TextArea { height: 4; }
    }
    """
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [Binding("ctrl+s", "save", "Save", tooltip="Save the action", id="action_form.save")]

    def __init__(
        self,
        db: Database,
        workspace: str,
        campaign: str,
        action_type: str,
        *,
        action: ActionInfo | None = None,
        position: int | None = None,
        where: Content | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.campaign = campaign
        self.action_type = action_type
        self.action = action
        self.position = position
        self.where = where or Content("")
        self.heading = f"{'Edit' if action else 'Add'} {action_type} action"
        self._shown = {"name": visible(action.name) if action else ""}

    def compose_body(self) -> ComposeResult:
        about = Content.assemble(type_tag(self.action_type), " ", self.where)
        yield Static(about)
        spec = SPECS[self.action_type]
        settings = self.action.settings if self.action else {}
        yield Label("Name")
        yield Input(self._shown["name"], max_length=MAX_NAME, compact=True, id="action-name")
        with VerticalScroll(classes="fields", can_focus=False):
            for key in spec.options:
                optional = " (optional)" if key in spec.optional else ""
                yield Label(f"{LABELS[key]}{optional}")
                field = setting_field(key, settings.get(key, ""))
                self._shown[key] = field_value(field)
                yield field
                yield Static(classes="field-error", id=f"{key}-error")
        if spec.templates:
            yield Static(LIQUID_HINT, classes="note")

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", compact=True, id="cancel")
            yield Button("Save", variant="primary", compact=True, id="save")

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter in a one-line field goes to the next field; ctrl+s saves the whole action."""
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._clear_errors()
        name = self.query_one("#action-name", Input).value
        settings = {key: field_value(self.query_one(f"#setting-{key}")) for key in SPECS[self.action_type].options}
        self.save(name, settings)

    def save(self, name: str, settings: dict[str, str]) -> None:
        action = self.action
        if action is None:
            add = partial(
                add_action,
                self.db,
                self.workspace,
                self.campaign,
                type=self.action_type,
                name=name,
                settings=settings,
                position=self.position,
            )
            self.run_core(add, self.dismiss, refused=self._refused)
            return
        # Unchanged fields are not sent: they hold the stored text, not the visible form shown here.
        changed = {key: value for key, value in settings.items() if value != self._shown[key]}
        edit = partial(
            edit_action,
            self.db,
            self.workspace,
            self.campaign,
            action.id,
            name=action.name if name == self._shown["name"] else name,
            settings=changed,
            expected_version=action.version,
        )
        self.run_core(edit, self.dismiss, refused=self._refused)

    def _refused(self, error: CoreError) -> None:
        """A template error shows under its field, with the cursor where it is; others as usual."""
        if not isinstance(error, TemplateProblem) or error.field not in SPECS[self.action_type].options:
            stale_or_refused(self, error)
            return
        shown = self.query_one(f"#{error.field}-error", Static)
        shown.update(literal(str(error)))
        shown.add_class("-shown")
        field = self.query_one(f"#setting-{error.field}")
        field.add_class("invalid")
        if isinstance(field, TextArea):
            field.cursor_location = (error.line - 1, error.column - 1)
        elif isinstance(field, Input):
            field.cursor_position = error.column - 1
        field.focus()

    def _clear_errors(self) -> None:
        self.query_one(".dialog > .error").display = False
        for error in self.query(".field-error"):
            error.remove_class("-shown")
        for field in self.query(".invalid"):
            field.remove_class("invalid")
