"""The slice of a workspace's people that the People pane holds: a bounded window over keyset pages.

The list is in identifier order and read with `list_people(after=cursor)`. The window keeps at
most `max_rows` people; pages scrolled past are dropped and only their keyset cursors kept, so
that scrolling back up can fetch them again. Nothing here touches the database.
"""

from __future__ import annotations

from tui.core.people import PersonInfo
from tui.parts.person_ident import ident_of

PAGE_SIZE = 100
MAX_ROWS = 4 * PAGE_SIZE


class PeopleWindow:
    """Consecutive people of one listing, with the cursors to read more above and below."""

    def __init__(self, *, page_size: int = PAGE_SIZE, max_rows: int = MAX_ROWS) -> None:
        self.page_size = page_size
        self.max_rows = max_rows
        self.rows: list[PersonInfo] = []
        self.start: str | None = None  # the cursor just before rows[0]; None: the beginning
        self.more_below = False
        self.offset = 0  # how many people come before rows[0] (as far as this window has seen)
        self._passed: list[tuple[str | None, int]] = []  # (start cursor, rows) of dropped pages

    @property
    def more_above(self) -> bool:
        return bool(self._passed)

    @property
    def next_cursor(self) -> str | None:
        """Where the next page below starts, or None when there is none."""
        return ident_of(self.rows[-1]) if self.more_below and self.rows else None

    @property
    def previous_page(self) -> tuple[str | None, int] | None:
        """(cursor, size) of the page just above the window, or None at the top."""
        return self._passed[-1] if self._passed else None

    def reset(self, people: list[PersonInfo], *, more_below: bool) -> None:
        """Start over at the top of the listing with its first page."""
        self.rows = list(people)
        self.start = None
        self.more_below = more_below
        self.offset = 0
        self._passed = []

    def append(self, people: list[PersonInfo], *, more_below: bool) -> int:
        """Add the page below; returns how many rows were dropped at the top to stay bounded.

        Past `max_rows` it drops down to a page less than that, so that drops (and the redraws
        they cost) come every other page rather than every page.
        """
        self.rows.extend(people)
        self.more_below = more_below
        if len(self.rows) <= self.max_rows:
            return 0
        dropped = 0
        while len(self.rows) > self.max_rows - self.page_size:
            size = self.page_size
            self._passed.append((self.start, size))
            self.start = ident_of(self.rows[size - 1])
            del self.rows[:size]
            self.offset += size
            dropped += size
        return dropped

    def prepend(self, people: list[PersonInfo]) -> int:
        """Add the page above (read at `previous_page`); returns how many rows it added at the top.

        People already in the window (the list changed meanwhile) are not repeated; rows past
        `max_rows` at the bottom are dropped.
        """
        if not self._passed:
            return 0
        self.start, _ = self._passed.pop()
        first = ident_of(self.rows[0]) if self.rows else None
        fresh = [person for person in people if first is None or ident_of(person) < first]
        self.rows[:0] = fresh
        self.offset = max(0, self.offset - len(fresh)) if self._passed else 0
        if len(self.rows) > self.max_rows:
            del self.rows[self.max_rows :]
            self.more_below = True
        return len(fresh)

    def replace(self, people: list[PersonInfo], *, more_below: bool) -> None:
        """The window read again from `start` (a refresh): same place, fresh rows."""
        self.rows = list(people[: self.max_rows])
        self.more_below = more_below or len(people) > self.max_rows
