"""The Footer every screen uses."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "app.help"


class KeyFooter(Footer):
    """Compact, and never cuts a key in half: the keys that fit, in the screen's order, with the
    help key last, as "More" when some did not fit (F1 lists them all). Disabled keys take no room."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._recompose_due = False
        self._shown: list[tuple[Binding, str, str]] = []

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
        if not self.is_attached or self._pruning:  # its screen went meanwhile
            return
        if self._chosen() != self._shown:  # most binding changes leave the same keys in sight
            await self.recompose()

    def _chosen(self) -> list[tuple[Binding, str, str]]:
        """The keys to show, in order, each with its description and tooltip."""
        if not self._bindings_ready:
            return []
        screen = self.screen
        room = screen.size.width or self.app.size.width
        keys: list[tuple[Binding, str]] = []
        help_key: Binding | None = None
        actions: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in actions:
                continue
            actions.add(binding.action)
            if binding.action in (HELP_ACTION, "help"):
                help_key = binding
            else:
                keys.append((binding, active.tooltip))
        chosen, used = [], 0
        reserve = self._width(help_key, "More") if help_key else 0
        for binding, tooltip in keys:
            width = self._width(binding, binding.description)
            if used + width + reserve > room:
                break
            chosen.append((binding, binding.description, tooltip))
            used += width
        if help_key is not None:
            cut = len(chosen) < len(keys)
            chosen.append((help_key, "More" if cut else help_key.description, "Every key of this screen"))
        return chosen

    def compose(self) -> ComposeResult:
        self._shown = self._chosen()
        for binding, description, tooltip in self._shown:
            yield self._key(binding, description, tooltip)

    def _width(self, binding: Binding, description: str) -> int:
        """Cells a compact FooterKey takes: key, space, description, and its right margin."""
        return len(self.app.get_key_display(binding)) + 1 + len(description) + 1

    def _key(self, binding: Binding, description: str, tooltip: str) -> FooterKey:
        """A compact key, born compact: this footer never changes `compact`, so its keys are not
        bound to it (Footer binds each key, and the binding's watcher outlives the key until
        `compact` changes) and do not restyle themselves once mounted to add `-compact`."""
        display = self.app.get_key_display(binding)
        return FooterKey(binding.key, display, description, binding.action, tooltip=tooltip, classes="-compact")
