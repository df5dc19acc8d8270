"""One person: identifiers, every attribute (shown literally), the messages they received; edit, delete."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui.core.db import Database
from tui.core.errors import ChangedElsewhere
from tui.core.events import DeviceInfo, EventsPage, list_events, person_devices
from tui.core.messages import MessageInfo, list_messages
from tui.core.people import PersonInfo, delete_person, get_person
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.delete_person import confirm_delete_person
from tui.dialogs.message_detail import MessageDialog
from tui.dialogs.person_edit import EditPersonDialog
from tui.parts.core_work import CoreError, CoreWork, error_text
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import count, literal
from tui.parts.person_ident import ident_of
from tui.widgets.people_columns import CREATED_FORMAT, cell_text, fill_table
from tui.widgets.person_activity import PAGE as ACTIVITY_PAGE
from tui.widgets.person_activity import PersonActivity

MESSAGES_SHOWN = 50
MESSAGE_COLUMNS = (("sent", 16), ("campaign", 24), ("channel", 7), ("status", 14), ("subject / reason", 80))
KEY_WIDTH = 24


DEVICES_SHOWN = 3


@dataclass(frozen=True)
class PersonView:
    person: PersonInfo
    messages: list[MessageInfo]
    events: EventsPage
    devices: list[DeviceInfo]


def attribute_lines(attributes: dict[str, Any]) -> Content:
    """Every attribute, `name  value` a line, in name order; untrusted text stays literal."""
    if not attributes:
        return Content.styled("No attributes. Press e to add some.", "$text-muted")
    width = min(KEY_WIDTH, max(len(cell_text(name)) for name in attributes))
    lines = [
        Content.assemble(literal(f"{cell_text(name):<{width}}", "bold $text-accent"), "  ", literal(cell_text(value)))
        for name, value in sorted(attributes.items())
    ]
    return Content("\n").join(lines)


def reach(person: PersonInfo, devices: list[DeviceInfo]) -> Content:
    """Subscription state and push devices (set through the Track API), tokens literal."""
    muted = "$text-muted"
    state = Content.styled("unsubscribed", "$text-warning") if person.unsubscribed else Content("subscribed")
    if not devices:
        return Content.assemble(state, Content.styled(" · no devices", muted))
    listed = Content(", ").join(
        literal(f"{cell_text(device.token)} ({device.platform})") for device in devices[:DEVICES_SHOWN]
    )
    more = f", +{len(devices) - DEVICES_SHOWN:,} more" if len(devices) > DEVICES_SHOWN else ""
    return Content.assemble(state, Content.styled(" · devices ", muted), listed, Content.styled(more, muted))


def card(person: PersonInfo, identify_by: str) -> Content:
    """The person's identifier, cio_id, email (id workspaces) and times."""
    muted = "$text-muted"
    parts = [literal(ident_of(person), "bold"), Content.styled(f"  {person.reference}", muted)]
    if identify_by == "id":
        email = literal(person.email) if person.email else Content.styled("none", muted)
        parts += [Content("\n"), Content.styled("email ", muted), email]
    times = (
        f"created {person.created_at.strftime(CREATED_FORMAT)} · updated {person.updated_at.strftime(CREATED_FORMAT)}"
        f" · version {person.version}"
    )
    parts += [Content("\n"), Content.styled(times, muted)]
    return Content.assemble(*parts)


def message_cells(message: MessageInfo) -> list[str]:
    status = f"{message.status} (test)" if message.test else message.status
    about = message.subject or message.reason or message.body or ""
    return [message.sent_at.strftime(CREATED_FORMAT), message.campaign, message.channel, status, about]


class MessagesTable(DataTable[Any]):
    """The person's messages; Enter (shown in the footer) opens the highlighted one."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", tooltip="Read the message whole", id="person.open")]


class PersonScreen(CoreWork, Screen[bool]):
    """Dismisses True if the person was changed or deleted (the list reloads), else False."""

    heading = "Person"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    PersonScreen {
        #person-card { height: auto; padding: 1 2; background: $surface; }
        #person-body { height: 1fr; }
        &.-wide #person-body { layout: horizontal; }
        .section { height: 1fr; padding: 0 2; margin-top: 1; }
        &.-wide #person-attributes { width: 2fr; }
        &.-wide #person-messages { width: 3fr; }
        .section-title { text-style: bold; color: $text-primary; }
        #attributes-scroll { height: 1fr; }
        &.-narrow #person-attributes { height: auto; max-height: 50%; }
        &.-narrow #attributes-scroll { height: auto; }
        #messages-table { height: 1fr; min-height: 4; }
        #person-activity { height: 1fr; margin-top: 1; }
        .muted { color: $text-muted; }
    }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the people list", id="person.back"),
        Binding("e", "edit", "Edit", tooltip="Change the identifier, email or attributes", id="person.edit"),
        Binding("d,delete", "delete", "Delete", tooltip="Delete this person and their messages", id="person.delete"),
        Binding("ctrl+r", "reload", "Reload", tooltip="Show changes made elsewhere", id="person.refresh"),
    ]

    def __init__(self, db: Database, workspace: WorkspaceInfo, ref: str) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.ref = ref
        self.person: PersonInfo | None = None
        self.messages: list[MessageInfo] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        yield Header(icon="☎")
        yield Static("Loading…", id="person-card")
        with Vertical(id="person-body"):
            with Vertical(id="person-attributes", classes="section"):
                yield Static("Attributes", id="attributes-title", classes="section-title")
                with VerticalScroll(id="attributes-scroll"):
                    yield Static(id="attributes")
            with Vertical(id="person-messages", classes="section"):
                yield Static("Messages received", id="messages-title", classes="section-title")
                yield Static("No messages received yet.", id="no-messages", classes="muted")
                yield MessagesTable(cursor_type="row", zebra_stripes=True, id="messages-table")
                yield PersonActivity(self.db, id="person-activity")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Switchboard · {visible(self.workspace.name)}"
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete") and self.person is None:
            return None
        return True

    def load(self) -> None:
        self.run_core(self._read, self.show, refused=self._unreadable)

    def _read(self) -> PersonView:
        """In the worker thread."""
        ws = self.workspace.name
        person = get_person(self.db, ws, self.ref)
        messages = list_messages(self.db, ws, person=person.reference, limit=MESSAGES_SHOWN)
        events = list_events(self.db, ws, person=person.reference, limit=ACTIVITY_PAGE)
        return PersonView(person, messages, events, person_devices(self.db, ws, person.reference))

    def _unreadable(self, error: CoreError) -> None:
        self.person = None
        self.refresh_bindings()
        self.query_one("#person-card", Static).update(literal(error_text(error), "$text-error"))

    def erase(self, person: PersonInfo) -> None:
        delete = partial(delete_person, self.db, self.workspace.name, person.reference, expected_version=person.version)
        self.run_core(delete, self._erased, refused=self._not_erased)

    def _erased(self, person: PersonInfo) -> None:
        self.notify(f"Deleted {visible(ident_of(person))}.", title="Person deleted", markup=False)
        self.dismiss(True)

    def _not_erased(self, error: CoreError) -> None:
        if isinstance(error, ChangedElsewhere):
            self.changed_elsewhere(error)
        else:
            self.notify(visible(error_text(error)), title="Not deleted", severity="error", markup=False)

    def show(self, view: PersonView) -> None:
        first_show = self.person is None
        self.person = view.person
        self.refresh_bindings()
        self.sub_title = visible(ident_of(view.person))
        shown_card = Content.assemble(
            card(view.person, self.workspace.identify_by), Content("\n"), reach(view.person, view.devices)
        )
        self.query_one("#person-card", Static).update(shown_card)
        self.query_one(PersonActivity).show(self.workspace.name, view.person.reference, view.events)
        attributes = view.person.attributes
        self.query_one("#attributes-title", Static).update(f"Attributes ({len(attributes):,})")
        self.query_one("#attributes", Static).update(attribute_lines(attributes))
        shown = len(view.messages)
        latest = f" · the latest {MESSAGES_SHOWN}" if shown == MESSAGES_SHOWN else ""
        self.query_one("#messages-title", Static).update(f"Messages received ({count(shown, 'message')}{latest})")
        self.messages = view.messages
        table = self.query_one("#messages-table", DataTable)
        fill_table(table, MESSAGE_COLUMNS, [message_cells(m) for m in view.messages])
        table.display = bool(view.messages)
        self.query_one("#no-messages").display = not view.messages
        if first_show and view.messages:
            table.focus()  # the keys of the person screen are its messages': Enter opens one

    @on(DataTable.RowSelected, "#messages-table")
    def open_message(self, event: DataTable.RowSelected) -> None:
        """Enter on a message: the whole of it, subject and body, in a dialog."""
        if 0 <= event.cursor_row < len(self.messages):
            self.app.push_screen(MessageDialog(self.messages[event.cursor_row]))

    def changed_elsewhere(self, error: ChangedElsewhere) -> None:
        """Someone else changed (or deleted) the person since it was shown: show the latest."""
        self.notify(visible(str(error)), title="Changed elsewhere: reloaded", severity="warning", markup=False)
        self.changed = True
        self.load()

    def action_back(self) -> None:
        self.dismiss(self.changed)

    def action_reload(self) -> None:
        self.load()

    def action_edit(self) -> None:
        if self.person is not None:
            self.app.push_screen(EditPersonDialog(self.db, self.workspace, self.person), self._edited)

    def _edited(self, result: PersonInfo | ChangedElsewhere | None) -> None:
        if isinstance(result, ChangedElsewhere):
            self.changed_elsewhere(result)
        elif result is not None:
            self.changed = True
            self.ref = result.reference
            self.load()

    def action_delete(self) -> None:
        person = self.person
        if person is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.erase(person)

        self.app.push_screen(confirm_delete_person(person), answered)
