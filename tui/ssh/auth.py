"""Who may log in: the public keys of an OpenSSH `authorized_keys` file, read on every attempt.

A session's identity is the comment of the key that authenticated it (`ssh-ed25519 AAAA...
alice@laptop` is "alice@laptop"), or the key's fingerprint when it has none; the user name a
client types is never trusted. The `from="..."` option is honoured; since the server runs no
commands and forwards nothing, other options have no effect.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from tui.core.text import visible

AUTHORIZED_KEYS_FILE = "authorized_keys"
IDENTITY_LENGTH = 64

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


def _entries(path: Path) -> Iterator[tuple[str, asyncssh.SSHKey]]:
    """(line, key) for each usable line of the file; a missing file has none."""
    try:
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
        if allowed is not None:
            return identity_of(listed)
    return None
