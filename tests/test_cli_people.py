"""`switchboard people ...` run for real: JSON shapes, messages and exit codes."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from cli_helpers import CliRun, refusal
from sqlalchemy import func, select

from tui.cli import people_cmd, progress_meter
from tui.core.db import Database
from tui.core.models import Person, Workspace
from tui.core.people_import import import_people

PERSON_FIELDS = {"cio_id", "id", "email", "attributes", "created_at", "updated_at"}
SHOP = 'Zoë\'s "Shop"'  # names with spaces, quotes and unicode


@pytest.fixture
def shop(cli: CliRun) -> str:
    assert cli("workspaces", "create", SHOP, "--identify-by", "email").exit_code == 0
    return SHOP


@pytest.fixture
def apps(cli: CliRun) -> str:
    assert cli("workspaces", "create", "My Apps", "--identify-by", "id").exit_code == 0
    return "My Apps"


def ok_json(result) -> dict | list:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def refused_with(result, message: str) -> None:  # type: ignore[no-untyped-def]
    assert message in refusal(result)


def people_count(db: Database) -> int:
    with db.read() as session:
        real = session.scalar(select(func.count()).select_from(Person))
        assert sum(session.scalars(select(Workspace.people_count))) == real
        return real


# add ---------------------------------------------------------------------------------------


def test_add_prints_created_and_the_person_then_upserts(cli: CliRun, shop: str) -> None:
    first = ok_json(
        cli("people", "add", "-w", 'zoë\'s "SHOP"', "--email", " Ann@Example.COM", "--attr", "n=1", "--json")
    )
    assert first["created"] is True
    person = first["person"]
    assert set(person) >= PERSON_FIELDS
    assert (person["id"], person["email"], person["attributes"]) == (None, "ann@example.com", {"n": "1"})
    assert len(person["cio_id"]) == 16 and person["created_at"].endswith("Z")

    again = ok_json(
        cli(
            "people", "add", "-w", shop, "--email", "ann@example.com", "--attrs-json", '{"n": 2, "l": [true]}', "--json"
        )
    )
    assert again["created"] is False
    assert again["person"]["cio_id"] == person["cio_id"]
    assert again["person"]["attributes"] == {"n": 2, "l": [True]}


def test_add_text_output(cli: CliRun, apps: str) -> None:
    result = cli("people", "add", "-w", apps, "--id", "O'Brien Ünï", "--email", "o@example.com")
    assert result.exit_code == 0
    assert result.stdout.startswith("Created cio_") and "(id: O'Brien Ünï, email: o@example.com)" in result.stdout
    assert cli("people", "add", "-w", apps, "--id", "O'Brien Ünï").stdout.startswith("Updated cio_")


def test_attr_options_combine_and_attr_wins(cli: CliRun, apps: str, tmp_path: Path) -> None:
    source = tmp_path / "big attrs.json"
    source.write_text(json.dumps({"bio": "x" * 50_000, "plan": "free"}), encoding="utf-8")
    data = ok_json(
        cli("people", "add", "-w", apps, "--id", "u1", "--attrs-json", f"@{source}", "--attr", "plan=pro", "--json")
    )
    assert data["person"]["attributes"] == {"bio": "x" * 50_000, "plan": "pro"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--id", "u1", "--email", "ann@example.com"],
            "error: this workspace identifies people by email: a person there has no id",
        ),
        (["--email", "bob@"], "error: email 'bob@' is not valid: there must be something after the @-sign"),
        (["--attr", "plan=pro"], "this workspace identifies people by email: give the person's email"),
        (["--email", "a@example.com", "--attr", "email=x"], "attribute name 'email' is reserved"),
        (["--email", "a@example.com", "--attr", "plan"], "write it as NAME=VALUE"),
        (["--email", "a@example.com", "--attrs-json", "[1]"], "--attrs-json must be a JSON object"),
        (
            ["--email", "a@example.com", "--attrs-json", "@/nonexistent/a.json"],
            "cannot read attributes from '/nonexistent/a.json'",
        ),
        (["--email", "a@example.com", "--attrs-json", json.dumps({"k": "x" * 102_400})], "at most 102,400"),
    ],
)
def test_add_refusals_exit_1_and_save_nothing(
    cli: CliRun, db: Database, shop: str, args: list[str], message: str
) -> None:
    result = cli("people", "add", "-w", shop, *args, "--json")
    refused_with(result, message)
    assert result.stdout == ""
    assert people_count(db) == 0


def test_add_in_an_unknown_workspace(cli: CliRun) -> None:
    refused_with(cli("people", "add", "-w", "Nowhere", "--email", "a@example.com"), "no workspace named 'Nowhere'")


@pytest.mark.parametrize(
    "args",
    [["people", "add", "--email", "a@example.com"], ["people", "add", "-w", "x", "--nope"], ["people", "frobnicate"]],
)
def test_wrong_command_lines_exit_2(cli: CliRun, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


# list / show ------------------------------------------------------------------------------------


def test_list_pages_with_next_and_after(cli: CliRun, shop: str) -> None:
    for name in ["carl", "ann", "bob", "anna", "dora"]:
        cli("people", "add", "-w", shop, "--email", f"{name}@example.com")
    first = ok_json(cli("people", "list", "-w", shop, "--limit", "2", "--json"))
    assert [p["email"] for p in first["people"]] == ["ann@example.com", "anna@example.com"]
    assert first["next"] == "anna@example.com"
    second = ok_json(cli("people", "list", "-w", shop, "--limit", "2", "--after", first["next"], "--json"))
    assert [p["email"] for p in second["people"]] == ["bob@example.com", "carl@example.com"]
    last = ok_json(cli("people", "list", "-w", shop, "--limit", "2", "--after", second["next"], "--json"))
    assert ([p["email"] for p in last["people"]], last["next"]) == (["dora@example.com"], None)
    found = ok_json(cli("people", "list", "-w", shop, "--search", "ANN", "--json"))
    assert [p["email"] for p in found["people"]] == ["ann@example.com", "anna@example.com"]
    assert all(set(p) >= PERSON_FIELDS for p in found["people"])


def test_list_text_shows_a_table_and_how_to_go_on(cli: CliRun, apps: str) -> None:
    assert "No people yet" in cli("people", "list", "-w", apps).stdout
    for person_id in ["a 1", "b 2"]:
        cli("people", "add", "-w", apps, "--id", person_id)
    out = cli("people", "list", "-w", apps, "--limit", "1").stdout.splitlines()
    assert out[0].split() == ["ID", "EMAIL", "CIO_ID", "UPDATED"]
    assert out[1].startswith("a 1 ")
    assert out[-1] == "More: --after 'a 1'"
    assert "No people match." in cli("people", "list", "-w", apps, "--search", "zz").stdout


def test_list_sorts_and_pages_backwards_from_the_last_page(cli: CliRun, shop: str) -> None:
    for name, plan in [("carl", "pro"), ("ann", "free"), ("bob", "pro"), ("dora", "team")]:
        cli("people", "add", "-w", shop, "--email", f"{name}@example.com", "--attr", f"plan={plan}")
    last = ok_json(cli("people", "list", "-w", shop, "--limit", "2", "--last", "--json"))
    assert [p["email"] for p in last["people"]] == ["carl@example.com", "dora@example.com"]
    assert (last["next"], last["previous"]) == (None, "carl@example.com")
    earlier = ok_json(cli("people", "list", "-w", shop, "--limit", "2", "--before", last["previous"], "--json"))
    assert ([p["email"] for p in earlier["people"]], earlier["previous"]) == (
        ["ann@example.com", "bob@example.com"],
        None,
    )
    by_plan = ok_json(cli("people", "list", "-w", shop, "--sort", "attr:plan", "--desc", "--json"))
    assert [p["attributes"]["plan"] for p in by_plan["people"]] == ["team", "pro", "pro", "free"]
    out = cli(
        "people", "list", "-w", shop, "--limit", "1", "--sort", "created", "--after", earlier["people"][0]["email"]
    )
    refused_with(out, "is not a cursor of a listing sorted by created")
    text = cli("people", "list", "-w", shop, "--limit", "1", "--last").stdout.splitlines()
    assert text[-1] == "Earlier: --before dora@example.com"


@pytest.mark.parametrize(("limit", "code"), [("0", 1), ("1001", 1), ("ten", 2)])
def test_list_limit_bounds(cli: CliRun, shop: str, limit: str, code: int) -> None:
    result = cli("people", "list", "-w", shop, "--limit", limit)
    assert result.exit_code == code
    if code == 1:
        refused_with(result, "give 1 to 1000")


def test_show_by_reference_and_not_found(cli: CliRun, shop: str) -> None:
    added = ok_json(cli("people", "add", "-w", shop, "--email", "ann@example.com", "--json"))["person"]
    by_cio = ok_json(cli("people", "show", "-w", shop, f"cio_{added['cio_id']}", "--json"))
    by_email = ok_json(cli("people", "show", "-w", shop, "ANN@example.com ", "--json"))
    assert by_cio == by_email == {**added, "devices": []}  # show adds the person's devices (T4)
    refused_with(
        cli("people", "show", "-w", shop, "zed@example.com"), f"no person 'zed@example.com' in workspace {SHOP!r}"
    )


def test_show_text_makes_untrusted_text_visible(cli: CliRun, apps: str) -> None:
    cli(
        "people",
        "add",
        "-w",
        apps,
        "--id",
        "u1",
        "--attr",
        "note=\x1b[31mred\x1b[0m",
        "--attr",
        "bidi=\u202eevil",
        "--attrs-json",
        '{"n": 1}',
    )
    out = cli("people", "show", "-w", apps, "u1").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "  n: 1\n" in out
    assert "  note: \u241b[31mred\u241b[0m\n" in out
    raw = cli("people", "show", "-w", apps, "u1", "--json").stdout
    assert "\x1b" not in raw and "\u202e" not in raw
    assert json.loads(raw)["attributes"]["note"] == "\x1b[31mred\x1b[0m"


# update / delete ------------------------------------------------------------------------------


def test_update_changes_email_keeps_cio_id_and_refuses_clashes(cli: CliRun, shop: str) -> None:
    ann = ok_json(
        cli("people", "add", "-w", shop, "--email", "ann@example.com", "--attr", "a=1", "--attr", "b=2", "--json")
    )["person"]
    cli("people", "add", "-w", shop, "--email", "bob@example.com")
    moved = ok_json(
        cli(
            "people",
            "update",
            "-w",
            shop,
            "ann@example.com",
            "--email",
            "Anne@example.com",
            "--unset",
            "a",
            "--attr",
            "c=3",
            "--json",
        )
    )
    assert (moved["cio_id"], moved["email"], moved["attributes"]) == (
        ann["cio_id"],
        "anne@example.com",
        {"b": "2", "c": "3"},
    )
    refused_with(
        cli("people", "update", "-w", shop, "anne@example.com", "--email", "BOB@example.com"),
        "email 'bob@example.com' already belongs to another person",
    )
    refused_with(
        cli("people", "update", "-w", shop, "anne@example.com", "--id", "x"),
        "this workspace identifies people by email",
    )
    refused_with(cli("people", "update", "-w", shop, "anne@example.com"), "nothing to change")
    assert ok_json(cli("people", "show", "-w", shop, "anne@example.com", "--json")) == {**moved, "devices": []}


def test_update_with_an_old_version_is_refused(cli: CliRun, apps: str) -> None:
    loaded = ok_json(cli("people", "add", "-w", apps, "--id", "u1", "--json"))["person"]
    cli("people", "update", "-w", apps, "u1", "--attr", "x=elsewhere")
    result = cli("people", "update", "-w", apps, "u1", "--attr", "x=mine", "--expected-version", str(loaded["version"]))
    refused_with(result, "changed elsewhere since it was loaded: reload and try again")
    assert ok_json(cli("people", "show", "-w", apps, "u1", "--json"))["attributes"] == {"x": "elsewhere"}


def test_delete_then_not_found(cli: CliRun, db: Database, apps: str) -> None:
    added = ok_json(cli("people", "add", "-w", apps, "--id", "u1", "--json"))["person"]
    deleted = ok_json(cli("people", "delete", "-w", apps, "u1", "--json"))
    assert deleted == {"deleted": True, "person": added}
    assert people_count(db) == 0
    refused_with(cli("people", "delete", "-w", apps, "u1"), "no person 'u1' in workspace 'My Apps'")


# import -----------------------------------------------------------------------------------------


def test_import_reports_json_and_exits_1_when_rows_are_rejected(
    cli: CliRun, db: Database, shop: str, tmp_path: Path
) -> None:
    path = tmp_path / "my people.csv"
    path.write_text('email,note\nann@example.com,"two\nlines"\nbad@\nann@example.com,again\n', encoding="utf-8")
    result = cli("people", "import", "-w", shop, str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "created": 1,
        "updated": 1,
        "rejected": 1,
        "errors": [{"line": 4, "reason": "email 'bad@' is not valid: there must be something after the @-sign"}],
        "last_line": 5,
        "interrupted": False,
    }
    assert (
        result.stderr
        == f"error: 1 row(s) of {str(path)!r} were rejected (listed above); the valid rows were imported\n"
    )
    assert people_count(db) == 1


def test_import_text_and_exit_0_when_all_rows_are_valid(cli: CliRun, apps: str, tmp_path: Path) -> None:
    path = tmp_path / "p.ndjson"
    path.write_text('{"id": "u1", "n": 1}\n{"id": "u2"}\n', encoding="utf-8")
    result = cli("people", "import", "-w", apps, str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Imported {path}: 2 created, 0 updated, 0 rejected\n"


def test_import_of_a_missing_or_unknown_file_exits_1(cli: CliRun, shop: str, tmp_path: Path) -> None:
    refused_with(cli("people", "import", "-w", shop, str(tmp_path / "nope.csv")), "No such file")
    (tmp_path / "p.xlsx").write_text("x")
    refused_with(cli("people", "import", "-w", shop, str(tmp_path / "p.xlsx")), "name the file .csv, .jsonl or .ndjson")


def test_import_interrupted_reports_the_last_line_and_exits_130(
    cli: CliRun, db: Database, apps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id\n" + "".join(f"u{i}\n" for i in range(5)), encoding="utf-8")

    def ctrl_c(self, text: str, last: bool = False) -> None:  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(people_cmd, "import_people", partial(import_people, batch_size=2))
    monkeypatch.setattr(progress_meter.ProgressMeter, "show", ctrl_c)
    result = cli("people", "import", "-w", apps, str(path), "--json")
    assert result.exit_code == 130
    report = json.loads(result.stdout)
    assert (report["created"], report["last_line"], report["interrupted"]) == (2, 3, True)
    assert "interrupted: the lines up to 3 were imported; run the same import again" in result.stderr
    assert people_count(db) == 2


def test_import_shows_progress_on_stderr_when_it_takes_a_while(
    cli: CliRun, apps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "u1"}\n', encoding="utf-8")
    monkeypatch.setattr(progress_meter, "AFTER_SECONDS", 0.0)
    result = cli("people", "import", "-w", apps, str(path))
    assert result.exit_code == 0
    assert result.stderr == "importing: line 1 (100%), 1 created, 0 updated, 0 rejected\n"
