"""Preview one message action rendered for a chosen person, exactly as a send would render it.

The core makes the preview (tui.core.preview.preview_message); this dialog picks the person and
shows the texts, and why the message would fail, if it would."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.campaigns import ActionInfo
from tui.core.db import Database
from tui.core.people import PersonInfo
from tui.core.people_list import list_people
from tui.core.preview import MessagePreview, preview_message
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.dialog import Dialog
from tui.parts.campaign_badges import type_tag
from tui.parts.literal import literal

MATCHES = 5
HEADINGS = {"email": "Subject", "push": "Title", "webhook": "Request"}


def person_label(person: PersonInfo) -> Content:
    return Content.assemble(
        literal(person.id or person.email or "", "bold"), Content.styled(f"  {person.reference}", "$text-muted")
    )


def multiline(text: str) -> Content:
    return Content(visible(text, keep_lines=True))


class PreviewDialog(Dialog[None]):
    """Type an identifier prefix or a cio_ reference; the highlighted person's message shows below.
    It changes nothing: Escape closes it."""

    BINDINGS = [Binding("escape", "cancel", "Close", tooltip="Close the preview", id="preview.back")]

    DEFAULT_CSS = """
    PreviewDialog .dialog { width: 84; }
    PreviewDialog OptionList { height: auto; max-height: 5; margin-top: 1; }
    PreviewDialog #rendered {
        height: auto;
        max-height: 45vh;
        margin-top: 1;
        padding: 0 1;
        border: round $border-blurred;
        border-title-color: $text-accent;
        scrollbar-size-vertical: 1;
        .heading { color: $text-muted; text-style: bold; }
        .text { margin-bottom: 1; }
        .failure { color: $text-error; }
    }
    """

    def __init__(self, db: Database, workspace: WorkspaceInfo, campaign: str, action: ActionInfo) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.campaign = campaign
        self.action = action
        self.heading = "Preview"

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble(type_tag(self.action.type), " ", literal(self.action.name, "bold")))
        yield Label("Person")
        yield Input(
            placeholder=f"{self.workspace.identify_by} prefix, or a cio_… reference",
            compact=True,
            id="person-ref",
            classes="lookup",
        )
        yield OptionList(compact=True, id="people")
        with VerticalScroll(id="rendered", can_focus=False):
            yield Static("Choose a person to see the message as they would get it.", classes="note")

    def on_mount(self) -> None:
        self.find_people("")

    @on(Input.Changed)
    def search(self, event: Input.Changed) -> None:
        if not event.value.startswith("cio_"):
            self.find_people(event.value)

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.render_person(event.value.strip())

    @on(OptionList.OptionHighlighted)
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.render_person(event.option.id)

    def find_people(self, text: str) -> None:
        """The people the text finds, as the People filter does (S1)."""
        find = partial(list_people, self.db, self.workspace.name, search=text or None, limit=MATCHES)
        self.run_core(lambda: find().people, self._found, group="people")

    def render_person(self, ref: str) -> None:
        render = partial(preview_message, self.db, self.workspace.name, self.campaign, ref, action_id=self.action.id)
        self.run_core(render, self._show, group="render")

    def _found(self, found: list[PersonInfo]) -> None:
        people = self.query_one(OptionList)
        people.set_options(Option(person_label(p), id=p.reference) for p in found)
        if found:
            people.highlighted = 0

    def _show(self, preview: MessagePreview) -> None:
        self.query_one(".dialog > .error").display = False
        box = self.query_one("#rendered", VerticalScroll)
        box.border_title = person_label(preview.person)
        box.remove_children()
        box.mount_all(self._parts(preview))

    @staticmethod
    def _parts(preview: MessagePreview) -> list[Static]:
        """The rendered texts under their headings, then why the message would fail, if it would."""
        parts = []
        if preview.rendered:
            if preview.subject is not None:
                parts.append(Static(HEADINGS.get(preview.channel, "Subject"), classes="heading"))
                parts.append(Static(multiline(preview.subject), classes="text"))
            parts.append(Static("Body", classes="heading"))
            parts.append(Static(multiline(preview.body or ""), classes="text"))
        if preview.fails:
            parts.append(
                Static(Content.assemble("This message would fail: ", literal(preview.reason or "")), classes="failure")
            )
        return parts
