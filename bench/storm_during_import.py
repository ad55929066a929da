"""A bounded request storm during a long import (issue 8): does the web keep answering while an import holds the
write lock? Seeds a throwaway database, serves it with uvicorn on loopback, starts a 100,000-row import in another
process, and fires at most 2,000 requests from 16 threads while the import runs: GET /api/persons/{id}, the list
endpoints, a cross-script search and a few writes. Prints the count of each status code, every 5xx that is not a
503 with Retry-After, and p50/p95 of GET /api/persons/{id} during the import (target: p95 < 500 ms on SQLite).

Usage: .venv/bin/python bench/storm_during_import.py [--rows 100000] [--pg URL] [--threads 16] [--requests 2000]
(``--pg`` or POWBUREAU_TEST_PG: run on that PostgreSQL database instead; its public schema is emptied.)"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import synth_rows  # noqa: E402

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.imports import ImportOptions, import_list  # noqa: E402
from powbureau.services.users import add_user, ensure_operator  # noqa: E402
from powbureau.store.db import empty_schema  # noqa: E402

OPERATOR = Actor("operator", "admin")
PASSWORD = secrets.token_urlsafe(16)  # a throwaway user of a throwaway database
HEADER = ["external_id", "name_full", "birth_date", "service_number", "rank", "serving_power"]


def write_csv(path: Path, rows) -> None:  # noqa: ANN001
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)


def seed(url: str, tmp: Path, n: int) -> list[str]:
    """A migrated bureau with a registrar and ``n`` imported detainees; returns their ids."""
    from sqlalchemy import select

    from powbureau.store.tables import persons

    b = bootstrap(url)
    ensure_operator(b.uow)
    add_user(b.uow, OPERATOR, "storm", "registrar", PASSWORD)
    src = tmp / "seed.csv"
    write_csv(src, ([f"S{r[0][1:]}", *r[1:]] for r in synth_rows(n, seed=11)))
    import_list(b.uow, OPERATOR, ImportOptions(path=src, kind="detainees", label="seed"))
    with b.uow.read() as conn:
        ids = list(conn.execute(select(persons.c.id)).scalars())
    b.uow.engine.dispose()
    return ids


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pick(rng: random.Random, ids: list[str]) -> tuple[str, str, str, dict | None]:
    """(kind, method, path, json) of one request of the mix."""
    r = rng.random()
    pid = rng.choice(ids)
    if r < 0.60:
        return "person", "GET", f"/api/persons/{pid}", None
    if r < 0.85:
        path = rng.choice(["/api/wishes?limit=100", "/api/eligibility?limit=100", "/api/interviews",
                           "/api/exchanges", "/api/interpreters/waiting?limit=100"])
        return "list", "GET", path, None
    if r < 0.95:
        return "search", "GET", f"/api/persons?q={rng.choice(['Kim', 'Иванов', '김', 'Paek'])}", None
    return "write", "POST", f"/api/persons/{pid}/statements", {
        "property": "rank", "value": "private", "source_kind": "self_declared", "source_ref": "storm"}


def storm(base: str, ids: list[str], importer: subprocess.Popen, *, threads: int, total: int,
          pace: float) -> list[tuple]:
    """Fire at most ``total`` requests from ``threads`` threads while ``importer`` runs; returns
    (kind, status, seconds, retry_after, during_import) per request."""
    out: list[tuple] = []
    lock = threading.Lock()
    budget = [total]

    def worker(seed_: int) -> None:
        rng = random.Random(seed_)
        with httpx.Client(base_url=base, auth=("storm", PASSWORD), timeout=60) as c:
            while importer.poll() is None:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                kind, method, path, body = pick(rng, ids)
                t0 = time.perf_counter()
                try:
                    r = c.request(method, path, json=body)
                    status, retry = r.status_code, r.headers.get("Retry-After")
                except httpx.HTTPError as exc:
                    status, retry = f"error {type(exc).__name__}", None
                dt = time.perf_counter() - t0
                with lock:
                    out.append((kind, status, dt, retry, importer.poll() is None))
                time.sleep(pace)

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the long import")
    ap.add_argument("--seed-rows", type=int, default=2_000, help="detainees in the database before the storm")
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--requests", type=int, default=2_000, help="at most this many requests")
    ap.add_argument("--pace", type=float, default=0.15, help="seconds each thread waits between its requests")
    ap.add_argument("--pg", default=os.environ.get("POWBUREAU_TEST_PG"), help="a PostgreSQL URL to use instead")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="powbureau-storm-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")  # the throwaway audit key stays with the throwaway database
    url = empty_schema(a.pg) if a.pg else f"sqlite:///{tmp / 'bureau.db'}"
    backend = "PostgreSQL" if a.pg else "SQLite"
    env = {**os.environ, "POWBUREAU_DB": url, "POWBUREAU_SECRET": secrets.token_urlsafe(32)}
    server = importer = None
    try:
        ids = seed(url, tmp, a.seed_rows)
        big = tmp / "import.csv"
        write_csv(big, synth_rows(a.rows))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", "import uvicorn; from powbureau.web.app import create_app; "
             f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"],
            env=env, cwd=tmp)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/me", auth=("storm", PASSWORD), timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not come up in 30 s")
        t0 = time.perf_counter()
        importer = subprocess.Popen([str(Path(sys.executable).with_name("powbureau")), "import", str(big),
                                     "--kind", "detainees", "--json"], env=env, cwd=tmp,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        results = storm(base, ids, importer, threads=a.threads, total=a.requests, pace=a.pace)
        out, err = importer.communicate()
        import_s = time.perf_counter() - t0
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if importer is not None and importer.poll() is None:
            importer.terminate()
    during = [r for r in results if r[4]]
    print(f"backend                 {backend}")
    try:
        outcome = f"{json.loads(out)['imported']:,} imported"
    except (ValueError, KeyError, TypeError):
        outcome = (err or out).strip()[-200:]
    print(f"import                  {a.rows:,} rows in {import_s:.1f} s, exit {importer.returncode}: {outcome}")
    print(f"requests                {len(results):,} ({len(during):,} while the import ran), {a.threads} threads")
    for kind in ("person", "list", "search", "write"):
        c = Counter(str(r[1]) for r in results if r[0] == kind)
        print(f"  {kind:<8} status       " + ", ".join(f"{k}: {v}" for k, v in sorted(c.items())))
    bad = [r for r in results if not (isinstance(r[1], int) and (r[1] < 500 or (r[1] == 503 and r[3])))]
    print(f"5xx other than 503+Retry-After: {len(bad)}" + (f" {Counter(str(r[1]) for r in bad)}" if bad else ""))
    busy_reads = sum(1 for r in results if r[1] == 503 and r[0] != "write")
    print(f"503 on reads            {busy_reads}")
    lat = [r[2] * 1000 for r in during if r[0] == "person" and r[1] == 200]
    print(f"GET /api/persons/{{id}} during import: n={len(lat)} p50={pct(lat, 50):.0f} ms "
          f"p95={pct(lat, 95):.0f} ms max={max(lat, default=float('nan')):.0f} ms (target p95 < 500 ms on SQLite)")
    lists = [r[2] * 1000 for r in during if r[0] == "list" and r[1] == 200]
    print(f"list endpoints during import: n={len(lists)} p50={pct(lists, 50):.0f} ms p95={pct(lists, 95):.0f} ms")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
