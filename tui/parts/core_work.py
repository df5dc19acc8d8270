"""Calling core off the UI thread, with its outcome back on the UI thread: the app's one path.

A node (screen, widget or dialog) mixes in `CoreWork` and calls
`self.run_core(call, done, group=...)`. `call` runs in a thread worker; when it returns,
`done(result)` runs on the UI thread, typed by what `call` returns. When core refuses (a domain
or database error), the exception goes to `refused` if the call gave one, else to the node's one
failure handler, `core_failed(sentence)`. Anything else is a bug and is raised.

Calls in one group are exclusive: a new call cancels the one before it, whose outcome is then
dropped (a reload that arrives late never overwrites a newer one). Calls in different groups run
side by side. Once the app is quitting, outcomes are dropped: the widgets they would update are
being taken down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState, get_current_worker

from tui.core.errors import refusal

if TYPE_CHECKING:
    from sqlalchemy.exc import SQLAlchemyError

    from tui.core.errors import SwitchboardError

T = TypeVar("T")
# A name for annotations only: importing SQLAlchemy here would put it before the first frame.
CoreError: TypeAlias = "SwitchboardError | SQLAlchemyError"


class Dropped(Exception):
    """Raised in a thread worker whose call was dropped, to stop it early (see `stop_if_dropped`)."""


def stop_if_dropped() -> None:
    """In a worker thread, from a core call's progress callback: stop the call when its worker
    was dropped (a newer call replaced it), as its outcome would be dropped anyway."""
    if get_current_worker().is_cancelled:
        raise Dropped


def error_text(error: CoreError) -> str:
    """The sentence to show for a refused core call."""
    return refusal(error) or str(error)


@dataclass(frozen=True)
class _Outcome:
    done: Callable[[Any], object]
    refused: Callable[[CoreError], object] | None


_OUTCOMES: WeakKeyDictionary[Worker[Any], _Outcome] = WeakKeyDictionary()


class CoreWork:
    """Mixin for a DOM node whose thread workers call core (see the module docstring)."""

    def run_core(
        self,
        call: Callable[[], T],
        done: Callable[[T], object],
        *,
        group: str = "core",
        refused: Callable[[CoreError], object] | None = None,
    ) -> Worker[T]:
        """Run `call` off the UI thread; then `done(result)`, or `refused(error)` / `core_failed`."""
        self.drop_core(group)
        node = cast(DOMNode, self)
        worker = node.run_worker(call, name=group, group=group, thread=True, exclusive=True, exit_on_error=False)
        _OUTCOMES[worker] = _Outcome(done, refused)
        return worker

    def core_busy(self, group: str = "core") -> bool:
        """A call in `group` is under way (its outcome not yet handled)."""
        return any(worker.node is self and worker.group == group for worker in _OUTCOMES)

    def drop_core(self, group: str = "core") -> None:
        """Forget the call under way in `group`: its outcome, even if already on its way, is dropped."""
        for older in [worker for worker in _OUTCOMES if worker.node is self and worker.group == group]:
            older.cancel()
            del _OUTCOMES[older]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.node is not self or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        outcome = _OUTCOMES.pop(worker, None)
        if outcome is None or cast(DOMNode, self).app.return_code is not None:
            return  # dropped, or the app is quitting: its widgets are going, nothing is shown now
        if event.state is WorkerState.SUCCESS:
            outcome.done(worker.result)
            return
        error = worker.error
        sentence = refusal(error) if error is not None else None
        if sentence is None:
            raise error if error is not None else RuntimeError("a worker failed without an error")
        if outcome.refused is not None:
            outcome.refused(cast("CoreError", error))
        else:
            self.core_failed(sentence)

    def core_failed(self, message: str) -> None:
        """A core call was refused with `message` (untrusted text: render it literally)."""
