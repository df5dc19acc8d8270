"""The SSH server's parts on their own: authorized keys, the host key, limits, the app's
environment, and the process on its own pseudo-terminal."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import asyncssh
import pytest
from ssh_harness import WAIT, async_wait_until, make_keys, process_gone

from tui.ssh import SSH_USER_ENV
from tui.ssh.auth import Identity, authorize, identity_of
from tui.ssh.hostkey import HostKeyError, load_or_create_host_key
from tui.ssh.limits import SessionLimits
from tui.ssh.pty_process import INPUT_LIMIT, PtyProcess, Size
from tui.ssh.server import app_env
from tui.ssh.session import DEFAULT_TERM, child_env

# authorized_keys ---------------------------------------------------------------------------------


def _key(keys_folder: Path, name: str) -> asyncssh.SSHKey:
    return asyncssh.read_public_key(keys_folder / f"{name}.pub")


def test_the_identity_is_the_key_comment_and_the_file_is_read_every_time(tmp_path: Path) -> None:
    keys = make_keys(tmp_path)
    alice = _key(tmp_path, "alice")
    assert authorize(keys.authorized, alice, "127.0.0.1", "127.0.0.1") == Identity(
        "alice@example", alice.get_fingerprint()
    )
    assert authorize(keys.authorized, _key(tmp_path, "mallory"), "127.0.0.1", "127.0.0.1") is None
    keys.authorize("bob")
    assert authorize(keys.authorized, alice, "127.0.0.1", "127.0.0.1") is None


def test_options_comments_and_junk_lines(tmp_path: Path) -> None:
    keys = make_keys(tmp_path)
    alice, bob = (keys.public_line(name) for name in ("alice", "bob"))
    keys.authorized.write_text(f'# the team\n\nnot a key\nfrom="10.0.0.0/8" {alice}\nno-port-forwarding {bob}\n')
    assert authorize(keys.authorized, _key(tmp_path, "alice"), "127.0.0.1", "127.0.0.1") is None  # from= says no
    assert authorize(keys.authorized, _key(tmp_path, "alice"), "10.1.2.3", "10.1.2.3") is not None
    assert authorize(keys.authorized, _key(tmp_path, "bob"), "127.0.0.1", "127.0.0.1") is not None


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ('command="echo no"', "it has command=, and this server runs only the app"),
        ("no-pty", "it forbids a terminal"),
        ("restrict", "it forbids a terminal"),
        ('environment="A=b"', "it has options this server cannot honour: environment"),
        ('tunnel="1"', "it has options this server cannot honour: tunnel"),
        ('expiry-time="20200101"', "it expired at 2020-01-01"),
        ('expiry-time="20200101Z"', "it expired at 2020-01-01T00:00:00+00:00"),
        ('expiry-time="soon"', "expiry-time 'soon' is not a time"),
    ],
)
def test_a_key_whose_options_cannot_be_honoured_cannot_log_in(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, options: str, why: str
) -> None:
    """These options were ignored: an expired key logged in, a command= key got the app."""
    keys = make_keys(tmp_path)
    keys.authorized.write_text(f"{options} {keys.public_line('alice')}\n")
    assert authorize(keys.authorized, _key(tmp_path, "alice"), "127.0.0.1", "127.0.0.1") is None
    assert why in caplog.text and "cannot log in" in caplog.text


@pytest.mark.parametrize("options", ["restrict,pty", 'expiry-time="29991231"', 'no-agent-forwarding,permitopen="h:1"'])
def test_options_that_can_be_honoured_let_the_key_in(tmp_path: Path, options: str) -> None:
    keys = make_keys(tmp_path)
    keys.authorized.write_text(f"{options} {keys.public_line('alice')}\n")
    assert authorize(keys.authorized, _key(tmp_path, "alice"), "127.0.0.1", "127.0.0.1") is not None


@pytest.mark.parametrize("which", ["file", "folder"])
def test_an_authorized_keys_others_can_write_lets_no_one_in(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, which: str
) -> None:
    """As sshd's StrictModes: anyone who can write the file could add their own key."""
    keys = make_keys(tmp_path / "keys")
    (keys.authorized if which == "file" else keys.folder).chmod(0o666 if which == "file" else 0o777)
    assert authorize(keys.authorized, _key(keys.folder, "alice"), "127.0.0.1", "127.0.0.1") is None
    assert "can be written by others" in caplog.text and "chmod go-w" in caplog.text


def test_a_terminal_size_is_clamped_to_what_a_terminal_can_be() -> None:
    assert Size.clamped(70000, 70000, 700000, -5) == Size(1000, 1000, 65535, 0)
    assert Size.clamped(80, 24) == Size(80, 24, 0, 0)
    Size.clamped(70000, 70000, 700000, 700000).packed()  # struct winsize takes it


def test_a_missing_authorized_keys_lets_no_one_in(tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519").convert_to_public()
    assert authorize(tmp_path / "absent", key, "127.0.0.1", "127.0.0.1") is None


def test_an_identity_is_one_printable_line_or_the_fingerprint() -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.set_comment("eve\x1b[31m  red\nline" + "x" * 100)
    name = identity_of(key).name
    assert "\x1b" not in name and "\n" not in name and len(name) == 64
    key.set_comment(None)
    assert identity_of(key).name == key.get_fingerprint()


# Host key ----------------------------------------------------------------------------------------


def test_the_host_key_is_generated_once_with_mode_0600_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "data" / "host_key"
    first, created = load_or_create_host_key(path)
    again, created_again = load_or_create_host_key(path)
    assert (created, created_again) == (True, False)
    assert first.get_algorithm() == "ssh-ed25519"
    assert again.public_data == first.public_data
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_host_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "host_key"
    load_or_create_host_key(path)
    path.chmod(0o644)
    with pytest.raises(HostKeyError, match="chmod 600"):
        load_or_create_host_key(path)


# Limits and environment --------------------------------------------------------------------------


def test_limits_count_per_key_and_overall() -> None:
    limits = SessionLimits(total=3, per_key=2)
    assert limits.acquire("a") is None and limits.acquire("a") is None
    assert "limit of 2" in (limits.acquire("a") or "")
    assert limits.acquire("b") is None
    assert "full" in (limits.acquire("c") or "")
    limits.release("a")
    assert limits.acquire("c") is None


def test_the_app_gets_an_explicit_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setenv("SECRET_TOKEN", "x")
    base = app_env("sqlite:////tmp/x.db")
    assert base["LANG"] == "C.UTF-8" and base["SWITCHBOARD_DB"] == "sqlite:////tmp/x.db"
    assert "SECRET_TOKEN" not in base
    client = {"COLORTERM": "truecolor", "LD_PRELOAD": "/tmp/evil.so", "NO_COLOR": "1", "PATH": "/tmp"}
    env = child_env(base, "screen-256color", client, Identity("alice@example", "SHA256:x"))
    assert env["TERM"] == "screen-256color" and env["COLORTERM"] == "truecolor" and env["NO_COLOR"] == "1"
    assert env[SSH_USER_ENV] == "alice@example"
    assert "LD_PRELOAD" not in env and env.get("PATH") == base.get("PATH")
    odd = child_env(base, "xterm\x1b]0;hi", {"COLORTERM": "true color; rm"}, Identity("a", "b"))
    assert odd["TERM"] == DEFAULT_TERM and "COLORTERM" not in odd


# The app's process on its own terminal -----------------------------------------------------------

PROBE = """
import os, signal, struct, fcntl, termios, sys
def size(*_):
    rows, cols = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, bytes(8)))[:2]
    print(f"size {cols}x{rows}", flush=True)
signal.signal(signal.SIGWINCH, size)
print("ctty", os.getsid(0) == os.getpid(), os.tcgetpgrp(0) == os.getpgrp(), flush=True)
size()
print("key", sys.stdin.buffer.read(1), flush=True)
signal.pause()
"""


def _run(scenario):  # type: ignore[no-untyped-def]
    return asyncio.run(asyncio.wait_for(scenario(), WAIT))


def test_the_terminal_is_the_controlling_one_and_resizes_signal_the_app() -> None:
    async def scenario() -> None:
        output = bytearray()
        app = await PtyProcess.start([sys.executable, "-c", PROBE], dict(os.environ), Size(91, 27), output.extend)
        await async_wait_until(lambda: b"size 91x27" in output, f"the first size; output {output!r}")
        assert b"ctty True True" in output
        app.resize(Size(120, 40))
        await async_wait_until(lambda: b"size 120x40" in output, f"SIGWINCH; output {output!r}")
        app.write(b"\x11")  # ctrl+q passes (no XON/XOFF), unechoed
        await async_wait_until(lambda: b"key b'\\x11'" in output, f"the key; output {output!r}")
        assert b"\x11" not in output  # not echoed
        assert await app.hangup() < 0  # the hangup (SIGHUP) ended it
        assert process_gone(app.pid)

    _run(scenario)


def test_a_hangup_ends_even_an_app_that_ignores_sighup_and_sigterm() -> None:
    stubborn = "import signal, time; [signal.signal(s, signal.SIG_IGN) for s in (signal.SIGHUP, signal.SIGTERM)]; print('up', flush=True); time.sleep(600)"

    async def scenario() -> None:
        output = bytearray()
        app = await PtyProcess.start([sys.executable, "-c", stubborn], dict(os.environ), Size(80, 24), output.extend)
        await async_wait_until(lambda: b"up" in output, "the app to start")
        assert await app.hangup() == -9
        assert process_gone(app.pid)

    _run(scenario)


def test_finish_delivers_the_last_output_and_the_exit_status() -> None:
    async def scenario() -> None:
        output = bytearray()
        code = "import sys; sys.stdout.write('x' * 200000 + 'END'); sys.exit(3)"
        app = await PtyProcess.start([sys.executable, "-c", code], dict(os.environ), Size(80, 24), output.extend)
        assert await app.finish() == 3
        assert output.endswith(b"END")

    _run(scenario)


def test_keys_an_app_does_not_read_never_block_the_server() -> None:
    async def scenario() -> None:
        full: list[bool] = []
        app = await PtyProcess.start(
            [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"],
            dict(os.environ), Size(80, 24), lambda data: None, full.append,
        )  # fmt: skip
        start = time.monotonic()
        for _ in range(4):
            app.write(b"k" * INPUT_LIMIT)
        assert time.monotonic() - start < 5  # returned at once, although the app reads nothing
        assert full == [True]
        await app.hangup()

    _run(scenario)
