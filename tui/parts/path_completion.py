"""Completing a file path as a shell does: Tab fills in what the names that start with the typed
text have in common, and a directory's name ends with `/` so the next Tab goes inside it."""

from __future__ import annotations

import asyncio
import itertools
import os
from pathlib import Path

from textual.suggester import Suggester

MAX_ENTRIES = 5_000  # a directory bigger than this is not listed in full on each key


def complete_path(typed: str, suffixes: frozenset[str] | None = None) -> str:
    """`typed` extended by the common start of the names it could mean, or `typed` unchanged.
    Only directories and, when `suffixes` is given, files with one of those endings count;
    hidden names only when the typed name starts with a dot. What was typed (`~`, relative
    parts) is kept as typed."""
    folder_part, _, start = typed.rpartition("/")
    folder = Path(os.path.expanduser(folder_part + "/" if folder_part or typed.startswith("/") else "."))
    try:
        with os.scandir(folder) as entries:
            names = [
                entry.name + ("/" if entry.is_dir() else "")
                for entry in itertools.islice(entries, MAX_ENTRIES)
                if entry.name.startswith(start)
                and (start.startswith(".") or not entry.name.startswith("."))
                and (entry.is_dir() or suffixes is None or Path(entry.name).suffix.lower() in suffixes)
            ]
    except OSError:
        return typed
    if not names:
        return typed
    common = os.path.commonprefix(names)  # noqa: RUF071 (the names share characters, not folders)
    return typed + common[len(start) :]


class PathSuggester(Suggester):
    """Shows the completion of the path typed so far, greyed after the cursor."""

    def __init__(self, suffixes: frozenset[str] | None = None) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the files may change meanwhile
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        # Listing a folder (perhaps on a slow disk) runs in a thread, off the loop that handles keys.
        completed = await asyncio.to_thread(complete_path, value, self.suffixes) if value else value
        return completed if completed != value else None
