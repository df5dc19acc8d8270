"""Command palette (ctrl+p): the main screen's workspace commands, names shown literally."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.core.text import visible
from tui.screens.main import MainScreen

Command = tuple[str, Callable[[], object], str]  # title (plain text, never markup), callback, help


class WorkspaceCommands(Provider):
    """`Switch workspace: <name>` for each workspace, and the workspace actions of the main screen."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        commands: list[Command] = [
            (title, partial(screen.run_action, action), about)
            for title, action, about in screen.PALETTE
            if screen.check_action(action, ()) is not False
        ]
        commands += [
            (f"Switch workspace: {visible(ws.name)}", partial(screen.switch_to, ws.id), f"{ws.people:,} people")
            for ws in screen.workspaces
        ]
        return commands

    async def discover(self) -> Hits:
        for title, callback, about in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=about)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, about in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                display = Content(title)
                for offset in offsets:
                    display = display.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, display, callback, text=title, help=about)
