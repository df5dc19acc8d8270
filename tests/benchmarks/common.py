"""Shared pieces of the benchmarks: the machine, fresh databases, people data, timing, ratios.

Benchmarks run both sides of a comparison in the same run on the same data (these machines are
noisy) and print medians and the ratio; they are scripts, not tests: pytest collects only
`test_*.py`, so `bench_*.py` and this module are never collected.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import secrets
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

# `python tests/benchmarks/bench_x.py` puts this folder on sys.path, not the repository.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from email_validator import EmailNotValidError, validate_email  # noqa: E402

from tui.core import workspaces  # noqa: E402
from tui.core.db import Database, open_database  # noqa: E402
from tui.core.errors import InvalidInput  # noqa: E402
from tui.core.identity import normalize_email  # noqa: E402

WORKSPACE = "Bench"
FIRST_NAMES = ("Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemal", "Lena")
LAST_NAMES = ("Smith", "Garcia", "Nguyen", "Okafor", "Rossi", "Schmidt", "Tanaka", "Dubois", "Kowalski", "Silva")
DOMAINS = ("example.com", "Mail.Example.org", "shop.co.uk", "corp.example.net", "EXAMPLE.IO", "post.example.de")
PLANS = ("free", "pro", "team", "enterprise")
CITIES = ("Oslo", "Rome", "Lagos", "Lima", "Kyoto", "Zürich", "São Paulo", "Montréal")
# Addresses email-validator must decide itself: internationalized local parts and domains (IDNA).
UNICODE_EMAILS = ("josé.{n}@example.com", "{n}.müller@bücher.de", "ユーザー{n}@例え.jp", "{n}@straße.example")
# Addresses it refuses; the import reports their lines.
INVALID_EMAILS = ("person{n}@", "person{n}.example.com", "person{n}@localhost", "person {n}@example.com")
UNICODE_EVERY = 200  # 0.5% of the rows
INVALID_EVERY = 1000  # 0.1% of the rows
PEOPLE_COLUMNS = ("workspace_id", "cio_id", "ident", "email", "attributes", "created_at", "updated_at", "version")
INSERT_PEOPLE = f"INSERT INTO people ({', '.join(PEOPLE_COLUMNS)}) VALUES ({', '.join('?' * len(PEOPLE_COLUMNS))})"


def machine() -> dict[str, str]:
    """What a result was measured on."""
    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        **{name: metadata.version(name) for name in ("sqlalchemy", "email-validator", "idna")},
    }


def print_machine() -> None:
    print("machine: " + ", ".join(f"{key} {value}" for key, value in machine().items()), flush=True)


# Data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One generated CSV row."""

    email: str
    first_name: str
    last_name: str
    plan: str
    city: str

    def attributes(self) -> dict[str, str]:
        return {"first_name": self.first_name, "last_name": self.last_name, "plan": self.plan, "city": self.city}


def people(count: int, seed: int = 1) -> Iterator[Person]:
    """`count` people with unique addresses in varied case, tags, subdomains, a share of
    internationalized ones and a share of invalid ones (deterministic for a seed)."""
    rng = random.Random(seed)
    for n in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if n % INVALID_EVERY == INVALID_EVERY - 1:
            email = INVALID_EMAILS[n // INVALID_EVERY % len(INVALID_EMAILS)].format(n=n)
        elif n % UNICODE_EVERY == UNICODE_EVERY - 1:
            email = UNICODE_EMAILS[n // UNICODE_EVERY % len(UNICODE_EMAILS)].format(n=n)
        else:
            tag = f"+{rng.choice(PLANS)}" if n % 7 == 0 else ""
            local = f"{first}.{last}{n}{tag}" if n % 3 else f"{first[0]}{last}_{n}".lower()
            email = f"{local}@{rng.choice(DOMAINS)}"
            if n % 11 == 0:
                email = f" {email} "  # surrounding spaces are trimmed (P3)
        yield Person(email, first, last, rng.choice(PLANS), rng.choice(CITIES))


def people_sorted_by_address(count: int, seed: int = 1) -> list[Person]:
    """`people(count, seed)` in the order of their normalized addresses (refused ones by their
    trimmed text): an export sorted by email, as many are."""

    def key(person: Person) -> str:
        try:
            return normalize_email(person.email)
        except InvalidInput:
            return person.email.strip()

    return sorted(people(count, seed), key=key)


def write_people_csv(path: Path, count: int, seed: int = 1, *, given: Iterable[Person] | None = None) -> None:
    """A CSV file of `count` generated people (or of `given` ones): `email,first_name,last_name,plan,city`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "first_name", "last_name", "plan", "city"])
        writer.writerows(
            (person.email, person.first_name, person.last_name, person.plan, person.city)
            for person in (people(count, seed) if given is None else given)
        )


def reference_email(raw: str) -> str | None:
    """P3 by email-validator itself (no fast path): the normalized address, or None if refused."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def normalized_people_rows(
    workspace_id: int, count: int, moment: datetime, seed: int = 1, *, given: Iterable[Person] | None = None
) -> list[tuple[object, ...]]:
    """The rows an import of `people(count, seed)` (or of `given` ones) stores, in INSERT_PEOPLE's
    column order and the same order: validated and normalized beforehand, JSON and timestamps
    already serialized."""
    stamp = moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    rows: list[tuple[object, ...]] = []
    for person in people(count, seed) if given is None else given:
        email = reference_email(person.email)
        if email is not None:
            attributes = json.dumps(person.attributes())
            rows.append((workspace_id, secrets.token_hex(8), email, email, attributes, stamp, stamp, 1))
    return rows


# Databases ------------------------------------------------------------------------------------


def fresh_database(path: Path, identify_by: str = "email") -> tuple[Database, int]:
    """A new database file at `path` (schema by the migrations) with one workspace: (db, its id)."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db = open_database(str(path))
    created = workspaces.create_workspace(db, WORKSPACE, identify_by)
    return db, created.workspace.id


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain `sqlite3` connection with the app's settings (WAL, synchronous=NORMAL, foreign
    keys) and autocommit, so the caller writes BEGIN/COMMIT itself."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


# Timing ---------------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    """Seconds that `action()` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@dataclass(frozen=True)
class Comparison:
    """Repeated timings of a measured side against its baseline."""

    name: str
    baseline: list[float]
    measured: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.measured) / statistics.median(self.baseline)


def print_comparison(comparison: Comparison, *, baseline_label: str, measured_label: str, target: float | None) -> None:
    """Print both medians (and every run) and the ratio, with whether it meets `target` if one is given."""
    width = max(len(baseline_label), len(measured_label))
    for label, runs in ((baseline_label, comparison.baseline), (measured_label, comparison.measured)):
        every = " ".join(f"{run:.3f}" for run in runs)
        print(f"  {label:<{width}}  median {statistics.median(runs):8.3f} s   runs: {every}")
    verdict = "" if target is None else f" (target <= {target}x): {'met' if comparison.ratio <= target else 'NOT met'}"
    print(f"  {comparison.name}: ratio {comparison.ratio:.2f}x{verdict}", flush=True)
