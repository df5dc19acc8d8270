"""The main screen: the workspace sidebar on the left, the People and Campaigns tabs on the right.

Its first frame is drawn before the database layer is imported (issue 14): the tabs hold
placeholders while a worker opens the database (`main_panes`), then get their panes. So this
module imports the core only for types, and the dialogs and screens its keys open when used.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from tui.core.text import visible
from tui.parts.core_work import CoreError, CoreWork, error_text
from tui.parts.key_footer import KeyFooter
from tui.parts.keys import moves_focus, step_aside_while_typing
from tui.parts.literal import database_label, literal
from tui.place import Place, load_place, save_place
from tui.screens.open_failed import OpenFailedScreen
from tui.widgets.billing_totals import BillingTotals
from tui.widgets.workspace_list import WorkspaceList

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from tui.core.db import Database
    from tui.core.delivery_settings import DeliveryConfig
    from tui.core.workspaces import CreatedWorkspace, DeletedWorkspace, WorkspaceInfo
    from tui.dialogs.dialog import WorkspaceDialog
    from tui.screens.main_panes import DatabaseSource, Opened
    from tui.screens.welcome import WelcomeScreen
    from tui.widgets.campaigns_pane import CampaignsPane
    from tui.widgets.pane import WorkspacePane
    from tui.widgets.people_pane import PeoplePane


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
NEEDS_DATABASE = NEEDS_WORKSPACE | {"new_workspace", "reload", "billing", "new_person", "import_people"}


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
        .opening { padding: 1 2; color: $text-muted; }
    }
    """
    BINDINGS = [
        # p, c and t show in the tab titles rather than in the Footer.
        # They move the focus: see moves_focus.
        moves_focus(
            Binding("p", "tab_key('people')", "People", tooltip="Show the People tab", show=False, id="main.people")
        ),
        moves_focus(
            Binding(
                "c",
                "tab_key('campaigns')",
                "Campaigns",
                tooltip="Show the Campaigns tab",
                show=False,
                id="main.campaigns",
            )
        ),
        moves_focus(
            Binding(
                "t",
                "tab_key('activity')",
                "Activity",
                tooltip="Show the Activity tab (the Track API)",
                show=False,
                id="main.activity",
            )
        ),
        moves_focus(
            Binding("w", "focus_workspaces", "Workspaces", tooltip="Go to the workspace list", id="main.workspaces")
        ),
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
    db: Database  # once opened: every key that needs it is disabled until then

    def __init__(self, source: DatabaseSource, *, refresh_seconds: float | None = 3.0) -> None:
        super().__init__()
        self.source = source
        self.opened = False
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
                for key, title, tab in (
                    ("p", "People", "people"),
                    ("c", "Campaigns", "campaigns"),
                    ("t", "Activity", "activity"),
                    ("M", "Messages", "messages"),
                ):
                    with TabPane(tab_title(key, title), id=tab):
                        yield Static("Opening the database…", classes="opening")
        yield KeyFooter()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """App-wide keys (quit, help) first, so that a narrow Footer still shows them."""
        bindings = super().active_bindings
        return dict(sorted(bindings.items(), key=lambda item: item[1].node is not self.app))

    def on_mount(self) -> None:
        self.run_core(self._open, self._opened, refused=self._not_opened)

    # Loading ------------------------------------------------------------------------------

    def _open(self) -> Opened:
        """In a worker, while the first frame is drawn: import the database layer, open the
        database, read its workspaces. (Waiting for that frame before importing was tried: the
        frame came no sooner, and the people ~0.2 s later.)"""
        from tui.screens.main_panes import open_main

        return open_main(self.source)

    def _opened(self, opened: Opened) -> None:
        """Put the panes in the tabs; once they are composed, show the workspaces in them."""
        from tui.screens.main_panes import tab_panes

        if self.app.return_code is not None:  # quitting already: panes mounted now would never compose
            return
        self.db = opened.db
        self.query(".opening").remove()
        panes = tab_panes(self.db)
        mounts = [self.query_one(f"#{tab}", TabPane).mount(pane) for tab, pane in panes.items()]
        self.run_worker(self._when_mounted(mounts, partial(self._fill, [*panes.values()], opened.workspaces)))

    async def _when_mounted(self, mounts: list[AwaitMount], then: Callable[[], object]) -> None:
        for mount in mounts:
            await mount
        self.call_later(then)  # on this screen, where the panes' data bindings belong

    def _fill(self, panes: list[WorkspacePane], workspaces: tuple[WorkspaceInfo, ...]) -> None:
        """Bind the panes to the current workspace, show the workspaces, start refreshing. (Bound
        only now: a pane bound before it composed would get its workspace before its widgets.)"""
        if self.app.return_code is not None:
            return
        for pane in panes:
            pane.data_bind(workspace=MainScreen.current)
        self.opened = True
        self.sub_title = database_label(self.db.description)
        place = load_place(self.db.url)
        if place is not None:
            self._select_id = place.workspace_id
            self.call_after_refresh(self.action_show_tab, place.tab)
        self._loaded(workspaces)
        self.refresh_bindings()
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.action_reload)

    def _not_opened(self, error: CoreError) -> None:
        self.app.push_screen(OpenFailedScreen(error_text(error)))

    def load_workspaces(self) -> None:
        from tui.core.workspaces import list_workspaces

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
            from tui.screens.welcome import WelcomeScreen

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
        if self.opened:
            self._reload_if_shown()

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

    def on_campaigns_pane_show_messages(self, event: CampaignsPane.ShowMessages) -> None:
        from tui.widgets.messages_pane import MessagesPane

        self.query_one(MessagesPane).campaign = event.campaign
        self.action_show_tab("messages")

    def on_people_pane_open_person(self, event: PeoplePane.OpenPerson) -> None:
        from tui.screens.person import PersonScreen

        self.app.push_screen(PersonScreen(self.db, event.workspace, event.reference), event.closed)

    def on_workspace_list_chosen(self, event: WorkspaceList.Chosen) -> None:
        self.switch_to(event.workspace_id)

    # Actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_DATABASE and not self.opened:
            return None
        if action in NEEDS_WORKSPACE and self.current is None:
            return None
        return True

    def action_tab_key(self, tab: str) -> None:
        """`p`, `c`, `t`: a priority binding (moves_focus), so in a text field the letter is typed."""
        step_aside_while_typing(self)
        self.action_show_tab(tab)

    def action_show_tab(self, tab: str) -> None:
        from tui.widgets.pane import WorkspacePane

        self.query_one(TabbedContent).active = tab
        for pane in self.query(f"#{tab}-pane").results(WorkspacePane):  # none until the database is open
            self.set_focus(pane.key_target())  # now, not later: the next key typed goes there

    def action_focus_workspaces(self) -> None:
        step_aside_while_typing(self)
        self.query_one("#sidebar").display = True
        self.set_focus(self.query_one(WorkspaceList))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if sidebar.display:
            self.query_one(WorkspaceList).focus()
        else:
            self.query(f"#{self.query_one(TabbedContent).active}-pane").focus()

    def action_reload(self) -> None:
        from tui.widgets.campaigns_pane import CampaignsPane
        from tui.widgets.people_pane import PeoplePane

        self.load_workspaces()
        self.query_one(CampaignsPane).reload()
        self.query_one(PeoplePane).reload()
        self._reload_if_shown()

    def _reload_if_shown(self) -> None:
        """The Activity and Messages tabs read nothing while hidden; they catch up when shown."""
        from tui.widgets.activity_pane import ActivityPane
        from tui.widgets.messages_pane import MessagesPane

        if self._tab == "activity":
            self.query_one(ActivityPane).reload()
        if self._tab == "messages":
            self.query_one(MessagesPane).reload()

    def action_new_campaign(self) -> None:
        from tui.widgets.campaigns_pane import CampaignsPane

        self.action_show_tab("campaigns")
        self.query_one(CampaignsPane).action_new_campaign()

    def action_new_person(self) -> None:
        from tui.widgets.people_pane import PeoplePane

        self.action_show_tab("people")
        self.query_one(PeoplePane).action_add_person()

    def action_import_people(self) -> None:
        from tui.widgets.people_pane import PeoplePane

        self.action_show_tab("people")
        self.query_one(PeoplePane).action_import_people()

    def action_new_workspace(self) -> None:
        from tui.dialogs.create_workspace import CreateWorkspaceDialog

        self.app.push_screen(CreateWorkspaceDialog(self.db), self._created)

    def action_rename_workspace(self) -> None:
        from tui.dialogs.rename_workspace import RenameWorkspaceDialog

        self._edit(RenameWorkspaceDialog)

    def action_recolour_workspace(self) -> None:
        from tui.dialogs.recolour_workspace import RecolourWorkspaceDialog

        self._edit(RecolourWorkspaceDialog)

    def action_send_mode(self) -> None:
        from tui.dialogs.send_mode import SendModeDialog

        self._edit(SendModeDialog)

    def action_credentials(self) -> None:
        from tui.dialogs.credentials import CredentialsDialog

        if self.current is not None:
            self.app.push_screen(CredentialsDialog(self.db, self.current))

    def action_delivery(self) -> None:
        from tui.dialogs.delivery import DeliveryDialog

        if self.current is not None:
            self.app.push_screen(DeliveryDialog(self.db, self.current), self._delivery_saved)

    def _delivery_saved(self, config: DeliveryConfig | None) -> None:
        if config is not None and self.current is not None:
            self.notify(f"Saved the delivery settings of {visible(self.current.name)}.", markup=False)

    def action_import_actions(self) -> None:
        from tui.dialogs.import_wizard import open_import_wizard

        if self.current is not None:
            open_import_wizard(self.app, self.db, self.current.name)

    def action_billing(self) -> None:
        from tui.screens.billing import BillingScreen

        self.app.push_screen(BillingScreen(self.db))

    def action_delete_workspace(self) -> None:
        from tui.dialogs.delete_workspace import DeleteWorkspaceDialog

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
        from tui.dialogs.secret import SecretDialog

        about = Content.assemble(
            "Workspace ", literal(created.workspace.name, "bold"), " is ready. Its tracking API key:"
        )
        self.app.push_screen(SecretDialog("Workspace created", about, created.tracking_api_key))

    def _deleted(self, deleted: DeletedWorkspace | None) -> None:
        from tui.dialogs.delete_workspace import contents

        if deleted is None:
            return
        self.load_workspaces()
        self.notify(
            f"Deleted {visible(deleted.name)} with {contents(deleted)}.", title="Workspace deleted", markup=False
        )
