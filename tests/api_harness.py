"""A real `switchboard serve api` in a subprocess, for the Track API tests.

The server is the installed command, on a port it picks (`--port 0`), over TLS with the
certificate it makes in its own data dir; the tests read the port and the certificate's path
from what it prints.
"""

from __future__ import annotations

import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tui.core import workspaces
from tui.core.db import Database

START_PATIENCE_S = 60.0
LISTENING = re.compile(r"listening on (https?)://([^:\s]+):(\d+)")


@dataclass
class ApiServer:
    process: subprocess.Popen[str]
    url: str
    cert: Path | None
    db_url: str
    output: list[str] = field(default_factory=list)

    def client(self, auth: tuple[str, str] | None = None, timeout: float = 30) -> httpx.Client:
        verify = ssl.create_default_context(cafile=str(self.cert)) if self.cert else False
        return httpx.Client(base_url=self.url, verify=verify, auth=auth, timeout=timeout)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=60)


@dataclass(frozen=True)
class Tenant:
    """A workspace of the server's database and its Track credentials."""

    name: str
    site_id: str
    key: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.site_id, self.key)


def start_server(db_url: str, data_home: Path, *extra: str) -> ApiServer:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "PYTHONUNBUFFERED": "1"}
    env.pop("SWITCHBOARD_DB", None)
    command = [sys.executable, "-m", "tui", "--db", db_url, "serve", "api", "--port", "0", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + START_PATIENCE_S
    found = None
    while found is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = LISTENING.search(line)
    if found is None:
        process.kill()
        raise AssertionError(f"the server did not start: {''.join(lines)}")
    scheme, _host, port = found.groups()
    cert = None
    if scheme == "https":
        line = process.stdout.readline()
        lines.append(line)
        cert = Path(line.removeprefix("certificate: ").strip())
    server = ApiServer(process, f"{scheme}://localhost:{port}", cert, db_url, lines)
    threading.Thread(target=_drain, args=(process, lines), daemon=True).start()
    _wait_until_answering(server)
    return server


def _drain(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


def _wait_until_answering(server: ApiServer) -> None:
    deadline = time.monotonic() + START_PATIENCE_S
    with server.client() as client:
        while True:
            try:
                client.get("/api/v1/nowhere")
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def new_tenant(db: Database, name: str, identify_by: str = "id") -> Tenant:
    created = workspaces.create_workspace(db, name, identify_by)
    return Tenant(created.workspace.name, created.workspace.site_id, created.tracking_api_key)
