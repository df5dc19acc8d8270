"""A running bulk import of people: a progress bar at the foot of the People pane, and its worker.

The import runs in a thread worker while the rest of the app stays usable. Progress arrives
after each committed batch; cancelling makes the next progress call raise KeyboardInterrupt,
which `import_people` turns into a report of what was committed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ProgressBar, Static

from tui.core.db import Database
from tui.core.people_import import ImportProgress, ImportReport, import_people
from tui.dialogs.people_import_summary import ImportOutcome
from tui.parts.core_work import CoreWork
from tui.parts.literal import literal


class ImportBar(CoreWork, Vertical):
    """Hidden until `start`: what is being imported and how far it got, over a progress bar.
    Posts `Finished` when the import ends."""

    DEFAULT_CSS = """
    ImportBar {
        display: none;
        height: 2;
        background: $boost;
        &.-running { display: block; }
        #import-label { text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    @dataclass
    class Progressed(Message):
        progress: ImportProgress

    @dataclass
    class Finished(Message):
        outcome: ImportOutcome

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self._cancel = threading.Event()
        self._about: tuple[str, Path] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="import-label")
        yield ProgressBar(total=1.0, id="import-progress")

    @property
    def running(self) -> bool:
        return self._about is not None

    def start(self, workspace: str, path: Path) -> None:
        """Import `path` into the workspace named `workspace`."""
        self._cancel.clear()
        self._about = (workspace, path)
        self.add_class("-running")
        bar = self.query_one(ProgressBar)
        bar.update(total=None)  # the ETA starts again: the same total would keep the last import's samples
        bar.update(total=1.0, progress=0)
        self._label(Content.assemble("Importing ", literal(path.name, "bold"), " into ", literal(workspace)))
        self.run_import(workspace, path)

    def cancel(self) -> None:
        """Stop after the batch being written; what was committed stays."""
        if self.running and not self._cancel.is_set():
            self._cancel.set()
            self._label("Cancelling after this batch…")

    def on_unmount(self) -> None:
        self._cancel.set()

    def run_import(self, workspace: str, path: Path) -> None:
        run = partial(import_people, self.db, workspace, path, progress=self._progress)
        self.run_core(run, self._imported, group="people-import")

    def _progress(self, progress: ImportProgress) -> None:
        """In the worker thread, after each committed batch."""
        if self._cancel.is_set():
            raise KeyboardInterrupt
        self.post_message(self.Progressed(progress))  # thread-safe, never blocks the import

    def on_import_bar_progressed(self, message: Progressed) -> None:
        message.stop()
        progress = message.progress
        self.query_one(ProgressBar).update(progress=progress.fraction)
        if not self._cancel.is_set():
            done = (
                f"line {progress.lines:,} · {progress.created:,} new · {progress.updated:,} updated"
                f" · {progress.rejected:,} rejected"
            )
            name = self._about[1].name if self._about else ""
            self._label(Content.assemble(literal(name, "bold"), f" {done}"))

    def _label(self, text: Content | str) -> None:
        self.query_one("#import-label", Static).update(text)

    def _imported(self, report: ImportReport) -> None:
        self._finish(report=report)

    def core_failed(self, message: str) -> None:
        self._finish(error=message)

    def _finish(self, *, report: ImportReport | None = None, error: str | None = None) -> None:
        if self._about is None:
            return
        workspace, path = self._about
        self._about = None
        self.remove_class("-running")
        self.post_message(self.Finished(ImportOutcome(workspace, path, report, error)))
