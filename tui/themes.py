"""Themes as TOML data files mapped onto Textual's `Theme`.

Bundled themes ship in the wheel at `tui/_themes` (a source checkout keeps them in `<repo>/themes`);
users add `*.toml` files to `<user config dir>/themes`. A user theme with the name of a bundled one
replaces it. A file that cannot be read or does not describe a theme is reported, never fatal.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from tui.config import config_dir

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
COLOR_FIELDS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel", "boost",
    "warning", "error", "success",
)  # fmt: skip
NUMBER_FIELDS = ("luminosity_spread", "text_alpha")
KNOWN_FIELDS = {"name", "dark", "variables", *COLOR_FIELDS, *NUMBER_FIELDS}


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and what is wrong."""


@dataclass
class ThemeCatalog:
    """The themes found, in load order, and a sentence for each file that was refused."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def bundled_themes_dir() -> Path:
    """Where the bundled theme files are: inside the wheel, or the checkout's `themes/`."""
    package = Path(__file__).resolve().parent
    in_wheel = package / "_themes"
    return in_wheel if in_wheel.is_dir() else package.parent / "themes"


def user_themes_dir() -> Path:
    """Where a user's own theme files go."""
    return config_dir() / "themes"


def theme_from_mapping(data: dict[str, Any], source: str) -> Theme:
    """Validate a decoded theme file and build the `Theme`, or raise ThemeFileError."""
    problem = _first_problem(data)
    if problem:
        raise ThemeFileError(f"theme file {source}: {problem}")
    return Theme(**data)


def _first_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with a decoded theme file, in one sentence; None when nothing is."""
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        return f"unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(KNOWN_FIELDS))}"
    name = data.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        return "'name' must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit"
    if "primary" not in data:
        return "'primary' is required (a colour such as \"#3CC4B7\")"
    for key in COLOR_FIELDS:
        if key in data and not _is_color(data[key]):
            return f'{key!r} is not a colour: {data[key]!r} (use a colour such as "#3CC4B7")'
    if not isinstance(data.get("dark", True), bool):
        return "'dark' must be true or false"
    for key in NUMBER_FIELDS:
        value = data.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return f"{key!r} must be a number from 0 to 1"
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in variables.items()
    ):
        return '[variables] must map names to strings, such as footer-key-foreground = "#E9A844"'
    return None


def _is_color(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True


def load_theme_file(path: Path) -> Theme:
    """The theme described by one TOML file, or ThemeFileError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"theme file {path}: cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"theme file {path}: is not valid TOML: {exc}") from exc
    except RecursionError:  # tomllib recurses once per level of nested arrays
        raise ThemeFileError(f"theme file {path}: nests arrays or tables too deeply to read") from None
    return theme_from_mapping(data, str(path))


def load_themes(*folders: Path) -> ThemeCatalog:
    """Every `*.toml` theme in `folders` (default: bundled, then the user's), later ones winning."""
    catalog = ThemeCatalog()
    for folder in folders or (bundled_themes_dir(), user_themes_dir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                catalog.themes.append(load_theme_file(path))
            except ThemeFileError as exc:
                catalog.problems.append(str(exc))
    return catalog
