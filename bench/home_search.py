"""The home page and the registry search at scale (issue 9): import N detainees (default 200,000) into a throwaway
SQLite database, intern a tenth of them (so capture cards are due), then time the registrar's home page (every
count and chart) and a few searches with their true totals.

Usage: .venv/bin/python bench/home_search.py [--rows 200000]"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import seeded_bureau  # noqa: E402

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services import home, registry  # noqa: E402
from powbureau.store import repositories as repo  # noqa: E402
from powbureau.store.tables import persons, status_events  # noqa: E402

OPERATOR = Actor("operator", "admin")


def timed(label: str, fn):  # noqa: ANN001, ANN201
    t0 = time.perf_counter()
    out = fn()
    print(f"{label:<48} {(time.perf_counter() - t0) * 1000:>8.0f} ms")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="powbureau-home-"))
    try:
        b = timed(f"import {a.rows:,} detainees", lambda: seeded_bureau(tmp, a.rows, OPERATOR))[0]
        with b.uow.transaction() as conn:
            ids = list(conn.execute(persons.select().with_only_columns(persons.c.id).limit(a.rows // 10)).scalars())
            now = datetime.now(UTC)
            repo.insert_many(conn, status_events, [{"person_id": p, "from_status": "captured", "to_status": "interned",
                                                    "at": now, "place": "Camp 1", "actor": "operator", "note": ""}
                                                   for p in ids])
        print(f"interned {len(ids):,} (capture cards due)")
        h = timed("home page of the registrar (counts + 3 charts)", lambda: home.home(b.uow, Actor("r", "registrar")))
        print(f"  due {h.due['due']:,}, overdue {h.due['overdue']:,}")
        timed("home page of a negotiator (no notifications)", lambda: home.home(b.uow, Actor("n", "negotiator")))
        for q in ("Ivanov", "Kim Jong", "Эбботт"):
            page = timed(f"search {q!r}, first page of 50", lambda q=q: registry.search(b.uow, OPERATOR, q))
            print(f"  {page.total:,} persons found")
    finally:
        b.uow.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
