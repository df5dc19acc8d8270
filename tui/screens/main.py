"""The main screen: the workspace sidebar on the left, the People and Campaigns tabs on the right."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from tui.core.db import Database
from tui.core.delivery_settings import DeliveryConfig
from tui.core.text import visible
from tui.core.workspaces import CreatedWorkspace, DeletedWorkspace, WorkspaceInfo, list_workspaces
from tui.dialogs.create_workspace import CreateWorkspaceDialog
from tui.dialogs.credentials import CredentialsDialog
from tui.dialogs.delete_workspace import DeleteWorkspaceDialog, contents
from tui.dialogs.delivery import DeliveryDialog
from tui.dialogs.dialog import WorkspaceDialog
from tui.dialogs.import_wizard import open_import_wizard
from tui.dialogs.recolour_workspace import RecolourWorkspaceDialog
from tui.dialogs.rename_workspace import RenameWorkspaceDialog
from tui.dialogs.secret import SecretDialog
from tui.dialogs.send_mode import SendModeDialog
from tui.parts.core_work import CoreWork
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import database_label, literal
from tui.place import Place, load_place, save_place
from tui.screens.billing import BillingScreen
from tui.screens.person import PersonScreen
from tui.screens.welcome import WelcomeScreen
from tui.widgets.activity_pane import ActivityPane
from tui.widgets.billing_totals import BillingTotals
from tui.widgets.campaigns_pane import CampaignsPane
from tui.widgets.messages_pane import MessagesPane
from tui.widgets.pane import WorkspacePane
from tui.widgets.people_pane import PeoplePane
from tui.widgets.workspace_list import WorkspaceList


def tab_title(key: str, title: str) -> Content:
    return Content.assemble(Content.styled(key, "$footer-key-foreground"), " ", title)


NEEDS_WORKSPACE = {
    "rename_workspace",
    "recolour_workspace",
    "send_mode",
    "credentials",
    "delivery",
    "delete_workspace",
    "import_actions",
    "new_campaign",
}


class MainScreen(CoreWork, Screen[None]):
    """Holds the workspace list and the current workspace; every pane shows the current one."""

    heading = "Workspaces"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    MainScreen {
        #sidebar {
            width: 34;
            background: $surface;
            border-right: vkey $border-blurred;
            &:focus-within { border-right: vkey $border; }
        }
        &.-narrow #sidebar { width: 26; }
        #sidebar-title { padding: 0 1; text-style: bold; color: $text-primary; }
        WorkspaceList, WorkspaceList:focus {
            height: 1fr;
            border: none;
            background: transparent;
            padding: 0;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        TabbedContent { width: 1fr; height: 1fr; }
        TabPane { padding: 0; }
    }
    """
    BINDINGS = [
        # p, c and t show in the tab titles rather than in the Footer.
        Binding("p", "show_tab('people')", "People", tooltip="Show the People tab", show=False, id="main.people"),
        Binding(
            "c", "show_tab('campaigns')", "Campaigns", tooltip="Show the Campaigns tab", show=False, id="main.campaigns"
        ),
        Binding(
            "t",
            "show_tab('activity')",
            "Activity",
            tooltip="Show the Activity tab (the Track API)",
            show=False,
            id="main.activity",
        ),
        Binding("w", "focus_workspaces", "Workspaces", tooltip="Go to the workspace list", id="main.workspaces"),
        Binding(
            "ctrl+b", "toggle_sidebar", "Sidebar", tooltip="Fold or unfold the workspace sidebar", id="main.sidebar"
        ),
        Binding(
            "ctrl+r",
            "reload",
            "Refresh",
            tooltip="Reload workspaces, showing changes made elsewhere",
            id="main.refresh",
        ),
        Binding(
            "B",
            "billing",
            "Billing",
            tooltip="Billing: this month, all time, per workspace, per day",
            id="main.billing",
        ),
        Binding(
            "M",
            "show_tab('messages')",
            "Messages",
            tooltip="Show the Messages tab: messages as they go out",
            show=False,
            id="main.messages",
        ),
        *(
            Binding(
                str(n),
                f"switch_nth({n})",
                f"Workspace {n}",
                tooltip=f"Switch to workspace {n} of the list",
                show=False,
                id=f"main.workspace_{n}",
            )
            for n in range(1, 10)
        ),
    ]
    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("New workspace", "new_workspace", "Create a workspace"),
        ("Rename workspace", "rename_workspace", "Rename the current workspace"),
        ("Change workspace colour", "recolour_workspace", "The colour mark of the current workspace"),
        ("Change send mode", "send_mode", "Normal, test or never"),
        ("Workspace credentials", "credentials", "Site ID, tracking key and App keys"),
        ("Delivery settings", "delivery", "SMTP server, sender, SMS and push providers; Test connection"),
        ("Delete workspace", "delete_workspace", "Delete the current workspace and all it holds"),
        ("Refresh workspaces", "reload", "Show changes made by other sessions"),
        ("New campaign", "new_campaign", "Create a campaign in the current workspace"),
        ("Import actions", "import_actions", "Copy actions from any campaign into one of this workspace"),
        ("Billing", "billing", "Billable people and messages: this month, all time, per workspace"),
        ("Messages", "show_tab('messages')", "The current workspace's messages: status, answers, retry (M)"),
        ("New person", "new_person", "Add a person to the current workspace"),
        ("Import people", "import_people", "Import people from a CSV or JSON Lines file"),
    ]

    workspaces: reactive[tuple[WorkspaceInfo, ...]] = reactive(())
    current: reactive[WorkspaceInfo | None] = reactive(None)

    def __init__(self, db: Database, *, refresh_seconds: float | None = 3.0) -> None:
        super().__init__()
        self.db = db
        self.refresh_seconds = refresh_seconds
        self._select_id: int | None = None
        self._last_error = ""
        self._welcome: WelcomeScreen | None = None
        self._tab = "people"  # the tab shown, remembered when the screen goes

    def compose(self) -> ComposeResult:
        yield Header(icon="☎")
        with Horizontal():
            with Vertical(id="sidebar"):
                yield Static("Workspaces", id="sidebar-title")
                yield WorkspaceList(id="workspace-list").data_bind(MainScreen.workspaces, MainScreen.current)
                yield BillingTotals()
            with TabbedContent():
                with TabPane(tab_title("p", "People"), id="people"):
                    yield PeoplePane(self.db, id="people-pane").data_bind(workspace=MainScreen.current)
                with TabPane(tab_title("c", "Campaigns"), id="campaigns"):
                    yield CampaignsPane(self.db, id="campaigns-pane").data_bind(workspace=MainScreen.current)
                with TabPane(tab_title("t", "Activity"), id="activity"):
                    yield ActivityPane(self.db, id="activity-pane").data_bind(workspace=MainScreen.current)
                with TabPane(tab_title("M", "Messages"), id="messages"):
                    yield MessagesPane(self.db, id="messages-pane").data_bind(workspace=MainScreen.current)
        yield KeyFooter()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """App-wide keys (quit, help) first, so that a narrow Footer still shows them."""
        bindings = super().active_bindings
        return dict(sorted(bindings.items(), key=lambda item: item[1].node is not self.app))

    def on_mount(self) -> None:
        self.sub_title = database_label(self.db.description)
        place = load_place(self.db.url)
        if place is not None:
            self._select_id = place.workspace_id
            self.call_after_refresh(self.action_show_tab, place.tab)
        self.load_workspaces()
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.action_reload)

    # Loading ------------------------------------------------------------------------------

    def load_workspaces(self) -> None:
        self.run_core(lambda: tuple(list_workspaces(self.db)), self._loaded)

    def _loaded(self, workspaces: tuple[WorkspaceInfo, ...]) -> None:
        self._last_error = ""
        self._show(workspaces)
        self.query_one(BillingTotals).load(self.db)

    def core_failed(self, message: str) -> None:
        if message != self._last_error:
            self.notify(visible(message), title="Cannot load workspaces", severity="error", markup=False)
        self._last_error = message

    def _show(self, workspaces: tuple[WorkspaceInfo, ...]) -> None:
        """Show a fresh list; keep the current workspace if it still exists, else the first."""
        self.workspaces = workspaces
        keep = self._select_id if self._select_id is not None else (self.current.id if self.current else None)
        self._select_id = None
        self.current = next((ws for ws in workspaces if ws.id == keep), workspaces[0] if workspaces else None)
        if not workspaces and self._welcome is None:
            self._welcome = WelcomeScreen(self.db)
            self.app.push_screen(self._welcome, self._created)
        elif workspaces and self._welcome is not None and self.app.screen is self._welcome:
            self._welcome.dismiss(None)  # created elsewhere meanwhile

    def watch_current(self, workspace: WorkspaceInfo | None) -> None:
        if workspace is None:
            self.title = "Switchboard"
            return
        mode = f" · {workspace.send_mode.upper()} MODE" if workspace.send_mode != "normal" else ""
        self.title = f"Switchboard · {visible(workspace.name)}{mode}"

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        self._tab = event.pane.id or "people"
        if self._tab == "activity":
            self.query_one(ActivityPane).reload()
        if self._tab == "messages":
            self.query_one(MessagesPane).reload()

    def on_unmount(self) -> None:
        """Remember the workspace and tab, to reopen them next time on this database (written once,
        at the end, rather than on every switch: moving through the sidebar stays a keypress)."""
        if self.current is not None:
            save_place(self.db.url, Place(self.current.id, self._tab))

    def action_switch_nth(self, n: int) -> None:
        """1..9: the nth workspace of the sidebar."""
        if 1 <= n <= len(self.workspaces):
            self.switch_to(self.workspaces[n - 1].id)

    def switch_to(self, workspace_id: int) -> None:
        """Make the workspace with this id current (if it is still listed)."""
        self.current = next((ws for ws in self.workspaces if ws.id == workspace_id), self.current)

    @on(CampaignsPane.ShowMessages)
    def _campaign_messages(self, event: CampaignsPane.ShowMessages) -> None:
        self.query_one(MessagesPane).campaign = event.campaign
        self.action_show_tab("messages")

    @on(PeoplePane.OpenPerson)
    def _open_person(self, event: PeoplePane.OpenPerson) -> None:
        self.app.push_screen(PersonScreen(self.db, event.workspace, event.reference), event.closed)

    def on_workspace_list_chosen(self, event: WorkspaceList.Chosen) -> None:
        self.switch_to(event.workspace_id)

    # Actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_WORKSPACE and self.current is None:
            return None
        return True

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab}-pane", WorkspacePane).focus()

    def action_focus_workspaces(self) -> None:
        self.query_one("#sidebar").display = True
        self.query_one(WorkspaceList).focus()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if sidebar.display:
            self.query_one(WorkspaceList).focus()
        else:
            self.query_one(f"#{self.query_one(TabbedContent).active}-pane", WorkspacePane).focus()

    def action_reload(self) -> None:
        self.load_workspaces()
        self.query_one(CampaignsPane).reload()
        self.query_one(PeoplePane).reload()
        if self._tab == "activity":  # a hidden Activity tab reads nothing; it catches up when shown
            self.query_one(ActivityPane).reload()
        if self._tab == "messages":  # so does a hidden Messages tab
            self.query_one(MessagesPane).reload()

    def action_new_campaign(self) -> None:
        self.action_show_tab("campaigns")
        self.query_one(CampaignsPane).action_new_campaign()

    def action_new_person(self) -> None:
        self.action_show_tab("people")
        self.query_one(PeoplePane).action_add_person()

    def action_import_people(self) -> None:
        self.action_show_tab("people")
        self.query_one(PeoplePane).action_import_people()

    def action_new_workspace(self) -> None:
        self.app.push_screen(CreateWorkspaceDialog(self.db), self._created)

    def action_rename_workspace(self) -> None:
        self._edit(RenameWorkspaceDialog)

    def action_recolour_workspace(self) -> None:
        self._edit(RecolourWorkspaceDialog)

    def action_send_mode(self) -> None:
        self._edit(SendModeDialog)

    def action_credentials(self) -> None:
        if self.current is not None:
            self.app.push_screen(CredentialsDialog(self.db, self.current))

    def action_delivery(self) -> None:
        if self.current is not None:
            self.app.push_screen(DeliveryDialog(self.db, self.current), self._delivery_saved)

    def _delivery_saved(self, config: DeliveryConfig | None) -> None:
        if config is not None and self.current is not None:
            self.notify(f"Saved the delivery settings of {visible(self.current.name)}.", markup=False)

    def action_import_actions(self) -> None:
        if self.current is not None:
            open_import_wizard(self.app, self.db, self.current.name)

    def action_billing(self) -> None:
        self.app.push_screen(BillingScreen(self.db))

    def action_delete_workspace(self) -> None:
        if self.current is not None:
            self.app.push_screen(DeleteWorkspaceDialog(self.db, self.current), self._deleted)

    def _edit(self, dialog: type[WorkspaceDialog[WorkspaceInfo | None]]) -> None:
        if self.current is not None:
            self.app.push_screen(dialog(self.db, self.current), self._changed)

    def _changed(self, workspace: WorkspaceInfo | None) -> None:
        if workspace is not None:
            self.load_workspaces()

    def _created(self, created: CreatedWorkspace | None) -> None:
        self._welcome = None
        if created is None:
            return
        self._select_id = created.workspace.id
        self.load_workspaces()
        about = Content.assemble(
            "Workspace ", literal(created.workspace.name, "bold"), " is ready. Its tracking API key:"
        )
        self.app.push_screen(SecretDialog("Workspace created", about, created.tracking_api_key))

    def _deleted(self, deleted: DeletedWorkspace | None) -> None:
        if deleted is None:
            return
        self.load_workspaces()
        self.notify(
            f"Deleted {visible(deleted.name)} with {contents(deleted)}.", title="Workspace deleted", markup=False
        )
