"""A workspace's credentials: Site ID, tracking key and App keys, secrets masked to their last 4."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.credentials import Credentials, credentials
from tui.dialogs.app_key import AddAppKeyDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.dialog import WorkspaceDialog
from tui.dialogs.secret import SecretDialog
from tui.parts.keys import hint
from tui.parts.literal import literal

MASK = "•" * 12


def masked(last4: str) -> str:
    return MASK + last4


def track_api_hint(site_id: str) -> Content:
    """How to point a Track API client (Customer.io's) at this workspace."""
    muted = "$text-muted"
    return Content.assemble(
        Content.styled("\nTrack API\n", "bold"),
        Content.styled("Serve it with ", muted), "switchboard serve api", Content.styled(" (https://127.0.0.1:8443);\n", muted),
        Content.styled("it prints its certificate's path (api-cert.pem in the data dir).\n", muted),
        Content.styled("Python client, with REQUESTS_CA_BUNDLE set to that path:\n", muted),
        f'CustomerIO("{site_id}", KEY, host="localhost", port=8443)',
    )  # fmt: skip


class CredentialsDialog(WorkspaceDialog[None]):
    """Shows the credentials; rotating the tracking key or adding an App key shows the secret once."""

    heading = "API credentials"
    DEFAULT_CSS = """
    CredentialsDialog .dialog { width: 76; }
    CredentialsDialog #credentials { margin-top: 1; }
    CredentialsDialog #app-keys { height: auto; max-height: 6; border: none; padding: 0; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Close", tooltip="Close the credentials", id="credentials.back"),
        Binding("T", "rotate", "Rotate tracking key", tooltip="Replace the tracking API key", id="credentials.rotate"),
        Binding("n", "add_app_key", "New App key", tooltip="Create a labelled App API key", id="credentials.new"),
        Binding(
            "d,delete",
            "revoke_app_key",
            "Revoke",
            tooltip="Revoke the highlighted App API key",
            id="credentials.delete",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Workspace ", literal(self.workspace.name, "bold")))
        yield Static("Loading…", id="credentials")
        yield Static(Content.styled("\nApp API keys", "bold"))
        yield OptionList(id="app-keys", compact=True)
        yield Static(id="app-keys-empty")
        yield Static(id="track-api")

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_core(partial(credentials, self.db, self.workspace.name), self.show)

    def rotate(self) -> None:
        self.run_core(partial(credentials, self.db, self.workspace.name, rotate_tracking_key=True), self.show)

    def action_rotate(self) -> None:
        question = Content.assemble(
            "Rotate the tracking API key of ", literal(self.workspace.name, "bold"),
            "?\nThe current key stops working at once.",
        )  # fmt: skip

        def answered(yes: bool | None) -> None:
            if yes:
                self.rotate()

        self.app.push_screen(ConfirmDialog("Rotate tracking key", question, "Rotate"), answered)

    def action_add_app_key(self) -> None:
        def added(result: Credentials | None) -> None:
            if result is not None:
                self.show(result)

        self.app.push_screen(AddAppKeyDialog(self.db, self.workspace), added)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "revoke_app_key":
            return self.query_one("#app-keys", OptionList).highlighted is not None
        return True

    def action_revoke_app_key(self) -> None:
        keys = self.query_one("#app-keys", OptionList)
        if keys.highlighted is None:
            return
        label = str(keys.get_option_at_index(keys.highlighted).id)
        question = Content.assemble(
            "Revoke the App API key ", literal(label, "bold"), " of ", literal(self.workspace.name, "bold"),
            "?\nScripts that use it stop working at once.",
        )  # fmt: skip

        def answered(yes: bool | None) -> None:
            if yes:
                revoke = partial(credentials, self.db, self.workspace.name, revoke_app_key=label)
                self.run_core(revoke, self.show)

        self.app.push_screen(ConfirmDialog("Revoke App key", question, "Revoke"), answered)

    def show(self, result: Credentials) -> None:
        """Show the credentials, and a secret in them once."""
        self.query_one("#credentials", Static).update(self._describe(result))
        self._show_app_keys(result)
        self.query_one("#track-api", Static).update(track_api_hint(result.site_id))
        secret = result.tracking_api_key or result.app_api_key
        if secret:
            kind = "tracking API key" if result.tracking_api_key else "App API key"
            about = Content.assemble(f"The new {kind} of ", literal(self.workspace.name, "bold"), ":")
            self.app.push_screen(SecretDialog(f"New {kind}", about, secret))

    def _describe(self, creds: Credentials) -> Content:
        def row(label: str, value: Content | str) -> Content:
            return Content.assemble(Content.styled(f"{label:<18}", "$text-muted"), value, "\n")

        return Content.assemble(
            row("Site ID", Content.styled(creds.site_id, "bold")),
            row("Tracking API key", masked(creds.tracking_api_key_last4)),
        ).rstrip()

    def _show_app_keys(self, creds: Credentials) -> None:
        keys = self.query_one("#app-keys", OptionList)
        keys.clear_options()
        keys.add_options(
            Option(
                Content.assemble(
                    literal(key.label),
                    "  ",
                    masked(key.last4),
                    Content.styled(f"  created {key.created_at:%Y-%m-%d}", "$text-muted"),
                ),
                id=key.label,
            )
            for key in creds.app_api_keys
        )
        keys.display = bool(creds.app_api_keys)
        empty = self.query_one("#app-keys-empty", Static)
        empty.update(hint(self, "None yet: press {credentials.new} to add one.").stylize("$text-muted"))
        empty.display = not creds.app_api_keys
        if creds.app_api_keys:
            keys.highlighted = keys.highlighted or 0
            keys.focus()
        self.refresh_bindings()
