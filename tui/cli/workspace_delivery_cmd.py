"""`switchboard workspaces delivery NAME`: show or change a workspace's delivery settings, and
test the connection to its servers (--check)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import click

from tui.cli.output import emit, json_option
from tui.cli.state import CliState, pass_state
from tui.core.delivery_settings import SMTP_SECURITY, DeliveryConfig, get_delivery, set_delivery
from tui.core.errors import SwitchboardError
from tui.core.text import visible


def _lines(name: str, config: DeliveryConfig) -> list[str]:
    if config.smtp_host:
        smtp = f"{config.smtp_host}:{config.port} ({config.security})"
        if config.smtp_user:
            secret = (
                f"password from variable {config.smtp_password_env}"
                if config.smtp_password_env
                else f"password from file {config.smtp_password_file}"
            )
            smtp += f", user {config.smtp_user}, {secret}"
    else:
        smtp = "not set (deliver --smtp-host is used)"
    rate = f"{config.rate_per_s:g}/s" if config.rate_per_s else "no limit"

    def endpoint(url: str | None, variable: str | None) -> str:
        if not url:
            return "not set"
        return f"POST {url}" + (f", Authorization from variable {variable}" if variable else "")

    rows = [
        f"Delivery settings of {name}:",
        f"  SMTP server: {smtp}",
        f"  From: {config.sender or 'not set (deliver --from is used)'}",
        f"  Reply-To: {config.reply_to or 'not set'}",
        f"  SMS provider: {endpoint(config.sms_url, config.sms_auth_env)}",
        f"  Push provider: {endpoint(config.push_url, config.push_auth_env)}",
        f"  Rate: {rate}",
    ]
    return [visible(row) for row in rows]


@click.command("delivery")
@click.argument("name")
@click.option("--smtp-host", metavar="HOST", help="The SMTP server ('' clears it).")
@click.option("--smtp-port", type=click.IntRange(1, 65535), help="Its port (default 25, 587 or 465 by security).")
@click.option("--smtp-security", type=click.Choice(SMTP_SECURITY), help="none, starttls or tls.")
@click.option("--smtp-user", metavar="USER", help="Log in as this user ('' clears the login).")
@click.option("--smtp-password-env", metavar="VAR", help="The environment variable holding the SMTP password.")
@click.option("--smtp-password-file", metavar="FILE", help="The file holding the SMTP password.")
@click.option("--from", "sender", metavar="ADDR", help="The From address ('Name <addr>' or addr).")
@click.option("--reply-to", metavar="ADDR", help="A Reply-To address ('' clears it).")
@click.option("--sms-url", metavar="URL", help="The SMS provider: a JSON POST per message.")
@click.option("--sms-auth-env", metavar="VAR", help="The variable holding its Authorization header.")
@click.option("--push-url", metavar="URL", help="The push provider: a JSON POST per message.")
@click.option("--push-auth-env", metavar="VAR", help="The variable holding its Authorization header.")
@click.option("--rate", "rate_per_s", metavar="N/s", help="At most N messages per second (off: no limit).")
@click.option("--check", is_flag=True, help="Connect to each server and say what it answered; sends nothing.")
@json_option
@pass_state
def delivery(state: CliState, name: str, check: bool, as_json: bool, **changes: Any) -> None:
    """Show or change how the workspace's messages go out.

    Secrets are never stored: give the name of the environment variable (or the file) that holds
    each one, where `switchboard deliver` runs."""
    if any(value is not None for value in changes.values()):
        config = set_delivery(state.db, name, changes)
        verb = "Changed"
    else:
        config = get_delivery(state.db, name)
        verb = ""
    data: dict[str, Any] = dataclasses.asdict(config)
    lines = _lines(name.strip(), config)
    if verb:
        lines[0] = f"{verb} {lines[0][0].lower()}{lines[0][1:]}"
    failed = False
    if check:
        from tui.delivery.check import check_all

        results = asyncio.run(check_all(config))
        data["check"] = [dataclasses.asdict(result) for result in results]
        lines += [visible(f"  check {r.target}: {'ok' if r.ok else 'FAILED'}: {r.answer}") for r in results]
        failed = not all(result.ok for result in results)
    emit(as_json, data, lambda: lines)
    if failed:
        raise SwitchboardError("the connection check failed (see above); nothing was sent")
