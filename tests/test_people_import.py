"""P8: bulk import from CSV and JSON Lines, in batches, with per-row line numbers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from tui.core import people, people_commit, people_import, people_reader, people_rows, workspaces
from tui.core.db import Database
from tui.core.errors import DatabaseError, InvalidInput, NotFound
from tui.core.models import Person, UsageDay, Workspace
from tui.core.people_import import ImportProgress, ImportReport, RowError, import_people

DAY = date(2026, 3, 15)
# The `shop` (email) and `apps` (id) workspaces are fixtures of conftest.py.


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def rows(db: Database, workspace: str) -> dict[str, tuple[str | None, dict]]:
    """ident -> (email, attributes), as stored."""
    with db.read() as session:
        ws_id = session.scalar(select(Workspace.id).where(Workspace.name == workspace))
        found = session.scalars(select(Person).where(Person.workspace_id == ws_id))
        return {p.ident: (p.email, p.attributes) for p in found}


def counted(db: Database, workspace: str) -> tuple[int, int]:
    """(real COUNT, people created by usage); asserts the kept counter equals the COUNT."""
    with db.read() as session:
        ws = session.scalar(select(Workspace).where(Workspace.name == workspace))
        real = session.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == ws.id))
        created = session.scalar(select(func.sum(UsageDay.people_created)).where(UsageDay.workspace_id == ws.id)) or 0
        assert ws.people_count == real
        return real, created


def lines_of(report: ImportReport) -> list[int]:
    return [error.line for error in report.errors]


# CSV ----------------------------------------------------------------------------------------


def test_P8_csv_imports_valid_rows_and_reports_rejected_ones_by_line(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "people.csv",
        "email,first name,plan\n"
        "Ann@Example.com ,Ann,pro\n"  # 2
        "bob@,Bob,free\n"  # 3
        "\n"  # 4: blank lines are skipped but counted
        "carl@example.com,,\n"  # 5: empty cells are skipped
        ",Nobody,free\n",  # 6: no email
    )
    report = import_people(db, shop, path)
    assert (report.created, report.updated, report.rejected) == (2, 0, 2)
    assert report.errors == (
        RowError(3, "email 'bob@' is not valid: there must be something after the @-sign"),
        RowError(6, "this workspace identifies people by email: give the person's email"),
    )
    assert report.last_line == 6 and not report.interrupted
    assert rows(db, shop) == {
        "ann@example.com": ("ann@example.com", {"first name": "Ann", "plan": "pro"}),
        "carl@example.com": ("carl@example.com", {}),
    }
    assert counted(db, shop) == (2, 2)


def test_P8_csv_line_numbers_count_physical_lines_of_multi_line_cells(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "notes.csv",
        "email,note\r\n"
        'ann@example.com,"line one\r\nline two\r\nline three"\r\n'  # 2-4
        "bad1,x\r\n"  # 5
        'bad2,"two\nlines"\r\n'  # 6-7
        'bob@example.com,"a ""quoted""\nnote"\r\n'  # 8-9
        "bad3,\r\n",  # 10
    )
    report = import_people(db, shop, path, batch_size=2)
    assert lines_of(report) == [5, 6, 10]
    assert report.last_line == 10
    assert rows(db, shop)["ann@example.com"][1] == {"note": "line one\r\nline two\r\nline three"}
    assert rows(db, shop)["bob@example.com"][1] == {"note": 'a "quoted"\nnote'}


def test_P8_csv_header_names_id_and_email_in_any_case(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "\ufeff ID ,Email,Plan\nu1,U1@Example.com,pro\nu2,,\nu3,nope,x\n")
    report = import_people(db, apps, path)
    assert (report.created, lines_of(report)) == (2, [4])
    assert rows(db, apps) == {"u1": ("u1@example.com", {"Plan": "pro"}), "u2": (None, {})}


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("name,plan", "the file has no 'email' column: this workspace identifies people by email"),
        ("email,cio_id", "attribute name 'cio_id' is reserved"),
        ("email,created_at", "attribute name 'created_at' is reserved"),
        ("email,plan,plan", "column 'plan' appears twice"),
        ("email,Email", "column 'email' appears twice"),
        ("email,,plan", "column 2: attribute name is empty"),
    ],
)
def test_P8_a_bad_csv_header_imports_nothing(db: Database, shop: str, tmp_path: Path, header: str, reason: str) -> None:
    path = write(tmp_path, "p.csv", f"{header}\nann@example.com,x,y\n")
    with pytest.raises(InvalidInput, match=reason):
        import_people(db, shop, path)
    assert rows(db, shop) == {} and counted(db, shop) == (0, 0)


def test_P8_an_empty_csv_imports_nothing(db: Database, shop: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="the file is empty: a CSV import needs a header row"):
        import_people(db, shop, write(tmp_path, "p.csv", ""))


def test_P8_an_id_workspace_needs_an_id_column(db: Database, apps: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no 'id' column: this workspace identifies people by id"):
        import_people(db, apps, write(tmp_path, "p.csv", "email\na@example.com\n"))


def test_P8_a_non_empty_id_cell_rejects_the_row_in_an_email_workspace(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "email,id\nann@example.com,\nbob@example.com,b1\n")
    report = import_people(db, shop, path)
    assert report.errors == (
        RowError(3, "this workspace identifies people by email: a person there has no id; give only the email"),
    )
    assert list(rows(db, shop)) == ["ann@example.com"]


def test_P8_invalid_ids_and_extra_cells_reject_their_rows(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,plan\nok,a\n lead,b\ncio_9,c\ntoo,many,cells\nshort\n")
    report = import_people(db, apps, path)
    assert [(e.line, e.reason.split(":")[-1].strip()) for e in report.errors] == [
        (3, "it has leading or trailing whitespace"),
        (4, "ids may not start with 'cio_' (that prefix is for cio_id references)"),
        (5, "the row has 3 cells but the header names 2 columns"),
    ]
    assert rows(db, apps) == {"ok": (None, {"plan": "a"}), "short": (None, {})}


def test_P8_rows_that_are_not_utf8_are_rejected(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "email,name\nann@example.com,Zoë\n".encode() + b"bob@example.com,Zo\xeb\n")
    report = import_people(db, shop, path)
    assert report.errors == (RowError(3, people_rows.NOT_UTF8),)
    assert rows(db, shop) == {"ann@example.com": ("ann@example.com", {"name": "Zoë"})}


def test_P8_an_oversized_cell_rejects_its_own_line_and_the_rest_goes_on(
    db: Database, shop: str, tmp_path: Path
) -> None:
    """A cell over csv's default 131,072 characters used to stop the import there."""
    path = write(
        tmp_path, "p.csv", f"email,big\nann@example.com,x\nbob@example.com,{'y' * 200_000}\ncarl@example.com,z\n"
    )
    report = import_people(db, shop, path)
    assert lines_of(report) == [3]
    assert "attributes would take 200,010 bytes of JSON" in report.errors[0].reason
    assert sorted(rows(db, shop)) == ["ann@example.com", "carl@example.com"]


def test_P8_a_quote_never_closed_is_a_rejected_line_and_the_lines_after_it_are_read(
    db: Database, apps: str, tmp_path: Path
) -> None:
    """It used to swallow the rest of the file into one cell and report "1 created"."""
    path = write(tmp_path, "p.csv", 'id,plan\nc1,"pro\nc2,free\nc3,x\n')
    report = import_people(db, apps, path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "a quoted cell opened on this line is never closed: the file ends inside it")
    ]
    assert rows(db, apps) == {"c2": (None, {"plan": "free"}), "c3": (None, {"plan": "x"})}


def test_P8_a_record_past_the_size_bound_is_rejected_on_its_first_line(
    db: Database, apps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people_rows, "MAX_RECORD_CHARS", 100)
    long_line = "c4," + "z" * 300
    path = write(tmp_path, "p.csv", f'id,plan\nc1,"open\n{"x" * 60}\n{"y" * 60}\nc2,ok\n{long_line}\nc5,end\n')
    report = import_people(db, apps, path)
    assert [e.line for e in report.errors][:1] == [2]
    assert "over 100 characters" in report.errors[0].reason
    assert 6 in lines_of(report)  # the line too long to keep
    assert {"c2", "c5"} <= set(rows(db, apps))


# JSON Lines -----------------------------------------------------------------------------------


def test_P8_jsonl_imports_objects_keeping_json_types(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "people.jsonl",
        '\ufeff{"id": "u1", "email": "U1@example.com", "n": 1, "tags": ["a"], "o": {"k": null}}\n'
        "\n"  # 2: blank
        '{"id": 42, "plan": "pro"}\n'  # 3: a non-string identifier
        '{"id": "u2", "email": true}\n'  # 4
        '["u3"]\n'  # 5
        '{"id": "u4", "cio_id": "x"}\n'  # 6
        '{"id": "u5", "n": NaN}\n'  # 7
        '{"id": "u6"\n'  # 8
        '{"id": "u7", "email": "", "created": "2026"}\n',  # 9
    )
    report = import_people(db, apps, path)
    assert report.errors[0] == RowError(3, "id 42 is not valid: it must be text")
    assert report.errors[1] == RowError(4, "email True is not valid: it must be text")
    assert [(e.line, e.reason.split(":")[0]) for e in report.errors[2:]] == [
        (5, 'the line must be a JSON object such as {"email"'),
        (6, "attribute name 'cio_id' is reserved (id, email, cio_id, created_at are the person's own fields)"),
        (7, "the line is not valid JSON"),
        (8, "the line is not valid JSON"),
    ]
    assert rows(db, apps) == {
        "u1": ("u1@example.com", {"n": 1, "tags": ["a"], "o": {"k": None}}),
        "u7": (None, {"created": "2026"}),
    }
    assert (report.created, report.last_line) == (2, 9)


def test_P8_ndjson_in_an_email_workspace_rejects_non_string_emails_and_ids(
    db: Database, shop: str, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "people.NDJSON",
        '{"email": "ann@example.com", "id": ""}\n{"email": 7}\n{"email": "bob@example.com", "id": "b"}\n',
    )
    report = import_people(db, shop, path)
    assert lines_of(report) == [2, 3]
    assert report.errors[0].reason == "email 7 is not valid: it must be text"
    assert list(rows(db, shop)) == ["ann@example.com"]


def test_P8_jsonl_lines_that_are_not_utf8_are_rejected(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.jsonl", b'{"id": "a"}\n{"id": "b\xff"}\n{"id": "c"}\n')
    report = import_people(db, apps, path)
    assert report.errors == (RowError(2, people_rows.NOT_UTF8),)
    assert sorted(rows(db, apps)) == ["a", "c"]


# Merging, batches, counters -------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_P8_repeated_identifiers_merge_in_file_order(db: Database, shop: str, tmp_path: Path, batch_size: int) -> None:
    people.add_person(db, shop, email="old@example.com", attributes={"keep": "yes", "plan": "free"})
    path = write(
        tmp_path,
        "p.csv",
        "email,plan,city\n"
        "ann@example.com,free,Oslo\n"
        "old@example.com,pro,\n"
        "ANN@example.com,pro,\n"
        "bob@example.com,,Rome\n"
        "ann@example.com,team,\n",
    )
    report = import_people(db, shop, path, batch_size=batch_size)
    assert (report.created, report.updated, report.rejected) == (2, 3, 0)
    assert rows(db, shop) == {
        "ann@example.com": ("ann@example.com", {"plan": "team", "city": "Oslo"}),
        "old@example.com": ("old@example.com", {"keep": "yes", "plan": "pro"}),
        "bob@example.com": ("bob@example.com", {"city": "Rome"}),
    }
    assert counted(db, shop) == (3, 3)


def test_P8_the_import_stores_attributes_as_the_orm_does(db: Database, shop: str, tmp_path: Path) -> None:
    """The import writes new people's attributes as JSON text itself: the same text."""
    given = {"name": 'Zoë "Z"', "plan": "pro"}
    people.add_person(db, shop, email="orm@example.com", attributes=given)
    import_people(db, shop, write(tmp_path, "p.csv", 'email,name,plan\nimport@example.com,"Zoë ""Z""",pro\n'))
    with db.read() as session:
        stored = dict(session.execute(text("SELECT ident, CAST(attributes AS TEXT) FROM people")).all())
    assert stored["import@example.com"] == stored["orm@example.com"]
    assert rows(db, shop)["import@example.com"] == ("import@example.com", given)


def test_P8_in_an_id_workspace_later_rows_set_the_email(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,email\nu1,a@example.com\nu1,\nu1,B@example.com\n")
    report = import_people(db, apps, path, batch_size=2)
    assert (report.created, report.updated) == (1, 2)
    assert rows(db, apps) == {"u1": ("b@example.com", {})}


def test_P8_a_merge_over_the_attribute_limit_rejects_only_that_row(db: Database, apps: str, tmp_path: Path) -> None:
    half = "x" * 60_000
    path = write(tmp_path, "p.csv", f"id,a,b,c\nu1,{half},,\nu1,,{half},\nu1,,,small\n")
    report = import_people(db, apps, path)
    assert lines_of(report) == [3] and "bytes of JSON" in report.errors[0].reason
    assert (report.created, report.updated) == (1, 1)
    assert rows(db, apps) == {"u1": (None, {"a": half, "c": "small"})}


def test_P8_importing_again_is_safe(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "email,plan\n" + "".join(f"p{i}@example.com,pro\n" for i in range(7)))
    first = import_people(db, shop, path, batch_size=3)
    second = import_people(db, shop, path, batch_size=3)
    assert (first.created, first.updated) == (7, 0)
    assert (second.created, second.updated) == (0, 7)
    assert counted(db, shop) == (7, 7)
    with db.read() as session:
        assert set(session.scalars(select(Person.version))) == {2}


def test_P8_people_inside_a_batchs_range_of_identifiers_merge_or_stay_as_they_are(
    db: Database, shop: str, tmp_path: Path
) -> None:
    """A batch looks people up one by one only when someone exists between its lowest and highest
    identifier; then those it names merge and the others between are left alone."""
    people.add_person(db, shop, email="k@example.com", attributes={"plan": "free"})
    people.add_person(db, shop, email="m@example.com", attributes={"plan": "free"})
    path = write(tmp_path, "p.csv", "email,plan\na@example.com,pro\nm@example.com,pro\nz@example.com,pro\n")
    report = import_people(db, shop, path)
    assert (report.created, report.updated) == (2, 1)
    assert {ident: attributes["plan"] for ident, (_, attributes) in rows(db, shop).items()} == {
        "a@example.com": "pro",
        "k@example.com": "free",
        "m@example.com": "pro",
        "z@example.com": "pro",
    }
    assert counted(db, shop) == (4, 4)


def _lookups(db: Database, call: Callable[[], object]) -> int:
    """How many statements `call` ran that look people up by a list of identifiers."""
    count = 0

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        nonlocal count
        count += "ident IN (" in statement

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return count


def test_P8_a_file_sorted_by_identifier_fills_a_new_workspace_without_lookups(
    db: Database, shop: str, tmp_path: Path
) -> None:
    """Exports sorted by email are common: each batch's range of identifiers is past the last
    batch's, nobody exists in it, so no batch looks its 10 people up; imported again, each does."""
    path = write(tmp_path, "p.csv", "email\n" + "".join(f"p{i:02}@example.com\n" for i in range(30)))
    assert _lookups(db, lambda: import_people(db, shop, path, batch_size=10)) == 0
    assert _lookups(db, lambda: import_people(db, shop, path, batch_size=10)) == 3
    assert counted(db, shop) == (30, 30)


def test_P1_imported_people_get_their_own_cio_ids(db: Database, shop: str, apps: str, tmp_path: Path) -> None:
    import_people(
        db, shop, write(tmp_path, "p.csv", "email\n" + "".join(f"p{i}@example.com\n" for i in range(50))), batch_size=20
    )
    import_people(
        db, apps, write(tmp_path, "p.jsonl", "".join(f'{{"id": "u{i}"}}\n' for i in range(50))), batch_size=20
    )
    with db.read() as session:
        ids = session.scalars(select(Person.cio_id)).all()
    assert len(ids) == len(set(ids)) == 100
    assert all(re.fullmatch(r"[0-9a-f]{16}", cio) for cio in ids)


def test_P8_rejected_rows_are_not_counted(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "email\nbad\nann@example.com\nalso bad\n")
    import_people(db, shop, path)
    assert counted(db, shop) == (1, 1)
    with db.read() as session:
        assert session.scalars(select(UsageDay.day)).all() == [DAY]


def test_P8_progress_is_reported_after_each_batch(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.jsonl", "".join(f'{{"id": "u{i}"}}\n' for i in range(5)))
    seen: list[ImportProgress] = []
    import_people(db, apps, path, batch_size=2, progress=seen.append)
    assert [(p.lines, p.created) for p in seen] == [(2, 2), (4, 4), (5, 5)]
    assert seen[-1].bytes_read == seen[-1].total_bytes == path.stat().st_size
    assert seen[-1].fraction == 1.0


# Interruption ----------------------------------------------------------------------------------


def _eleven_rows(tmp_path: Path) -> Path:
    """A header, then u0..u9 with one bad row at line 4 (the first batch of 3 is lines 2-4)."""
    body = [f"u{i},{i}\n" for i in range(10)]
    body.insert(2, " bad,x\n")
    return write(tmp_path, "p.csv", "id,n\n" + "".join(body))


def test_P8_interrupted_import_keeps_committed_batches_and_reports_them(
    db: Database, apps: str, tmp_path: Path
) -> None:
    path = _eleven_rows(tmp_path)

    def stop(progress: ImportProgress) -> None:
        raise KeyboardInterrupt

    report = import_people(db, apps, path, batch_size=3, progress=stop)
    assert report.interrupted
    assert (report.created, report.updated, report.last_line, lines_of(report)) == (2, 0, 4, [4])
    assert sorted(rows(db, apps)) == ["u0", "u1"]
    assert counted(db, apps) == (2, 2)

    rerun = import_people(db, apps, path, batch_size=3)
    assert not rerun.interrupted
    assert (rerun.created, rerun.updated, rerun.last_line, lines_of(rerun)) == (8, 2, 12, [4])
    assert counted(db, apps) == (10, 10)


def test_P8_ctrl_c_during_a_commit_waits_for_it(
    db: Database, apps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGINT arriving inside the second batch's transaction: that batch still commits
    and is reported; nothing after it is imported."""
    real_bump = people_commit.bump_counters
    calls: list[int] = []

    def bump_then_interrupt(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        real_bump(*args, **kwargs)

    monkeypatch.setattr(people_commit, "bump_counters", bump_then_interrupt)
    report = import_people(db, apps, _eleven_rows(tmp_path), batch_size=3)
    assert report.interrupted
    assert (report.created, report.last_line) == (5, 7)
    assert sorted(rows(db, apps)) == ["u0", "u1", "u2", "u3", "u4"]
    assert counted(db, apps) == (5, 5)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# Refusals before any row ------------------------------------------------------------------------


def test_P8_unknown_formats_missing_files_and_workspaces_are_refused(db: Database, shop: str, tmp_path: Path) -> None:
    with pytest.raises(
        InvalidInput, match="cannot tell the format of .*people.txt.*: name the file .csv, .jsonl or .ndjson"
    ):
        import_people(db, shop, write(tmp_path, "people.txt", "email\n"))
    with pytest.raises(InvalidInput, match="cannot read .*missing.csv.*No such file"):
        import_people(db, shop, tmp_path / "missing.csv")
    with pytest.raises(NotFound, match="no workspace named 'Nope'"):
        import_people(db, "Nope", write(tmp_path, "p.csv", "email\n"))
    with pytest.raises(InvalidInput, match="batch size 0 is not valid"):
        import_people(db, shop, write(tmp_path, "p.csv", "email\n"), batch_size=0)


def test_P8_workspace_deleted_during_the_import(db: Database, shop: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "email\na@example.com\nb@example.com\n")

    def delete_it(progress: ImportProgress) -> None:
        workspaces.delete_workspace(db, shop, confirmed=True)

    with pytest.raises(NotFound, match="workspace 'Shop' was deleted during the import"):
        import_people(db, shop, path, batch_size=1, progress=delete_it)


def test_P8_a_database_failure_part_way_says_what_was_imported(
    db: Database, apps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_bump = people_commit.bump_counters
    calls: list[int] = []

    def fail_second_batch(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("the database refused the change: disk I/O error")
        real_bump(*args, **kwargs)

    monkeypatch.setattr(people_commit, "bump_counters", fail_second_batch)
    with pytest.raises(
        DatabaseError, match="disk I/O error; the lines up to 4 were imported, and importing the file again is safe"
    ):
        import_people(db, apps, _eleven_rows(tmp_path), batch_size=3)
    assert sorted(rows(db, apps)) == ["u0", "u1"]
    assert counted(db, apps) == (2, 2)


# Large files: read by a second process -----------------------------------------------------------


def read_elsewhere(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """From now on every file, however small, is read by a second process; returns the list of
    the processes started (filled as they are)."""
    monkeypatch.setattr(people_reader, "PARALLEL_MIN_BYTES", 0)
    started: list[subprocess.Popen[bytes]] = []

    class Recorded(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    return started


def many_rows(tmp_path: Path, count: int = 20_000) -> Path:
    """More rows than the pipe between the processes holds at a batch size of 50, so the
    reading process is still running when the first batch is committed."""
    return write(tmp_path, "many.csv", "email\n" + "".join(f"p{i}@example.com\n" for i in range(count)))


def test_P8_a_large_file_read_by_a_second_process_imports_the_same(
    db: Database, shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "".join(f"p{i}@example.com,{i % 3}\n" for i in range(40))
    body += 'bad,x\nP1@Example.com,merged\n"q@example.com","two\nlines"\n'
    path = write(tmp_path, "mixed.csv", f"email,plan\n{body}".encode() + b"z@example.com,\xff\n")
    here = import_people(db, shop, path, batch_size=7)
    other = workspaces.create_workspace(db, "Shop 2", "email").workspace.name
    started = read_elsewhere(monkeypatch)
    seen: list[ImportProgress] = []
    elsewhere = import_people(db, other, path, batch_size=7, progress=seen.append)
    assert len(started) == 1 and started[0].returncode == 0
    assert elsewhere == here
    assert (here.created, here.updated, lines_of(here)) == (41, 1, [42, 46])
    assert rows(db, other) == rows(db, shop)
    assert [p.lines for p in seen] == [8, 15, 22, 29, 36, 43, 46]
    assert seen[-1].bytes_read == seen[-1].total_bytes == path.stat().st_size
    assert counted(db, other) == (41, 41)


def test_P8_a_bad_header_read_by_a_second_process_imports_nothing(
    db: Database, shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = read_elsewhere(monkeypatch)
    with pytest.raises(InvalidInput, match="column 'plan' appears twice"):
        import_people(db, shop, write(tmp_path, "p.csv", "email,plan,plan\nann@example.com,x,y\n"))
    assert len(started) == 1 and started[0].returncode == 0
    assert rows(db, shop) == {}


def test_P8_ctrl_c_is_for_the_importing_process_which_ends_the_reading_one(
    db: Database, shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading process is in a session of its own: Ctrl-C at the terminal reaches only the
    importing process, which stops after the batch and ends the reading one."""
    started = read_elsewhere(monkeypatch)

    def ctrl_c(progress: ImportProgress) -> None:
        (reader,) = started
        assert reader.poll() is None and os.getsid(reader.pid) != os.getsid(0)
        os.kill(os.getpid(), signal.SIGINT)

    report = import_people(db, shop, many_rows(tmp_path), batch_size=50, progress=ctrl_c)
    assert report.interrupted and (report.created, report.last_line) == (50, 51)
    assert counted(db, shop) == (50, 50)
    assert started[0].returncode is not None


def test_P8_a_reading_process_that_dies_stops_the_import_after_the_committed_batches(
    db: Database, shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = read_elsewhere(monkeypatch)

    def kill_reader(progress: ImportProgress) -> None:
        (reader,) = started
        if reader.poll() is None:
            reader.kill()

    with pytest.raises(people_import.ImportStopped) as stopped:
        import_people(db, shop, many_rows(tmp_path), batch_size=50, progress=kill_reader)
    real, created = counted(db, shop)
    assert real == created and 50 <= real < 20_000 and real % 50 == 0
    assert re.fullmatch(
        rf"the process reading '.*many.csv' ended unexpectedly \(exit status -9\); the lines up to {real + 1} "
        "were imported, and importing the file again is safe",
        str(stopped.value),
    )


# Hostile JSON Lines ---------------------------------------------------------------------------


def test_P8_a_lone_surrogate_rejects_only_its_line(db: Database, apps: str, tmp_path: Path) -> None:
    """A lone surrogate in an id lost its whole batch; in attributes it was stored unreadable."""
    path = write(
        tmp_path,
        "p.jsonl",
        '{"id": "u1"}\n{"id": "\\ud800"}\n{"id": "u3", "name": "a\\udfffb"}\n{"id": "u4", "\\ud800": 1}\n'
        '{"id": "u5", "face": "\\ud83d\\ude00"}\n',
    )
    report = import_people(db, apps, path)
    assert lines_of(report) == [2, 3, 4]
    assert all("is not valid Unicode text" in e.reason for e in report.errors)
    assert rows(db, apps) == {"u1": (None, {}), "u5": (None, {"face": "\U0001f600"})}


def test_P8_deep_nesting_rejects_only_its_line(db: Database, apps: str, tmp_path: Path) -> None:
    path = write(tmp_path, "p.jsonl", '{"id": "u1"}\n{"id": "u2", "deep": ' + "[" * 100_000 + "\n" + '{"id": "u3"}\n')
    report = import_people(db, apps, path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "the line nests arrays and objects more than 20 levels deep")
    ]
    assert sorted(rows(db, apps)) == ["u1", "u3"]


def test_P8_a_line_past_the_size_bound_is_rejected_and_the_rest_goes_on(
    db: Database, apps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people_rows, "MAX_LINE_BYTES", 50)
    path = write(tmp_path, "p.jsonl", '{"id": "u1"}\n{"id": "u2", "x": "' + "y" * 500 + '"}\n{"id": "u3"}\n')
    report = import_people(db, apps, path)
    assert [(e.line, e.reason) for e in report.errors] == [(2, "the line is over 50 bytes")]
    assert sorted(rows(db, apps)) == ["u1", "u3"]


@pytest.mark.parametrize("name", ["zero.csv", "zero.jsonl"])
def test_P8_a_file_that_is_not_a_regular_file_is_refused(db: Database, apps: str, tmp_path: Path, name: str) -> None:
    """A symlink to /dev/zero grew to gigabytes."""
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    with pytest.raises(InvalidInput, match="it is not a regular file"):
        import_people(db, apps, link)
    assert rows(db, apps) == {}
