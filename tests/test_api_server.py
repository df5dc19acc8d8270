"""`switchboard serve api` as a process: concurrency with exact counts, durability of an
acknowledged write under SIGKILL, graceful stop, and its command-line errors."""

from __future__ import annotations

import signal
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from api_harness import Tenant, new_tenant, start_server
from conftest import TrackApi
from sqlalchemy import func, select

from tui.core import events, workspaces
from tui.core.db import open_database
from tui.core.models import Event

CLIENTS = 50
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


@pytest.mark.backends("sqlite")
def test_several_workers_share_the_port_and_stop_cleanly(tmp_path: Path) -> None:
    db_file = str(tmp_path / "workers.db")
    db = open_database(db_file)
    tenant = new_tenant(db, "Workers")
    server = start_server(db_file, tmp_path / "data", "--workers", "2")
    try:
        with ThreadPoolExecutor(8) as pool:

            def identify(n: int) -> int:
                with server.client(auth=tenant.auth) as http:
                    return http.put(f"/api/v1/customers/w{n}", json={"n": n}).status_code

            assert list(pool.map(identify, range(40))) == [200] * 40
        assert workspaces.get_workspace(db, "Workers").people == 40
    finally:
        assert server.stop(signal.SIGTERM) == 0
        db.dispose()
