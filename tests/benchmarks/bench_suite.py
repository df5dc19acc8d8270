"""The test suite's speed (issue 11): a clean checkout's `.ci/run` at HEAD against the same at a
baseline commit, on this machine, the two taking turns. Target: HEAD at most 0.5x.

    .venv/bin/python tests/benchmarks/bench_suite.py [--baseline c25b9b4] [--rounds 1] [--common-tests]

Each side is a fresh `git clone` of this repository at its commit (what is committed, as CI
sees it), so each run creates its own virtual environment, installs, passes its gates and runs
its suite, exactly as CI does. The default baseline is the last commit before issue 11's work
began, when `.ci/run` took ~600 s. The suite has grown since (the Track API, delivery), so
`--common-tests` runs HEAD's `.ci/run` on only the tests that the baseline also has, by test id
(tests renamed since are left out, and said so): both sides then run the same tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, print_machine

FILING_BASELINE = "c25b9b4"


@dataclass(frozen=True)
class Run:
    side: str
    seconds: float
    status: int
    summary: str  # pytest's last line: "N passed in S s"
    failures: tuple[str, ...]  # pytest's "FAILED test-id - reason" lines


def clone(rev: str, into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "-q", rev], check=True)
    return into


def ci_run(side: str, checkout: Path, *pytest_args: str) -> Run:
    """`.ci/run` in `checkout`, timed from its first line (the virtual environment) to its exit."""
    env = {**os.environ, "CI": "1"}
    start = time.perf_counter()
    done = subprocess.run(["bash", ".ci/run", *pytest_args], cwd=checkout, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = next((line.strip("= ") for line in reversed(done.stdout.splitlines()) if " in " in line), "?")
    failures = tuple(line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR")))
    return Run(side, seconds, done.returncode, summary, failures)


def test_ids(checkout: Path, python: Path) -> set[str]:
    """The ids of the tests `checkout` collects (with PostgreSQL on, as CI runs it)."""
    env = {**os.environ, "SWITCHBOARD_TEST_PG": "1"}
    listed = subprocess.run(
        [str(python), "-m", "pytest", "--collect-only", "-q"], cwd=checkout, env=env, capture_output=True, text=True
    )
    return {line for line in listed.stdout.splitlines() if "::" in line}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=FILING_BASELINE, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each side, taking turns")
    parser.add_argument("--common-tests", action="store_true", help="HEAD runs only the baseline's tests")
    args = parser.parse_args()
    rev = ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]
    head = subprocess.run(rev, capture_output=True, text=True, check=True).stdout.strip()
    print_machine()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        base = clone(args.baseline, Path(tmp) / "baseline")
        current = clone(head, Path(tmp) / "head")
        pytest_args: tuple[str, ...] = ()
        for round_ in range(args.rounds):
            runs.append(ci_run(f"baseline {args.baseline}", base))
            if args.common_tests and round_ == 0:
                # The baseline's ids from its own environment, HEAD's from this one (same packages).
                ours = test_ids(current, Path(sys.executable))
                theirs = test_ids(base, base / ".venv/bin/python")
                common = sorted(ours & theirs)
                print(f"tests: baseline {len(theirs)}, HEAD {len(ours)}, both {len(common)} (run by HEAD)")
                ids = Path(tmp) / "common-tests.txt"
                ids.write_text("\n".join(common) + "\n")
                pytest_args = (f"@{ids}",)
            runs.append(ci_run(f"HEAD {head}", current, *pytest_args))
            for run in runs[-2:]:
                print(f"{run.side:22s} {run.seconds:6.0f} s  exit {run.status}  ({run.summary})", flush=True)
                for failure in run.failures:
                    print(f"    {failure}")
    base_s = statistics.median(r.seconds for r in runs if r.side.startswith("baseline"))
    head_s = statistics.median(r.seconds for r in runs if r.side.startswith("HEAD"))
    failed = [r for r in runs if r.status != 0]
    what = "the baseline's tests" if args.common_tests else "the whole suite"
    print(f"\n.ci/run, median of {args.rounds}: baseline {base_s:.0f} s, HEAD on {what} {head_s:.0f} s")
    print(f"ratio HEAD / baseline: {head_s / base_s:.2f}x (target 0.50x)")
    if failed:
        print(f"{len(failed)} run(s) failed: the times above do not count")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
