"""C1: campaign names, states, read-only archives, duplicates, deletion, counters, concurrency."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from tui.core import campaigns as core
from tui.core.actions import add_action
from tui.core.db import Database
from tui.core.errors import ChangedElsewhere, Conflict, InvalidInput, NotFound
from tui.core.models import Action, Campaign, Message, Person, Workspace
from tui.core.workspaces import create_workspace

EMAIL = {"subject": "Hi {{ customer.first_name }}", "body": "Welcome aboard"}


@pytest.fixture
def ws(db: Database) -> str:
    return create_workspace(db, "Acme", "email").workspace.name


def _counter_and_count(db: Database, ws: str) -> tuple[int, int]:
    with db.read() as session:
        workspace = session.scalar(select(Workspace).where(Workspace.name == ws))
        real = session.scalar(select(func.count()).where(Campaign.workspace_id == workspace.id))
        return workspace.campaigns_count, real


def _state(db: Database, ws: str, name: str) -> tuple[str, int]:
    campaign = core.get_campaign(db, ws, name)
    return campaign.state, campaign.version


def test_C1_create_is_a_draft_and_counts(db: Database, ws: str) -> None:
    campaign = core.create_campaign(db, ws, "  Welcome series  ")
    assert (campaign.name, campaign.state, campaign.actions, campaign.workspace) == (
        "Welcome series",
        "draft",
        (),
        "Acme",
    )
    core.create_campaign(db, ws, "Second")
    assert _counter_and_count(db, ws) == (2, 2)


@pytest.mark.parametrize("clash", ["welcome SERIES", " Welcome series ", "WELCOME SERIES"])
def test_C1_names_are_unique_per_workspace_ignoring_case(db: Database, ws: str, clash: str) -> None:
    core.create_campaign(db, ws, "Welcome series")
    with pytest.raises(Conflict, match="already exists in workspace 'Acme'"):
        core.create_campaign(db, ws, clash)
    assert _counter_and_count(db, ws) == (1, 1)
    create_workspace(db, "Other", "id")
    assert core.create_campaign(db, "Other", clash).name == clash.strip()


def test_C1_names_casefold_beyond_ascii(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Straße")
    with pytest.raises(Conflict):
        core.create_campaign(db, ws, "STRASSE")
    assert core.get_campaign(db, ws, "strasse").name == "Straße"


@pytest.mark.parametrize(("name", "message"), [("   ", "empty"), ("x" * 201, "at most 200"), ("a\x1bb", "control")])
def test_C1_name_rules(db: Database, ws: str, name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        core.create_campaign(db, ws, name)
    assert _counter_and_count(db, ws) == (0, 0)
    assert core.create_campaign(db, ws, "y" * 200).name == "y" * 200


def test_C1_names_with_quotes_and_unicode(db: Database, ws: str) -> None:
    name = "Ünïcödé \"quoted\" 'name' 🚀"
    core.create_campaign(db, ws, name)
    assert core.get_campaign(db, ws, name.upper()).name == name
    assert core.rename_campaign(db, ws, name, "日本語 キャンペーン").name == "日本語 キャンペーン"


def test_C1_transitions_allowed(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Flow")
    for move, state in [
        ("start", "running"),
        ("stop", "stopped"),
        ("start", "running"),
        ("archive", "archived"),
        ("unarchive", "stopped"),
        ("archive", "archived"),
        ("unarchive", "stopped"),
    ]:
        assert core.change_state(db, ws, "Flow", move).state == state
    core.create_campaign(db, ws, "Draft")
    assert core.change_state(db, ws, "Draft", "archive").state == "archived"
    core.create_campaign(db, ws, "Running")
    core.change_state(db, ws, "Running", "start")
    assert core.change_state(db, ws, "Running", "archive").state == "archived"


def _bring_to(db: Database, ws: str, name: str, state: str) -> None:
    core.create_campaign(db, ws, name)
    path = {"draft": [], "running": ["start"], "stopped": ["start", "stop"], "archived": ["archive"]}[state]
    for move in path:
        core.change_state(db, ws, name, move)


REFUSED = [
    ("draft", "stop", "started or archived"),
    ("draft", "unarchive", "started or archived"),
    ("running", "start", "stopped or archived"),
    ("running", "unarchive", "stopped or archived"),
    ("stopped", "stop", "started or archived"),
    ("stopped", "unarchive", "started or archived"),
    ("archived", "start", "unarchived"),
    ("archived", "stop", "unarchived"),
    ("archived", "archive", "unarchived"),
]


@pytest.mark.parametrize(("state", "move", "allowed"), REFUSED)
def test_C1_other_transitions_are_refused(db: Database, ws: str, state: str, move: str, allowed: str) -> None:
    _bring_to(db, ws, "Flow", state)
    before = _state(db, ws, "Flow")
    with pytest.raises(InvalidInput) as refused:
        core.change_state(db, ws, "Flow", move)
    message = str(refused.value)
    assert f"is {state}" in message and f"it can only be {allowed}" in message
    assert _state(db, ws, "Flow") == before


def test_C1_unknown_move_is_refused(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Flow")
    with pytest.raises(InvalidInput, match="choose start, stop, archive, unarchive"):
        core.change_state(db, ws, "Flow", "pause")


def test_C1_moves_offered_match_the_rules(db: Database, ws: str) -> None:
    campaign = core.create_campaign(db, ws, "Flow")
    assert campaign.moves == ("start", "archive") and not campaign.read_only
    archived = core.change_state(db, ws, "Flow", "archive")
    assert archived.moves == ("unarchive",) and archived.read_only


def test_C1_archived_is_read_only(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Old")
    add_action(db, ws, "Old", type="email", name="Hello", settings=EMAIL)
    core.change_state(db, ws, "Old", "archive")
    before = core.get_campaign(db, ws, "Old")
    with pytest.raises(InvalidInput, match="archived, so it is read-only: unarchive it before you rename it"):
        core.rename_campaign(db, ws, "Old", "New")
    with pytest.raises(InvalidInput, match="read-only"):
        add_action(db, ws, "Old", type="sms", name="Text", settings={"body": "hi"})
    with pytest.raises(InvalidInput, match="cannot be started"):
        core.change_state(db, ws, "Old", "start")
    assert core.get_campaign(db, ws, "Old") == before
    assert core.duplicate_campaign(db, ws, "Old").state == "draft"
    core.delete_campaign(db, ws, "Old", confirmed=True)
    with pytest.raises(NotFound):
        core.get_campaign(db, ws, "Old")


def _contents(campaign: core.CampaignInfo) -> list[tuple[object, ...]]:
    return [(a.position, a.type, a.name, a.settings, a.imported_from, a.needs_review) for a in campaign.actions]


def test_C1_duplicate_is_a_draft_copy_with_all_actions(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Welcome")
    add_action(db, ws, "Welcome", type="email", name="Hello", settings=EMAIL)
    add_action(db, ws, "Welcome", type="delay", name="Wait", settings={"duration": "2d"})
    add_action(
        db,
        ws,
        "Welcome",
        type="webhook",
        name="Ping",
        settings={"method": "post", "url": "https://x.test/{{ customer.id }}"},
    )
    origin = {"workspace": "Elsewhere", "campaign": "Old", "action_id": 9, "imported_at": "2026-03-01T00:00:00Z"}
    with db.write() as session:
        session.execute(update(Action).where(Action.name == "Wait").values(imported_from=origin))
    core.change_state(db, ws, "Welcome", "start")
    source = core.get_campaign(db, ws, "Welcome")

    copy = core.duplicate_campaign(db, ws, "welcome")

    assert (copy.name, copy.state) == ("Welcome (2)", "draft")
    assert _contents(copy) == _contents(source)
    assert copy.actions[1].imported_from == origin
    assert {a.id for a in copy.actions}.isdisjoint(a.id for a in source.actions)
    assert core.get_campaign(db, ws, "Welcome") == source
    assert core.duplicate_campaign(db, ws, "Welcome").name == "Welcome (3)"
    assert _counter_and_count(db, ws) == (3, 3)


def test_C1_duplicate_takes_the_first_free_name_ignoring_case(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Welcome")
    core.create_campaign(db, ws, "WELCOME (2)")
    core.create_campaign(db, ws, "welcome (4)")
    assert core.duplicate_campaign(db, ws, "Welcome").name == "Welcome (3)"
    assert core.duplicate_campaign(db, ws, "Welcome").name == "Welcome (5)"


def test_C1_duplicate_respects_the_name_limit(db: Database, ws: str) -> None:
    long_name = "é" * 200
    core.create_campaign(db, ws, long_name)
    copy = core.duplicate_campaign(db, ws, long_name)
    assert copy.name == "é" * 196 + " (2)" and len(copy.name) == 200
    assert len(core.duplicate_campaign(db, ws, long_name).name) == 200


def _add_message(db: Database, ws: str, campaign: str) -> None:
    info = core.get_campaign(db, ws, campaign)
    now = db.runtime.now()
    with db.write() as session:
        person = Person(
            workspace_id=info.workspace_id,
            cio_id="abc123abc123",
            ident="a@b.test",
            attributes={},
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        session.flush()
        session.add(
            Message(
                workspace_id=info.workspace_id,
                campaign_id=info.id,
                action_id=info.actions[0].id,
                person_id=person.id,
                channel="email",
                status="sent",
                scheduled_at=now,
                sent_at=now,
            )
        )


def test_C1_delete_needs_confirmation_and_removes_everything(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Gone soon")
    add_action(db, ws, "Gone soon", type="email", name="Hello", settings=EMAIL)
    add_action(db, ws, "Gone soon", type="sms", name="Text", settings={"body": "hi"})
    core.create_campaign(db, ws, "Stays")
    _add_message(db, ws, "Gone soon")

    with pytest.raises(InvalidInput, match="needs explicit confirmation"):
        core.delete_campaign(db, ws, "Gone soon", confirmed=False)
    assert len(core.get_campaign(db, ws, "Gone soon").actions) == 2

    deleted = core.delete_campaign(db, ws, "gone SOON", confirmed=True)

    assert deleted == core.DeletedCampaign("Acme", "Gone soon", 2)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 0
        assert session.scalar(select(func.count()).select_from(Message)) == 0
    assert _counter_and_count(db, ws) == (1, 1)
    with pytest.raises(NotFound, match="no campaign named 'Gone soon' in workspace 'Acme'"):
        core.delete_campaign(db, ws, "Gone soon", confirmed=True)
    assert _counter_and_count(db, ws) == (1, 1)


def test_C1_rename(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Old")
    core.create_campaign(db, ws, "Taken")
    with pytest.raises(Conflict, match="'Taken' already exists"):
        core.rename_campaign(db, ws, "Old", "taken")
    assert core.rename_campaign(db, ws, "Old", "OLD").name == "OLD"  # a change of case is allowed
    assert core.rename_campaign(db, ws, "old", " New ").name == "New"
    with pytest.raises(NotFound):
        core.get_campaign(db, ws, "Old")


def test_C1_unknown_workspace_or_campaign(db: Database, ws: str) -> None:
    with pytest.raises(NotFound, match="no workspace named 'Nope'"):
        core.create_campaign(db, "Nope", "X")
    with pytest.raises(NotFound, match="no campaign named 'X' in workspace 'Acme'"):
        core.change_state(db, ws, "X", "start")


def test_C1_stale_expected_version_is_refused(db: Database, ws: str) -> None:
    loaded = core.create_campaign(db, ws, "Flow")
    core.rename_campaign(db, ws, "Flow", "Flow 2", expected_version=loaded.version)
    with pytest.raises(ChangedElsewhere, match="changed elsewhere, reload"):
        core.change_state(db, ws, "Flow 2", "start", expected_version=loaded.version)
    with pytest.raises(ChangedElsewhere):
        core.rename_campaign(db, ws, "Flow 2", "Flow 3", expected_version=loaded.version)
    assert _state(db, ws, "Flow 2") == ("draft", loaded.version + 1)


def test_C1_a_flush_that_lost_a_race_is_changed_elsewhere(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Flow")
    with (
        pytest.raises(ChangedElsewhere, match="campaign 'Flow' changed elsewhere, reload"),
        db.write("campaign 'Flow'") as session,
    ):
        campaign = session.scalar(select(Campaign))
        # another writer bumps the version behind this session's back
        session.execute(
            update(Campaign).values(version=Campaign.version + 1).execution_options(synchronize_session=False)
        )
        campaign.state = "running"
        session.flush()
    assert _state(db, ws, "Flow") == ("draft", 1)


def test_C1_list_gives_each_campaign_with_its_action_count(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "b empty")
    core.create_campaign(db, ws, "A full")
    core.change_state(db, ws, "A full", "start")
    for n in range(3):
        add_action(db, ws, "A full", type="sms", name=f"s{n}", settings={"body": "hi"})
    rows = core.list_campaigns(db, ws)
    assert [(c.name, c.state, c.actions) for c in rows] == [("A full", "running", 3), ("b empty", "draft", 0)]


def test_C1_a_state_change_is_undone_back_to_the_state_before_it(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Hello")
    archived = core.change_state(db, ws, "Hello", "archive")
    back = core.undo_state_change(db, ws, "Hello", "draft", expected_version=archived.version)
    assert back.state == "draft"  # unarchiving would have made it stopped
    started = core.change_state(db, ws, "Hello", "start")
    stopped = core.change_state(db, ws, "Hello", "stop")
    assert core.undo_state_change(db, ws, "Hello", "running", expected_version=stopped.version).state == "running"
    assert started.state == "running"


def test_C1_an_undo_after_another_change_or_to_an_unreachable_state_is_refused(db: Database, ws: str) -> None:
    core.create_campaign(db, ws, "Hello")
    started = core.change_state(db, ws, "Hello", "start")
    core.rename_campaign(db, ws, "Hello", "Hi")
    with pytest.raises(ChangedElsewhere, match="changed after that, so it cannot be undone"):
        core.undo_state_change(db, ws, "Hi", "draft", expected_version=started.version)
    now = core.get_campaign(db, ws, "Hi")
    with pytest.raises(InvalidInput, match="campaign 'Hi' is running: no state change leads here from archived"):
        core.undo_state_change(db, ws, "Hi", "archived", expected_version=now.version)
    assert core.get_campaign(db, ws, "Hi").state == "running"
