"""Delivery settings per workspace (D2, tui/core/delivery_settings.py): checked, stored without
secrets, and read as a worker needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.db import Database
from tui.core.delivery_settings import (
    DeliveryConfig,
    MissingSetting,
    authorization,
    get_delivery,
    parse_rate,
    set_delivery,
    smtp_password,
)
from tui.core.errors import InvalidInput


def test_D2_settings_are_stored_and_an_empty_text_clears_one(db: Database, shop: str) -> None:
    set_delivery(
        db,
        shop,
        {
            "smtp_host": "smtp.example.com",
            "smtp_security": "starttls",
            "smtp_user": "mailer",
            "smtp_password_env": "SMTP_PASS",
            "sender": "Shop Team <News@Shop.example.com>",
            "reply_to": "help@shop.example.com",
            "rate_per_s": "20/s",
        },
    )
    set_delivery(db, shop, {"reply_to": "", "sms_url": "https://sms.example.com/send", "sms_auth_env": "SMS_AUTH"})

    config = get_delivery(db, shop)
    assert config == DeliveryConfig(
        smtp_host="smtp.example.com",
        smtp_security="starttls",
        smtp_user="mailer",
        smtp_password_env="SMTP_PASS",
        sender="Shop Team <news@shop.example.com>",
        sms_url="https://sms.example.com/send",
        sms_auth_env="SMS_AUTH",
        rate_per_s=20.0,
    )
    assert config.port == 587  # the usual port for STARTTLS when none is set


def test_D2_a_password_file_replaces_the_variable_and_is_stored_as_an_absolute_path(
    db: Database, shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_delivery(db, shop, {"smtp_host": "h.example.com", "smtp_user": "u", "smtp_password_env": "SMTP_PASS"})
    monkeypatch.chdir(tmp_path)
    set_delivery(db, shop, {"smtp_password_file": "secret.txt"})

    config = get_delivery(db, shop)
    assert (config.smtp_password_env, config.smtp_password_file) == (None, str(tmp_path / "secret.txt"))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"smtp_host": "smtp example.com"}, "SMTP host 'smtp example.com' is not valid"),
        ({"smtp_port": 70000}, "SMTP port 70000 is not valid"),
        ({"smtp_security": "ssl"}, "SMTP security 'ssl' is not valid: choose none, starttls or tls"),
        ({"smtp_password_env": "hunter2!"}, "'hunter2!' is not an environment variable name"),
        ({"sender": "shop@"}, "From address 'shop@' is not valid"),
        ({"sms_url": "ftp://sms.example.com"}, "sms url 'ftp://sms.example.com' is not valid"),
        ({"rate_per_s": "fast"}, "rate 'fast' is not valid"),
        ({"smtp_user": "mailer"}, "an SMTP user needs a password"),
        ({"smtp_password_env": "P", "smtp_password_file": "/p"}, "not both"),
        ({"reply_to": None}, "nothing to change"),
    ],
)
def test_D2_bad_settings_are_refused_and_nothing_changes(
    db: Database, shop: str, changes: dict[str, object], reason: str
) -> None:
    set_delivery(db, shop, {"smtp_host": "smtp.example.com", "rate_per_s": "5"})

    with pytest.raises(InvalidInput, match=reason):
        set_delivery(db, shop, {"reply_to": "help@example.com", **changes})  # type: ignore[dict-item]

    assert get_delivery(db, shop) == DeliveryConfig(smtp_host="smtp.example.com", rate_per_s=5.0)


def test_D2_a_missing_secret_is_a_sentence_naming_the_variable_or_file(tmp_path: Path) -> None:
    by_variable = DeliveryConfig(smtp_user="u", smtp_password_env="SMTP_PASS")
    by_file = DeliveryConfig(smtp_user="u", smtp_password_file=str(tmp_path / "gone"))

    with pytest.raises(MissingSetting, match="^SMTP password variable SMTP_PASS is not set$"):
        smtp_password(by_variable, {})
    with pytest.raises(MissingSetting, match=f"^SMTP password file {tmp_path / 'gone'} cannot be read: No such file"):
        smtp_password(by_file, {})
    with pytest.raises(MissingSetting, match="^SMS authorization variable SMS_AUTH is not set$"):
        authorization("SMS_AUTH", "SMS", {})
    (tmp_path / "gone").write_text("s3cret\n")
    assert smtp_password(by_variable, {"SMTP_PASS": "pw"}) == "pw"
    assert smtp_password(by_file, {}) == "s3cret"
    assert authorization("SMS_AUTH", "SMS", {"SMS_AUTH": "Bearer t"}) == "Bearer t"


def test_D2_a_workspace_server_goes_as_a_whole_over_the_worker_defaults() -> None:
    defaults = DeliveryConfig(smtp_host="relay.local", smtp_port=2525, sender="ops@example.com")

    own = DeliveryConfig(smtp_host="smtp.example.com", smtp_security="tls").over(defaults)
    assert (own.smtp_host, own.port, own.sender) == ("smtp.example.com", 465, "ops@example.com")
    assert DeliveryConfig(sender="me@example.com").over(defaults) == DeliveryConfig(
        smtp_host="relay.local", smtp_port=2525, sender="me@example.com"
    )


def test_D2_rates_are_messages_per_second() -> None:
    assert (parse_rate("10/s"), parse_rate("2.5"), parse_rate("off"), parse_rate("0")) == (10.0, 2.5, None, None)
    with pytest.raises(InvalidInput, match="too high"):
        parse_rate("1000000/s")
    # Far slower and the turns it gives a big outbox's messages would lie past the year 9999.
    with pytest.raises(InvalidInput, match="too low"):
        parse_rate("0.0000001/s")
    assert parse_rate("0.001/s") == 0.001
