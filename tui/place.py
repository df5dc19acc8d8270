"""Where the user was, per database: the workspace and tab the app reopens on next start.

Kept in the user state dir (`places.json`), keyed by a hash of the database URL (never the URL,
which may hold a password); the newest 50 databases are remembered. A file that cannot be read
or written is ignored: forgetting the place is never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

PLACES_FILE = "places.json"
REMEMBERED = 50
TABS = ("people", "campaigns", "activity")


@dataclass(frozen=True)
class Place:
    workspace_id: int
    tab: str


def places_path() -> Path:
    from platformdirs import user_state_path

    return user_state_path("switchboard", appauthor=False) / PLACES_FILE


def _key(db_url: str) -> str:
    return hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:32]


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def load_place(db_url: str, path: Path | None = None) -> Place | None:
    entry = _read(path or places_path()).get(_key(db_url))
    if not isinstance(entry, dict):
        return None
    workspace, tab = entry.get("workspace"), entry.get("tab")
    if isinstance(workspace, int) and not isinstance(workspace, bool) and tab in TABS:
        return Place(workspace, str(tab))
    return None


def save_place(db_url: str, place: Place, path: Path | None = None) -> None:
    path = path or places_path()
    places = _read(path)
    places.pop(_key(db_url), None)
    places[_key(db_url)] = {"workspace": place.workspace_id, "tab": place.tab}
    kept = dict(list(places.items())[-REMEMBERED:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
