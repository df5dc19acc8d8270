"""What the wizard's steps share: a body that loads its data in a worker and reports a pick."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.containers import Vertical
from textual.message import Message

from tui.core.campaigns import ActionInfo, CampaignSummary
from tui.core.db import Database
from tui.core.workspaces import WorkspaceInfo
from tui.parts.core_work import CoreWork


@dataclass(frozen=True)
class Choice:
    """What the user has picked so far (later fields are None/empty until their step)."""

    source: WorkspaceInfo | None = None
    campaign: CampaignSummary | None = None
    actions: tuple[ActionInfo, ...] = ()


class WizardStep(CoreWork, Vertical):
    """One step. Subclasses load through `run_core` (showing `loading` meanwhile), post `Picked`
    with what the user chose; a refused core call posts `Failed`."""

    DEFAULT_CSS = """
    WizardStep {
        height: 1fr;
        & > .prompt { text-style: bold; margin-bottom: 1; }
    }
    """
    title: ClassVar[str] = ""

    @dataclass
    class Picked(Message):
        step: WizardStep
        value: Any

    @dataclass
    class Failed(Message):
        message: str  # untrusted: render it literally

    def __init__(self, db: Database, *, id: str) -> None:
        super().__init__(id=id)
        self.db = db

    def focus_main(self) -> None:
        """Focus the widget the user works with in this step."""

    def pick(self, value: Any) -> None:
        self.post_message(self.Picked(self, value))

    def core_failed(self, message: str) -> None:
        self.loading = False
        self.post_message(self.Failed(message))
