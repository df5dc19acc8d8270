"""Sending a campaign (M1): one message per person and message action, ever.

What a message row holds, per channel:

| channel | recipient                                            | subject      | body             |
|---------|------------------------------------------------------|--------------|------------------|
| email   | the person's email (the test address in mode `test`) | the subject  | the body         |
| sms     | the person's `phone` attribute                       | -            | the body         |
| push    | -                                                    | the title    | the body         |
| webhook | -                                                    | "METHOD url" | the body, if any |

Every text is rendered (Liquid) for the person. A message that cannot go fails with its reason
(a missing address, a template that fails for this person, a webhook url that does not render
to http(s)://) whatever the send mode, so `test` and `never` show what `normal` would do. The
others go to the outbox (tui.core.outbox) in modes `normal` and `test` (where emails go to the
test address, marked as test): `queued` when due now, `scheduled` when a delay step puts them
later (bug 5: never delivered before their time). In mode `never` they are `suppressed`.

People are read in batches by keyset (ORDER BY id, WHERE id > last) and their messages rendered
outside any write transaction (C4: a slow template never holds the database's write lock); each
batch is then one short transaction that writes its messages (billing counts them when a worker
delivers them), so an interrupted send leaves whole batches, and sending again skips what already
has a message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.orm import Session

from tui.core import templates
from tui.core.action_settings import ACTION_TYPES, URL_SCHEMES, parse_duration
from tui.core.campaign_reach import bump_reached
from tui.core.campaigns import actions_of, find_campaign
from tui.core.db import Database
from tui.core.errors import Conflict, InvalidInput, NotFound, TemplateProblem
from tui.core.message_counts import bump_message_counts, counted
from tui.core.models import Action, Campaign, Message, Person, table_of
from tui.core.states import CampaignState, MessageStatus
from tui.core.workspaces import find_workspace

MESSAGE_TYPES = tuple(kind for kind in ACTION_TYPES if kind != "delay")
BATCH_SIZE = 500
MAX_ADDRESS = 320  # the width of messages.recipient

Progress = Callable[[int, int], None]
"""Called after each batch with (people done, people in the workspace)."""


@dataclass(frozen=True)
class SendResult:
    """Each new message counts in exactly one of queued/scheduled/test/suppressed/failed."""

    queued: int = 0  # due now, waiting for a worker
    scheduled: int = 0  # due after a delay step
    test: int = 0
    suppressed: int = 0
    failed: int = 0
    skipped: int = 0  # person/action pairs that already had a message


@dataclass(frozen=True)
class Step:
    """A message action and how long after the send it is scheduled (the delays before it)."""

    action_id: int
    type: str
    settings: Mapping[str, Any]
    offset: timedelta


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str | None


class MessageFailed(Exception):
    """This one message cannot go; the text is the reason stored on it.

    `problem` says where, when the reason is a template of the action that does not parse."""

    def __init__(self, reason: str, problem: TemplateProblem | None = None) -> None:
        super().__init__(reason)
        self.problem = problem


@dataclass(frozen=True)
class _Plan:
    """What a send needs, read once: the workspace's mode and the campaign's steps."""

    workspace_id: int
    identify_by: str
    send_mode: str
    test_address: str | None
    campaign_id: int
    campaign_name: str
    people: int
    workspace_name: str
    steps: list[Step]
    action_ids: list[int]  # every action of the campaign, removed ones too: who it has reached


def workflow_steps(actions: Iterable[Action]) -> list[Step]:
    """The message actions of a workflow (in position order), each with the delays before it."""
    offset = timedelta()
    steps: list[Step] = []
    for action in actions:
        if action.type == "delay":
            offset += parse_duration(str(action.settings.get("duration", "")))
        elif action.type in MESSAGE_TYPES:
            steps.append(Step(action.id, action.type, dict(action.settings), offset))
    return steps


def customer_context(
    identify_by: str, ident: str, email: str | None, cio_id: str, attributes: Mapping[str, Any]
) -> dict[str, Any]:
    """C3: `customer` is the person's attributes plus id, email and cio_id."""
    return {**attributes, "id": ident if identify_by == "id" else None, "email": email, "cio_id": cio_id}


def template_context(identify_by: str, person: Any, *, campaign: str, workspace: str) -> dict[str, Any]:
    """C3: what a message's templates see: `customer`, `campaign` and `workspace`.

    `person` is a Person or a row with its ident, email, cio_id and attributes. Sending and the
    preview (tui.core.preview) both build the context here, so a preview renders as a send would.
    """
    customer = customer_context(identify_by, person.ident, person.email, person.cio_id, person.attributes or {})
    return {"customer": customer, "campaign": {"name": campaign}, "workspace": {"name": workspace}}


def _storable(text: str) -> bool:
    """Whether both backends can store `text`: PostgreSQL refuses NUL, UTF-8 holds no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def render_step(step_type: str, settings: Mapping[str, Any], context: Mapping[str, Any]) -> Rendered:
    """The rendered texts of one message; MessageFailed says why it cannot go."""

    def text(key: str) -> str | None:
        source = settings.get(key)
        if source is None:
            return None
        unstorable = MessageFailed(
            f"the {key} renders to text with a NUL character or a lone surrogate, which cannot be stored"
        )
        try:
            rendered = templates.render(str(source), context)
        except TemplateProblem as exc:
            raise MessageFailed(f"the {key} template failed: {exc}", exc.in_field(key)) from None
        except templates.UnstorableText:
            raise unstorable from None
        except (templates.TemplateRenderError, InvalidInput) as exc:
            raise MessageFailed(f"the {key} template failed: {exc}") from None
        if not _storable(rendered):
            raise unstorable
        return rendered

    if step_type == "email":
        return Rendered(text("subject"), text("body"))
    if step_type == "push":
        return Rendered(text("title"), text("body"))
    if step_type == "webhook":
        url = (text("url") or "").strip()
        if not url.startswith(URL_SCHEMES):
            raise MessageFailed(f"the webhook url renders to {url!r}, which does not start with http:// or https://")
        return Rendered(f"{settings.get('method', 'POST')} {url}", text("body"))
    return Rendered(None, text("body"))


def address_of(step_type: str, person: Any) -> str | None:
    """The person's address on the channel (None for channels that need none); MessageFailed
    when the person has none. `person` is a Person or a row with its email and attributes."""
    if step_type == "email":
        if not person.email:
            raise MessageFailed("the person has no email address, which an email needs")
        return str(person.email)
    if step_type == "sms":
        phone = (person.attributes or {}).get("phone")
        if phone is None or phone == "":
            raise MessageFailed("the person has no phone attribute, which an sms needs")
        number = str(phone).strip() if isinstance(phone, str | int) and not isinstance(phone, bool) else ""
        if not 0 < len(number) <= MAX_ADDRESS or not _storable(number):
            raise MessageFailed(f"the person's phone attribute {phone!r} is not a phone number")
        return number
    return None


def delivery(
    send_mode: str, test_address: str | None, channel: str, recipient: str | None, *, later: bool
) -> tuple[MessageStatus, bool, str | None]:
    """How a message that can go goes in the workspace's send mode: (status, test, recipient).

    It goes to the outbox `queued`, or `scheduled` when a delay step puts it `later` (bug 5: it
    waits for its time)."""
    if send_mode == "never":
        return MessageStatus.SUPPRESSED, False, recipient
    status = MessageStatus.SCHEDULED if later else MessageStatus.QUEUED
    if send_mode == "test" and channel == "email":
        return status, True, test_address
    return status, False, recipient


def _message(plan: _Plan, step: Step, person: Row[Any], context: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The row of one new message for `person`: rendered, addressed, with its status."""
    row: dict[str, Any] = {
        "workspace_id": plan.workspace_id,
        "campaign_id": plan.campaign_id,
        "action_id": step.action_id,
        "person_id": person.id,
        "channel": step.type,
        "test": False,
        "reason": None,
        "recipient": None,
        "subject": None,
        "body": None,
        "scheduled_at": now + step.offset,
        "sent_at": now,
        "next_attempt_at": None,
    }
    try:
        recipient = address_of(step.type, person)
        rendered = render_step(step.type, step.settings, context)
    except MessageFailed as exc:
        return row | {"status": MessageStatus.FAILED, "reason": str(exc)}
    status, test, recipient = delivery(
        plan.send_mode, plan.test_address, step.type, recipient, later=step.offset > timedelta()
    )
    if status != MessageStatus.SUPPRESSED:
        row["next_attempt_at"] = row["scheduled_at"]  # the outbox takes it then, not before
    return row | {
        "status": status,
        "test": test,
        "recipient": recipient,
        "subject": rendered.subject,
        "body": rendered.body,
    }


def _messages_for(plan: _Plan, person: Row[Any], existing: set[tuple[int, int]], now: datetime) -> list[dict[str, Any]]:
    """The new messages of one person: one per step that has none yet."""
    steps = [step for step in plan.steps if (step.action_id, person.id) not in existing]
    if not steps:
        return []
    context = template_context(plan.identify_by, person, campaign=plan.campaign_name, workspace=plan.workspace_name)
    return [_message(plan, step, person, context, now) for step in steps]


def _outcome(row: Mapping[str, Any]) -> str:
    """Which SendResult count a new message goes to."""
    if row["status"] in (MessageStatus.QUEUED, MessageStatus.SCHEDULED):
        return "test" if row["test"] else str(row["status"])
    return str(row["status"])


def _load_plan(db: Database, workspace: str, campaign: str) -> _Plan:
    with db.read() as session:
        ws = find_workspace(session, workspace)
        found = find_campaign(session, ws, campaign)
        _ensure_running(found.name, found.state)
        return _Plan(
            workspace_id=ws.id,
            identify_by=ws.identify_by,
            send_mode=ws.send_mode,
            test_address=ws.test_address,
            campaign_id=found.id,
            campaign_name=found.name,
            people=ws.people_count,
            workspace_name=ws.name,
            steps=workflow_steps(actions_of(session, found.id)),
            action_ids=list(session.scalars(select(Action.id).where(Action.campaign_id == found.id))),
        )


def _ensure_running(name: str, state: CampaignState, *, done: int | None = None) -> None:
    if state == CampaignState.RUNNING:
        return
    if done is None:
        raise InvalidInput(f"campaign {name!r} is {state}: only a running campaign can be sent; start it first")
    raise Conflict(
        f"campaign {name!r} became {state} while sending, after {done} people; start it and send again "
        "to reach the rest (people who already have their messages are skipped)"
    )


@dataclass(frozen=True)
class _Batch:
    people: int
    last_id: int
    counts: Counter[str]


def _people_after(
    db: Database, plan: _Plan, after_id: int, batch_size: int
) -> tuple[Sequence[Row[Any]], set[tuple[int, int]]]:
    """The next `batch_size` people after `after_id`, and which of their messages exist already."""
    with db.read() as session:
        people = session.execute(
            select(Person.id, Person.cio_id, Person.ident, Person.email, Person.attributes)
            .where(Person.workspace_id == plan.workspace_id, Person.id > after_id)
            .order_by(Person.id)
            .limit(batch_size)
        ).all()
        return people, (_existing(session, plan, people) if people else set())


def _existing(session: Session, plan: _Plan, people: Sequence[Row[Any]]) -> set[tuple[int, int]]:
    """The (action, person) pairs of `people` that have a message of the campaign (of any of its
    actions, removed ones too). The people are a range of ids, and actions belong to one
    workspace: one indexed query."""
    pairs = select(Message.action_id, Message.person_id).where(
        Message.action_id.in_(plan.action_ids),
        Message.person_id.between(people[0].id, people[-1].id),
    )
    return {(action_id, person_id) for action_id, person_id in session.execute(pairs)}


def _store_batch(
    session: Session, plan: _Plan, people: Sequence[Row[Any]], rows: list[dict[str, Any]], now: datetime, done: int
) -> list[dict[str, Any]]:
    """Store the rendered messages of one batch in the caller's transaction; the ones stored.

    Rendering happened before this transaction (C4: no render holds the write lock), so what
    changed meanwhile is checked again here: the campaign's state, messages another send stored,
    people deleted."""
    # The row lock (PostgreSQL) makes two sends of one campaign, or a stop, take turns.
    state = session.scalar(select(Campaign.state).where(Campaign.id == plan.campaign_id).with_for_update())
    if state is None:
        raise NotFound(f"campaign {plan.campaign_name!r} was deleted while sending, after {done} people")
    _ensure_running(plan.campaign_name, state, done=done)
    existing = _existing(session, plan, people)
    alive = set(
        session.scalars(
            select(Person.id).where(
                Person.workspace_id == plan.workspace_id, Person.id.between(people[0].id, people[-1].id)
            )
        )
    )
    rows = [row for row in rows if row["person_id"] in alive and (row["action_id"], row["person_id"]) not in existing]
    if rows:
        # A Core insert: one executemany (the ORM's bulk insert fetched ids row by row, ~8x slower).
        session.execute(insert(table_of(Message)), rows)
        bump_message_counts(session, counted((plan.workspace_id, plan.campaign_id, None, r["status"]) for r in rows))
        reached_before = {person_id for _, person_id in existing}
        newly_reached = {row["person_id"] for row in rows} - reached_before
        bump_reached(session, Counter({plan.campaign_id: len(newly_reached)}))
    return rows


def _send_batch(db: Database, plan: _Plan, after_id: int, batch_size: int, done: int) -> _Batch:
    """Send to the next `batch_size` people after `after_id`: read, render, then one short write."""
    people, existing = _people_after(db, plan, after_id, batch_size)
    if not people:
        return _Batch(0, after_id, Counter())
    now = db.runtime.now()
    rendered = [row for person in people for row in _messages_for(plan, person, existing, now)]
    with db.write() as session:
        stored = _store_batch(session, plan, people, rendered, now, done)
    counts = Counter(_outcome(row) for row in stored)
    counts["skipped"] = len(people) * len(plan.steps) - len(stored)
    return _Batch(len(people), people[-1].id, counts)


def send_campaign(
    db: Database,
    workspace: str,
    campaign: str,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    cancelled: Callable[[], bool] | None = None,
) -> SendResult:
    """M1: deliver every message action of a running campaign to every person of its workspace.

    `progress(done, total)` is called after each committed batch; when `cancelled()` says so
    between batches, the send stops there, keeping what it committed (sending again does the rest).
    """
    plan = _load_plan(db, workspace, campaign)
    counts: Counter[str] = Counter()
    last_id = done = 0
    while plan.steps:
        if cancelled is not None and cancelled():
            break
        batch = _send_batch(db, plan, last_id, batch_size, done)
        if not batch.people:
            break
        counts.update(batch.counts)
        last_id, done = batch.last_id, done + batch.people
        if progress is not None:
            progress(done, max(plan.people, done))
    return SendResult(
        **{key: counts[key] for key in ("queued", "scheduled", "test", "suppressed", "failed", "skipped")}
    )
