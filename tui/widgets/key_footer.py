"""The Footer every screen uses."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Compact, with the command palette key listed among the others (not docked at the right,
    where a narrow terminal would draw it over the keys that do not fit)."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    async def recompose(self) -> None:
        """Rebuild the keys, then forget the removed keys' watchers of `compact`.

        Footer recomposes whenever the active bindings change (focus moves, a screen opens),
        and every FooterKey it yields watches the footer's `compact`. Textual prunes those
        watchers only when `compact` changes, which it never does here, so without this every
        change of focus would keep a footer's worth of dead widgets for the whole session.
        """
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if not (node._closing or node._closed)]
