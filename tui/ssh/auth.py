"""Who may log in: the public keys of an OpenSSH `authorized_keys` file, read on every attempt.

A session's identity is the comment of the key that authenticated it (`ssh-ed25519 AAAA...
alice@laptop` is "alice@laptop"), or the key's fingerprint when it has none; the user name a
client types is never trusted.

Options, as OpenSSH's sshd would read them: `from="..."` and `expiry-time="..."` are honoured;
the forwarding restrictions (`no-port-forwarding`, `permitopen`, ...) hold anyway, since this
server forwards nothing. A key whose options cannot be honoured cannot log in, and the log says
why: `command=` (this server runs only the app), `no-pty` and `restrict` without `pty` (the app
needs a terminal), and any other option. As with sshd's StrictModes, a file or folder that
others may write is refused whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncssh

from tui.core.text import visible

AUTHORIZED_KEYS_FILE = "authorized_keys"
IDENTITY_LENGTH = 64
# Options that restrict what this server does not do anyway, and those it checks itself.
HARMLESS_OPTIONS = frozenset(
    {"no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc", "permitopen", "permitlisten"}
)
CHECKED_OPTIONS = frozenset({"from", "expiry-time", "pty", "restrict"})
EXPIRY_FORMATS = ("%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y%m%d")

log = logging.getLogger("switchboard.ssh")


@dataclass(frozen=True)
class Identity:
    """Who a session belongs to: a name for people and the key's fingerprint for limits."""

    name: str
    fingerprint: str


def default_authorized_keys_path() -> Path:
    """`authorized_keys` in Switchboard's user config dir (not ~/.ssh: app access is separate)."""
    from platformdirs import user_config_path

    return user_config_path("switchboard", appauthor=False) / AUTHORIZED_KEYS_FILE


def identity_of(key: asyncssh.SSHKey) -> Identity:
    """The comment of `key` as one short printable line, or its fingerprint when it has none."""
    fingerprint = key.get_fingerprint()
    comment = " ".join(visible(key.get_comment() or "").split())[:IDENTITY_LENGTH]
    return Identity(comment or fingerprint, fingerprint)


def _public_key(line: str) -> asyncssh.SSHKey | None:
    """The key of an authorized_keys line, with its comment; options before it are skipped."""
    words = line.split()
    for start in range(len(words)):
        try:
            return asyncssh.import_public_key(" ".join(words[start:]))
        except (asyncssh.KeyImportError, ValueError):
            continue
    return None


def unsafe_permissions(path: Path) -> str | None:
    """Why `path` may not be trusted: it or its folder can be written by group or others."""
    for where in (path, path.parent):
        mode = where.stat().st_mode
        if mode & 0o022:
            return (
                f"{where} can be written by others (mode {mode & 0o777:o}), so anyone could add a key: "
                f"make it writable by its owner only (chmod go-w {where})"
            )
    return None


def _expiry(values: object) -> datetime:
    """The `expiry-time` of an entry: YYYYMMDD[HHMM[SS]], UTC with a trailing Z, else local time."""
    raw = values[-1] if isinstance(values, list) and values else values
    text = str(raw).strip()
    utc = text.endswith(("Z", "z"))
    for form in EXPIRY_FORMATS:
        try:
            moment = datetime.strptime(text.rstrip("Zz"), form)
        except ValueError:
            continue
        return moment.replace(tzinfo=UTC) if utc else moment.astimezone()
    raise ValueError(f"expiry-time {text!r} is not a time (YYYYMMDD[HHMM[SS]][Z])")


def unusable(options: Mapping[str, object], now: datetime) -> str | None:
    """Why a key with these authorized_keys options may not log in here, or None."""
    names = {name.lower() for name in options}
    if "command" in names:
        return "it has command=, and this server runs only the app"
    if "no-pty" in names or ("restrict" in names and "pty" not in names):
        return "it forbids a terminal (no-pty, or restrict without pty), and the app needs one"
    unknown = sorted(names - HARMLESS_OPTIONS - CHECKED_OPTIONS)
    if unknown:
        return f"it has options this server cannot honour: {', '.join(visible(name) for name in unknown)}"
    expiry = next((value for name, value in options.items() if name.lower() == "expiry-time"), None)
    if expiry is not None:
        try:
            ends = _expiry(expiry)
        except ValueError as exc:
            return str(exc)
        if ends <= now:
            return f"it expired at {ends.isoformat()}"
    return None


def _entries(path: Path) -> Iterator[tuple[str, asyncssh.SSHKey]]:
    """(line, key) for each usable line of the file; a missing or unsafe file has none."""
    try:
        problem = unsafe_permissions(path)
        if problem:
            log.error("%s; no one can log in until then", problem)
            return
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        log.warning("%s does not exist: no one can log in until it lists a key", path)
        return
    except (OSError, UnicodeDecodeError) as exc:
        log.error("%s cannot be read (%s): no one can log in", path, exc)
        return
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key = _public_key(line)
        if key is None:
            log.warning("%s line %d is not a public key; skipped", path, number)
        else:
            yield line, key


def authorize(path: Path, key: asyncssh.SSHKey, client_host: str, client_addr: str) -> Identity | None:
    """The identity of `key` if `path` lists it (and its `from=` allows the client), else None."""
    for line, listed in _entries(path):
        if listed.public_data != key.public_data:
            continue
        try:
            allowed = asyncssh.import_authorized_keys(line).validate(key, client_host, client_addr)
        except ValueError as exc:
            log.warning("%s: the entry of key %s is not valid (%s); skipped", path, listed.get_fingerprint(), exc)
            continue
        if allowed is None:
            continue
        problem = unusable(allowed, datetime.now(UTC))
        if problem:
            log.warning("%s: key %s cannot log in: %s", path, listed.get_fingerprint(), problem)
            continue
        return identity_of(listed)
    return None
