"""The contrast theme is readable everywhere (issue 10): every piece of text on the main tabs,
the focused sidebar, a person, Billing and Help stands at least 4.5:1 against its background
(WCAG AA for normal text), highlighted rows included. Measured on the colours Textual composes."""

from __future__ import annotations

import pytest
from app_factory import pilot_test, press, running, settle
from rich.color import Color
from textual.pilot import Pilot
from wizard_helpers import demo

from tui.core.db import Database

AA = 4.5
VIEWS = (("p",), ("c",), ("c", "enter"), ("w",), ("t",), ("M",), ("p", "enter"), ("B",), ("f1",))


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(foreground: Color, background: Color) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def low_contrast_text(pilot: Pilot) -> list[tuple[float, int, str]]:
    """(ratio, line, text) of every piece of text (letters or digits) below AA on the screen; on a
    dialog, inside the dialog (the screen behind it is dimmed on purpose)."""
    screen = pilot.app.screen
    dialogs = screen.query(".dialog")
    region = dialogs.first().region if dialogs else screen.region
    update = screen._compositor.render_update(full=True)
    low = []
    for y, line in enumerate(update.strips):
        x = 0
        for strip in line:
            for segment in strip:
                style, at = segment.style, x
                x += segment.cell_length
                if style is None or style.color is None or style.bgcolor is None:
                    continue
                if region.contains(at, y) and any(ch.isalnum() for ch in segment.text):
                    ratio = contrast(style.color, style.bgcolor)
                    if ratio < AA:
                        low.append((round(ratio, 2), y, segment.text.strip()))
    return low


@pilot_test
async def test_every_text_in_the_contrast_theme_reaches_aa_contrast(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWITCHBOARD_THEME", "contrast")
    demo(db)
    async with running(db, size=(100, 30)) as pilot:
        for keys in VIEWS:
            await press(pilot, *keys)
            await settle(pilot)
            assert low_contrast_text(pilot) == [], keys
            while len(pilot.app.screen_stack) > 1:
                await press(pilot, "escape")
            await press(pilot, "escape")
