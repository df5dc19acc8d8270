"""P3's fast path, checked against email-validator itself (differential, property-based).

`fast_normalized_email` decides plain addresses without email-validator and defers (None) on
anything else. On every address it decides, email-validator must accept the address and give
the same normalized form; and `normalize_email` as a whole must give exactly what the P3
definition gives: the same address, or a refusal with email-validator's own reason.
"""

from __future__ import annotations

import string

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tui.core.errors import InvalidInput
from tui.core.identity import fast_normalized_email, normalize_email

ATEXT = string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~"
HOST = string.ascii_letters + string.digits + "-"
# Characters that matter to some rule of email-validator: specials, quoting, whitespace and
# controls, look-alikes of @ and dots, letters whose case mapping leaves ASCII (Kelvin sign,
# long s, dotted I), combining marks (U+0338 turns < into a non-special), zero-width and bidi
# characters, right-to-left letters and digits, and characters that need NFC or UTS #46 work.
TRICKY = (
    '.@"\\ <>[]:;,()\t\n\r\x00\x7f\x85\xa0\u2028'
    "\uff20\ufe6b\uff0e\u3002\uff61"
    "\u212a\u017f\u0130\u0131\u00df"
    "\u0301\u0338\u200b\u200d\u202e\u2066\ufeff"
    "\u05d0\u0627\u0661\u06f1"
    "\u00e9e\u0301\u00fc\u00c5\u1e9e\u2460\u00bd\U0001f600"
)
SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")
TLDS = ("com", "org", "io", "de", "co.uk", "museum", "xn--p1ai", "c0m", "1com", "x", *SPECIAL_USE)


def reference(stripped: str) -> str:
    """P3 as specified: email-validator's normalized form, lowercased."""
    return validate_email(stripped, check_deliverability=False).normalized.lower()


def cased(draw: st.DrawFn, text: str) -> str:
    """`text` with each letter's case chosen by hypothesis."""
    flips = draw(st.integers(0, 2 ** len(text) - 1))
    return "".join(ch.swapcase() if flips >> i & 1 else ch for i, ch in enumerate(text))


@st.composite
def labels(draw: st.DrawFn) -> str:
    """Host labels: mostly plain, sometimes with hyphens at the edges or doubled, long (near
    the 63-character limit), Punycode-looking, numeric, or unicode (IDNA)."""
    kind = draw(st.sampled_from(("plain", "plain", "plain", "hyphens", "long", "punycode", "digits", "unicode")))
    if kind == "plain":
        return draw(st.text(HOST, min_size=1, max_size=12))
    if kind == "hyphens":
        return (
            draw(st.sampled_from(("-", "", "a-", "ab--")))
            + draw(st.text(HOST, max_size=6))
            + draw(st.sampled_from(("-", "", "--x")))
        )
    if kind == "long":
        return draw(st.text(HOST, min_size=60, max_size=66))
    if kind == "punycode":
        return "xn--" + draw(st.sampled_from(("bcher-kva", "p1ai", "zz", "80ak6aa92e", "-", "a-")))
    if kind == "digits":
        return draw(st.text(string.digits, min_size=1, max_size=4))
    return draw(st.text(HOST + "\u00fc\u00df\u05d0\u0661\u4f8b\u212a\uff21", min_size=1, max_size=8))


@st.composite
def domains(draw: st.DrawFn) -> str:
    """Host names (varied case, sometimes ending with a dot or a special-use name), IP literals,
    and tags that are not IPv6."""
    kind = draw(st.sampled_from(("name", "name", "name", "name", "ipv4", "ipv6", "literal")))
    if kind == "ipv4":
        return "[" + ".".join(str(draw(st.integers(0, 300))) for _ in range(draw(st.integers(3, 5)))) + "]"
    if kind == "ipv6":
        return (
            "["
            + draw(st.sampled_from(("IPv6:", "ipv6:", "IPV6:", "")))
            + draw(st.sampled_from(("::1", "2001:db8::1", "fe80::1%eth0", "1::2::3")))
            + "]"
        )
    if kind == "literal":
        return "[" + draw(st.sampled_from(("tag:x", "", "1.2.3.4 ", "abc"))) + "]"
    names = draw(st.lists(labels(), min_size=0, max_size=4))
    tld = draw(st.sampled_from(TLDS) | labels())
    return cased(draw, ".".join([*names, tld]) + draw(st.sampled_from(("", "", "", ".", ".."))))


@st.composite
def local_parts(draw: st.DrawFn) -> str:
    """Dot-atoms (with misplaced dots at times), quoted strings, unicode and over-long ones."""
    kind = draw(st.sampled_from(("atom", "atom", "atom", "dots", "quoted", "unicode", "long", "empty")))
    if kind == "atom":
        return ".".join(draw(st.lists(st.text(ATEXT, min_size=1, max_size=10), min_size=1, max_size=3)))
    if kind == "dots":
        return draw(st.text(ATEXT + ".", min_size=1, max_size=10))
    if kind == "quoted":
        return '"' + draw(st.text(ATEXT + ' .@"\\\u00e9', max_size=10)) + '"'
    if kind == "unicode":
        return draw(st.text(ATEXT + TRICKY, min_size=1, max_size=10))
    if kind == "long":
        return draw(st.text("ab.", min_size=64, max_size=250))
    return ""


@st.composite
def addresses(draw: st.DrawFn) -> str:
    """Whole inputs as people type them: surrounding whitespace, display names, an extra @-sign."""
    address = draw(local_parts()) + draw(st.sampled_from(("@", "@", "@", "\uff20", "@@", ""))) + draw(domains())
    if draw(st.integers(0, 9)) == 0:
        address = draw(st.sampled_from(("Ann", '"A, B"', ""))) + f" <{address}>"
    return draw(st.sampled_from(("", " ", "\t", "\u3000"))) + address + draw(st.sampled_from(("", " ", "\n", "\u2003")))


@st.composite
def plain_addresses(draw: st.DrawFn) -> str:
    """Addresses the fast path should decide: dot-atoms at plain host names, in any case, with
    labels up to the length limit."""
    local = ".".join(draw(st.lists(st.text(ATEXT, min_size=1, max_size=12), min_size=1, max_size=3)))
    hosts = draw(st.lists(host_labels(), min_size=1, max_size=3))
    tld = draw(host_labels(max_size=6)) + draw(st.sampled_from(string.ascii_lowercase))
    return cased(draw, f"{local}@{'.'.join([*hosts, tld])}")


@st.composite
def host_labels(draw: st.DrawFn, max_size: int = 20) -> str:
    """Letters and digits with single hyphens inside; sometimes near the 63-character limit."""
    size = draw(st.sampled_from((max_size, max_size, max_size, 63)))
    text = draw(st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=size))
    hyphens = draw(st.integers(0, 2 ** len(text) - 1)) if size < 63 else 0
    return "".join("-" + ch if i and hyphens >> i & 1 else ch for i, ch in enumerate(text))


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A plain address with one change at the edge of what the fast path decides: a tricky
    character anywhere, a dot or hyphen out of place, a special-use or numeric last label,
    Punycode, a doubled hyphen, an over-long label or address."""
    address = draw(plain_addresses())
    at = address.index("@")
    where = draw(st.integers(0, len(address)))
    change = draw(st.sampled_from(("insert", "insert", "dot", "hyphen", "special", "digit", "punycode", "long")))
    if change == "insert":
        return address[:where] + draw(st.sampled_from(TRICKY + "-.@")) + address[where:]
    if change == "dot":
        return draw(
            st.sampled_from(
                (
                    f".{address}",
                    address.replace("@", ".@"),
                    address.replace("@", "@."),
                    f"{address}.",
                    address.replace(".", "..", 1),
                )
            )
        )
    if change == "hyphen":
        return (
            address[: at + 1]
            + draw(st.sampled_from(("-", "a--", "xn--", "ab--")))
            + address[at + 1 :]
            + draw(st.sampled_from(("", "-")))
        )
    if change == "special":
        return address + "." + cased(draw, draw(st.sampled_from(SPECIAL_USE)))
    if change == "digit":
        return address + draw(st.sampled_from(("1", ".1", ".123", "-1")))
    if change == "punycode":
        return (
            address[: at + 1]
            + "xn--"
            + draw(st.sampled_from(("bcher-kva", "p1ai", "a", "9")))
            + "."
            + address[at + 1 :]
        )
    label = draw(st.integers(62, 66))
    return draw(
        st.sampled_from(
            (
                address[: at + 1] + "b" * label + "." + address[at + 1 :],
                "a" * draw(st.integers(240, 256)) + address[at:],
            )
        )
    )


def assert_fast_path_agrees(raw: str) -> None:
    """The fast path defers or gives email-validator's answer; `normalize_email` is P3 exactly."""
    stripped = raw.strip()
    try:
        expected: str | None = reference(stripped)
        refusal = None
    except EmailNotValidError as exc:
        expected, refusal = None, str(exc).rstrip(".")
    fast = fast_normalized_email(stripped)
    event("fast path decides" if fast is not None else "deferred", "accepted" if refusal is None else "refused")
    if fast is not None:
        assert refusal is None, f"fast path accepted {stripped!r}, email-validator refuses it: {refusal}"
        assert fast == expected
    if refusal is None:
        assert normalize_email(raw) == expected
    else:
        with pytest.raises(InvalidInput) as refused:
            normalize_email(raw)
        assert refusal[1:] in str(refused.value)


DIFFERENTIAL = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@DIFFERENTIAL
@given(st.one_of(plain_addresses(), near_misses(), addresses()))
@example("Person@Example.COM ")
@example("a@x.Test")
@example("a@b.c0m")
@example("a@" + "b" * 63 + ".com")
@example("a@" + "b" * 64 + ".com")
@example("a" * 245 + "@example.com")
@example("a" * 246 + "@example.com")
@example("a@xn--bcher-kva.de")
@example("a@ab--cd.com")
@example("a@b.com\n")
def test_P3_fast_path_equals_email_validator_on_structured_addresses(raw: str) -> None:
    assert_fast_path_agrees(raw)


@DIFFERENTIAL
@given(st.text(ATEXT + HOST + TRICKY, max_size=40))
def test_P3_fast_path_equals_email_validator_on_tricky_characters(raw: str) -> None:
    assert_fast_path_agrees(raw)


@DIFFERENTIAL
@given(st.text(max_size=60))
def test_P3_fast_path_equals_email_validator_on_any_text(raw: str) -> None:
    assert_fast_path_agrees(raw)


@pytest.mark.parametrize(
    "address",
    ["Ann.Smith+pro@Mail.Example.org", "x_y-z@a-b.c-d.io", "o'neil@shop.co.uk", "A@B.CO", "1@2.xyz"],
)
def test_P3_fast_path_decides_plain_addresses(address: str) -> None:
    """The fast path is used: plain addresses never reach email-validator."""
    assert fast_normalized_email(address) == reference(address) == address.lower()


@pytest.mark.parametrize(
    "address",
    [
        "a@x.test",  # special-use: refused
        "a@b.localhost",
        "a@xn--bcher-kva.de",  # Punycode: normalized to unicode
        "a@bücher.de",
        "josé@example.com",
        '"a b"@example.com',  # quoted
        "a@[1.2.3.4]",
        "a@b.c0",  # a TLD must end with a letter
        "a@com",
        "a.@b.com",
        "a@-b.com",
        "a@ab--c.com",
        "a@b.com ",  # the caller strips
        "a@" + "b" * 64 + ".com",
        "a" * 246 + "@example.com",
    ],
)
def test_P3_fast_path_defers_what_it_cannot_decide(address: str) -> None:
    assert fast_normalized_email(address) is None
