"""C3/M1: previewing a message action for one person is what sending would store; template
errors say where they are."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from factories import EMAIL, add_campaign, add_person, make_workspace
from sqlalchemy import func, select

from tui.core import actions, campaigns, sending
from tui.core.db import Database
from tui.core.errors import InvalidInput, NotFound, TemplateProblem
from tui.core.models import Message, Person, Workspace
from tui.core.preview import MessagePreview, preview_message
from tui.core.workspaces import update_workspace

PUSH = ("push", {"title": "{{ campaign.name }} for {{ customer.name }}", "body": "{{ customer.plan | upcase }}"})
SMS = ("sms", {"body": "Hi {{ customer.name }}, your code is {{ customer.code }}"})
WEBHOOK = (
    "webhook",
    {"method": "PUT", "url": "https://crm.test/{{ customer.cio_id }}", "body": '{"plan": "{{ customer.plan }}"}'},
)
STEPS = [EMAIL, ("delay", {"duration": "2h"}), SMS, PUSH, WEBHOOK]
MESSAGE_STEPS = (1, 3, 4, 5)
PEOPLE = {
    "ann@example.com": {"name": "Ann", "phone": "+1 555 0100", "code": 42, "plan": "pro"},
    "bob@example.com": {"name": "Bob \x1b[31m", "plan": "free"},  # no phone: his sms fails
}


def stored(message: Message | MessagePreview) -> tuple[Any, ...]:
    """What a send stores, and so what a preview must say."""
    texts = (None, None) if message.status == "failed" else (message.subject, message.body)
    return (message.channel, message.status, message.test, message.recipient, *texts, message.reason)


@pytest.fixture
def acme(db: Database) -> int:
    """Acme (email) with ann and bob; running campaign "Hello": email, delay, sms, push, webhook."""
    ws = make_workspace(db)
    for email, attributes in PEOPLE.items():
        add_person(db, ws, email, attributes=attributes)
    add_campaign(db, ws, "Hello", STEPS)
    return ws


@pytest.mark.parametrize("mode", ["normal", "test", "never"])
def test_preview_is_what_send_stores_for_the_same_person_and_action(db: Database, acme: int, mode: str) -> None:
    if mode != "normal":
        update_workspace(db, "Acme", send_mode=mode, test_address="qa@example.org" if mode == "test" else None)
    previews = {
        (email, step): preview_message(db, "Acme", "Hello", email, step=step)
        for email in PEOPLE
        for step in MESSAGE_STEPS
    }

    sending.send_campaign(db, "Acme", "Hello")

    with db.read() as session:
        rows = session.execute(select(Person.email, Message).join(Message, Message.person_id == Person.id)).all()
    sent = {(email, message.action_id): message for email, message in rows}
    assert len(sent) == len(previews) == 8
    for (email, step), preview in previews.items():
        assert stored(preview) == stored(sent[(email, preview.action.id)]), (email, step)
    statuses = {key: preview.status for key, preview in previews.items()}
    if mode == "never":
        assert statuses[("bob@example.com", 3)] == "failed"  # a missing address fails in every mode
        assert {s for k, s in statuses.items() if k != ("bob@example.com", 3)} == {"suppressed"}
    ann_email = previews[("ann@example.com", 1)]
    assert (ann_email.subject, ann_email.body) == ("Hi Ann", "Welcome to Acme, ann@example.com")
    assert ann_email.recipient == ("qa@example.org" if mode == "test" else "ann@example.com")
    assert ann_email.test is (mode == "test")


def test_preview_works_in_any_state_and_writes_nothing(db: Database, acme: int) -> None:
    campaigns.change_state(db, "Acme", "Hello", "stop")  # any state previews: a draft is checked before it starts
    preview = preview_message(db, "Acme", "Hello", "ann@example.com", step=4)
    assert (preview.channel, preview.subject, preview.body) == ("push", "Hello for Ann", "PRO")
    assert (preview.workspace, preview.campaign, preview.action.position, preview.person.email) == (
        "Acme",
        "Hello",
        4,
        "ann@example.com",
    )
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0
        assert session.get_one(Workspace, acme).messages_sent == 0


def test_preview_by_action_id_or_by_cio_reference_in_an_id_workspace(db: Database) -> None:
    ws = make_workspace(db, "Apps", "id")
    cio_id = add_person(db, ws, "u-1", email="u1@example.com", attributes={"name": "Uma"})
    ids = add_campaign(
        db, ws, "Hooks", [WEBHOOK, ("sms", {"body": "{{ customer.id }} / {{ customer.email }}"})], state="draft"
    )

    hook = preview_message(db, "apps", "hooks", f"cio_{cio_id}", action_id=ids[0])
    assert (hook.status, hook.recipient, hook.subject) == ("queued", None, f"PUT https://crm.test/{cio_id}")
    assert hook.person.id == "u-1"
    sms = preview_message(db, "Apps", "Hooks", "u-1", step=2)
    assert (sms.status, sms.reason, sms.body) == (
        "failed",
        "the person has no phone attribute, which an sms needs",
        "u-1 / u1@example.com",
    )
    assert sms.rendered and sms.problem is None


def test_a_template_failing_for_the_persons_data_is_the_reason_send_stores(db: Database) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com", attributes={"n": 1, "d": 0})
    add_campaign(db, ws, "C", [("email", {"subject": "s", "body": "{{ customer.n | divided_by: customer.d }}"})])

    preview = preview_message(db, "Acme", "C", "ann@example.com", step=1)

    assert (preview.status, preview.rendered, preview.problem) == ("failed", False, None)
    assert preview.reason == "the body template failed: divided_by: can't divide by 0"
    sending.send_campaign(db, "Acme", "C")
    with db.read() as session:
        assert session.scalars(select(Message.reason)).one() == preview.reason


def test_a_template_that_does_not_parse_gives_field_line_and_column(db: Database) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    # Built with the ORM: saving through core refuses such a template.
    add_campaign(db, ws, "C", [("email", {"subject": "ok", "body": "Hello\n  {{ customer.name "})])

    preview = preview_message(db, "Acme", "C", "ann@example.com", step=1)

    problem = preview.problem
    assert isinstance(problem, TemplateProblem)
    assert (problem.field, problem.line, problem.column) == ("body", 2, 3)
    assert problem.detail and str(problem) == f"body has a Liquid syntax error at line 2, column 3: {problem.detail}"
    assert (preview.status, preview.rendered, preview.subject, preview.body) == ("failed", False, None, None)
    sending.send_campaign(db, "Acme", "C")
    with db.read() as session:
        assert session.scalars(select(Message.reason)).one() == preview.reason
    assert (
        preview.reason
        == f"the body template failed: template has a Liquid syntax error at line 2, column 3: {problem.detail}"
    )


@pytest.mark.parametrize(
    ("settings", "field", "line", "column", "sentence"),
    [
        (
            {"subject": "Hi", "body": "Hello\n  {{ customer.name "},
            "body",
            2,
            3,
            "body has a Liquid syntax error at line 2, column 3: ",
        ),
        (
            {"subject": "x {{ customer.name | nosuchfilter }}", "body": "b"},
            "subject",
            1,
            20,
            "subject has an error at line 1, column 20: unknown filter 'nosuchfilter'",
        ),
    ],
)
def test_saving_a_bad_template_is_refused_with_a_template_problem(
    db: Database, settings: dict[str, str], field: str, line: int, column: int, sentence: str
) -> None:
    make_workspace(db)
    campaigns.create_campaign(db, "Acme", "C")
    with pytest.raises(TemplateProblem) as refused:
        actions.add_action(db, "Acme", "C", type="email", name="Mail", settings=settings)
    problem = refused.value
    assert isinstance(problem, InvalidInput)  # the CLI and the app show it as any refusal
    assert (problem.field, problem.line, problem.column) == (field, line, column)
    assert str(problem).startswith(sentence) and str(problem).endswith(problem.detail)
    again = pickle.loads(pickle.dumps(problem))
    assert (str(again), again.field, again.line, again.column, again.detail) == (
        str(problem),
        field,
        line,
        column,
        problem.detail,
    )


@pytest.mark.parametrize(
    ("workspace", "campaign", "person", "which", "error", "message"),
    [
        ("Nope", "Hello", "ann@example.com", {"step": 1}, NotFound, "Nope"),
        ("Acme", "Nope", "ann@example.com", {"step": 1}, NotFound, "no campaign named 'Nope' in workspace 'Acme'"),
        ("Acme", "Hello", "zed@example.com", {"step": 1}, NotFound, "no person 'zed@example.com' in workspace 'Acme'"),
        ("Acme", "Hello", "cio_0000000000000000", {"step": 1}, NotFound, "no person 'cio_0000000000000000'"),
        ("Acme", "Hello", "not an email", {"step": 1}, NotFound, "no person 'not an email' in workspace 'Acme'"),
        ("Acme", "Hello", "ann@example.com", {"step": 6}, NotFound, "campaign 'Hello' has no step 6: it has 5 actions"),
        ("Acme", "Hello", "ann@example.com", {"step": 0}, NotFound, "has no step 0"),
        (
            "Acme",
            "Hello",
            "ann@example.com",
            {"action_id": 999},
            NotFound,
            "campaign 'Hello' has no action with id 999",
        ),
        ("Acme", "Hello", "ann@example.com", {"step": 2}, InvalidInput, "'delay 2', is a delay: it sends no message"),
        ("Acme", "Hello", "ann@example.com", {}, InvalidInput, "give either its step .position. or its id"),
        ("Acme", "Hello", "ann@example.com", {"step": 1, "action_id": 1}, InvalidInput, "give either its step"),
    ],
)
def test_bad_references_are_refused_clearly(
    db: Database,
    acme: int,
    workspace: str,
    campaign: str,
    person: str,
    which: dict[str, int],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        preview_message(db, workspace, campaign, person, **which)


def test_an_action_of_another_campaign_is_not_found(db: Database, acme: int) -> None:
    other = add_campaign(db, acme, "Other", [EMAIL])
    with pytest.raises(NotFound, match=f"campaign 'Hello' has no action with id {other[0]}"):
        preview_message(db, "Acme", "Hello", "ann@example.com", action_id=other[0])
    empty = make_workspace(db, "Empty")
    add_campaign(db, empty, "Blank", [])
    with pytest.raises(NotFound, match="campaign 'Blank' has no step 1: it has no actions yet"):
        preview_message(db, "Empty", "Blank", "ann@example.com", step=1)
