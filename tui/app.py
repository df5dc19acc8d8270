"""The Textual app: themes and settings, the main screen, help and the command palette."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input

from tui.commands import WorkspaceCommands
from tui.config import DEFAULT_THEME, Settings, SettingsError, load_settings, save_settings, theme_override
from tui.core.text import visible
from tui.crash_log import crash_message, write_crash_log
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.help import HelpDialog, keys_of
from tui.screens.main import MainScreen
from tui.screens.open_failed import OpenFailedScreen
from tui.ssh import SSH_USER_ENV
from tui.themes import load_themes

if TYPE_CHECKING:
    from tui.screens.main_panes import DatabaseSource


class SwitchboardApp(App[None]):
    """Switchboard over one database, opened by the main screen once it is drawn."""

    TITLE = "Switchboard"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {WorkspaceCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Quit Switchboard", priority=True, id="app.quit"),
        Binding("f1,question_mark", "help", "Help", tooltip="Show the keys of this screen", id="app.help"),
        Binding(
            "ctrl+p", "command_palette", "Commands", tooltip="Every action, by name", priority=True, id="app.commands"
        ),
    ]

    def __init__(
        self,
        source: DatabaseSource,
        *,
        refresh_seconds: float | None = 3.0,
        cursor_blink: bool = True,
    ) -> None:
        """`source`: an opened database, or the target to open (a path or URL; None: the default).
        `refresh_seconds`: how often the workspace list reloads (None: only on ctrl+r).
        `cursor_blink=False` keeps text cursors still (snapshots, slow links)."""
        super().__init__()
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.cursor_blink = cursor_blink
        self._persist_theme = False
        self._asking_to_quit = False
        self._problems = self._apply_settings()

    def _apply_settings(self) -> list[str]:
        """Register our themes and apply the chosen one before the first frame (applying a
        theme later would style every widget twice); returns what could not be used."""
        catalog = load_themes()
        for theme in catalog.themes:
            self.register_theme(theme)
        problems = catalog.problems
        self.settings = Settings()
        try:
            self.settings = load_settings()
        except SettingsError as exc:
            problems.append(str(exc))
        wanted = theme_override() or self.settings.theme
        if wanted not in self.available_themes:
            problems.append(f"theme {wanted!r} is not installed; using {DEFAULT_THEME!r}")
            wanted = DEFAULT_THEME
        self.theme = wanted
        if self.settings.keys:
            problems += self._apply_keymap(self.settings.keys)
        return problems

    def _apply_keymap(self, keys: dict[str, str]) -> list[str]:
        """Rebind the keys that `[keys]` names; an id the app does not have is reported."""
        from tui import key_table  # reads every screen's bindings: only when the user rebinds

        unknown = sorted(set(keys) - key_table.ids())
        self.set_keymap({name: value for name, value in keys.items() if name not in unknown})
        if unknown:
            return [f"[keys] in the settings file names no binding of the app: {', '.join(unknown)} (F1 lists the ids)"]
        return []

    def format_title(self, title: str, sub_title: str) -> Content:
        """Over SSH the header also names who is connected (the key that logged in)."""
        if user := os.environ.get(SSH_USER_ENV):
            sub_title = " · ".join(part for part in (f"ssh: {visible(user)}", sub_title) if part)
        return super().format_title(title, sub_title)

    def get_default_screen(self) -> Screen:
        return MainScreen(self.source, refresh_seconds=self.refresh_seconds)

    def on_mount(self) -> None:
        """Report what of the settings and themes could not be used; remember later choices."""
        self._persist_theme = True
        for problem in self._problems:
            self.notify(visible(problem), title="Settings", severity="warning", timeout=10, markup=False)

    def watch_theme(self, theme: str) -> None:
        """Remember a theme the user picks (not the one applied at start-up)."""
        if self._persist_theme and theme != self.settings.theme:
            self.settings.theme = theme
            try:
                save_settings(self.settings)
            except OSError as exc:
                self.notify(f"the theme choice could not be saved: {exc}", severity="warning", markup=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not self.cursor_blink and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Theme":
                yield command
        yield SystemCommand("Change theme", "Pick a colour theme; the choice is remembered", self.action_change_theme)

    def _handle_exception(self, error: Exception) -> None:
        """Textual ends the app with status 1 and prints the traceback, locals included: the
        traceback goes to a private log file instead, and the terminal gets one line naming it.

        Once the app is quitting, a widget whose children Textual has already taken down can
        still run an update queued before the quit (a title, a pane's first page) and find
        nothing to update: that changes nothing, and a clean quit stays status 0."""
        if self.return_code is not None and isinstance(error, NoMatches):
            return
        super()._handle_exception(error)
        self._exit_renderables.clear()
        self._exit_renderables.append(Text(crash_message(error, write_crash_log(error)), style="bold red"))

    async def action_quit(self) -> None:
        """Quit; while long work runs (an import, a send, a workspace deletion), ask first and
        say what happens to it. ctrl+q again while asking quits. Quitting after the database
        failed to open ends with status 1 and the reason on the terminal, as the CLI would."""
        from tui.work_in_flight import work_in_flight

        if isinstance(self.screen, OpenFailedScreen):
            self.exit(return_code=1, message=Text(f"error: {visible(self.screen.reason, keep_lines=True)}"))
            return
        busy = [] if self._asking_to_quit else work_in_flight(self.screen_stack)
        if not busy:
            self.exit()
            return
        self._asking_to_quit = True
        question = Content("\n\n".join([*busy, "Quit anyway?"]))
        self.push_screen(ConfirmDialog("Quit", question, "Quit"), self._quit_answered)

    def _quit_answered(self, yes: bool | None) -> None:
        self._asking_to_quit = False
        if yes:
            self.exit()

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from tui.key_table import PANES

        screen = self.screen
        keys = keys_of(screen)
        focused_pane = next((binding_id.partition(".")[0] for _, _, binding_id in keys if binding_id), "")
        where = PANES.get(focused_pane) or getattr(screen, "heading", "") or self.title
        self.push_screen(HelpDialog(where, keys))


def run_app(source: DatabaseSource) -> None:
    """Run the app; an unexpected error, or a database that does not open, ends the process
    with a non-zero status."""
    app = SwitchboardApp(source)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)
