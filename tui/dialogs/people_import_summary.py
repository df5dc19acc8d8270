"""What a bulk import of people did: counts, and each rejected row with its line and reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from tui.core.people_import import ImportReport, RowError
from tui.core.text import visible
from tui.dialogs.dialog import Dialog
from tui.parts.literal import count, literal

REJECTED_SHOWN = 1000


def figures(created: int, updated: int, rejected: int) -> Content:
    """'2 created · 0 updated · 1 rejected', the numbers that are not 0 in colour."""

    def figure(n: int, what: str, style: str) -> Content:
        return Content.assemble(Content.styled(f"{n:,}", f"bold {style}" if n else "bold"), f" {what}")

    parts = [
        figure(created, "created", "$text-success"),
        figure(updated, "updated", "$text-primary"),
        figure(rejected, "rejected", "$text-error"),
    ]
    return Content(" · ").join(parts)


def rejected_rows(errors: Sequence[RowError]) -> Table:
    """`line N  reason`, reasons wrapping in their own column; reasons quote the file: literal text."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    for error in errors:
        grid.add_row(Text(f"line {error.line:,}"), Text(visible(error.reason)))
    return grid


@dataclass(frozen=True)
class ImportOutcome:
    """How an import ended: a report, or the refusal that stopped it before any row."""

    workspace: str
    path: Path
    report: ImportReport | None = None
    error: str | None = None


class ImportSummaryDialog(Dialog[None]):
    """Shows an ImportOutcome; Escape or Enter closes it."""

    DEFAULT_CSS = """
    ImportSummaryDialog .dialog {
        width: 96;
        #import-figures { margin-top: 1; }
        #import-warning { color: $text-warning; margin-top: 1; }
        #import-refused { color: $text-error; margin-top: 1; }
        #rejected-scroll { height: auto; max-height: 12; background: $boost; padding: 0 1; }
    }
    """
    BINDINGS = [Binding("escape,enter", "cancel", "Close", tooltip="Close the summary", id="import_summary.back")]

    def __init__(self, outcome: ImportOutcome) -> None:
        super().__init__()
        self.outcome = outcome
        report = outcome.report
        if report is None:
            self.heading = "Import refused"
        elif report.interrupted:
            self.heading = "Import cancelled"
        else:
            self.heading = "Import finished"

    def compose_body(self) -> ComposeResult:
        outcome, report = self.outcome, self.outcome.report
        yield Static(Content.assemble(literal(outcome.path.name, "bold"), " into ", literal(outcome.workspace, "bold")))
        if report is None:
            yield Static(Content.assemble("Nothing was imported: ", literal(outcome.error or "")), id="import-refused")
            return
        yield Static(figures(report.created, report.updated, report.rejected), id="import-figures")
        if report.interrupted:
            committed = "nothing was imported"
            if report.last_line:
                committed = f"the lines up to {report.last_line:,} are imported"
            again = "Importing the file again is safe: it updates, never duplicates."
            yield Static(f"Cancelled: {committed}. {again}", id="import-warning")
        if report.errors:
            cut = f", the first {REJECTED_SHOWN:,} shown" if report.rejected > REJECTED_SHOWN else ""
            yield Label(f"Rejected rows ({report.rejected:,}){cut}")
            with VerticalScroll(id="rejected-scroll"):
                yield Static(rejected_rows(report.errors[:REJECTED_SHOWN]), id="rejected")
        elif not report.interrupted:
            yield Static(f"Every row was imported ({count(report.created + report.updated, 'row')}).", classes="note")

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Close", variant="primary", compact=True, id="cancel")
