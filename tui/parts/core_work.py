"""Calling core off the UI thread: the outcome of a node's own thread workers, routed back.

A node (screen or widget) mixes in `CoreWork`, decorates a method that calls `tui.core` with
`@work(thread=True, exclusive=True, exit_on_error=False)` and returns the core result; when the
worker ends, `core_done(name, result)` or `core_failed(name, sentence)` runs on the UI thread,
`name` being the method's name. Domain and database errors become sentences; anything else is a
bug and is raised. A node that reads more than the sentence (a TemplateProblem's field, line and
column) overrides `core_refused(name, error)`, which sees the exception itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from textual.worker import Worker, WorkerState

from tui.core.errors import SwitchboardError


def error_text(error: BaseException | None) -> str:
    """The sentence to show for a refused core call."""
    if isinstance(error, SwitchboardError):
        return str(error)
    if isinstance(error, SQLAlchemyError):
        return f"the database failed: {getattr(error, 'orig', None) or error}"
    raise error if error is not None else RuntimeError("a worker failed without an error")


class CoreWork:
    """Mixin for a DOM node whose thread workers call core (see the module docstring)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.node is not self:
            return
        if event.state is WorkerState.SUCCESS:
            self.core_done(worker.name, worker.result)
        elif event.state is WorkerState.ERROR:
            self.core_refused(worker.name, worker.error)

    def core_done(self, name: str, result: Any) -> None:
        """The worker `name` returned `result`."""

    def core_refused(self, name: str, error: BaseException | None) -> None:
        """The worker `name` raised `error`; by default its sentence goes to `core_failed`."""
        self.core_failed(name, error_text(error))

    def core_failed(self, name: str, message: str) -> None:
        """The worker `name` was refused with `message` (untrusted text: render it literally)."""
