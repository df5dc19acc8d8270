"""I1: importing actions from a campaign of another (or the same) workspace, and the wizard's reads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event, select

from tui.core.action_import import import_actions, source_workspaces
from tui.core.actions import add_action, edit_action, list_actions
from tui.core.campaigns import (
    change_state,
    create_campaign,
    delete_campaign,
    get_campaign,
    list_campaigns,
    rename_campaign,
)
from tui.core.db import Database
from tui.core.errors import InvalidInput, NotFound
from tui.core.models import Action
from tui.core.runtime import FixedClock
from tui.core.workspaces import create_workspace, delete_workspace

SOURCE = [  # (type, name, settings) of the source campaign, in workflow order
    (
        "email",
        "Welcome mail",
        {"subject": "Hi {{ customer.first_name }}", "body": "Your id: {{ customer.id }}", "from": "hi@acme.test"},
    ),
    ("delay", "Wait a day", {"duration": "1d"}),
    ("sms", "Nudge", {"body": "Reply to {{ customer.email }}"}),
    ("webhook", "Tell CRM", {"method": "POST", "url": "https://crm.test/{{ customer.id }}", "body": "{}"}),
]


@pytest.fixture
def setup(db: Database) -> dict[str, int]:
    """Source: id workspace 'Acme EU' / 'Welcome series'. Target: email workspace 'Shop' / 'Onboarding'
    with two actions of its own. Returns the source action ids by name."""
    create_workspace(db, "Acme EU", "id")
    create_workspace(db, "Shop", "email")
    create_campaign(db, "Acme EU", "Welcome series")
    ids = {name: add_action(db, "Acme EU", "Welcome series", type=t, name=name, settings=s).id for t, name, s in SOURCE}
    create_campaign(db, "Shop", "Onboarding")
    for name in ("First", "Second"):
        add_action(db, "Shop", "Onboarding", type="sms", name=name, settings={"body": name})
    return ids


def _import(db: Database, **kwargs: object):  # type: ignore[no-untyped-def]
    return import_actions(db, "Shop", "Onboarding", from_workspace="Acme EU", from_campaign="Welcome series", **kwargs)  # type: ignore[arg-type]


def _target(db: Database) -> list[tuple[int, str, int]]:
    """(position, name, id) of the target campaign's rows, checking positions are 1..n."""
    rows = [(a.position, a.name, a.id) for a in get_campaign(db, "Shop", "Onboarding").actions]
    assert [p for p, _, _ in rows] == list(range(1, len(rows) + 1))
    return rows


def test_I1_imports_all_at_the_end_in_source_order_with_origin(
    db: Database, setup: dict[str, int], clock: FixedClock
) -> None:
    result = _import(db)
    assert [name for _, name, _ in _target(db)] == [
        "First",
        "Second",
        "Welcome mail",
        "Wait a day",
        "Nudge",
        "Tell CRM",
    ]
    copies = result.actions
    assert [(a.type, a.name, a.settings) for a in copies] == [(t, n, s) for t, n, s in SOURCE]
    assert [a.imported_from for a in copies] == [
        {
            "workspace": "Acme EU",
            "campaign": "Welcome series",
            "action_id": setup[name],
            "imported_at": "2026-03-15T12:00:00Z",
        }
        for _, name, _ in SOURCE
    ]
    assert {a.id for a in copies}.isdisjoint(setup.values())
    assert [a.id for a in copies] == list(result.imported)
    assert [(a.name, a.settings) for a in list_actions(db, "Acme EU", "Welcome series")] == [
        (n, s) for _, n, s in SOURCE
    ]


def test_I1_chosen_actions_keep_source_order_at_a_position(db: Database, setup: dict[str, int]) -> None:
    result = _import(db, action_ids=[setup["Tell CRM"], setup["Welcome mail"], setup["Tell CRM"]], position=2)
    assert [name for _, name, _ in _target(db)] == ["First", "Welcome mail", "Tell CRM", "Second"]
    assert [a.position for a in result.actions] == [2, 3]
    _import(db, action_ids=[setup["Wait a day"]], position=1)
    assert [name for _, name, _ in _target(db)] == ["Wait a day", "First", "Welcome mail", "Tell CRM", "Second"]


def test_I1_origin_is_as_it_was_at_import_time(db: Database, setup: dict[str, int], clock: FixedClock) -> None:
    copy = _import(db, action_ids=[setup["Nudge"]]).actions[0]
    rename_campaign(db, "Acme EU", "Welcome series", "Renamed")
    edit_action(db, "Acme EU", "Renamed", setup["Nudge"], name="Changed")
    delete_workspace(db, "Acme EU", confirmed=True)
    kept = list_actions(db, "Shop", "Onboarding")[-1]
    assert kept.imported_from == copy.imported_from
    assert kept.imported_from == {
        "workspace": "Acme EU",
        "campaign": "Welcome series",
        "action_id": setup["Nudge"],
        "imported_at": "2026-03-15T12:00:00Z",
    }
    assert (kept.name, kept.settings) == ("Nudge", SOURCE[2][2])


def test_I1_customer_id_in_an_email_workspace_needs_review(db: Database, setup: dict[str, int]) -> None:
    marks = {a.name: (a.needs_review, a.review_reason) for a in _import(db).actions}
    assert marks["Welcome mail"] == (
        True,
        "body uses customer.id, but workspace 'Shop' identifies people by email, so customer.id is always empty there: "
        "use customer.email or an attribute instead, then save the action",
    )
    assert marks["Tell CRM"][0] and marks["Tell CRM"][1].startswith("url uses customer.id")
    assert marks["Nudge"] == (False, None)  # customer.email is fine where people are identified by email
    assert marks["Wait a day"] == (False, None)


def test_I1_customer_email_in_an_id_workspace_needs_review(db: Database, setup: dict[str, int]) -> None:
    create_campaign(db, "Acme EU", "Copies")
    result = import_actions(db, "Acme EU", "Copies", from_workspace="Acme EU", from_campaign="Welcome series")
    marks = {a.name: a.review_reason for a in result.actions if a.needs_review}
    assert list(marks) == ["Nudge"]
    assert marks["Nudge"].startswith(
        "body uses customer.email, but workspace 'Acme EU' identifies people by id and their email is optional"
    )


@pytest.mark.parametrize(
    ("subject", "body", "reason"),
    [
        ("Your customer.id is inside", "no tags here: customer.id", None),  # text, not a variable
        ("{{ customer.identity }}", "{{ customer.ids | size }}", None),  # other attributes
        ("{{ customer['id'] }}", "b", "subject uses customer.id"),
        ("Hi", "{% if customer.id %}{{ customer.id.size }}{% endif %}", "body uses customer.id"),
        ("{{ customer.id | upcase }}", "{{ customer.id[0] }}", "subject and body use customer.id"),
    ],
)
def test_I1_review_comes_from_variable_analysis(
    db: Database, setup: dict[str, int], subject: str, body: str, reason: str | None
) -> None:
    create_workspace(db, "Ids", "id")
    create_campaign(db, "Ids", "Source")
    add_action(db, "Ids", "Source", type="email", name="m", settings={"subject": subject, "body": body})
    copy = import_actions(db, "Shop", "Onboarding", from_workspace="Ids", from_campaign="Source").actions[0]
    assert copy.needs_review is (reason is not None)
    assert (copy.review_reason or "").startswith(reason or "")


def test_I1_editing_clears_the_review_mark(db: Database, setup: dict[str, int]) -> None:
    copy = _import(db, action_ids=[setup["Welcome mail"]]).actions[0]
    assert copy.needs_review
    edited = edit_action(db, "Shop", "Onboarding", copy.id, name="Welcome mail (checked)")
    assert (edited.needs_review, edited.review_reason) == (False, None)
    assert edited.imported_from == copy.imported_from


def test_I1_same_workspace_and_same_campaign_are_allowed(db: Database, setup: dict[str, int]) -> None:
    result = import_actions(
        db,
        "Acme EU",
        "Welcome series",
        from_workspace="Acme EU",
        from_campaign="Welcome series",
        action_ids=[setup["Nudge"], setup["Welcome mail"]],
        position=1,
    )
    names = [a.name for a in result.campaign.actions]
    assert names == ["Welcome mail", "Nudge", "Welcome mail", "Wait a day", "Nudge", "Tell CRM"]
    assert [a.position for a in result.campaign.actions] == [1, 2, 3, 4, 5, 6]


def _refused(db: Database, error: type[Exception], message: str, attempt: Callable[[], object]) -> None:
    """`attempt` is refused with `message` and no action anywhere changed."""
    with db.read() as session:
        before = [
            (a.id, a.campaign_id, a.position, a.version) for a in session.scalars(select(Action).order_by(Action.id))
        ]
    with pytest.raises(error, match=message):
        attempt()
    with db.read() as session:
        assert [
            (a.id, a.campaign_id, a.position, a.version) for a in session.scalars(select(Action).order_by(Action.id))
        ] == before


def test_I1_refused_into_an_archived_target(db: Database, setup: dict[str, int]) -> None:
    change_state(db, "Shop", "Onboarding", "archive")
    _refused(
        db,
        InvalidInput,
        "campaign 'Onboarding' is archived, so it is read-only: unarchive it before you import actions into it",
        lambda: _import(db),
    )


def test_I1_refused_without_a_chosen_action(db: Database, setup: dict[str, int]) -> None:
    _refused(
        db, InvalidInput, "no action chosen: choose at least one action to import", lambda: _import(db, action_ids=[])
    )


def test_I1_refused_from_an_empty_campaign(db: Database, setup: dict[str, int]) -> None:
    create_campaign(db, "Acme EU", "Empty")
    _refused(
        db,
        InvalidInput,
        "campaign 'Empty' of workspace 'Acme EU' has no actions, so there is nothing to import",
        lambda: import_actions(db, "Shop", "Onboarding", from_workspace="Acme EU", from_campaign="Empty"),
    )


def test_I1_refused_for_an_action_of_another_campaign(db: Database, setup: dict[str, int]) -> None:
    foreign = _target(db)[0][2]
    _refused(
        db,
        InvalidInput,
        f"campaign 'Welcome series' of workspace 'Acme EU' has no action with id {foreign}: choose among its actions",
        lambda: _import(db, action_ids=[setup["Nudge"], foreign]),
    )


@pytest.mark.parametrize("position", [0, 4])
def test_I1_refused_at_a_position_out_of_range(db: Database, setup: dict[str, int], position: int) -> None:
    _refused(db, InvalidInput, "has 2 actions, so choose 1 to 3", lambda: _import(db, position=position))


def test_I1_refused_when_the_source_is_gone(db: Database, setup: dict[str, int]) -> None:
    delete_campaign(db, "Acme EU", "Welcome series", confirmed=True)
    _refused(db, NotFound, "no campaign named 'Welcome series' in workspace 'Acme EU'", lambda: _import(db))
    delete_workspace(db, "Acme EU", confirmed=True)
    _refused(db, NotFound, "no workspace named 'Acme EU'", lambda: _import(db))


def test_I1_refused_when_the_target_is_gone(db: Database, setup: dict[str, int]) -> None:
    _refused(
        db,
        NotFound,
        "no campaign named 'Gone' in workspace 'Shop'",
        lambda: import_actions(db, "Shop", "Gone", from_workspace="Acme EU", from_campaign="Welcome series"),
    )
    delete_workspace(db, "Shop", confirmed=True)
    _refused(db, NotFound, "no workspace named 'Shop'", lambda: _import(db))


def test_I1_wizard_lists_other_workspaces_first(db: Database, setup: dict[str, int]) -> None:
    create_workspace(db, "Zeta", "email")
    create_workspace(db, "Beta", "id")
    listed = source_workspaces(db, " shop ")
    assert [w.name for w in listed] == ["Acme EU", "Beta", "Zeta", "Shop"]
    assert [(w.people, w.campaigns) for w in listed] == [(0, 1), (0, 0), (0, 0), (0, 1)]


def test_I1_wizard_steps_read_campaigns_then_actions(db: Database, setup: dict[str, int]) -> None:
    create_campaign(db, "Acme EU", "Archived one")
    change_state(db, "Acme EU", "Archived one", "archive")
    assert [(c.name, c.state, c.actions) for c in list_campaigns(db, "Acme EU")] == [
        ("Archived one", "archived", 0),
        ("Welcome series", "draft", 4),
    ]
    previews = [(a.id, a.type, a.summary, a.settings) for a in list_actions(db, "Acme EU", "Welcome series")]
    assert previews[0] == (setup["Welcome mail"], "email", "Hi {{ customer.first_name }}", SOURCE[0][2])


def _selects(db: Database, call: Callable[[], object]) -> int:
    count = 0

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        nonlocal count
        count += statement.lstrip().upper().startswith("SELECT")

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return count


def test_I1_wizard_reads_do_not_grow_with_the_data(db: Database, setup: dict[str, int]) -> None:
    """Issue 4 item 5: each wizard step is a fixed number of queries; campaigns and their action
    counts come from one grouped query (after the workspace lookup)."""
    steps = (
        lambda: source_workspaces(db, "Shop"),
        lambda: list_campaigns(db, "Acme EU"),
        lambda: list_actions(db, "Acme EU", "Welcome series"),
    )
    small = [_selects(db, step) for step in steps]
    for n in range(5):
        create_workspace(db, f"More {n}", "email")
        create_campaign(db, "Acme EU", f"Campaign {n}")
        add_action(db, "Acme EU", f"Campaign {n}", type="sms", name="s", settings={"body": "b"})
        add_action(db, "Acme EU", "Welcome series", type="sms", name=f"s{n}", settings={"body": "b"})
    assert [_selects(db, step) for step in steps] == small
    assert small[1] == 2  # the workspace, then campaigns with counts
