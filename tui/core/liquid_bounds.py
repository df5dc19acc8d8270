"""A Liquid environment whose renders stop at resource bounds, wall-clock time included.

python-liquid bounds loop iterations, output size, local variables and context depth itself.
Time it does not bound, so the render context (Liquid's documented extension point:
`BoundTemplate.context_class`) checks a deadline whenever a template resolves a variable, calls
a filter, assigns, or enters a loop, which is where a long render spends its time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from liquid import BoundTemplate, Environment, RenderContext
from liquid.exceptions import ResourceLimitError

_DEADLINE: ContextVar[float] = ContextVar("liquid_render_deadline", default=math.inf)


class RenderTimeout(ResourceLimitError):
    """A render ran past its deadline."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Renders started in this block (in this thread) stop after `seconds`."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class _DeadlineContext(RenderContext):
    def __init__(self, template: BoundTemplate, **kwargs: Any) -> None:
        super().__init__(template, **kwargs)
        parent = kwargs.get("parent_context")
        self.deadline: float = parent.deadline if isinstance(parent, _DeadlineContext) else _DEADLINE.get()

    def _check(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderTimeout("render time limit reached", token=None)

    def resolve(self, *args: Any, **kwargs: Any) -> Any:
        self._check()
        return super().resolve(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        self._check()
        return super().get(*args, **kwargs)

    def filter(self, *args: Any, **kwargs: Any) -> Any:
        self._check()
        return super().filter(*args, **kwargs)

    def assign(self, key: str, val: Any) -> None:
        self._check()
        super().assign(key, val)

    def raise_for_loop_limit(self, length: int = 1) -> None:
        self._check()
        super().raise_for_loop_limit(length)


class _DeadlineTemplate(BoundTemplate):
    context_class = _DeadlineContext


def bounded_environment(
    *, loop_iterations: int, output_bytes: int, locals_bytes: int, context_depth: int
) -> Environment:
    """An environment (the default Undefined: unknown variables render empty) with these bounds;
    its renders also stop at the deadline of the enclosing `time_limit`."""
    bounds = {
        "loop_iteration_limit": loop_iterations,
        "output_stream_limit": output_bytes,
        "local_namespace_limit": locals_bytes,
        "context_depth_limit": context_depth,
        "template_class": _DeadlineTemplate,
    }
    return type("BoundedEnvironment", (Environment,), bounds)()
