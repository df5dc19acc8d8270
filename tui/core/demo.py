"""A sample account for newcomers: workspaces of both kinds, people, campaigns, sent messages.

Everything goes through the public core functions, so the demo data obeys every rule. Events
are spread over the last weeks (a clock walked forward), so billing has a history to show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from tui.core import actions, campaigns, outbox, people, sending, workspaces
from tui.core.db import Database
from tui.core.errors import Conflict
from tui.core.models import Workspace
from tui.core.runtime import FixedClock, Runtime
from tui.core.states import CampaignState

FIRST_NAMES = (
    "Ada",
    "Bo",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kofi",
    "Lena",
    "Mateo",
    "Noor",
    "Olu",
    "Priya",
)
LAST_NAMES = (
    "Andersen",
    "Baptiste",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
)
CITIES = ("Lisbon", "Berlin", "Dublin", "Toronto", "Austin", "Nairobi", "Osaka", "Madrid")
PLANS = ("free", "pro", "team")


@dataclass(frozen=True)
class DemoSummary:
    workspaces: int
    people: int
    campaigns: int
    messages: int


@dataclass(frozen=True)
class _Step:
    type: str
    name: str
    settings: dict[str, str]


WELCOME = (
    _Step(
        "email",
        "Welcome email",
        {
            "subject": "Welcome to Acme, {{ customer.first_name | default: 'friend' }}!",
            "body": "Hi {{ customer.first_name | default: 'there' }},\n\nThanks for joining {{ workspace.name }}.",
        },
    ),
    _Step("delay", "Wait a day", {"duration": "1d"}),
    _Step(
        "email",
        "Getting started",
        {
            "subject": "Three things to try on the {{ customer.plan | default: 'free' }} plan",
            "body": "Start with your dashboard, then invite your team.",
        },
    ),
    _Step("delay", "Wait three days", {"duration": "3d"}),
    _Step("sms", "Check-in text", {"body": "Hi {{ customer.first_name }}, need a hand? Reply HELP."}),
)
ONBOARDING = (
    _Step(
        "email", "Account ready", {"subject": "Your account {{ customer.id }} is ready", "body": "Sign in any time."}
    ),
    _Step("delay", "Two hours", {"duration": "2h"}),
    _Step(
        "webhook",
        "Notify CRM",
        {"method": "POST", "url": "https://crm.example.com/hooks/onboarded", "body": '{"id": "{{ customer.id }}"}'},
    ),
    _Step("push", "First tip", {"title": "Tip of the day", "body": "Swipe left to archive."}),
)
REENGAGE = (
    _Step(
        "push", "We miss you", {"title": "We miss you, {{ customer.first_name }}", "body": "New features are waiting."}
    ),
    _Step("delay", "A week", {"duration": "7d"}),
    _Step("email", "What's new", {"subject": "What's new this month", "body": "Here is what changed."}),
)


def _person(rng: random.Random, n: int) -> tuple[str, dict[str, object]]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    attributes: dict[str, object] = {
        "first_name": first,
        "last_name": last,
        "city": rng.choice(CITIES),
        "plan": rng.choice(PLANS),
    }
    if rng.random() < 0.6:
        attributes["phone"] = f"+1555{rng.randrange(10**6, 10**7)}"
    handle = f"{first}.{last}{n}".lower().replace("í", "i")
    return handle, attributes


def _build(db: Database, workspace: str, name: str, steps: tuple[_Step, ...], state: CampaignState | None) -> None:
    campaigns.create_campaign(db, workspace, name)
    for step in steps:
        actions.add_action(db, workspace, name, type=step.type, name=step.name, settings=step.settings)
    moves = {
        CampaignState.RUNNING: ("start",),
        CampaignState.STOPPED: ("start", "stop"),
        CampaignState.ARCHIVED: ("archive",),
    }
    for move in moves.get(state, ()) if state else ():
        campaigns.change_state(db, workspace, name, move)


def seed_demo(db: Database, *, people_per_workspace: int = 60, seed: int = 2026) -> DemoSummary:
    """Fill an empty account with the demo. Refuses a database that already has workspaces."""
    with db.read() as session:
        if session.scalar(select(Workspace.id).limit(1)) is not None:
            raise Conflict(
                "this database already has workspaces; seed the demo into a new one: switchboard --db demo.db demo"
            )
    rng = random.Random(seed)
    end = db.runtime.now()
    clock = FixedClock(end - timedelta(days=45))
    demo = replace(db, runtime=Runtime(clock=clock, tokens=db.runtime.tokens))

    workspaces.create_workspace(demo, "Acme EU", "email", color="teal")
    workspaces.create_workspace(demo, "Acme US", "id", color="blue")
    workspaces.create_workspace(
        demo, "Mobile App", "id", color="purple", send_mode="test", test_address="qa@acme.example"
    )
    workspaces.create_workspace(demo, "Newsletter", "email", color="orange", send_mode="never")

    total = 0
    for n in range(people_per_workspace):
        clock.set(end - timedelta(days=45) + timedelta(hours=n * 12))
        handle, attributes = _person(rng, n)
        people.add_person(demo, "Acme EU", email=f"{handle}@example.eu", attributes=attributes)
        people.add_person(demo, "Acme US", id=f"user_{1000 + n}", email=f"{handle}@example.com", attributes=attributes)
        people.add_person(demo, "Mobile App", id=f"device-{rng.randrange(16**8):08x}", attributes=attributes)
        if n % 2 == 0:
            people.add_person(
                demo,
                "Newsletter",
                email=f"{handle}@mail.example.org",
                attributes={"first_name": attributes["first_name"]},
            )
        total += 3 + (n % 2 == 0)

    clock.set(end - timedelta(days=20))
    _build(demo, "Acme EU", "Welcome series", WELCOME, CampaignState.RUNNING)
    _build(demo, "Acme US", "Onboarding", ONBOARDING, None)
    _build(demo, "Acme US", "Win-back", REENGAGE, CampaignState.STOPPED)
    _build(demo, "Mobile App", "Re-engagement", REENGAGE, CampaignState.RUNNING)
    _build(demo, "Newsletter", "Spring sale 2025", WELCOME[:1], CampaignState.ARCHIVED)

    messages = _send(demo, clock, end, 14, "Acme EU", "Welcome series")
    messages += _send(demo, clock, end, 6, "Mobile App", "Re-engagement")
    for n in range(people_per_workspace, people_per_workspace + 8):  # sign-ups this week
        clock.set(end - timedelta(days=5) + timedelta(hours=n - people_per_workspace))
        handle, attributes = _person(rng, n)
        people.add_person(demo, "Acme EU", email=f"{handle}@example.eu", attributes=attributes)
        total += 1
    messages += _send(demo, clock, end, 1, "Acme EU", "Welcome series")
    _deliver_until(demo, clock, end)
    return DemoSummary(workspaces=4, people=total, campaigns=5, messages=messages)


def _send(db: Database, clock: FixedClock, end: datetime, days_ago: int, workspace: str, campaign: str) -> int:
    clock.set(end - timedelta(days=days_ago))
    result = sending.send_campaign(db, workspace, campaign)
    return result.queued + result.scheduled + result.test + result.suppressed + result.failed


def _deliver_until(db: Database, clock: FixedClock, end: datetime) -> None:
    """The demo's story has a worker: each message is delivered at its due time up to `end`
    (nothing really leaves); later ones stay scheduled."""
    while (due := outbox.next_due(db)) is not None and due <= end:
        clock.set(due)
        outbox.simulate_delivery(db, "250 delivered by the demo")
