"""People search on 1,000,000 people: substring and attribute searches against the prefix search.

    .venv/bin/python tests/benchmarks/bench_people_search.py [--backend sqlite|postgresql|both]
        [--people 1000000] [--repeat 5] [--rebuild]

On the dataset of bench_people.py (one email workspace, `user0000123@example.com` in random
order, a `plan` and a `city` each), in one process, each search's first page of 100
(`list_people`) and its total (`count_people`) are timed, one after the other as the People pane
asks for them, and compared with the prefix search `^user00005` (100 people, the identifier
index's range), which is the baseline. The searches take turns within each repeat, after one
untimed round.

- `user00005`: the same 100 people by substring (3+ characters: the trigram index);
- `0005@`: 100 people whose identifier holds it in the middle, spread over the whole listing;
- `example`: a substring every person has (the trigram index hands over too many: a scan);
- `77`: two characters (no trigram: a scan; many match, the first page comes early);
- `plan:enterprise`: an attribute (no index: the page comes early, the total scans everyone).

There is no target: the figures go to tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING

from common import print_machine
from datasets import add_backend_option, backends_of, dataset_targets, people_dataset, server_for

if TYPE_CHECKING:
    from tui.core.db import Database

BASELINE = "^user00005"
SEARCHES = ("user00005", "0005@", "example", "77", "plan:enterprise")
PAGE = 100


def time_search(db: Database, search: str) -> tuple[float, float, int, int]:
    """(first page seconds, total seconds, rows on the page, total)."""
    from tui.core.people_list import count_people, list_people

    start = time.perf_counter()
    page = list_people(db, "Bench", search=search, limit=PAGE)
    paged = time.perf_counter()
    total = count_people(db, "Bench", search=search)
    counted = time.perf_counter()
    return paged - start, counted - paged, len(page.people), total


def compare(backend: str, target: str, repeat: int) -> None:
    from tui.core.db import open_database

    db = open_database(target)
    searches = (BASELINE, *SEARCHES)
    for search in searches:  # warm-up, and what each finds
        _, _, rows, total = time_search(db, search)
        print(f"  {search!r}: first page {rows} people, {total:,} in all", flush=True)
    runs: dict[str, list[tuple[float, float]]] = {search: [] for search in searches}
    for _ in range(repeat):
        for search in searches:
            page, total, _, _ = time_search(db, search)
            runs[search].append((page, total))
    db.dispose()

    def median(search: str, part: int | None) -> float:
        return statistics.median(run[0] + run[1] if part is None else run[part] for run in runs[search])

    print(f"\n  {backend}: medians of {repeat} runs; ratio = the search / the prefix search {BASELINE!r}")
    print(f"  {'search':<18} {'first page':>11} {'ratio':>7} {'total':>9} {'ratio':>7} {'both':>9} {'ratio':>7}")
    for search in searches:
        cells = []
        for part in (0, 1, None):
            seconds = median(search, part)
            cells.append(f"{seconds * 1000:9.1f}ms {seconds / median(BASELINE, part):6.1f}x")
        print(f"  {search:<18} " + " ".join(cells), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser, default="both")
    parser.add_argument("--people", type=int, default=1_000_000, help="people in the workspace")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each search (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="build the cached databases again")
    args = parser.parse_args(argv)
    print_machine()
    backends = backends_of(args.backend)
    with server_for(backends) as server:
        targets = dataset_targets(people_dataset(args.people), backends, server, rebuild=args.rebuild)
        for backend in backends:
            print(f"\npeople search ({backend}): {args.people:,} people, {args.repeat} runs", flush=True)
            compare(backend, targets[backend], args.repeat)


if __name__ == "__main__":
    main()
