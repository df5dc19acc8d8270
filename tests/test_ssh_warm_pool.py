"""`serve ssh --warm N` (issue 14): app processes started ahead of their sessions.

Each session still gets a process of its own, never reused, with the same explicit environment
as a process started for it; a waiting process that dies or grows too old is replaced; nothing
is left running once the server stops; `--warm 0` starts every session's app as before.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from ssh_harness import (
    QUIT,
    AppClient,
    Keys,
    ServerProcess,
    async_wait_until,
    make_keys,
    process_gone,
    running_server,
    seeded_database,
    wait_until,
)

from tui.ssh.pty_process import Size
from tui.ssh.warm_pool import WarmPool

WAITING = r"warm app pid (\d+) waiting"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Keys, Path]:
    folder = tmp_path_factory.mktemp("ssh-warm")
    return seeded_database(folder / "switchboard.db"), make_keys(folder / "keys"), folder


def waiting_pids(server: ServerProcess, count: int) -> list[int]:
    """The pids of the first `count` processes the pool logged as waiting (waiting for them)."""

    def logged() -> list[int] | None:
        pids = [int(m.group(1)) for line in list(server.lines) if (m := re.search(WAITING, line))]
        return pids if len(pids) >= count else None

    return wait_until(logged, f"{count} warm processes; log so far:\n{server.log}")  # type: ignore[return-value]


async def open_app(server: ServerProcess, name: str, size: tuple[int, int] = (80, 24)) -> tuple[AppClient, int]:
    """A session whose app shows, with `name` in its header: the client and its app's pid."""
    client = await AppClient.open(server.port, server.keys, name, size=size)
    await client.wait_for(
        lambda screen: screen.shows_app() and f"ssh: {name}@example" in screen.rows[0], f"{name}'s app"
    )
    return client, server.app_pid(client.local_port)


def test_a_session_gets_a_warm_process_at_its_size_with_its_identity(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    with running_server(db, keys, home, "--warm", "2") as server:
        warm = waiting_pids(server, 2)

        async def scenario() -> None:
            client, pid = await open_app(server, "alice", size=(97, 31))
            try:
                assert pid in warm
                server.wait_for_log(rf"{client.local_port}\): app pid {pid}, 97x31, TERM=xterm-256color, warm$")
            finally:
                client.close()

        asyncio.run(scenario())
        replacement = waiting_pids(server, 3)[2]  # started as soon as one was taken
        assert replacement not in warm


def test_sessions_never_share_or_reuse_a_process(setup: tuple[str, Keys, Path]) -> None:
    """Alice's app ends with her session; Bob's is another process, with his identity only."""
    db, keys, home = setup
    with running_server(db, keys, home, "--warm", "1") as server:

        async def scenario() -> tuple[int, int]:
            alice, alice_pid = await open_app(server, "alice")
            alice.press(QUIT)
            assert await alice.wait_closed() == 0
            alice.close()
            bob, bob_pid = await open_app(server, "bob")
            assert "alice" not in bob.screen.text
            bob.close()
            return alice_pid, bob_pid

        alice_pid, bob_pid = asyncio.run(scenario())
        assert alice_pid != bob_pid
        wait_until(lambda: process_gone(alice_pid), f"alice's app {alice_pid} to end")
        assert re.search(rf"app pid {bob_pid}, .*, warm$", server.log, re.MULTILINE)
        assert waiting_pids(server, 1).count(alice_pid) == 1  # waited once, served once, never again


def test_a_killed_warm_process_is_replaced(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    with running_server(db, keys, home, "--warm", "1") as server:
        (first,) = waiting_pids(server, 1)
        os.kill(first, signal.SIGKILL)
        server.wait_for_log(rf"warm app pid {first} ended while waiting \(exit status -9\): replacing it")
        second = waiting_pids(server, 2)[1]
        assert second != first

        async def scenario() -> int:
            client, pid = await open_app(server, "alice")
            client.close()
            return pid

        assert asyncio.run(scenario()) == second


def test_warm_0_starts_each_sessions_app_when_it_opens(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    with running_server(db, keys, home, "--warm", "0") as server:

        async def scenario() -> None:
            client, pid = await open_app(server, "alice")
            client.close()
            server.wait_for_log(rf"{client.local_port}\): app pid {pid}, 80x24, TERM=xterm-256color, started now$")

        asyncio.run(scenario())
        assert "warm app" not in server.log


def test_no_process_is_left_after_the_server_stops(setup: tuple[str, Keys, Path]) -> None:
    db, keys, home = setup
    server = ServerProcess(db, keys, home, "--warm", "3")
    try:
        warm = waiting_pids(server, 3)

        async def scenario() -> int:
            client, pid = await open_app(server, "alice")
            await asyncio.to_thread(server.stop)
            await client.wait_closed()
            client.close()
            return pid

        serving = asyncio.run(scenario())
        assert server.process.returncode == 0
        for pid in {*waiting_pids(server, 4), serving, *warm}:
            wait_until(lambda pid=pid: process_gone(pid), f"process {pid} to end")
    finally:
        server.stop()


# The pool on its own --------------------------------------------------------------------------

# A stand-in for the app: waits as tui.warm_start does, then prints the environment and size it runs with.
REPORTER = (
    "import json, os; from tui.warm_start import wait_for_session\n"
    "if wait_for_session(): print(json.dumps({'env': dict(os.environ), 'size': list(os.get_terminal_size(0))}))"
)


def test_a_warm_process_runs_with_exactly_the_sessions_environment_and_size() -> None:
    """The same explicit environment a process started for the session gets: nothing of the
    waiting one's (its placeholder TERM, the server's variables the session's replaces)."""
    session_env = {"LANG": "C.UTF-8", "TERM": "xterm-256color", "SWITCHBOARD_SSH_USER": "bob@example"}

    async def scenario() -> dict[str, object]:
        pool = WarmPool({"LANG": "C.UTF-8", "ONLY_WHILE_WAITING": "1"}, 1, argv=(sys.executable, "-c", REPORTER))
        pool.fill()
        try:
            await async_wait_until(lambda: pool.pids, "a waiting process")
            output = bytearray()
            app = pool.take(session_env, Size(90, 30), output.extend, lambda full: None)
            assert app is not None
            assert await app.finish() == 0
        finally:
            await pool.stop()
        return json.loads(output.decode().strip().splitlines()[-1])

    report = asyncio.run(scenario())
    assert report == {"env": session_env, "size": [90, 30]}


def test_a_process_that_waited_too_long_is_replaced_and_stop_leaves_none() -> None:
    async def scenario() -> list[int]:
        pool = WarmPool({"LANG": "C.UTF-8"}, 1, argv=(sys.executable, "-c", REPORTER), max_age=0.5)
        pool.fill()
        try:
            first = (await async_wait_until(lambda: pool.pids, "a waiting process"))[0]  # type: ignore[index]
            later = await async_wait_until(lambda: [p for p in pool.pids if p != first], "its replacement")
            await async_wait_until(lambda: process_gone(first), f"the old process {first} to end")
        finally:
            await pool.stop()
        return [first, *later]  # type: ignore[list-item]

    for pid in asyncio.run(scenario()):
        assert process_gone(pid)
