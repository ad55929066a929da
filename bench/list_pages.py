"""Paged lists at scale (issue 8): import N detainees (default 200,000) into a throwaway SQLite database, then time
one page (limit 100) of the wish overview and of the eligibility view, deep pages too, and their peak Python
memory. Before paging, the whole lists took 10-13 s and 12-75 MB at 200,000 detainees.

Usage: .venv/bin/python bench/list_pages.py [--rows 200000]"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import seeded_bureau  # noqa: E402

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services import custody, exchanges  # noqa: E402

OPERATOR = Actor("operator", "admin")


def measure(label: str, fn) -> None:  # noqa: ANN001
    tracemalloc.start()
    t0 = time.perf_counter()
    page = fn()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:<40} {dt * 1000:>8.0f} ms {peak:>8.1f} MiB peak  ({len(page)} of {page.total:,})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="powbureau-pages-"))
    try:
        b, _ = seeded_bureau(tmp, a.rows, OPERATOR)
        print(f"detainees {a.rows:,}")
        measure("wish overview, first page of 100", lambda: custody.wish_overview(b.uow, OPERATOR, limit=100))
        measure("wish overview, page at offset 150,000",
                lambda: custody.wish_overview(b.uow, OPERATOR, limit=100, offset=min(150_000, a.rows - 100)))
        measure("eligibility, first page of 100", lambda: exchanges.eligibility(b.uow, OPERATOR, limit=100))
        measure("eligibility, page of 1,000", lambda: exchanges.eligibility(b.uow, OPERATOR, limit=1000))
        measure("detainee choices, page of 1,000", lambda: custody.detainee_choices(b.uow, OPERATOR, limit=1000))
        b.uow.engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
