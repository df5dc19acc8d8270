"""The worker's queue of claimed messages (issue 13): a message held too long is not sent."""

from __future__ import annotations

import asyncio

import pytest

from tui.core.db import Database
from tui.core.delivery_settings import DeliveryConfig
from tui.core.outbox import OutboxItem
from tui.delivery.database_calls import DatabaseCalls
from tui.delivery.routes import Routes
from tui.delivery.start_queue import HELD_S, StartQueue


def _item(message_id: int) -> OutboxItem:
    return OutboxItem(message_id, 1, 1, "site", "webhook", False, None, "http://example.com/", "{}", 1)


@pytest.mark.backends("sqlite")
def test_D1_a_message_that_waited_more_than_half_its_lease_is_not_sent_but_left_to_be_claimed_again(
    db: Database,
) -> None:
    """Behind a slow server, claimed messages can wait long enough for their lease to run out,
    and then a second claim sends them too (twice, from one worker or two)."""

    async def main() -> list[int]:
        calls = DatabaseCalls(db)
        queue = StartQueue(10, Routes(calls, DeliveryConfig()), calls)
        now = asyncio.get_running_loop().time()
        await queue.put_all([_item(1), _item(2)], claimed_at=now - HELD_S - 1)  # waited too long
        await queue.put_all([_item(3)], claimed_at=now - HELD_S + 60)  # within half its lease
        taken = [(await queue.get()).id]
        queue.task_done()
        await asyncio.wait_for(queue.join(), 5)  # the skipped ones count as done: a worker can end
        assert queue.stale == 2  # and are counted, for deliver's summary
        return taken

    assert asyncio.run(main()) == [3]
