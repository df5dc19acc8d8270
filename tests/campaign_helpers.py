"""Campaigns for the Campaigns pane's Pilot and snapshot tests, made through core."""

from __future__ import annotations

from app_factory import seed

from tui.core.action_import import import_actions
from tui.core.actions import add_action
from tui.core.campaigns import change_state, create_campaign
from tui.core.db import Database
from tui.core.people import add_person

WS = "Acme EU"
WELCOME = "Welcome series"
WELCOME_ACTIONS = (  # type, name, settings
    (
        "email",
        "Welcome",
        {
            "subject": "Welcome to {{ workspace.name }}, {{ customer.first_name }}",
            "body": "Hi {{ customer.first_name }},\nglad you are here.",
        },
    ),
    ("delay", "Wait a day", {"duration": "1d"}),
    ("sms", "Nudge", {"body": "Did you see our welcome email, {{ customer.first_name }}?"}),
    ("delay", "Two more hours", {"duration": "2h"}),
    ("webhook", "Tell the CRM", {"method": "POST", "url": "https://crm.example.com/hooks/{{ customer.cio_id }}"}),
)


def add_actions(db: Database, workspace: str, campaign: str, actions=WELCOME_ACTIONS) -> None:
    for action_type, name, settings in actions:
        add_action(db, workspace, campaign, type=action_type, name=name, settings=settings)


def seed_people(db: Database) -> None:
    add_person(db, WS, email="ada@example.com", attributes={"first_name": "Ada", "phone": "+44 20 7946 0000"})
    add_person(db, WS, email="bob@example.com", attributes={"first_name": "Bob"})


def seed_campaigns(db: Database) -> None:
    """Three workspaces; Acme EU holds campaigns in every state, the first with a workflow."""
    seed(db)
    create_campaign(db, WS, WELCOME)
    add_actions(db, WS, WELCOME)
    create_campaign(db, WS, "Win-back")
    change_state(db, WS, "Win-back", "start")
    create_campaign(db, WS, "Spring sale")
    change_state(db, WS, "Spring sale", "start")
    change_state(db, WS, "Spring sale", "stop")
    create_campaign(db, WS, "Old promo")
    change_state(db, WS, "Old promo", "archive")
    create_campaign(db, WS, "[bold red]x[/]")


def seed_import_needing_review(db: Database) -> None:
    """An email reading customer.id, imported from Acme US (an id workspace) into Welcome series."""
    create_campaign(db, "Acme US", "US onboarding")
    add_actions(
        db,
        "Acme US",
        "US onboarding",
        [
            (
                "email",
                "Account ready",
                {"subject": "Your account {{ customer.id }}", "body": "Log in with {{ customer.id }}."},
            )
        ],
    )
    import_actions(db, WS, WELCOME, from_workspace="Acme US", from_campaign="US onboarding")
