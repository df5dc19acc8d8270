"""Identifier rules: email normalization (P3), id validation (P2), cio_id (P1), references (P4),
and the name rules that workspaces and campaigns share (W1, C1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tui.core.errors import InvalidInput
from tui.core.runtime import TokenSource
from tui.core.text import INVISIBLE, check_scalar_text, visible

CIO_PREFIX = "cio_"
CIO_ID_BYTES = 8  # 16 lowercase hex characters
CIO_REFERENCE_RE = re.compile(r"cio_([0-9a-fA-F]{12,32})")
MAX_ID_LENGTH = 150


# The addresses that `fast_normalized_email` decides without email-validator: ASCII dot-atom
# local parts (RFC 5322 atext) and host names of two or more labels, 1..63 letters, digits and
# inner single hyphens each (no "--", so no Punycode and no reserved R-LDH labels), the last one
# ending with a letter and not a special-use name. email-validator accepts every such address of
# at most 254 characters and only lowercases its domain, so P3 gives the address lowercased.
# tests/test_email_fast_path.py checks this against the installed email-validator itself: run it
# whenever email-validator changes version.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"(?![A-Za-z0-9-]{64})[A-Za-z0-9](?:-?[A-Za-z0-9])*"
_LAST_LABEL = r"(?!(?i:arpa|invalid|local|localhost|onion|test)\Z)(?![A-Za-z0-9-]{64})(?:[A-Za-z0-9]-?)*[A-Za-z]"
_PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_LAST_LABEL}", re.ASCII)
_MAX_PLAIN_EMAIL = 254  # email-validator's limit; ASCII characters are one byte each


def normalize_email(raw: str) -> str:
    """P3: `validate_email(raw.strip(), check_deliverability=False).normalized.lower()`.

    Plain addresses are decided by `fast_normalized_email`, the others by email-validator.
    Raises InvalidInput with email-validator's own reason.
    """
    if not isinstance(raw, str):
        raise InvalidInput(f"email {raw!r} is not valid: it must be text")
    stripped = raw.strip()
    return fast_normalized_email(stripped) or _normalize_email_cached(stripped)


def fast_normalized_email(stripped: str) -> str | None:
    """The P3 form of a plain ASCII address (see `_PLAIN_EMAIL`), or None: let email-validator decide."""
    if len(stripped) <= _MAX_PLAIN_EMAIL and stripped.isascii() and _PLAIN_EMAIL.fullmatch(stripped):
        return stripped.lower()
    return None


@lru_cache(maxsize=4096)
def _normalize_email_cached(stripped: str) -> str:
    # Imported here: most addresses take the fast path, and email-validator's import is a
    # tenth of the app's start-up.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(stripped, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        raise InvalidInput(f"email {stripped!r} is not valid: {_lower_first(reason)}") from None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


# Unicode's control characters (category Cc) are exactly these 65 code points.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control_chars(text: str) -> bool:
    return _CONTROL.search(text) is not None


def validate_person_id(raw: object) -> str:
    """P2: 1..150 characters, case-sensitive, no surrounding whitespace or control characters,
    not starting with `cio_`."""
    if not isinstance(raw, str):
        raise InvalidInput(f"id {raw!r} is not valid: it must be text")
    if raw == "":
        raise InvalidInput("id is not valid: it is empty")
    check_scalar_text(raw, "id")
    if len(raw) > MAX_ID_LENGTH:
        raise InvalidInput(f"id is not valid: it has {len(raw)} characters, at most {MAX_ID_LENGTH} are allowed")
    if raw != raw.strip():
        raise InvalidInput(f"id {raw!r} is not valid: it has leading or trailing whitespace")
    if has_control_chars(raw):
        raise InvalidInput(f"id {raw!r} is not valid: it contains control characters")
    if raw.startswith(CIO_PREFIX):
        raise InvalidInput(
            f"id {raw!r} is not valid: ids may not start with {CIO_PREFIX!r} (that prefix is for cio_id references)"
        )
    return raw


def new_cio_id(tokens: TokenSource) -> str:
    """P1: lowercase hex from a CSPRNG, 16 characters. Uniqueness is enforced by the schema."""
    return tokens.token_hex(CIO_ID_BYTES)


def new_cio_ids(tokens: TokenSource, count: int) -> list[str]:
    """P1 for `count` people at once: one draw from the CSPRNG, cut into cio_ids."""
    drawn = tokens.token_hex(CIO_ID_BYTES * count)
    width = 2 * CIO_ID_BYTES
    return [drawn[start : start + width] for start in range(0, len(drawn), width)]


@dataclass(frozen=True)
class Reference:
    """P4: what a user wrote to name a person: a cio_id or the workspace's identifier."""

    cio_id: str | None = None
    ident: str | None = None


def parse_reference(raw: str, identify_by: str) -> Reference:
    """`cio_<hex>` names a person by cio_id; anything else is the workspace's identifier."""
    match = CIO_REFERENCE_RE.fullmatch(raw.strip())
    if match:
        return Reference(cio_id=match.group(1).lower())
    if identify_by == "email":
        return Reference(ident=normalize_email(raw))
    return Reference(ident=raw)


def clean_name(raw: str, *, what: str, max_length: int) -> tuple[str, str]:
    """W1/C1: a trimmed name of 1..max_length characters and its casefolded key."""
    if not isinstance(raw, str):
        raise InvalidInput(f"{what} name must be text")
    name = check_scalar_text(raw, f"{what} name").strip()
    if not name:
        raise InvalidInput(f"{what} name is empty: give it 1 to {max_length} characters")
    if len(name) > max_length:
        raise InvalidInput(f"{what} name has {len(name)} characters; at most {max_length} are allowed")
    if has_control_chars(name):
        raise InvalidInput(f"{what} name {name!r} contains control characters")
    if INVISIBLE.search(name):
        # Two names that look the same would name two things: invisible characters are refused.
        raise InvalidInput(f"{what} name '{visible(name)}' contains invisible characters: type it without them")
    return name, name_key(name)


def name_key(name: str) -> str:
    """Names compare with `str.casefold()` after trimming."""
    return name.strip().casefold()


def identifier(identify_by: str, person_id: object, email: object) -> tuple[str, str | None]:
    """P2/P3: the (ident, normalized email) of a person given by id and/or email.

    `None` means "not given". Used by `add_person` and the bulk import alike.
    """
    if identify_by == "email":
        if person_id is not None:
            raise InvalidInput(
                "this workspace identifies people by email: a person there has no id; give only the email"
            )
        if email is None:
            raise InvalidInput("this workspace identifies people by email: give the person's email")
        normalized = normalize_email(email)  # type: ignore[arg-type]  # non-text is refused inside
        return normalized, normalized
    if person_id is None:
        raise InvalidInput("this workspace identifies people by id: give the person's id")
    return validate_person_id(person_id), None if email is None else normalize_email(email)  # type: ignore[arg-type]
