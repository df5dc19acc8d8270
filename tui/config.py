"""Settings: a small TOML file in the user config dir, plus environment overrides.

`SWITCHBOARD_THEME` picks the theme for one run without changing the file. The `[keys]` table
rebinds keys by binding id (`"people.new" = "a"`): README's key table and F1 list the ids.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_FILE = "config.toml"
THEME_ENV = "SWITCHBOARD_THEME"
DEFAULT_THEME = "switchboard"


class SettingsError(ValueError):
    """The settings file exists but cannot be used; the message says which and why."""


@dataclass
class Settings:
    """What the app remembers between runs."""

    theme: str = DEFAULT_THEME
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys, as Textual's keymap


def config_dir() -> Path:
    """Switchboard's folder in the platform's user config dir."""
    from platformdirs import user_config_path

    return user_config_path("switchboard", appauthor=False)


def settings_path() -> Path:
    return config_dir() / CONFIG_FILE


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings (defaults when there is no file yet), or SettingsError."""
    path = path or settings_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"settings file {path} cannot be used ({exc}); using the defaults") from exc
    except RecursionError:  # tomllib recurses once per level of nested arrays
        raise SettingsError(f"settings file {path} nests arrays too deeply; using the defaults") from None
    theme = data.get("theme", DEFAULT_THEME)
    if not isinstance(theme, str):
        raise SettingsError(f"settings file {path}: 'theme' must be a string; using the defaults")
    return Settings(theme=theme, keys=_keys(data.get("keys", {}), path))


def _keys(table: object, path: Path) -> dict[str, str]:
    """The [keys] table: binding ids to comma-separated key names."""
    if not isinstance(table, dict):
        raise SettingsError(f"settings file {path}: [keys] must be a table of binding ids; using the defaults")
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip() or any(not key.strip() for key in keys.split(",")):
            raise SettingsError(
                f'settings file {path}: keys.{binding_id} must name keys, like "n" or "ctrl+n,f2"; using the defaults'
            )
    return {binding_id: keys.replace(" ", "") for binding_id, keys in table.items()}


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings file (JSON string escapes are valid TOML basic strings)."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"theme = {json.dumps(settings.theme)}"]
    if settings.keys:
        lines += ["", "[keys]", *(f"{json.dumps(name)} = {json.dumps(keys)}" for name, keys in settings.keys.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def theme_override() -> str | None:
    """The theme named by the environment for this run, if any."""
    return os.environ.get(THEME_ENV, "").strip() or None
