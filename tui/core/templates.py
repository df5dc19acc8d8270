"""Message text is Liquid (C3): parsing with line and column on errors, rendering, analysis.

Every render is bounded (C4): loop iterations, output size, the size of the template's own
variables, nesting of `render`/`include` contexts, and wall-clock time. A template that passes a
bound stops with `TemplateRenderError("template stopped: ...")`, which fails that one message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tui.core.errors import InvalidInput, TemplateProblem

if TYPE_CHECKING:
    from liquid import BoundTemplate, Environment
    from liquid.exceptions import LiquidError
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)

LOOP_ITERATIONS = 100_000
OUTPUT_BYTES = 1_000_000
LOCALS_BYTES = 2_000_000
CONTEXT_DEPTH = 10
RENDER_SECONDS = 2.0


class TemplateRenderError(Exception):
    """A template failed for one person's data (a filter error, say)."""


class UnstorableText(TemplateRenderError):
    """The render holds a lone surrogate (from data stored before such text was refused)."""


@lru_cache(maxsize=1)
def _env() -> Environment:
    """Liquid's environment, made on first use: importing Liquid is a tenth of the app's
    start-up, and the app needs it only once a template is shown or checked."""
    from tui.core.liquid_bounds import bounded_environment

    return bounded_environment(
        loop_iterations=LOOP_ITERATIONS,
        output_bytes=OUTPUT_BYTES,
        locals_bytes=LOCALS_BYTES,
        context_depth=CONTEXT_DEPTH,
    )


def _stopped_reason(error: Exception) -> str | None:
    """The sentence for a render that passed one of the bounds, or None for another error."""
    from liquid.exceptions import (
        ContextDepthError,
        LocalNamespaceLimitError,
        LoopIterationLimitError,
        OutputStreamLimitError,
    )

    from tui.core.liquid_bounds import RenderTimeout

    if isinstance(error, LoopIterationLimitError):
        return f"template stopped: more than {LOOP_ITERATIONS:,} loop iterations"
    if isinstance(error, OutputStreamLimitError):
        return f"template stopped: its output is over {OUTPUT_BYTES:,} bytes"
    if isinstance(error, LocalNamespaceLimitError):
        return f"template stopped: its variables hold more than {LOCALS_BYTES:,} bytes"
    if isinstance(error, ContextDepthError):
        return f"template stopped: render and include nest more than {CONTEXT_DEPTH} deep"
    if isinstance(error, RenderTimeout):
        return f"template stopped: rendering took more than {RENDER_SECONDS:g} seconds"
    return None


def _liquid_error() -> type[LiquidError]:
    from liquid.exceptions import LiquidError

    return LiquidError


def _line_col(source: str, index: int) -> tuple[int, int]:
    before = source[:index]
    line = before.count("\n") + 1
    column = index - (before.rfind("\n") + 1) + 1
    return line, column


def _error_index(source: str, error: LiquidError) -> int:
    """Where in `source` the error is. Some Liquid errors carry no position: find the first
    tag whose prefix of the template already fails the same way, else the end of the text."""
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "start_index", -1) >= 0:
        return int(token.start_index)
    for match in _TAG.finditer(source):
        try:
            _env().from_string(source[: match.end()])
        except _liquid_error() as again:
            if again.message == error.message:
                return match.start()
    return len(source)


@lru_cache(maxsize=1024)
def parse(source: str, field: str = "template") -> BoundTemplate:
    """The parsed template, or TemplateProblem naming the field, line and column of the error."""
    try:
        template = _env().from_string(source)
    except _liquid_error() as exc:
        line, column = _line_col(source, _error_index(source, exc))
        raise TemplateProblem(field, line, column, str(exc.message)) from None
    for name in template.filter_names():
        if name not in _env().filters:
            found = re.search(r"\|\s*" + re.escape(name) + r"\b", source)
            line, column = _line_col(source, found.start() if found else len(source))
            raise TemplateProblem(field, line, column, f"unknown filter {name!r}", syntax=False)
    return template


def validate(source: str, field: str) -> str:
    """`source` if it parses; TemplateProblem (an InvalidInput) naming `field` if not."""
    parse(source, field)
    return source


def render(source: str, context: Mapping[str, Any]) -> str:
    """Render with `customer`, `campaign` and `workspace`; undefined variables are empty.

    TemplateProblem when `source` does not parse (named "template"), TemplateRenderError when
    it fails for this context's data."""
    from tui.core.liquid_bounds import time_limit

    template = parse(source)
    try:
        with time_limit(RENDER_SECONDS):
            return template.render(**context)
    except InvalidInput:
        raise
    except _liquid_error() as exc:
        raise TemplateRenderError(_stopped_reason(exc) or exc.message) from None
    except RecursionError:
        raise TemplateRenderError("template stopped: its data is nested too deeply") from None
    except UnicodeEncodeError:  # the output bound counts UTF-8 bytes: a lone surrogate fails there
        raise UnstorableText("the text holds a lone surrogate") from None
    except Exception as exc:  # a filter may raise anything on odd data
        raise TemplateRenderError(str(exc)) from None


def variable_paths(source: str) -> set[str]:
    """The global variable paths a template reads (e.g. `customer.id`), from Liquid's analysis."""
    return set(parse(source).global_variable_paths())
