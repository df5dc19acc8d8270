"""C4: every render is bounded, and no render holds a write transaction."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from factories import EMAIL, add_campaign, add_person, make_workspace
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tui.core import people, preview, sending, templates
from tui.core.db import Database
from tui.core.messages import list_messages

NESTED_LOOPS = "{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}"
HUGE_OUTPUT = "{% for a in (1..99000) %}xxxxxxxxxxxxxxxxxxxx{% endfor %}"
DOUBLING = '{% assign s = "xxxxxxxxxx" %}{% for a in (1..25) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}'
# Well inside the iteration bound, but thousands of filter calls: slow next to a tiny time bound.
SLOW = '{% for a in (1..90000) %}{% assign t = "abc" | append: a | replace: "1", "2" | upcase %}{% endfor %}done'


@pytest.fixture
def tiny_time_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.05)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (NESTED_LOOPS, "template stopped: more than 100,000 loop iterations"),
        (HUGE_OUTPUT, "template stopped: its output is over 1,000,000 bytes"),
        (DOUBLING, "template stopped: its variables hold more than 2,000,000 bytes"),
    ],
)
def test_C4_a_render_past_a_resource_bound_stops_with_its_reason(source: str, reason: str) -> None:
    with pytest.raises(templates.TemplateRenderError, match=f"^{reason}$"):
        templates.render(source, {})


def test_C4_a_render_past_its_time_bound_stops(tiny_time_bound: None) -> None:
    with pytest.raises(
        templates.TemplateRenderError, match=r"^template stopped: rendering took more than 0.05 seconds$"
    ):
        templates.render(SLOW, {})
    assert templates.render("Hi {{ customer.name }}", {"customer": {"name": "Ann"}}) == "Hi Ann"


def test_C4_the_time_bound_covers_included_and_rendered_contexts_too(tiny_time_bound: None) -> None:
    """A `capture` or a nested loop runs in a copy of the context: it keeps the render's deadline."""
    source = "{% capture c %}" + SLOW + "{% endcapture %}{{ c }}"
    with pytest.raises(templates.TemplateRenderError, match="rendering took more than"):
        templates.render(source, {})


def test_C4_a_bounded_template_fails_only_its_own_message_in_a_send(db: Database) -> None:
    ws = make_workspace(db)
    for email in ("ann@example.com", "bob@example.com"):
        add_person(db, ws, email)
    add_campaign(db, ws, "Loops", [EMAIL, ("email", {"subject": "Hi", "body": NESTED_LOOPS})])
    result = sending.send_campaign(db, "Acme", "Loops")
    assert (result.queued, result.failed) == (2, 2)
    reasons = {m.reason for m in list_messages(db, "Acme") if m.status == "failed"}
    assert reasons == {"the body template failed: template stopped: more than 100,000 loop iterations"}


def test_C4_preview_of_a_bounded_template_says_why_it_stopped(db: Database, tiny_time_bound: None) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    add_campaign(db, ws, "Slow", [("email", {"subject": "Hi", "body": SLOW})])
    shown = preview.preview_message(db, "Acme", "Slow", "ann@example.com", step=1)
    assert (
        shown.fails
        and shown.reason == "the body template failed: template stopped: rendering took more than 0.05 seconds"
    )


def _write_lock_is_free(db: Database) -> bool:
    """Whether another connection can take the write lock now (SQLite) or the campaign rows'
    locks (PostgreSQL), without waiting."""
    if db.is_sqlite:
        probe = sqlite3.connect(make_url(db.url).database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    engine = create_engine(make_url(db.url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '100ms'"))
            conn.execute(text("SELECT id FROM campaigns FOR UPDATE"))
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


def test_C4_no_render_happens_inside_a_write_transaction(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer can take the lock while a send renders: a slow template blocks nobody."""
    ws = make_workspace(db)
    for email in ("ann@example.com", "bob@example.com", "cy@example.com"):
        add_person(db, ws, email)
    add_campaign(db, ws, "Hello", [EMAIL])
    lock_free_while_rendering: list[bool] = []
    render = templates.render

    def probing_render(source: str, context: Any) -> str:
        lock_free_while_rendering.append(_write_lock_is_free(db))
        return render(source, context)

    monkeypatch.setattr(templates, "render", probing_render)
    assert sending.send_campaign(db, "Acme", "Hello", batch_size=2).queued == 3
    assert lock_free_while_rendering and all(lock_free_while_rendering)


def test_C4_a_person_deleted_while_their_batch_renders_gets_no_message(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering outside the write means the batch is checked again when it is stored."""
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    bob = add_person(db, ws, "bob@example.com")
    add_campaign(db, ws, "Hello", [EMAIL])
    render = templates.render
    deleted: list[str] = []

    def render_then_delete_bob(source: str, context: Any) -> str:
        if not deleted:
            deleted.append(bob)
            people.delete_person(db, "Acme", f"cio_{bob}")
        return render(source, context)

    monkeypatch.setattr(templates, "render", render_then_delete_bob)
    result = sending.send_campaign(db, "Acme", "Hello")
    assert (result.queued, result.skipped) == (1, 1)
    assert [m.recipient for m in list_messages(db, "Acme")] == ["ann@example.com"]
