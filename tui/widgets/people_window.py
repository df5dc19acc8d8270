"""The slice of a listing that the People pane holds: a bounded window over keyset pages.

The listing (a workspace's people, or a search's, in one order) is read a page at a time with
`list_people`: after the window's last row going down, before its first row going up, from its
first row to read it again, or at either end of the listing (Home, End). The window keeps at most
`max_rows` people; rows scrolled far past are dropped, and read again by cursor when the view
comes back. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core.people import PersonInfo

PAGE_SIZE = 100
MAX_ROWS = 4 * PAGE_SIZE

Cursor = Callable[[PersonInfo], str]


class PeopleWindow:
    """Consecutive people of one listing, and what is known of those above and below them."""

    def __init__(self, cursor: Cursor, *, page_size: int = PAGE_SIZE, max_rows: int = MAX_ROWS) -> None:
        self.cursor = cursor  # a person's place in the listing's order
        self.page_size = page_size
        self.max_rows = max_rows
        self.rows: list[PersonInfo] = []
        self.more_above = False
        self.more_below = False
        # How many people come before rows[0] and after rows[-1], where known: from the top of
        # the listing the first, from its end (End) the second.
        self.offset: int | None = 0
        self.tail: int | None = None

    @property
    def next_cursor(self) -> str | None:
        """Where the page below starts (read after it), or None when there is none."""
        return self.cursor(self.rows[-1]) if self.more_below and self.rows else None

    @property
    def previous_cursor(self) -> str | None:
        """Where the page above ends (read before it; and where a refresh reads the window again
        from), or None at the top."""
        return self.cursor(self.rows[0]) if self.more_above and self.rows else None

    def position(self, row: int, total: int | None) -> int | None:
        """The place of `row` (of the window) in the listing, from 1; None when not known."""
        if not self.rows:
            return None
        row = max(0, min(row, len(self.rows) - 1))
        if self.offset is not None:
            return self.offset + row + 1
        if self.tail is not None and total is not None:
            return max(1, total - self.tail - (len(self.rows) - 1 - row))
        return None

    def reset(self, people: list[PersonInfo], *, more_below: bool) -> None:
        """Start over at the top of the listing with its first page."""
        self.rows = list(people)
        self.more_above, self.more_below = False, more_below
        self.offset, self.tail = 0, (None if more_below else 0)

    def reset_at_end(self, people: list[PersonInfo], *, more_above: bool) -> None:
        """Start over at the end of the listing with its last page."""
        self.rows = list(people)
        self.more_above, self.more_below = more_above, False
        self.offset, self.tail = (None if more_above else 0), 0

    def append(self, people: list[PersonInfo], *, more_below: bool) -> int:
        """Add the page below; returns how many rows were dropped at the top to stay bounded.

        Past `max_rows` it drops down to a page less than that, so that drops (and the redraws
        they cost) come every other page rather than every page.
        """
        self.rows.extend(people)
        self.more_below = more_below
        self.tail = 0 if not more_below else None if self.tail is None else max(0, self.tail - len(people))
        dropped = max(0, len(self.rows) - (self.max_rows - self.page_size)) if len(self.rows) > self.max_rows else 0
        if dropped:
            del self.rows[:dropped]
            self.more_above = True
            self.offset = None if self.offset is None else self.offset + dropped
        return dropped

    def prepend(self, people: list[PersonInfo], *, more_above: bool) -> int:
        """Add the page above; returns how many rows it added at the top. Past `max_rows`, rows are
        dropped at the bottom (down to a page less, as `append` does)."""
        self.rows[:0] = people
        self.more_above = more_above
        self.offset = 0 if not more_above else None if self.offset is None else max(0, self.offset - len(people))
        if len(self.rows) > self.max_rows:
            dropped = len(self.rows) - (self.max_rows - self.page_size)
            del self.rows[-dropped:]
            self.more_below = True
            self.tail = None if self.tail is None else self.tail + dropped
        return len(people)

    def replace(self, people: list[PersonInfo], *, more_below: bool) -> None:
        """The window read again from its first row (a refresh): same place, fresh rows."""
        self.rows = list(people[: self.max_rows])
        self.more_below = more_below or len(people) > self.max_rows
