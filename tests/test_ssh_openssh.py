"""`switchboard serve ssh` with OpenSSH's own client, run on a terminal of the test's (skipped
where `ssh` is not installed)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator

import pytest
from ssh_harness import (
    QUIT,
    WAIT,
    Keys,
    Screen,
    ServerProcess,
    make_keys,
    process_gone,
    running_server,
    seeded_database,
    wait_until,
)

from tui.ssh.pty_process import PtyProcess, Size
from tui.ssh.server import FORWARDING_REFUSED
from tui.ssh.session import NO_COMMANDS, NO_TERMINAL

SSH = shutil.which("ssh")
pytestmark = pytest.mark.skipif(SSH is None, reason="OpenSSH's ssh is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("openssh")
    with running_server(seeded_database(folder / "switchboard.db"), make_keys(folder / "keys"), folder) as server:
        yield server


def ssh_argv(server: ServerProcess, name: str = "alice", *extra: str) -> list[str]:
    """`ssh` with no user config or agent, `name`'s key only, and the server's host key pinned."""
    keys: Keys = server.keys
    known_hosts = keys.folder / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{server.port} {server.host_key.with_name('host_key.pub').read_text()}")
    options = {
        "StrictHostKeyChecking": "yes", "UserKnownHostsFile": str(known_hosts), "IdentitiesOnly": "yes",
        "IdentityAgent": "none", "BatchMode": "yes",
    }  # fmt: skip
    argv = [SSH or "ssh", "-F", "/dev/null", "-p", str(server.port), "-i", str(keys.private(name))]
    for option, value in options.items():
        argv += ["-o", f"{option}={value}"]
    return [*argv, *extra, f"{name}@127.0.0.1"]


def run_ssh(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=WAIT)


async def ssh_on_a_terminal(argv: list[str], size: Size) -> tuple[PtyProcess, Screen]:
    screen = Screen(size.columns, size.rows)
    env = {"TERM": "xterm-256color", "HOME": os.environ.get("HOME", "/"), "PATH": os.environ.get("PATH", "")}
    return await PtyProcess.start(argv, env, size, screen.feed), screen


def test_openssh_sees_the_app_at_its_size_resizes_it_and_quits_with_ctrl_q(server: ServerProcess) -> None:
    async def scenario() -> tuple[int, Screen]:
        ssh, screen = await ssh_on_a_terminal(ssh_argv(server), Size(90, 28))
        try:
            await screen.wait_for(Screen.shows_app, "the app at 90x28")
            assert "ssh: alice@example" in screen.rows[0]
            ssh.resize(Size(112, 33))
            screen.resize(112, 33)
            await screen.wait_for(Screen.shows_app, "the app at 112x33")
            ssh.write(QUIT)
            return await asyncio.wait_for(ssh.finish(), WAIT), screen
        finally:
            await ssh.hangup()

    status, screen = asyncio.run(scenario())
    assert status == 0
    assert screen.restored()
    pid = int(server.wait_for_log(r"of alice@example .*: app pid (\d+), 90x28").group(1))
    wait_until(lambda: process_gone(pid), f"app process {pid} to end")


def test_openssh_refusals_are_one_clear_line(server: ServerProcess) -> None:
    no_terminal = run_ssh(ssh_argv(server, "alice", "-T"))
    assert (no_terminal.returncode, no_terminal.stderr) == (1, f"switchboard: {NO_TERMINAL}\n")
    command = run_ssh([*ssh_argv(server), "ls", "/"])
    assert (command.returncode, command.stderr) == (1, f"switchboard: {NO_COMMANDS}\n")
    forwarding = run_ssh(ssh_argv(server, "alice", "-W", "127.0.0.1:22"))
    assert forwarding.returncode == 255 and FORWARDING_REFUSED in forwarding.stderr
    wrong_key = run_ssh(ssh_argv(server, "mallory"))
    assert wrong_key.returncode == 255 and "Permission denied (publickey)" in wrong_key.stderr
    password = run_ssh(ssh_argv(server, "alice", "-o", "PubkeyAuthentication=no", "-o", "BatchMode=no"))
    assert password.returncode == 255 and "Permission denied (publickey)" in password.stderr


def test_a_killed_openssh_client_leaves_no_process(server: ServerProcess) -> None:
    async def scenario() -> int:
        ssh, screen = await ssh_on_a_terminal(ssh_argv(server, "bob"), Size(80, 24))
        await screen.wait_for(Screen.shows_app, "the app")
        os.kill(ssh.pid, signal.SIGKILL)
        await ssh.finish()
        return int(server.wait_for_log(r"of bob@example .*: app pid (\d+)").group(1))

    pid = asyncio.run(scenario())
    wait_until(lambda: process_gone(pid), f"app process {pid} to end after its client was killed")
