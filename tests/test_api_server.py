"""`switchboard serve api` as a process: concurrency with exact counts, durability of an
acknowledged write under SIGKILL, graceful stop (a request in flight is finished), and its
command-line errors."""

from __future__ import annotations

import asyncio
import base64
import json
import signal
import socket
import ssl
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from api_harness import Tenant, new_tenant, start_server
from conftest import TrackApi
from sqlalchemy import func, select

from tui.core import events, people, workspaces
from tui.core.db import open_database
from tui.core.models import Event

CLIENTS = 50
SLOW_CLIENT_S = 0.5
CALLS_PER_CLIENT = 6


def test_50_concurrent_clients_leave_exact_counts(api: TrackApi) -> None:
    tenant = new_tenant(api.db, f"ws-{uuid.uuid4().hex[:8]}")

    def client_run(n: int) -> list[int]:
        statuses = []
        with api.server.client(auth=tenant.auth) as http:
            for call in range(CALLS_PER_CLIENT):
                statuses.append(http.put(f"/api/v1/customers/c{n}", json={"calls": call}).status_code)
                body = {"name": "tick", "id": f"c{n}-{call}"}
                statuses.append(http.post(f"/api/v1/customers/shared-{n % 5}/events", json=body).status_code)
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [status for result in pool.map(client_run, range(CLIENTS)) for status in result]
    assert statuses == [200] * (CLIENTS * CALLS_PER_CLIENT * 2)
    # 50 identified people and the 5 the events created, each once.
    assert workspaces.get_workspace(api.db, tenant.name).people == CLIENTS + 5
    with api.db.read() as session:
        ws_id = workspaces.get_workspace(api.db, tenant.name).id
        stored = session.scalar(select(func.count()).select_from(Event).where(Event.workspace_id == ws_id))
    assert stored == CLIENTS * CALLS_PER_CLIENT


@pytest.mark.backends("sqlite")
def test_an_acknowledged_write_survives_sigkill(tmp_path: Path) -> None:
    db_file = str(tmp_path / "kill.db")
    db = open_database(db_file)
    tenant: Tenant = new_tenant(db, "Kill")
    server = start_server(db_file, tmp_path / "data")
    try:
        with server.client(auth=tenant.auth) as http:
            for n in range(20):
                assert http.post("/api/v1/customers/u1/events", json={"name": f"e{n}"}).status_code == 200
        server.stop(signal.SIGKILL)
    finally:
        server.stop(signal.SIGKILL)
    db.dispose()
    after = open_database(db_file)
    assert len(events.list_events(after, "Kill", limit=100).events) == 20
    after.dispose()


@pytest.mark.backends("sqlite")
def test_sigterm_stops_gracefully_with_exit_0(tmp_path: Path) -> None:
    db_file = str(tmp_path / "stop.db")
    open_database(db_file).dispose()
    server = start_server(db_file, tmp_path / "data")
    assert server.stop(signal.SIGTERM) == 0


@pytest.mark.backends("sqlite")
def test_plain_http_warns(tmp_path: Path) -> None:
    db_file = str(tmp_path / "plain.db")
    open_database(db_file).dispose()
    server = start_server(db_file, tmp_path / "data", "--plain-http")
    try:
        assert server.url.startswith("http://")
        assert any("warning: plain HTTP" in line for line in server.output)
    finally:
        server.stop()


def test_port_in_use_is_an_error(cli, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "api", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot listen on 127.0.0.1:") and "in use" in result.stderr


def test_connections_send_answers_without_waiting_for_acks() -> None:
    """The server's connections have Nagle's algorithm off: with it on, every answer after a
    connection's first waited ~40 ms for the client's delayed ACK (uvicorn writes an answer's
    head and body separately), which kept every keep-alive client's requests at ~40 ms."""
    from tui.api.server import bind

    async def nodelay_of_an_accepted_connection() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connection(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        sock = bind("127.0.0.1", 0)
        server = await asyncio.start_server(on_connection, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname())
            result = await accepted
            writer.close()
            return result

    assert asyncio.run(nodelay_of_an_accepted_connection()) != 0


def test_an_unreadable_certificate_is_an_error(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    result = cli("serve", "api", "--port", "0", "--tls-cert", str(bad), "--tls-key", str(bad))
    assert result.exit_code == 1 and result.stderr.startswith("error: cannot use the certificate")
    missing = cli("serve", "api", "--tls-cert", str(tmp_path / "none.pem"), "--tls-key", str(bad))
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_contradictory_flags_are_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli("serve", "api", "--plain-http", "--tls-cert", str(tmp_path / "c.pem"), "--tls-key", "k")
    assert result.exit_code == 2
    assert cli("serve", "api", "--tls-cert", str(tmp_path / "c.pem")).exit_code == 2


def test_the_self_signed_key_is_private(tmp_path: Path) -> None:
    from tui.api import tls

    cert, key = tls.self_signed(tmp_path / "d")
    assert key.stat().st_mode & 0o077 == 0
    made = cert.read_bytes()
    assert tls.self_signed(tmp_path / "d") == (cert, key)
    assert cert.read_bytes() == made  # reused, not remade
    tls.check_pair(cert, key)


WORKER_CLIENTS = 16
WORKER_CALLS = 12


def test_several_workers_share_the_port_with_exact_counts(db_target: str, tmp_path: Path) -> None:
    """`--workers 2` on both backends: concurrent clients whose requests the two processes
    share, racing to create the same people and to store the same event ids (one event sent by
    every client, as retries that reach different workers), leave exact counts; SIGTERM stops
    both with exit 0."""
    db = open_database(db_target)
    tenant = new_tenant(db, "Workers")
    server = start_server(db_target, tmp_path / "data", "--workers", "2")
    together = threading.Barrier(WORKER_CLIENTS, timeout=60)
    try:

        def client_run(n: int) -> list[int]:
            statuses = []
            with server.client(auth=tenant.auth) as http:
                for call in range(WORKER_CALLS):
                    statuses.append(http.put(f"/api/v1/customers/w{n}", json={"call": call}).status_code)
                    event = {"name": "tick", "id": f"e{call}"}
                    together.wait()  # every client sends this event at once
                    statuses.append(http.post(f"/api/v1/customers/shared-{call}/events", json=event).status_code)
            return statuses

        with ThreadPoolExecutor(WORKER_CLIENTS) as pool:
            statuses = [status for result in pool.map(client_run, range(WORKER_CLIENTS)) for status in result]
        assert statuses == [200] * (WORKER_CLIENTS * WORKER_CALLS * 2)
        assert workspaces.get_workspace(db, "Workers").people == WORKER_CLIENTS + WORKER_CALLS
        assert people.get_person(db, "Workers", "w3").attributes == {"call": WORKER_CALLS - 1}
        with db.read() as session:
            ws_id = workspaces.get_workspace(db, "Workers").id
            stored = session.scalar(select(func.count()).select_from(Event).where(Event.workspace_id == ws_id))
        assert stored == WORKER_CALLS
    finally:
        assert server.stop(signal.SIGTERM) == 0
        db.dispose()


@pytest.mark.backends("sqlite")
def test_a_request_in_flight_at_sigterm_is_committed_and_answered(tmp_path: Path) -> None:
    """Ctrl-C / SIGTERM: stop accepting, finish the requests in flight, exit 0. The request is
    surely in flight: the server has answered its `Expect: 100-continue` (the handler is reading
    the body) and has stopped accepting connections before the body is sent."""
    db_file = str(tmp_path / "flight.db")
    db = open_database(db_file)
    tenant = new_tenant(db, "Flight")
    server = start_server(db_file, tmp_path / "data")
    batch = [
        {"type": "person", "action": "identify", "identifiers": {"id": f"f{n}"}, "attributes": {"n": n}}
        for n in range(300)
    ]
    body = json.dumps({"batch": batch}).encode()
    auth = base64.b64encode(":".join(tenant.auth).encode()).decode()
    head = (
        f"POST /api/v2/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic {auth}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
    )
    port = int(server.url.rsplit(":", 1)[1])
    assert server.cert is not None
    tls = ssl.create_default_context(cafile=str(server.cert))
    try:
        with (
            socket.create_connection(("127.0.0.1", port)) as raw,
            tls.wrap_socket(raw, server_hostname="localhost") as conn,
        ):
            conn.sendall(head.encode())
            assert b" 100 " in _read_until(conn, b"\r\n\r\n")
            server.process.send_signal(signal.SIGTERM)
            _wait_until_refused(port)
            # A slow client: the body's second half comes well after uvicorn's own 0.1 s of grace.
            conn.sendall(body[: len(body) // 2])
            time.sleep(SLOW_CLIENT_S)
            conn.sendall(body[len(body) // 2 :])
            answer = _read_until(conn, b"{}")
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\n{}")
        assert server.process.wait(timeout=60) == 0
        assert workspaces.get_workspace(db, "Flight").people == 300
    finally:
        server.stop(signal.SIGKILL)
        db.dispose()


def _read_until(conn: ssl.SSLSocket, end: bytes) -> bytes:
    received = b""
    while not received.endswith(end):
        chunk = conn.recv(65536)
        assert chunk, f"the server closed the connection after {received!r}"
        received += chunk
    return received


def _wait_until_refused(port: int) -> None:
    """Until the server no longer accepts connections: it is shutting down."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.02)
    raise AssertionError("the server still accepts connections 30 s after SIGTERM")
