"""C2 (workflow positions and settings per type) and C3 (templates checked when saved)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from tui.core import actions as core
from tui.core.action_settings import parse_duration
from tui.core.billing import billing
from tui.core.campaigns import change_state, create_campaign, get_campaign
from tui.core.db import Database
from tui.core.errors import ChangedElsewhere, InvalidInput, NotFound
from tui.core.messages import list_messages
from tui.core.models import Action
from tui.core.outbox import simulate_delivery
from tui.core.people import add_person
from tui.core.sending import send_campaign
from tui.core.workspaces import create_workspace

WS, CAMPAIGN = "Acme", "Welcome"
VALID = {
    "email": {
        "subject": "Hi {{ customer.first_name | default: 'there' }}",
        "body": "Hello\n{{ customer.email }}",
        "from": "Acme <hi@acme.test>",
    },
    "sms": {"body": "Code {{ customer.code }}"},
    "push": {"title": "News", "body": "{{ campaign.name }}"},
    "webhook": {"method": "POST", "url": "https://hooks.test/{{ customer.id }}", "body": '{"id": "{{ customer.id }}"}'},
    "delay": {"duration": "30m"},
}


@pytest.fixture
def campaign(db: Database) -> str:
    create_workspace(db, WS, "email")
    create_campaign(db, WS, CAMPAIGN)
    return CAMPAIGN


def _add(db: Database, name: str, position: int | None = None, type: str = "sms", **settings: str) -> int:
    return core.add_action(
        db, WS, CAMPAIGN, type=type, name=name, settings=settings or {"body": name}, position=position
    ).id


def _rows(db: Database) -> list[tuple[int, str]]:
    """(position, name) of the workflow straight from the table, in position order."""
    live = select(Action).where(Action.removed_at.is_(None)).order_by(Action.position)
    with db.read() as session:
        return [(a.position, a.name) for a in session.scalars(live)]


def _names(db: Database) -> list[str]:
    rows = _rows(db)
    assert [p for p, _ in rows] == list(range(1, len(rows) + 1)), f"positions not contiguous: {rows}"
    return [name for _, name in rows]


def _refused_add(db: Database, kind: str, settings: dict[str, str], message: str) -> None:
    """Adding the action is refused with `message` and the table stays empty."""
    with pytest.raises(InvalidInput, match=message):
        core.add_action(db, WS, CAMPAIGN, type=kind, name="x", settings=settings)
    assert _rows(db) == []


def test_C2_add_appends_or_inserts_and_shifts(db: Database, campaign: str) -> None:
    _add(db, "b")
    _add(db, "d")
    _add(db, "a", position=1)
    _add(db, "c", position=3)
    _add(db, "e", position=5)
    assert _names(db) == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("position", [0, -1, 4])
def test_C2_insert_position_must_be_1_to_n_plus_1(db: Database, campaign: str, position: int) -> None:
    _add(db, "a")
    _add(db, "b")
    with pytest.raises(
        InvalidInput, match=f"position {position} is out of range: campaign 'Welcome' has 2 actions, so choose 1 to 3"
    ):
        _add(db, "x", position=position)
    assert _names(db) == ["a", "b"]


def test_C2_move(db: Database, campaign: str) -> None:
    ids = {name: _add(db, name) for name in "abcde"}
    assert core.move_action(db, WS, CAMPAIGN, ids["b"], 4).position == 4
    assert _names(db) == ["a", "c", "d", "b", "e"]
    core.move_action(db, WS, CAMPAIGN, ids["e"], 1)
    assert _names(db) == ["e", "a", "c", "d", "b"]
    core.move_action(db, WS, CAMPAIGN, ids["c"], 3)
    assert _names(db) == ["e", "a", "c", "d", "b"]


@pytest.mark.parametrize("to", [0, 4])
def test_C2_move_takes_1_to_n(db: Database, campaign: str, to: int) -> None:
    first = _add(db, "a")
    _add(db, "b")
    _add(db, "c")
    with pytest.raises(InvalidInput, match="has 3 actions, so choose 1 to 3"):
        core.move_action(db, WS, CAMPAIGN, first, to)
    assert _names(db) == ["a", "b", "c"]


def test_C2_remove_closes_the_gap(db: Database, campaign: str) -> None:
    ids = {name: _add(db, name) for name in "abcd"}
    removed = core.remove_action(db, WS, CAMPAIGN, ids["b"])
    assert (removed.name, removed.position) == ("b", 2)
    assert _names(db) == ["a", "c", "d"]
    core.remove_action(db, WS, CAMPAIGN, ids["d"])
    core.remove_action(db, WS, CAMPAIGN, ids["a"])
    assert _names(db) == ["c"]


def test_C2_positions_stay_contiguous_under_any_sequence(db: Database, campaign: str) -> None:
    """A model list and the table agree after a random mix of inserts, moves and removes."""
    rng = random.Random(2)
    model: list[tuple[int, str]] = []
    for step in range(120):
        op = rng.choice(["add", "add", "move", "remove"]) if model else "add"
        if op == "add":
            at = rng.randint(1, len(model) + 1)
            model.insert(at - 1, (_add(db, f"n{step}", position=at), f"n{step}"))
        elif op == "move":
            moved, to = model.pop(rng.randrange(len(model))), rng.randint(1, len(model) + 1)
            model.insert(to - 1, moved)
            core.move_action(db, WS, CAMPAIGN, moved[0], to)
        else:
            core.remove_action(db, WS, CAMPAIGN, model.pop(rng.randrange(len(model)))[0])
        assert _names(db) == [name for _, name in model]


@pytest.mark.parametrize("kind", list(VALID))
def test_C2_settings_per_type(db: Database, campaign: str, kind: str) -> None:
    action = core.add_action(db, WS, CAMPAIGN, type=kind, name=f"my {kind}", settings=VALID[kind])
    assert (action.type, action.name, action.settings) == (kind, f"my {kind}", VALID[kind])
    assert get_campaign(db, WS, CAMPAIGN).actions == (action,)


@pytest.mark.parametrize(
    ("kind", "settings", "message"),
    [
        (
            "email",
            {**VALID["email"], "url": "https://x.test"},
            "url does not apply to email actions, which take subject and body, and optionally from",
        ),
        (
            "sms",
            {"body": "x", "title": "t", "duration": "1m"},
            "title and duration do not apply to sms actions, which take body",
        ),
        ("delay", {"duration": "1m", "body": "x"}, "body does not apply to delay actions, which take duration"),
        (
            "push",
            {"title": "t", "body": "b", "from": "a@b.test"},
            "from does not apply to push actions, which take title and body",
        ),
        (
            "email",
            {"subject": "s"},
            "body is missing or blank: email actions take subject and body, and optionally from",
        ),
        ("email", {"subject": "  ", "body": "b"}, "subject is missing or blank"),
        ("push", {"body": "b"}, "title is missing"),
        ("webhook", {"url": "https://x.test"}, "method is missing"),
        ("webhook", {"method": "GET"}, "url is missing"),
        ("delay", {}, "duration is missing"),
        ("fax", {"body": "b"}, "action type 'fax' is not valid: choose email, sms, push, webhook, delay"),
    ],
)
def test_C2_settings_that_do_not_fit_the_type_are_refused(
    db: Database, campaign: str, kind: str, settings: dict[str, str], message: str
) -> None:
    _refused_add(db, kind, settings, message)


def test_C2_action_name_is_required(db: Database, campaign: str) -> None:
    with pytest.raises(InvalidInput, match="action name is empty"):
        core.add_action(db, WS, CAMPAIGN, type="sms", name="  ", settings={"body": "b"})
    assert core.add_action(db, WS, CAMPAIGN, type="sms", name=" Same ", settings={"body": "b"}).name == "Same"
    assert core.add_action(db, WS, CAMPAIGN, type="sms", name="same", settings={"body": "b"}).name == "same"


@pytest.mark.parametrize("method", ["get", "Post", "PUT", "patch", "delete"])
def test_C2_webhook_method_is_case_insensitive_and_stored_upper(db: Database, campaign: str, method: str) -> None:
    action = core.add_action(
        db, WS, CAMPAIGN, type="webhook", name="hook", settings={"method": method, "url": "http://x.test"}
    )
    assert action.settings["method"] == method.upper()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"method": "FETCH", "url": "https://x.test"},
            "webhook method 'FETCH' is not valid: choose GET, POST, PUT, PATCH, DELETE",
        ),
        (
            {"method": "GET", "url": "ftp://x.test"},
            "webhook url 'ftp://x.test' is not valid: it must start with http:// or https://",
        ),
        ({"method": "GET", "url": "{{ customer.site }}/hook"}, "must start with http:// or https://"),
        ({"method": "GET", "url": "https://x.test/{{ customer.id "}, "url has a Liquid syntax error at line 1"),
    ],
)
def test_C2_webhook_rules(db: Database, campaign: str, settings: dict[str, str], message: str) -> None:
    _refused_add(db, "webhook", settings, message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1m", timedelta(minutes=1)),
        ("120d", timedelta(days=120)),
    ],
)
def test_C2_delay_duration_parses(db: Database, campaign: str, text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert (
        core.add_action(db, WS, CAMPAIGN, type="delay", name="wait", settings={"duration": text}).summary
        == f"wait {text}"
    )


@pytest.mark.parametrize(
    "text", ["0m", "30", "m", "2w", "-1h", "1.5h", " 2h", "2h ", "02h", "2H", "", "9999999999999d"]
)
def test_C2_delay_duration_is_refused(db: Database, campaign: str, text: str) -> None:
    with pytest.raises(InvalidInput, match="delay duration"):
        parse_duration(text)
    _refused_add(db, "delay", {"duration": text}, "duration")


def test_C2_edit_merges_settings_and_unsets_optional_ones(db: Database, campaign: str) -> None:
    action = core.add_action(db, WS, CAMPAIGN, type="email", name="Hello", settings=VALID["email"])
    edited = core.edit_action(db, WS, CAMPAIGN, action.id, settings={"subject": "New subject"})
    assert edited.settings == {**VALID["email"], "subject": "New subject"}
    assert edited.version == action.version + 1
    unset = core.edit_action(db, WS, CAMPAIGN, action.id, settings={"from": ""}, name="Renamed")
    assert unset.settings == {"subject": "New subject", "body": VALID["email"]["body"]}
    assert unset.name == "Renamed"
    assert get_campaign(db, WS, CAMPAIGN).actions == (unset,)


def test_C2_edit_refuses_a_blank_required_setting_and_foreign_options(db: Database, campaign: str) -> None:
    action = core.add_action(db, WS, CAMPAIGN, type="email", name="Hello", settings=VALID["email"])
    with pytest.raises(InvalidInput, match="subject is missing or blank"):
        core.edit_action(db, WS, CAMPAIGN, action.id, settings={"subject": ""})
    with pytest.raises(InvalidInput, match="url does not apply to email actions"):
        core.edit_action(db, WS, CAMPAIGN, action.id, settings={"url": "https://x.test"})
    with pytest.raises(InvalidInput, match="nothing to change"):
        core.edit_action(db, WS, CAMPAIGN, action.id)
    assert get_campaign(db, WS, CAMPAIGN).actions == (action,)


def test_C2_edit_cannot_change_the_type(db: Database, campaign: str) -> None:
    action = core.add_action(db, WS, CAMPAIGN, type="sms", name="Text", settings={"body": "b"})
    with pytest.raises(
        InvalidInput,
        match="action .* is of type sms and an action's type cannot change: remove it and add an action of type email instead",
    ):
        core.edit_action(db, WS, CAMPAIGN, action.id, type="email", settings={"subject": "s"})
    assert get_campaign(db, WS, CAMPAIGN).actions == (action,)
    assert core.edit_action(db, WS, CAMPAIGN, action.id, type="sms", name="Same type").type == "sms"


def test_C2_edit_can_move_in_the_same_change(db: Database, campaign: str) -> None:
    ids = [_add(db, name) for name in "abc"]
    edited = core.edit_action(db, WS, CAMPAIGN, ids[2], name="c2", position=1)
    assert edited.position == 1 and edited.name == "c2"
    assert _names(db) == ["c2", "a", "b"]
    with pytest.raises(InvalidInput, match="choose 1 to 3"):
        core.edit_action(db, WS, CAMPAIGN, ids[0], name="never saved", position=9)
    assert _names(db) == ["c2", "a", "b"]


def test_C2_actions_belong_to_their_campaign(db: Database, campaign: str) -> None:
    create_campaign(db, WS, "Other")
    other = core.add_action(db, WS, "Other", type="sms", name="o", settings={"body": "b"}).id
    _add(db, "mine")
    for attempt in (
        lambda: core.edit_action(db, WS, CAMPAIGN, other, name="x"),
        lambda: core.move_action(db, WS, CAMPAIGN, other, 1),
        lambda: core.remove_action(db, WS, CAMPAIGN, other),
    ):
        with pytest.raises(NotFound, match=f"campaign 'Welcome' has no action with id {other}"):
            attempt()
    assert [a.name for a in core.list_actions(db, WS, "Other")] == ["o"]


def test_C2_archived_campaign_actions_are_read_only(db: Database, campaign: str) -> None:
    first = _add(db, "a")
    _add(db, "b")
    change_state(db, WS, CAMPAIGN, "archive")
    for attempt in (
        lambda: _add(db, "c"),
        lambda: core.edit_action(db, WS, CAMPAIGN, first, name="x"),
        lambda: core.move_action(db, WS, CAMPAIGN, first, 2),
        lambda: core.remove_action(db, WS, CAMPAIGN, first),
    ):
        with pytest.raises(
            InvalidInput, match="archived, so it is read-only: unarchive it before you change its actions"
        ):
            attempt()
    assert _names(db) == ["a", "b"]


def test_C2_stale_expected_version_is_refused(db: Database, campaign: str) -> None:
    loaded = core.add_action(db, WS, CAMPAIGN, type="sms", name="a", settings={"body": "one"})
    core.edit_action(db, WS, CAMPAIGN, loaded.id, settings={"body": "two"}, expected_version=loaded.version)
    with pytest.raises(ChangedElsewhere, match=f"action {loaded.id} changed elsewhere, reload"):
        core.edit_action(db, WS, CAMPAIGN, loaded.id, settings={"body": "three"}, expected_version=loaded.version)
    assert core.list_actions(db, WS, CAMPAIGN)[0].settings == {"body": "two"}


def test_C2_shifting_counts_as_a_change(db: Database, campaign: str) -> None:
    """An action pushed down by an insert is at a new version, so a move planned on the old
    order is refused instead of landing somewhere unexpected."""
    loaded = core.add_action(db, WS, CAMPAIGN, type="sms", name="a", settings={"body": "b"})
    _add(db, "b")
    _add(db, "first", position=1)
    with pytest.raises(ChangedElsewhere):
        core.move_action(db, WS, CAMPAIGN, loaded.id, 2, expected_version=loaded.version)
    with pytest.raises(ChangedElsewhere):
        core.remove_action(db, WS, CAMPAIGN, loaded.id, expected_version=loaded.version)
    assert _names(db) == ["first", "a", "b"]


@pytest.mark.parametrize(
    ("kind", "settings", "message"),
    [
        (
            "email",
            {"subject": "Hi", "body": "Hello\n  {{ customer.name "},
            "body has a Liquid syntax error at line 2, column 3",
        ),
        ("email", {"subject": "{% if x %}Hi", "body": "b"}, "subject has a Liquid syntax error at line 1, column 1"),
        (
            "push",
            {"title": "{{ x | nosuchfilter }}", "body": "b"},
            "title has an error at line 1, column .*unknown filter 'nosuchfilter'",
        ),
        ("sms", {"body": "{% for %}"}, "body has a Liquid syntax error at line 1"),
        ("webhook", {"method": "POST", "url": "https://x.test", "body": "{{ }}"}, "body has a Liquid syntax error"),
    ],
)
def test_C3_templates_with_errors_are_refused_when_saved(
    db: Database, campaign: str, kind: str, settings: dict[str, str], message: str
) -> None:
    _refused_add(db, kind, settings, message)
    saved = core.add_action(db, WS, CAMPAIGN, type=kind, name="x", settings=VALID[kind])
    with pytest.raises(InvalidInput, match=message):
        core.edit_action(db, WS, CAMPAIGN, saved.id, settings=settings)
    assert core.list_actions(db, WS, CAMPAIGN) == [saved]


def test_C3_from_is_not_a_template_but_has_no_control_characters(db: Database, campaign: str) -> None:
    with pytest.raises(InvalidInput, match="from address .* contains control characters"):
        core.add_action(
            db, WS, CAMPAIGN, type="email", name="x", settings={**VALID["email"], "from": "a@b.test\r\nBcc: x@y.test"}
        )
    action = core.add_action(
        db, WS, CAMPAIGN, type="email", name="x", settings={**VALID["email"], "from": "{{ not checked"}
    )
    assert action.settings["from"] == "{{ not checked"


def test_C2_summary_says_what_an_action_does(db: Database, campaign: str) -> None:
    summaries = [core.add_action(db, WS, CAMPAIGN, type=k, name=k, settings=s).summary for k, s in VALID.items()]
    assert summaries == [
        VALID["email"]["subject"],
        "Code {{ customer.code }}",
        "News",
        "POST https://hooks.test/{{ customer.id }}",
        "wait 30m",
    ]


def _sent_and_delivered(db: Database) -> tuple[int, int]:
    """Campaign Welcome, running with an sms and a push, sent to two people and delivered;
    returns the two action ids."""
    add_person(db, WS, email="ann@example.com", attributes={"phone": "+100"})
    add_person(db, WS, email="bob@example.com", attributes={"phone": "+200"})
    sms, push = _add(db, "Text"), _add(db, "Push", type="push", title="t", body="b")
    change_state(db, WS, CAMPAIGN, "start")
    send_campaign(db, WS, CAMPAIGN)
    simulate_delivery(db, "250 OK")
    return sms, push


def _history(db: Database) -> list[tuple[str, str]]:
    return sorted((m.channel, str(m.status)) for m in list_messages(db, WS, limit=100))


def test_C2_removing_an_action_keeps_its_sent_messages_in_history_by_default(db: Database, campaign: str) -> None:
    sms, push = _sent_and_delivered(db)
    history, bill, counts = _history(db), billing(db), get_campaign(db, WS, CAMPAIGN).messages

    removed = core.remove_action(db, WS, CAMPAIGN, sms)

    assert removed.id == sms and _names(db) == ["Push"]
    assert [a.id for a in get_campaign(db, WS, CAMPAIGN).actions] == [push]
    assert _history(db) == history == [("push", "delivered")] * 2 + [("sms", "delivered")] * 2
    assert billing(db) == bill and get_campaign(db, WS, CAMPAIGN).messages == counts
    assert send_campaign(db, WS, CAMPAIGN).skipped == 2  # nothing goes again, nothing for the removed one
    with pytest.raises(NotFound, match=f"no action with id {sms}"):
        core.edit_action(db, WS, CAMPAIGN, sms, name="back")


def test_C2_removing_an_action_with_its_messages_deletes_them_but_not_the_billing(db: Database, campaign: str) -> None:
    sms, _ = _sent_and_delivered(db)
    bill = billing(db)

    core.remove_action(db, WS, CAMPAIGN, sms, keep_messages=False)

    assert _names(db) == ["Push"] and _history(db) == [("push", "delivered")] * 2
    assert get_campaign(db, WS, CAMPAIGN).messages.delivered == 2
    assert billing(db) == bill  # B1: what was billed stays billed
