"""A workspace's credentials: Site ID, tracking key and App keys, secrets masked to their last 4."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from tui.core.credentials import Credentials, credentials
from tui.dialogs.app_key import AddAppKeyDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.dialog import WorkspaceDialog
from tui.dialogs.secret import SecretDialog
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
    """
    BINDINGS = [
        Binding("escape", "cancel", "Close", tooltip="Close the credentials"),
        Binding("t", "rotate", "Rotate tracking key", tooltip="Replace the tracking API key"),
        Binding("a", "add_app_key", "Add App key", tooltip="Create a labelled App API key"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Workspace ", literal(self.workspace.name, "bold")))
        yield Static("Loading…", id="credentials")

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

    def show(self, result: Credentials) -> None:
        """Show the credentials, and a secret in them once."""
        self.query_one("#credentials", Static).update(self._describe(result))
        secret = result.tracking_api_key or result.app_api_key
        if secret:
            kind = "tracking API key" if result.tracking_api_key else "App API key"
            about = Content.assemble(f"The new {kind} of ", literal(self.workspace.name, "bold"), ":")
            self.app.push_screen(SecretDialog(f"New {kind}", about, secret))

    @staticmethod
    def _describe(creds: Credentials) -> Content:
        def row(label: str, value: Content | str) -> Content:
            return Content.assemble(Content.styled(f"{label:<18}", "$text-muted"), value, "\n")

        rows = [
            row("Site ID", Content.styled(creds.site_id, "bold")),
            row("Tracking API key", masked(creds.tracking_api_key_last4)),
            Content.styled("\nApp API keys\n", "bold"),
        ]
        if not creds.app_api_keys:
            rows.append(Content.styled("None yet: press a to add one.", "$text-muted"))
        for key in creds.app_api_keys:
            created = f"  created {key.created_at:%Y-%m-%d}"
            rows.append(
                Content.assemble(
                    literal(key.label), "  ", masked(key.last4), Content.styled(created, "$text-muted"), "\n"
                )
            )
        return Content.assemble(*rows).rstrip() + Content("\n") + track_api_hint(creds.site_id)
