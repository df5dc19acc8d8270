"""The Footer every screen uses."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Compact, with the command palette key listed among the others (not docked at the right,
    where a narrow terminal would draw it over the keys that do not fit)."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._recompose_due = False

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild the keys once after a burst of binding changes, not once per change.

        Footer schedules a whole recompose for every change of the screen's bindings, and a
        screen coming up changes them a score of times (every widget mounted, every focus);
        each recompose is ~10 ms of widgets and styles on the way to the first frame.
        """
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._recompose_due:
            self._recompose_due = True
            self.call_after_refresh(self._recompose_now)

    async def _recompose_now(self) -> None:
        self._recompose_due = False
        await self.recompose()

    async def recompose(self) -> None:
        """Rebuild the keys, then forget the removed keys' watchers of `compact`.

        Every FooterKey that Footer yields watches the footer's `compact`. Textual prunes those
        watchers only when `compact` changes, which it never does here, so without this every
        change of focus would keep a footer's worth of dead widgets for the whole session.
        """
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if not (node._closing or node._closed)]
