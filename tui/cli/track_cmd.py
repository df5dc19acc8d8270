"""`switchboard events list` and `switchboard activity`: what the Track API stored and did."""

from __future__ import annotations

import json
from typing import Any

import click

from tui.cli.output import emit, iso, json_option, table, workspace_option
from tui.cli.state import CliState, pass_state
from tui.core import activity as core_activity
from tui.core import events as core_events
from tui.core.text import visible


def _more(cursor: str | None) -> list[str]:
    return [f"More: --after {cursor}"] if cursor is not None else []


@click.group()
def events() -> None:
    """Events, page views and screen views sent to the Track API."""


@events.command("list")
@workspace_option
@click.option("--person", metavar="REF", help="Only this person's events (cio_<hex> or the identifier).")
@click.option("--name", metavar="N", help="Only events with this name.")
@click.option(
    "--limit", type=int, default=core_events.DEFAULT_LIMIT, show_default=True, help=f"At most {core_events.MAX_LIMIT}."
)
@click.option("--after", metavar="CURSOR", help="Start after this cursor (the `next` of the previous page).")
@json_option
@pass_state
def list_cmd(
    state: CliState,
    workspace: str,
    person: str | None,
    name: str | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> None:
    """List events, newest first, a page at a time."""
    page = core_events.list_events(state.db, workspace, person=person, name=name, limit=limit, after=after)

    def as_dict(event: core_events.EventInfo) -> dict[str, Any]:
        return {
            "id": event.id,
            "name": event.name,
            "type": event.type,
            "data": event.data,
            "timestamp": iso(event.timestamp),
            "person": event.person,
        }

    def lines() -> list[str]:
        if not page.events:
            return ["No events yet: they arrive through `switchboard serve api`."]
        rows = [
            [
                iso(e.timestamp),
                e.type,
                visible(e.name),
                f"cio_{e.person}" if e.person else "-",
                visible(json.dumps(e.data, ensure_ascii=False)),
            ]
            for e in page.events
        ]
        return table(["TIME", "TYPE", "NAME", "PERSON", "DATA"], rows) + _more(page.next)

    emit(as_json, {"events": [as_dict(event) for event in page.events], "next": page.next}, lines)


@click.command()
@workspace_option
@click.option("--kind", type=click.Choice(core_activity.KINDS), help="Only entries of this kind.")
@click.option("--person", metavar="CIO_ID", help="Only entries about this person (cio_<hex>).")
@click.option(
    "--limit",
    type=int,
    default=core_activity.DEFAULT_LIMIT,
    show_default=True,
    help=f"At most {core_activity.MAX_LIMIT}.",
)
@click.option("--after", metavar="CURSOR", help="Start after this cursor (the `next` of the previous page).")
@json_option
@pass_state
def activity(
    state: CliState,
    workspace: str,
    kind: str | None,
    person: str | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> None:
    """What the Track API did in a workspace, newest first."""
    page = core_activity.list_activity(state.db, workspace, kind=kind, person=person, limit=limit, after=after)

    def as_dict(entry: core_activity.Activity) -> dict[str, Any]:
        return {"id": entry.id, "kind": entry.kind, "person": entry.person, "detail": entry.detail, "at": iso(entry.at)}

    def lines() -> list[str]:
        if not page.activity:
            return ["No activity yet: it appears as `switchboard serve api` takes requests."]
        rows = [[iso(a.at), a.kind, f"cio_{a.person}" if a.person else "-", visible(a.detail)] for a in page.activity]
        return table(["TIME", "KIND", "PERSON", "DETAIL"], rows) + _more(page.next)

    emit(as_json, {"activity": [as_dict(entry) for entry in page.activity], "next": page.next}, lines)
