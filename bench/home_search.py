"""The home page and the registry search at scale (issue 9): import N detainees (default 200,000) into a throwaway
SQLite database, intern a tenth of them (so capture cards are due), then time the registrar's home page (every
count and chart) and a few searches with their true totals.

Usage: .venv/bin/python bench/home_search.py [--rows 200000] [--repeat 3] [--keep DIR]"""

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


def timed(label: str, fn, repeat: int = 1):  # noqa: ANN001, ANN201
    """Run ``fn`` ``repeat`` times; print the best time (the first run also warms caches) and return its result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<56} {best * 1000:>8.0f} ms" + (f" (best of {repeat})" if repeat > 1 else ""))
    return out


def due_by_the_full_rule(b) -> int:  # noqa: ANN001
    """The due list as the home page computed it before the store filtered: the domain rule over every event and
    every sent record, every due person named."""
    from powbureau.domain import notifications as rules
    from powbureau.services.custody import names_of
    from powbureau.store import notify_repo as nrepo

    with b.uow.read() as conn:
        dues = rules.due_notifications(nrepo.notifiable_events(conn), nrepo.sent_records(conn),
                                       datetime.now(UTC).date())
        names_of(conn, {d.person_id for d in dues})
    return len(dues)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3, help="time each page this many times; print the best")
    ap.add_argument("--keep", type=Path, default=None,
                    help="build the registry in this folder and keep it; reuse it when it is already there")
    a = ap.parse_args()
    tmp = a.keep or Path(tempfile.mkdtemp(prefix="powbureau-home-"))
    try:
        if a.keep and (a.keep / "bench.db").exists():
            from powbureau.services.bootstrap import bootstrap

            b = bootstrap(f"sqlite:///{a.keep / 'bench.db'}")
            print(f"reusing {a.keep / 'bench.db'}")
        else:
            tmp.mkdir(parents=True, exist_ok=True)
            b = timed(f"import {a.rows:,} detainees", lambda: seeded_bureau(tmp, a.rows, OPERATOR))[0]
            with b.uow.transaction() as conn:
                ids = list(conn.execute(persons.select().with_only_columns(persons.c.id)
                                        .limit(a.rows // 10)).scalars())
                now = datetime.now(UTC)
                repo.insert_many(conn, status_events, [
                    {"person_id": p, "from_status": "captured", "to_status": "interned", "at": now,
                     "place": "Camp 1", "actor": "operator", "note": ""} for p in ids])
            print(f"interned {len(ids):,} (capture cards due)")
        r = a.repeat
        n = timed("due list by the full rule over every event (before)", lambda: due_by_the_full_rule(b), r)
        print(f"  {n:,} due")
        h = timed("home page of the registrar (counts + 3 charts)", lambda: home.home(b.uow, Actor("r", "registrar")), r)
        print(f"  due {h.due['due']:,}, overdue {h.due['overdue']:,}")
        timed("home page of a negotiator (no notifications)", lambda: home.home(b.uow, Actor("n", "negotiator")), r)
        for q in ("Ivanov", "Kim Jong", "Эбботт"):
            page = timed(f"search {q!r}, first page of 50", lambda q=q: registry.search(b.uow, OPERATOR, q), r)
            print(f"  {page.total:,} persons found")
    finally:
        b.uow.engine.dispose()
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
