"""Searching people (S1, S2): what a search text means, and how it is read.

S1, the syntax, the same in the app's filter and `people list --search`:

- `key:value` (a name without spaces, a colon, a value): people whose attribute `key` equals the
  value; a string ignoring case, a number or true/false as written in JSON (`seats:12`).
- `^text`: people whose identifier starts with the text (the (workspace, ident) index: as fast as
  a page without a search); emails are normalized first, ids are exact.
- any other text: people whose identifier contains it, ignoring case.

S2, how a search is read, each plan as fast as the indexes allow:

- a prefix is a range of the identifier index;
- a substring of 3 or more characters is looked up in the trigram index (SQLite's FTS5 table
  `people_trigram`, PostgreSQL's pg_trgm GIN index where the server has the extension). On SQLite,
  when more than CANDIDATES people have it, the index would hand over a large part of the
  workspace: the listing is scanned in order instead, where those people are dense (the index's matches are
  counted across workspaces: the trigram index is one for the file);
- everything else (an attribute, 1 or 2 characters, PostgreSQL without pg_trgm) is a scan of the
  listing in its order, SCAN_CHUNK people at a time, reporting how far it got to `progress`
  (which may raise to stop it).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, case, func, literal, text, type_coerce
from sqlalchemy.orm import Session

from tui.core.attributes import check_name
from tui.core.errors import InvalidInput
from tui.core.models import Person, Workspace

CANDIDATES = 5_000  # trigram matches read and sorted per page at most; more: scan in order
SCAN_CHUNK = 20_000  # people per step of a scan, between progress reports
TRIGRAM = 3  # the shortest substring a trigram index serves
# The highest code point: `ident < prefix + PREFIX_END` bounds a prefix range over the index.
PREFIX_END = "\U0010ffff"
_ATTRIBUTE = re.compile(r"([^\s:^][^\s:]*):(.*)", re.DOTALL)

Progress = Callable[[int, int], None]  # (people scanned, people in the workspace)


@dataclass(frozen=True)
class PeopleSearch:
    """S1: a parsed search: `prefix` or `contains` of the identifier, or an `attribute` equal to a value."""

    kind: str
    text: str
    name: str | None = None  # the attribute's name


def parse_search(text: str | None, identify_by: str) -> PeopleSearch | None:
    """S1: what a search text asks for; None (everyone) for an empty one."""
    if not text or not text.strip():
        return None
    if text.startswith("^"):
        prefix = identifier_text(text[1:], identify_by)
        return PeopleSearch("prefix", prefix) if prefix else None
    attribute = _ATTRIBUTE.fullmatch(text.strip())
    if attribute is not None:
        name, value = attribute.group(1), attribute.group(2).strip()
        try:
            check_name(name)
        except InvalidInput as exc:
            raise InvalidInput(f"search {text!r}: {exc} (key:value searches an attribute)") from None
        return PeopleSearch("attribute", value, name)
    return PeopleSearch("contains", identifier_text(text, identify_by))


def identifier_text(text: str, identify_by: str) -> str:
    """The form identifiers are stored in: emails normalized (NFC, trimmed, lowercased), ids exact."""
    if identify_by == "email":
        return unicodedata.normalize("NFC", text.strip()).lower()
    return text


@dataclass(frozen=True)
class Plan:
    """S2: how to read a search: `condition` keeps its people; `scan`: no index serves it, read the
    listing in order a chunk at a time."""

    condition: ColumnElement[bool] | None
    scan: bool = False
    candidates: bool = False  # the condition names the few people to read by their ids

    def in_workspace(self, ws: Workspace) -> ColumnElement[bool]:
        """The workspace's people. With candidates, written so that SQLite does not walk the
        workspace's index for them (it would, to read them in order) but reads them by id."""
        return (Person.workspace_id + 0 == ws.id) if self.candidates else (Person.workspace_id == ws.id)


def plan(session: Session, ws: Workspace, search: PeopleSearch | None) -> Plan:
    if search is None:
        return Plan(None)
    if search.kind == "prefix":
        return Plan(and_(Person.ident >= search.text, Person.ident < search.text + PREFIX_END))
    dialect = session.get_bind().dialect.name
    if search.kind == "attribute":
        return Plan(_attribute_equals(dialect, search.name or "", search.text), scan=True)
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", search.text) + "%"
    if dialect != "sqlite":
        contains = Person.ident.ilike(pattern, escape="\\")
        return Plan(contains, scan=len(search.text) < TRIGRAM or not _has_pg_trgm(session))
    contains = Person.ident.like(pattern, escape="\\")
    if len(search.text) < TRIGRAM:
        return Plan(contains, scan=True)
    phrase = '"' + search.text.replace('"', '""') + '"'
    ids = session.scalars(
        text("SELECT rowid FROM people_trigram WHERE people_trigram MATCH :phrase LIMIT :most"),
        {"phrase": phrase, "most": CANDIDATES + 1},
    ).all()
    if len(ids) <= CANDIDATES:
        return Plan(and_(Person.id.in_(ids), contains), candidates=True)
    return Plan(contains, scan=True)


def _has_pg_trgm(session: Session) -> bool:
    found = session.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_people_ident_trgm'")).first()
    return found is not None


def _attribute_equals(dialect: str, name: str, value: str) -> ColumnElement[bool]:
    """S1: attribute `name` equals `value`: a string ignoring case, anything else by its JSON text."""
    if dialect == "sqlite":
        path = literal(f"$.{json.dumps(name)}")
        kind = func.json_type(Person.attributes, path)
        stored = type_coerce(func.json_extract(Person.attributes, path), String)
        as_json = type_coerce(Person.attributes.op("->")(path), String)
        return case(
            (kind == "text", func.lower(stored) == func.lower(value)),
            else_=and_(kind.is_not(None), as_json == value),
        )
    key = literal(name)
    kind = func.json_typeof(Person.attributes.op("->")(key))
    stored = type_coerce(Person.attributes.op("->>")(key), String)
    return case((kind == "string", func.lower(stored) == func.lower(value)), else_=stored == value)
