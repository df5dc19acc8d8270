"""`switchboard serve ssh` end to end: a real server process, asyncssh's client, screens read
through pyte. (tests/test_ssh_openssh.py does the same with OpenSSH's `ssh`.)"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from ssh_harness import (
    QUIT,
    TOGGLE_SIDEBAR,
    WAIT,
    AppClient,
    Keys,
    Screen,
    ServerProcess,
    client_script,
    connect,
    make_keys,
    process_gone,
    redraw_seconds,
    running_server,
    seeded_database,
    wait_until,
)

from tui.ssh.server import FORWARDING_REFUSED
from tui.ssh.session import NO_COMMANDS, NO_TERMINAL, STOPPING


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Keys, Path]:
    folder = tmp_path_factory.mktemp("ssh")
    return seeded_database(folder / "switchboard.db"), make_keys(folder / "keys"), folder


@pytest.fixture(scope="module")
def server(setup: tuple[str, Keys, Path]) -> Iterator[ServerProcess]:
    db, keys, home = setup
    with running_server(db, keys, home) as server:
        yield server


# What a person sees ----------------------------------------------------------------------------


def test_first_frame_shows_the_app_at_the_client_size_and_who_is_connected(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await AppClient.open(server.port, server.keys, "alice", size=(97, 31))
        try:
            await client.wait_for(Screen.shows_app, "the app at 97x31")
            await client.wait_for(
                lambda screen: "ssh: alice@example" in screen.rows[0], "who is connected in the header"
            )
        finally:
            client.close()
        server.wait_for_log(rf"127\.0\.0\.1:{client.local_port}\): app pid \d+, 97x31, TERM=xterm-256color")

    asyncio.run(scenario())
    server.wait_for_log(r"connected: alice@example \(key SHA256:\S+, user 'alice'\)")


def test_a_resize_reaches_the_app(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await AppClient.open(server.port, server.keys, size=(80, 24))
        try:
            await client.wait_for(Screen.shows_app, "the app at 80x24")
            client.resize(123, 37)
            await client.wait_for(Screen.shows_app, "the app redrawn at 123x37")
            client.resize(81, 25)
            await client.wait_for(Screen.shows_app, "the app redrawn at 81x25")
        finally:
            client.close()

    asyncio.run(scenario())


def test_ctrl_q_ends_the_session_and_the_app_and_restores_the_terminal(server: ServerProcess) -> None:
    async def scenario() -> tuple[int | None, int, Screen]:
        client = await AppClient.open(server.port, server.keys)
        try:
            await client.wait_for(Screen.shows_app, "the app")
            pid = server.app_pid(client.local_port)
            client.press(QUIT)
            return await client.wait_closed(), pid, client.screen
        finally:
            client.close()

    status, pid, screen = asyncio.run(scenario())
    assert status == 0
    assert screen.restored()
    wait_until(lambda: process_gone(pid), f"app process {pid} to end")


def test_two_sessions_are_independent(server: ServerProcess) -> None:
    """Each has its own app process and identity; a stopped app does not hold up the other."""

    async def scenario() -> None:
        alice = await AppClient.open(server.port, server.keys, "alice")
        bob = await AppClient.open(server.port, server.keys, "bob", size=(100, 30))
        try:
            for client, name in ((alice, "alice"), (bob, "bob")):
                await client.wait_for(
                    lambda screen, n=name: screen.shows_app() and f"ssh: {n}@example" in screen.rows[0], name
                )
            alice_pid, bob_pid = server.app_pid(alice.local_port), server.app_pid(bob.local_port)
            assert alice_pid != bob_pid
            os.kill(alice_pid, signal.SIGSTOP)
            try:
                await alice.settle()  # what the app wrote before it stopped has arrived
                frozen = alice.screen.text
                alice.press(TOGGLE_SIDEBAR)
                await redraw_seconds(bob)
                assert alice.screen.text == frozen
            finally:
                os.kill(alice_pid, signal.SIGCONT)
            await alice.wait_for(lambda screen: screen.text != frozen, "alice's key answered once her app runs again")
        finally:
            alice.close()
            bob.close()

    asyncio.run(scenario())


# Refusals --------------------------------------------------------------------------------------


async def _connect_and_close(port: int, keys: Keys, name: str) -> None:
    async with connect(port, keys, name):
        pass


def test_a_key_not_in_authorized_keys_is_refused(server: ServerProcess) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(_connect_and_close(server.port, server.keys, "mallory"))
    server.wait_for_log(r"refused key SHA256:\S+ \(user 'mallory'\)")


@pytest.mark.parametrize("method", ["password", "keyboard-interactive"])
def test_passwords_are_refused(server: ServerProcess, method: str) -> None:
    async def scenario() -> None:
        async with connect(server.port, None, "alice", password="secret", preferred_auth=method):
            pass

    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(scenario())


def test_a_session_without_a_terminal_or_with_a_command_is_refused_in_one_line(server: ServerProcess) -> None:
    async def scenario() -> list[asyncssh.SSHCompletedProcess]:
        async with connect(server.port, server.keys) as conn:
            return [await conn.run(), await conn.run("ls /"), await conn.run("ls /", term_type="xterm")]

    shell, command, command_with_terminal = asyncio.run(scenario())
    assert (shell.exit_status, shell.stderr, shell.stdout) == (1, f"switchboard: {NO_TERMINAL}\n", "")
    assert (command.exit_status, command.stderr) == (1, f"switchboard: {NO_COMMANDS}\n")
    assert (command_with_terminal.exit_status, command_with_terminal.stderr) == (1, f"switchboard: {NO_COMMANDS}\r\n")


def test_sftp_is_refused(server: ServerProcess) -> None:
    async def scenario() -> None:
        async with connect(server.port, server.keys) as conn, conn.start_sftp_client():
            pass

    with pytest.raises((asyncssh.Error, ConnectionError, EOFError)):
        asyncio.run(scenario())
    server.wait_for_log(r"offers no sftp")


def test_forwarding_is_refused(server: ServerProcess) -> None:
    async def scenario() -> None:
        async with connect(server.port, server.keys) as conn:
            with pytest.raises(asyncssh.ChannelOpenError, match=FORWARDING_REFUSED):
                await conn.open_connection("127.0.0.1", server.port)
            with pytest.raises(asyncssh.ChannelListenError):
                await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", server.port)

    asyncio.run(scenario())


def test_authorized_keys_is_read_on_every_login(server: ServerProcess) -> None:
    keys = server.keys
    try:
        keys.authorize("alice", "bob", "carol", "mallory")
        asyncio.run(_connect_and_close(server.port, keys, "mallory"))
        keys.authorize("bob", "carol")
        with pytest.raises(asyncssh.PermissionDenied):
            asyncio.run(_connect_and_close(server.port, keys, "alice"))
    finally:
        keys.authorize("alice", "bob", "carol")


def test_the_host_key_is_kept_with_mode_0600(server: ServerProcess) -> None:
    async def scenario() -> str:
        async with connect(server.port, server.keys) as conn:
            return conn.get_server_host_key().export_public_key().decode().split()[1]  # type: ignore[union-attr]

    assert oct(server.host_key.stat().st_mode & 0o777) == "0o600"
    assert asyncio.run(scenario()) == server.host_key.with_name("host_key.pub").read_text().split()[1]


# Leaving, limits, stopping ---------------------------------------------------------------------


def _client_in_its_own_process(server: ServerProcess) -> tuple[subprocess.Popen[str], int]:
    client = subprocess.Popen(
        client_script(server.port, server.keys.private("alice")), stdout=subprocess.PIPE, text=True
    )
    assert client.stdout is not None
    line = client.stdout.readline()  # blocks until the app drew something (or the client died)
    assert line.startswith("ready"), f"the client failed: {line!r}"
    return client, server.app_pid(int(line.split()[1]))


def test_a_killed_client_leaves_no_process(server: ServerProcess) -> None:
    client, pid = _client_in_its_own_process(server)
    client.kill()
    client.wait()
    wait_until(lambda: process_gone(pid), f"app process {pid} to end after its client was killed")


def test_a_frozen_client_is_dropped_by_keepalives(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    with running_server(db, keys, home, "--keepalive", "1") as server:
        client, pid = _client_in_its_own_process(server)
        try:
            client.send_signal(signal.SIGSTOP)
            wait_until(lambda: process_gone(pid), f"app process {pid} to end after its client froze")
        finally:
            client.kill()
            client.wait()


def test_limits_overall_and_per_key_and_the_login_timeout(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    options = ("--max-sessions", "3", "--max-sessions-per-key", "2", "--login-timeout", "1")
    with running_server(db, keys, home, *options) as server:

        async def scenario() -> None:
            running = [await AppClient.open(server.port, keys, name) for name in ("alice", "alice", "bob")]
            try:
                for client in running:
                    await client.wait_for(Screen.shows_app, "the app")
                for name, why in (("alice", "this key is at its limit of 2 sessions"), ("carol", "the server is full")):
                    refused = await AppClient.open(server.port, keys, name)
                    assert await refused.wait_closed() == 1
                    assert why in refused.stderr.decode()
                    refused.close()
                running[0].press(QUIT)
                assert await running[0].wait_closed() == 0
                carol = await AppClient.open(server.port, keys, "carol")  # alice's place is free again
                await carol.wait_for(Screen.shows_app, "carol's app")
                carol.close()
            finally:
                for client in running:
                    client.close()
            reader, _ = await asyncio.open_connection("127.0.0.1", server.port)
            await asyncio.wait_for(reader.read(), WAIT)  # returns at EOF: the silent client was dropped

        asyncio.run(scenario())


def test_a_huge_terminal_size_is_clamped_and_never_holds_a_session_place(setup: tuple[str, Keys, Path]) -> None:
    """70000x70000 made struct.pack raise: the place leaked for good, so two such calls locked
    a key out. Now the size is clamped; with one place per key, the next session still opens."""
    db, keys, home = setup
    with running_server(db, keys, home, "--max-sessions-per-key", "1") as server:

        async def scenario() -> None:
            async with connect(server.port, keys, "alice") as conn:
                huge = await conn.create_process(
                    term_type="xterm-256color", term_size=(70000, 70000, 700000, 700000), encoding=None
                )
                server.wait_for_log(r"app pid \d+, 1000x1000")
                huge.change_terminal_size(80000, 80000, 900000, 900000)
                huge.stdin.write(QUIT)
                await asyncio.wait_for(huge.wait_closed(), WAIT)
            client = await AppClient.open(server.port, keys, "alice")
            try:
                await client.wait_for(Screen.shows_app, "the app after the huge session")
            finally:
                client.close()

        asyncio.run(scenario())


def test_a_connection_trying_many_keys_is_cut_off_after_six(setup: tuple[str, Keys, Path]) -> None:
    """There was no limit (2,000 keys in 1.4 s); as OpenSSH's MaxAuthTries, 6, and a few log lines."""
    db, keys, home = setup
    strangers = []
    for number in range(8):
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(home / f"stranger{number}")
        strangers.append(str(home / f"stranger{number}"))
    with running_server(db, keys, home) as server:

        async def scenario() -> None:
            async with asyncssh.connect(
                "127.0.0.1", server.port, username="x", client_keys=[*strangers, str(keys.private("alice"))],
                known_hosts=None, agent_path=None, config=None,
            ):  # fmt: skip
                pass

        with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError, ConnectionError)):
            asyncio.run(scenario())
        server.wait_for_log(r"tried 6 keys: disconnected \(too many authentication failures\)")
        assert len([line for line in server.lines if "refused key" in line]) == 3
        assert "connected: alice" not in server.log


def test_stopping_the_server_ends_every_session_cleanly(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    server = ServerProcess(db, keys, home)
    try:

        async def scenario() -> list[tuple[AppClient, int | None]]:
            clients = [await AppClient.open(server.port, keys, name) for name in ("alice", "bob")]
            for client in clients:
                await client.wait_for(Screen.shows_app, "the app")
            pids = [server.app_pid(client.local_port) for client in clients]
            await asyncio.to_thread(server.stop)
            ended = [(client, await client.wait_closed()) for client in clients]
            for pid in pids:
                wait_until(lambda pid=pid: process_gone(pid), f"app process {pid} to end")
            return ended

        for client, status in asyncio.run(scenario()):
            assert status == 1
            assert client.stderr.decode() == f"switchboard: {STOPPING}\r\n"
            assert client.screen.restored()
        assert server.process.returncode == 0
        server.wait_for_log(r"stopped$")
    finally:
        server.stop()


def test_a_busy_port_is_a_clear_error(setup: tuple[str, Keys, Path]) -> None:
    db, keys, _home = setup
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tui", "--db", db, "serve", "ssh", "--port", str(port), "--host-key", str(keys.folder / "host_key"),
             "--authorized-keys", str(keys.authorized)],
            capture_output=True, text=True, timeout=WAIT,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"error: cannot listen on 127.0.0.1 port {port}:" in result.stderr
    assert "Traceback" not in result.stderr
