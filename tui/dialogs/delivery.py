"""The Delivery dialog: a workspace's delivery settings (the same core function as `workspaces
delivery`), each field checked as it is typed, and Test connection, which connects to each
configured server with the settings as typed, says what it answered and sends nothing."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Static

from tui.core.db import Database
from tui.core.delivery_settings import (
    SETTINGS,
    DeliveryConfig,
    SettingRefused,
    changed,
    check_setting,
    get_delivery,
    set_delivery,
)
from tui.core.errors import InvalidInput
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.dialog import WorkspaceDialog
from tui.parts.core_work import CoreError, error_text
from tui.parts.literal import literal

# setting, label, placeholder (what an empty field means)
FIELDS = (
    ("smtp_host", "SMTP host", "not set: deliver --smtp-host is used"),
    ("smtp_port", "SMTP port", "25, 587 or 465 by security"),
    ("smtp_security", "Security", "none, starttls or tls"),
    ("smtp_user", "SMTP user", "no login"),
    ("smtp_password_env", "Password var", "variable holding the password, e.g. SMTP_PASS"),
    ("smtp_password_file", "Password file", "or a file holding it"),
    ("sender", "From", "not set: deliver --from is used"),
    ("reply_to", "Reply-To", "none"),
    ("sms_url", "SMS URL", "https://… (a JSON POST per message)"),
    ("sms_auth_env", "SMS auth var", "variable holding its Authorization header"),
    ("push_url", "Push URL", "https://… (a JSON POST per message)"),
    ("push_auth_env", "Push auth var", "variable holding its Authorization header"),
    ("rate_per_s", "Rate", "no limit (e.g. 10/s)"),
)
CHECK_TIMEOUT_S = 10.0


def shown(config: DeliveryConfig, setting: str) -> str:
    """A setting as its field shows it ("" when not set)."""
    value = getattr(config, setting)
    if value is None:
        return ""
    return f"{value:g}/s" if setting == "rate_per_s" else str(value)


def test_connection(config: DeliveryConfig) -> list[tuple[str, bool, str]]:
    """Connect to each configured server (in a worker thread); (target, ok, answer) for each."""
    from tui.delivery.check import check_all  # aiosmtplib loads when a test is asked for

    return [(r.target, r.ok, r.answer) for r in asyncio.run(check_all(config, CHECK_TIMEOUT_S))]


class DeliveryDialog(WorkspaceDialog[DeliveryConfig | None]):
    """Dismisses the saved settings, or None."""

    heading = "Delivery"
    DEFAULT_CSS = """
    DeliveryDialog .dialog {
        width: 76;
        padding: 0 1;
        overflow-y: auto;
        & > Label { margin-top: 0; }
        .field { height: 1; }
        .field Label { width: 15; color: $text-muted; }
        .field Input { width: 1fr; }
        .field Input.-invalid { background: $error 20%; }
        .field-error { display: none; color: $text-error; padding-left: 15; }
        #check { margin-top: 1; }
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving anything", id="delivery.back"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the delivery settings", id="delivery.save"),
        Binding(
            "ctrl+t",
            "test",
            "Test connection",
            tooltip="Connect to each server as typed; sends nothing",
            id="delivery.test",
        ),
    ]

    def __init__(self, db: Database, workspace: WorkspaceInfo) -> None:
        super().__init__(db, workspace)
        self.saved = DeliveryConfig()  # the stored settings, once loaded

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Workspace ", literal(self.workspace.name, "bold")), classes="note")
        for setting, label, placeholder in FIELDS:
            with Horizontal(classes="field"):
                yield Label(label)
                kind: Literal["integer", "text"] = "integer" if setting == "smtp_port" else "text"
                yield Input(placeholder=placeholder, type=kind, compact=True, id=setting, disabled=True)
            yield Static(classes="field-error", id=f"{setting}-error")
        yield Static(
            "Secrets are never stored: name the variable or the file that holds each.",
            classes="note",
        )
        yield Static(id="check", classes="note")

    def on_mount(self) -> None:
        self.run_core(partial(get_delivery, self.db, self.workspace.name), self._loaded)

    def _loaded(self, config: DeliveryConfig) -> None:
        self.saved = config
        for setting, _label, _placeholder in FIELDS:
            field = self.query_one(f"#{setting}", Input)
            with field.prevent(Input.Changed):
                field.value = shown(config, setting)
            field.disabled = False
        self.query_one("#smtp_host", Input).focus()

    def values(self) -> dict[str, str | int | None]:
        """Every field as a change: "" clears a setting."""
        values: dict[str, str | int | None] = {}
        for setting, _label, _placeholder in FIELDS:
            raw = self.query_one(f"#{setting}", Input).value.strip()
            values[setting] = int(raw) if setting == "smtp_port" and raw.isdigit() else raw
        return values

    # Checking ------------------------------------------------------------------------------

    @on(Input.Changed)
    def _check_field(self, event: Input.Changed) -> None:
        setting = event.input.id or ""
        raw = event.value.strip()
        value: str | int = int(raw) if setting == "smtp_port" and raw.isdigit() else raw
        try:
            check_setting(setting, value)
        except InvalidInput as exc:
            self.mark(setting, str(exc))
        else:
            self.mark(setting, None)

    def mark(self, setting: str, error: str | None) -> None:
        """Show `error` under the setting's field (None: the field is fine)."""
        self.query_one(f"#{setting}", Input).set_class(error is not None, "-invalid")
        note = self.query_one(f"#{setting}-error", Static)
        note.update(literal(error or ""))
        note.display = error is not None

    def refused(self, error: CoreError) -> None:
        """A refusal naming a setting shows under its field, which gets the focus; others in the
        error line."""
        if isinstance(error, SettingRefused) and error.setting in SETTINGS:
            self.mark(error.setting, str(error))
            self.query_one(f"#{error.setting}", Input).focus()
        else:
            self.show_error(error_text(error))

    # Actions -------------------------------------------------------------------------------

    @on(Input.Submitted)
    def action_save(self) -> None:
        if not self.saved_loaded():
            return
        save = partial(set_delivery, self.db, self.workspace.name, self.values())
        self.run_core(save, self.dismiss, refused=self.refused)

    def action_test(self) -> None:
        if not self.saved_loaded():
            return
        config = partial(changed, self.saved, self.values())
        self.query_one("#check", Static).update("Testing the connection… (nothing is sent)")
        self.run_core(lambda: test_connection(config()), self._tested, group="test", refused=self._test_refused)

    def _test_refused(self, error: CoreError) -> None:
        self.query_one("#check", Static).update("")
        self.refused(error)

    def _tested(self, results: list[tuple[str, bool, str]]) -> None:
        lines = [
            Content.assemble(
                Content.styled(f"{target.upper():<5}", "bold"),
                Content.styled("ok      " if ok else "FAILED  ", "$text-success" if ok else "$text-error"),
                literal(answer),
            )
            for target, ok, answer in results
        ]
        self.query_one("#check", Static).update(Content("\n").join(lines))

    def saved_loaded(self) -> bool:
        """The fields hold the stored settings (they are disabled until then)."""
        return not self.query_one("#smtp_host", Input).disabled
