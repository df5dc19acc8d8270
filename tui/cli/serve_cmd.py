"""`switchboard serve ssh`: serve the app to a team over SSH."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from tui.cli.state import CliState, Refused, pass_state


@click.group()
def serve() -> None:
    """Serve the app to others."""


@serve.command("ssh")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=2222,
    show_default=True,
    help="Port to listen on (0: any free one, logged).",
)
@click.option(
    "--host-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The server's private ed25519 key, generated there on first start"
    " (default: ssh_host_ed25519_key in the user data dir).",
)
@click.option(
    "--authorized-keys",
    type=click.Path(dir_okay=False, path_type=Path),
    help="OpenSSH authorized_keys file of the keys that may log in, read on every login; a key's comment"
    " names its person (default: authorized_keys in the user config dir).",
)
@click.option(
    "--max-sessions", type=click.IntRange(min=1), default=20, show_default=True, help="Sessions at once, overall."
)
@click.option(
    "--max-sessions-per-key", type=click.IntRange(min=1), default=4, show_default=True, help="Sessions at once per key."
)
@click.option(
    "--login-timeout",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Seconds a client has to log in.",
)
@click.option(
    "--keepalive",
    type=click.FloatRange(min=1),
    default=15,
    show_default=True,
    help="Seconds between keepalive probes; a client that misses 3 in a row is disconnected.",
)
@click.option(
    "--warm",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="App processes kept started and waiting, so that a session opens at once; each serves one"
    " session (0: every session starts its own).",
)
@click.option(
    "--db", "target", metavar="TARGET", help="Database file path or SQLAlchemy URL (default: switchboard --db)."
)
@pass_state
def ssh(
    state: CliState,
    host: str,
    port: int,
    host_key: Path | None,
    authorized_keys: Path | None,
    max_sessions: int,
    max_sessions_per_key: int,
    login_timeout: float,
    keepalive: float,
    warm: int,
    target: str | None,
) -> None:
    """Serve the app over SSH: every session gets its own app on its own terminal.

    Public keys only (no passwords); no commands, file transfer or forwarding. Logs go to
    stderr. Stop with Ctrl-C or SIGTERM: every session is ended cleanly.
    """
    import asyncio

    from tui.core.db import open_database
    from tui.ssh.auth import default_authorized_keys_path
    from tui.ssh.hostkey import HostKeyError, default_host_key_path
    from tui.ssh.server import ListenError, ServeConfig, serve

    # Open (create or upgrade) the database once, before any session does.
    db = open_database(target or state.target)
    db.dispose()
    config = ServeConfig(
        host=host,
        port=port,
        host_key=(host_key or default_host_key_path()).expanduser(),
        authorized_keys=(authorized_keys or default_authorized_keys_path()).expanduser(),
        db_url=db.url,
        max_sessions=max_sessions,
        max_sessions_per_key=max_sessions_per_key,
        login_timeout=login_timeout,
        keepalive=keepalive,
        warm=warm,
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    try:
        asyncio.run(serve(config))
    except (HostKeyError, ListenError) as exc:
        raise Refused(str(exc)) from exc


@serve.command("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8443,
    show_default=True,
    help="Port to listen on (0: any free one, printed).",
)
@click.option("--tls-cert", type=click.Path(dir_okay=False, path_type=Path), help="PEM certificate (chain) to serve.")
@click.option("--tls-key", type=click.Path(dir_okay=False, path_type=Path), help="PEM private key of --tls-cert.")
@click.option("--plain-http", is_flag=True, help="Serve plain HTTP, for running behind a TLS-terminating proxy.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--db", "target", metavar="TARGET", help="Database file path or SQLAlchemy URL (default: switchboard --db)."
)
@pass_state
def api(
    state: CliState,
    host: str,
    port: int,
    tls_cert: Path | None,
    tls_key: Path | None,
    plain_http: bool,
    workers: int,
    target: str | None,
) -> None:
    """Serve the Track API (Customer.io compatible) for the workspaces' site IDs and keys.

    HTTPS by default: without --tls-cert a self-signed certificate for localhost is made once in
    the user data dir and reused. Stop with Ctrl-C or SIGTERM: requests in flight finish first.
    """
    from tui.api import tls
    from tui.api.server import ApiConfig, ListenError, bind, serve
    from tui.core.db import open_database

    if plain_http and (tls_cert or tls_key):
        raise click.UsageError("--plain-http serves no certificate: leave out --tls-cert and --tls-key")
    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together: give both, or neither for a self-signed pair")
    db = open_database(target or state.target)
    db.dispose()
    try:
        cert, key = (
            (None, None) if plain_http else (tls_cert, tls_key) if tls_cert else tls.self_signed(tls.default_dir())
        )
        if cert is not None and key is not None:
            tls.check_pair(cert, key)
        sock = bind(host, port)
    except (tls.TlsError, ListenError) as exc:
        raise Refused(str(exc)) from exc
    shown_host = f"[{host}]" if ":" in host else host
    bound_port = sock.getsockname()[1]
    click.echo(f"listening on {'http' if plain_http else 'https'}://{shown_host}:{bound_port}")
    if plain_http:
        click.echo("warning: plain HTTP: run this only behind a proxy that terminates TLS", err=True)
    elif tls_cert is None:
        click.echo(f"certificate: {cert}")
        click.echo(f"clients trust it by naming that file, e.g. REQUESTS_CA_BUNDLE={cert} for the Python client")
    else:
        click.echo(f"certificate: {cert}")
    sys.stdout.flush()
    serve(ApiConfig(host, bound_port, db.url, cert, key, workers), sock)
