"""The server's host key: ed25519, generated on first start (mode 0600) and kept after that,
so that clients never see the host key change when the server restarts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

HOST_KEY_FILE = "ssh_host_ed25519_key"


class HostKeyError(Exception):
    """The host key file cannot be used; the message says why and what to do."""


def default_host_key_path() -> Path:
    """`ssh_host_ed25519_key` in Switchboard's user data dir."""
    from platformdirs import user_data_path

    return user_data_path("switchboard", appauthor=False) / HOST_KEY_FILE


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The private host key at `path`, generated there first if there is none.

    Returns (key, created). A key that others may read is refused, as OpenSSH refuses it.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return _create(path), True
    if mode & 0o077:
        raise HostKeyError(f"host key {path} is readable by others (mode {mode:04o}); run: chmod 600 {path}")
    try:
        return asyncssh.read_private_key(path), False
    except (OSError, ValueError) as exc:  # KeyImportError is a ValueError
        raise HostKeyError(f"host key {path} cannot be read: {exc}") from exc


def _create(path: Path) -> asyncssh.SSHKey:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="switchboard host key")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: two servers starting at once never overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise HostKeyError(f"host key {path} cannot be created: {exc}") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key())
    path.with_name(path.name + ".pub").write_bytes(key.export_public_key())
    return key
