"""Secrets and site IDs: made from the runtime's token source, stored only as a hash.

Secrets are long random strings, so a fast hash (SHA-256) is enough to store them.
"""

from __future__ import annotations

import hashlib

from tui.core.runtime import TokenSource

SECRET_LENGTH = 40
SITE_ID_BYTES = 10  # 20 lowercase hex characters


def new_secret(tokens: TokenSource) -> str:
    return tokens.token_alnum(SECRET_LENGTH)


def new_site_id(tokens: TokenSource) -> str:
    return tokens.token_hex(SITE_ID_BYTES)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
