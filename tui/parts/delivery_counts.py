"""Queued / delivered / failed counts (the kept counters of tui.core.message_counts) as a line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from tui.core.message_counts import MessageCounts


def delivery_counts(counts: MessageCounts) -> Content:
    """`3 queued · 120 delivered · 2 failed`, each in its colour; the failed ones only when any."""
    parts = [
        Content.styled(f"{counts.queued:,} queued", "$text-warning" if counts.queued else "$text-muted"),
        Content.styled(f"{counts.delivered:,} delivered", "$text-success" if counts.delivered else "$text-muted"),
    ]
    if counts.failed:
        parts.append(Content.styled(f"{counts.failed:,} failed", "$text-error"))
    return Content(" · ").join(parts)


def delivery_counts_short(counts: MessageCounts) -> Content:
    """`3 queued ✓120 ✗2` for a list row (the sidebar); the failed ones only when any, in bold.
    The glyphs carry the meaning, not colour: the row may be on the highlight, where the signal
    colours do not read (yellow on the contrast theme's yellow)."""
    parts = [Content.styled(f"{counts.queued:,} queued ✓{counts.delivered:,}", "dim")]
    if counts.failed:
        parts.append(Content.styled(f"✗{counts.failed:,}", "bold"))
    return Content(" ").join(parts)
