"""Messages per day as a bar chart: a value axis on the left, dates under the bars; the bars
share the whole width (some a column wider than others when the width does not divide)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.billing import DayCount

EIGHTHS = " ▁▂▃▄▅▆▇█"
WEEK = 7


def day_label(day: DayCount) -> str:
    """'Mar 15'."""
    return f"{day.day:%b} {day.day.day}"


def column_widths(width: int, count: int) -> list[int]:
    """`count` columns that fill `width` (at least 1 each), as even as they can be."""
    width = max(width, count)
    return [(n + 1) * width // count - n * width // count for n in range(count)]


def date_line(days: Sequence[DayCount], columns: Sequence[int]) -> str:
    """Dates under the bars: the last day's under the last bar, then a week apart, as many as fit."""
    starts = [sum(columns[:n]) for n in range(len(columns))]
    width = sum(columns)
    line = [" "] * width
    free_until = width  # labels are placed from the right; each must end before the previous starts
    for index in range(len(days) - 1, -1, -WEEK):
        label = day_label(days[index])
        start = min(starts[index], width - len(label))
        if start < 0 or start + len(label) > free_until:
            continue
        line[start : start + len(label)] = label
        free_until = start - 1
    return "".join(line)


def bar_rows(values: Sequence[int], rows: int, columns: Sequence[int]) -> list[str]:
    """`rows` lines of bars from the top down, each value as wide as its column (less a gap
    when there is room); bars scale from 0 to the largest value, and any value above 0 shows."""
    top = max(values)
    eighths = [0 if value <= 0 else max(1, round(value * rows * 8 / top)) for value in values]
    lines = []
    for row in range(rows):
        floor = (rows - 1 - row) * 8
        lines.append(
            "".join(
                (EIGHTHS[min(8, max(0, e - floor))] * max(1, column - 1)).ljust(column)
                for e, column in zip(eighths, columns, strict=True)
            )
        )
    return lines


class BillingChart(Widget):
    """Draws `days` (oldest first) to fill its size."""

    DEFAULT_CSS = """
    BillingChart { width: 1fr; height: 1fr; min-height: 5; }
    """

    days: reactive[tuple[DayCount, ...]] = reactive(())

    def render(self) -> Content:
        days = self.days
        width, height = self.size
        if not days or height < 3:
            return Content()
        values = [day.messages for day in days]
        top = max(values)
        axis_width = len(f"{top:,}")
        columns = column_widths(width - axis_width - 1, len(days))
        plot_width = sum(columns)
        rows = height - 2
        muted = "$foreground-muted"
        if top:
            bars = bar_rows(values, rows, columns)
        else:
            bars = [""] * rows
            bars[rows // 2] = "No messages were sent in these days.".center(plot_width)
        lines = [
            Content.assemble(
                Content.styled(f"{top:>{axis_width},}┤" if row == 0 else " " * axis_width + "│", muted),
                Content.styled(text, "$accent" if top else muted),
            )
            for row, text in enumerate(bars)
        ]
        lines.append(Content.styled(f"{0:>{axis_width}}└" + "─" * plot_width, muted))
        lines.append(Content.styled(" " * (axis_width + 1) + date_line(days, columns), muted))
        return Content("\n").join(lines)
