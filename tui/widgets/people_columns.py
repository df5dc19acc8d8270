"""The People table's columns and cells: identifier, cio_id, email, created, the common attributes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from tui.core.people import PersonInfo
from tui.core.people_list import ATTRIBUTE_PREFIX, BY_IDENT, PeopleSort
from tui.core.text import visible
from tui.parts.person_ident import ident_of

MAX_ATTRIBUTE_COLUMNS = 5
CREATED_FORMAT = "%Y-%m-%d %H:%M"


def cell_text(value: Any) -> str:
    """One line of untrusted text: strings as they are, other JSON values as JSON, controls visible."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return visible(text)


def cell(value: Any) -> Text:
    """A DataTable cell that is never parsed as markup (DataTable parses plain strings)."""
    return Text(cell_text(value), no_wrap=True, overflow="ellipsis")


def fill_table(table: DataTable, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]) -> None:
    """Replace `table`'s columns and rows: each column as wide as its widest cell, at most its
    limit; every cell literal text."""
    texts = [[cell_text(value) for value in row] for row in rows]
    table.clear(columns=True)
    for index, (label, most) in enumerate(columns):
        table.add_column(label, width=min(max([len(label), *(len(row[index]) for row in texts)]), most))
    table.add_rows([cell(value) for value in row] for row in texts)


@dataclass(frozen=True)
class PeopleColumn:
    key: str
    label: str  # untrusted for attribute columns: shown through `cell`
    width: int
    value: Callable[[PersonInfo], Any]


def _width(label: str, values: Iterable[str], low: int, high: int) -> int:
    longest = max((len(value) for value in values), default=0)
    return max(low, min(high, max(longest, len(label))))


def _attribute(name: str) -> Callable[[PersonInfo], Any]:
    return lambda person: person.attributes.get(name)


def common_attributes(sample: list[PersonInfo], most: int = MAX_ATTRIBUTE_COLUMNS) -> list[str]:
    """The attribute names most people of the sample have, most common first."""
    counts = Counter(name for person in sample for name in person.attributes)
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]]


SORTABLE = ("ident", "created")  # and every attribute column ("attr:NAME"): the orders of L1
ARROWS = {False: " ▲", True: " ▼"}  # the sorted column's label says which way, in text


def people_columns(identify_by: str, sample: list[PersonInfo], order: PeopleSort = BY_IDENT) -> list[PeopleColumn]:
    """Identifier, cio_id, the email of an id workspace, created, and the sample's common attributes,
    sized to the sample (so that later pages do not make columns jump); the column the list is
    sorted by carries an arrow, unless it is the usual order (by identifier, ascending)."""
    idents = [cell_text(ident_of(person)) for person in sample]
    columns = [
        PeopleColumn("ident", identify_by, _width(identify_by, idents, 12, 48), ident_of),
        PeopleColumn("cio_id", "cio_id", 16, lambda person: person.cio_id),
    ]
    if identify_by == "id":
        emails = [cell_text(person.email) for person in sample]
        columns.append(PeopleColumn("email", "email", _width("email", emails, 12, 32), lambda person: person.email))
    columns.append(PeopleColumn("created", "created", 16, lambda person: person.created_at.strftime(CREATED_FORMAT)))
    for name in common_attributes(sample):
        values = [cell_text(person.attributes.get(name)) for person in sample]
        columns.append(PeopleColumn(f"attr:{name}", name, _width(cell_text(name), values, 6, 20), _attribute(name)))
    return [
        replace(column, label=column.label + ARROWS[order.descending], width=column.width + 2)
        if column.key == order.column and order != BY_IDENT
        else column
        for column in columns
    ]


def sortable(columns: Sequence[PeopleColumn]) -> list[str]:
    """The keys of the columns the list can be sorted by, in the table's order."""
    return [column.key for column in columns if column.key in SORTABLE or column.key.startswith(ATTRIBUTE_PREFIX)]
