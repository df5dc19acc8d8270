"""`switchboard people ...`"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import click

from tui.cli.output import emit, expected_version_option, iso, json_option, table, workspace_option
from tui.cli.progress_file import ProgressFile
from tui.cli.progress_meter import ProgressMeter
from tui.cli.state import CliState, pass_state
from tui.core import attributes, people_list
from tui.core import people as core
from tui.core.errors import InvalidInput
from tui.core.events import person_devices
from tui.core.people import PersonInfo
from tui.core.people_import import ImportProgress, ImportReport, import_people
from tui.core.text import visible

INTERRUPTED_EXIT = 130  # the shell's convention for a command stopped by Ctrl-C


def person_json(person: PersonInfo) -> dict[str, Any]:
    return {
        "cio_id": person.cio_id,
        "id": person.id,
        "email": person.email,
        "attributes": person.attributes,
        "unsubscribed": person.unsubscribed,
        "created_at": iso(person.created_at),
        "updated_at": iso(person.updated_at),
        "version": person.version,
    }


def _describe(person: PersonInfo) -> str:
    fields = (("id", person.id), ("email", person.email))
    known = [f"{label}: {visible(value)}" for label, value in fields if value is not None]
    return f"{person.reference} ({', '.join(known)})" if known else person.reference


def _details(person: PersonInfo) -> list[str]:
    lines = [
        f"cio_id:     {person.reference}",
        f"id:         {visible(person.id) if person.id is not None else '-'}",
        f"email:      {visible(person.email) if person.email is not None else '-'}",
        f"created:    {iso(person.created_at)}",
        f"updated:    {iso(person.updated_at)}",
        f"version:    {person.version}",
        f"subscribed: {'no (unsubscribed)' if person.unsubscribed else 'yes'}",
        "attributes:" if person.attributes else "attributes: none",
    ]
    lines += [f"  {visible(name)}: {_shown(value)}" for name, value in person.attributes.items()]
    return lines


def _shown(value: Any) -> str:
    """Strings as they are, other values as JSON; control characters made visible either way."""
    return visible(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _changes(pairs: tuple[str, ...], attrs_json: str | None) -> dict[str, Any]:
    """`--attrs-json` first, then each `--attr K=V` on top."""
    changes = attributes.load_json_option(attrs_json) if attrs_json is not None else {}
    changes.update(attributes.parse_pairs(pairs))
    return changes


attr_option = click.option(
    "--attr", "pairs", multiple=True, metavar="K=V", help="Set an attribute to a string (repeatable)."
)
attrs_json_option = click.option(
    "--attrs-json", metavar="JSON|@FILE", help="Set attributes from a JSON object, or from a file holding one (@FILE)."
)
ref_argument = click.argument("ref", metavar="REF")


@click.group()
def people() -> None:
    """Add, import, find, change and delete people.

    REF names a person: cio_<hex>, or the workspace's identifier (the id, or the email).
    """


@people.command("add")
@workspace_option
@click.option("--id", "person_id", metavar="ID", help="The person's id (id workspaces).")
@click.option("--email", metavar="EMAIL", help="The person's email (required in email workspaces).")
@attr_option
@attrs_json_option
@json_option
@pass_state
def add_cmd(
    state: CliState,
    workspace: str,
    person_id: str | None,
    email: str | None,
    pairs: tuple[str, ...],
    attrs_json: str | None,
    as_json: bool,
) -> None:
    """Add a person, or update the one with the same identifier (merging attributes)."""
    result = core.add_person(state.db, workspace, id=person_id, email=email, attributes=_changes(pairs, attrs_json))
    emit(
        as_json,
        {"created": result.created, "person": person_json(result.person)},
        f"{'Created' if result.created else 'Updated'} {_describe(result.person)}",
    )


@people.command("import")
@workspace_option
@click.argument("file", metavar="FILE")
@click.option(
    "--progress-file",
    metavar="PATH",
    help="Write a JSON line to PATH after each committed batch (what survives a crash) and one at the end.",
)
@json_option
@pass_state
def import_cmd(state: CliState, workspace: str, file: str, progress_file: str | None, as_json: bool) -> None:
    """Import people from a CSV file (with a header row) or JSON Lines (.jsonl/.ndjson).

    Valid rows are imported and refused ones listed with their line; the exit status is 1 when
    any row was refused. Importing the same file again is safe: existing people are updated.
    """
    db = state.db
    meter = ProgressMeter()
    record = ProgressFile(progress_file, database=db.file_path, source=Path(file))

    def progress(step: ImportProgress) -> None:
        record.batch(step)
        meter.show(_import_line(step))

    report = import_people(db, workspace, file, progress=progress)
    record.end(report)
    meter.finish()
    emit(as_json, _report_json(report), lambda: _report_lines(file, report))
    if report.interrupted:
        where = f"the lines up to {report.last_line} were imported" if report.last_line else "nothing was imported"
        click.echo(
            f"interrupted: {where}; run the same import again to finish (people already imported are updated)",
            err=True,
        )
        raise click.exceptions.Exit(INTERRUPTED_EXIT) from None
    if report.rejected:
        raise InvalidInput(
            f"{report.rejected} row(s) of {file!r} were rejected (listed above); the valid rows were imported"
        )


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "created": report.created,
        "updated": report.updated,
        "rejected": report.rejected,
        "errors": [{"line": error.line, "reason": error.reason} for error in report.errors],
        "last_line": report.last_line,
        "interrupted": report.interrupted,
    }


def _report_lines(file: str, report: ImportReport) -> list[str]:
    lines = [
        f"Imported {visible(file)}: {report.created} created, {report.updated} updated, {report.rejected} rejected"
    ]
    lines += [f"  line {error.line}: {visible(error.reason)}" for error in report.errors]
    return lines


def _import_line(progress: ImportProgress) -> str:
    return (
        f"importing: line {progress.lines:,} ({progress.fraction:.0%}), {progress.created:,} created, "
        f"{progress.updated:,} updated, {progress.rejected:,} rejected"
    )


@people.command("list")
@workspace_option
@click.option(
    "--search",
    metavar="TEXT",
    help="Identifiers containing TEXT (ignoring case), ^TEXT starting with it, or KEY:VALUE an attribute equal to it.",
)
@click.option(
    "--sort",
    default="ident",
    show_default=True,
    metavar="ORDER",
    help="ident, created or attr:NAME (an attribute's text; reads the whole workspace).",
)
@click.option("--desc", is_flag=True, help="In descending order.")
@click.option(
    "--limit", type=int, default=people_list.DEFAULT_LIMIT, show_default=True, help=f"At most {people_list.MAX_LIMIT}."
)
@click.option("--after", metavar="CURSOR", help="Start after this cursor (the `next` of the previous page).")
@click.option("--before", metavar="CURSOR", help="The page just before this cursor (the `previous` of a page).")
@click.option("--last", is_flag=True, help="The last page.")
@json_option
@pass_state
def list_cmd(
    state: CliState,
    workspace: str,
    search: str | None,
    sort: str,
    desc: bool,
    limit: int,
    after: str | None,
    before: str | None,
    last: bool,
    as_json: bool,
) -> None:
    """List people in identifier order (or another), a page at a time."""
    page = people_list.list_people(
        state.db,
        workspace,
        search=search,
        sort=people_list.PeopleSort(sort, desc),
        limit=limit,
        after=after,
        before=before,
        last=last,
    )

    def lines() -> list[str]:
        if not page.people:
            return [
                "No people match."
                if search or after or before
                else "No people yet: add one with `people add` or `people import`."
            ]
        by_id = any(person.id is not None for person in page.people)
        headers = ["ID", "EMAIL", "CIO_ID", "UPDATED"] if by_id else ["EMAIL", "CIO_ID", "UPDATED"]
        rows = [
            ([person.id] if by_id else []) + [person.email, person.reference, iso(person.updated_at)]
            for person in page.people
        ]
        out = table(headers, rows)
        if page.previous is not None:
            out.append(f"Earlier: --before {visible(shlex.quote(page.previous))}")
        if page.next is not None:
            out.append(f"More: --after {visible(shlex.quote(page.next))}")
        return out

    emit(
        as_json,
        {"people": [person_json(person) for person in page.people], "next": page.next, "previous": page.previous},
        lines,
    )


@people.command("show")
@workspace_option
@ref_argument
@json_option
@pass_state
def show_cmd(state: CliState, workspace: str, ref: str, as_json: bool) -> None:
    """Show one person, with their devices."""
    person = core.get_person(state.db, workspace, ref)
    devices = person_devices(state.db, workspace, person.reference)
    shown = {
        **person_json(person),
        "devices": [
            {"token": d.token, "platform": d.platform, "last_used": iso(d.last_used), "attributes": d.attributes}
            for d in devices
        ],
    }

    def lines() -> list[str]:
        listed = [f"  {visible(d.token)} ({d.platform}, last used {iso(d.last_used) or '-'})" for d in devices]
        return [*_details(person), "devices:" if devices else "devices: none", *listed]

    emit(as_json, shown, lines)


@people.command("update")
@workspace_option
@ref_argument
@click.option("--id", "person_id", metavar="ID", help="A new id (id workspaces); the cio_id stays.")
@click.option("--email", metavar="EMAIL", help='A new email; in an id workspace "" removes it.')
@attr_option
@attrs_json_option
@click.option("--unset", multiple=True, metavar="K", help="Remove an attribute (repeatable).")
@expected_version_option("person")
@json_option
@pass_state
def update_cmd(
    state: CliState,
    workspace: str,
    ref: str,
    person_id: str | None,
    email: str | None,
    pairs: tuple[str, ...],
    attrs_json: str | None,
    unset: tuple[str, ...],
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Change a person's id, email or attributes."""
    person = core.update_person(
        state.db,
        workspace,
        ref,
        id=person_id,
        email=email,
        attributes=_changes(pairs, attrs_json),
        unset=unset,
        expected_version=expected_version,
    )
    emit(as_json, person_json(person), f"Updated {_describe(person)}")


@people.command("delete")
@workspace_option
@ref_argument
@json_option
@pass_state
def delete_cmd(state: CliState, workspace: str, ref: str, as_json: bool) -> None:
    """Delete a person and their messages (billing still counts them for this period)."""
    person = core.delete_person(state.db, workspace, ref)
    emit(as_json, {"deleted": True, "person": person_json(person)}, f"Deleted {_describe(person)}")
