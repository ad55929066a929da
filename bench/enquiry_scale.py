"""Enquiry matching at scale (issue 11): one enquiry against a registry of N persons and a counterpart list.

Builds N synthetic persons (``gen_registry.person``: Korean in Hangul, Russian/Ukrainian/Tuvan in Cyrillic) with
their statements and exactly the name keys ``services.imports`` writes (``registry.search_keys`` of each name
into ``name_keys``), plus a counterpart list of Latin-script rows keyed as the import keys them
(``enquiry_match.row_keys`` into ``list_row_keys``); rows go in with executemany (SQLite) or COPY (PostgreSQL)
rather than through the import service, for speed. Then times ``enquiry_match.candidates`` for noisy enquiries
(``gen_registry.variant``) and prints p50/p95 per backend beside the target (p95 < 200 ms at 1,000,000 persons).

Usage: PYTHONPATH=src .venv/bin/python bench/enquiry_scale.py [--persons 1000000] [--rows 20000] [--queries 200]
       [--pg postgresql+psycopg://…] [--no-sqlite] [--keep DIR]"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from gen_registry import person, variant  # noqa: E402
from sqlalchemy import text  # noqa: E402

from powbureau.domain.dates import PartialDate  # noqa: E402
from powbureau.domain.enquiry import Sought  # noqa: E402
from powbureau.domain.person import new_id  # noqa: E402
from powbureau.domain.statement import statement_id_of  # noqa: E402
from powbureau.services import enquiry_match as em  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.registry import search_keys  # noqa: E402
from powbureau.services.users import ensure_operator  # noqa: E402
from powbureau.store import repositories as repo  # noqa: E402

PROPS = (("name_full", "name"), ("birth_date", "born"), ("service_number", "sn"), ("unit", "unit"),
         ("father_given_name", "father"))
CHUNK = 20_000
_KEYS: dict[str, set[str]] = {}


def _keys(name: str) -> set[str]:
    if name not in _KEYS:
        _KEYS[name] = search_keys(name)
    return _KEYS[name]


class Sink:
    """Bulk writer: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, conn) -> None:  # noqa: ANN001
        self.conn, self.pg = conn, conn.dialect.name == "postgresql"

    def put(self, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.pg:
            from sqlalchemy import table as t

            repo.insert_rows(self.conn, t(table), cols, rows)
            return
        cur = self.conn.connection.dbapi_connection.cursor()
        with cur.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as cp:
            for r in rows:
                cp.write_row(r)


def _date(born: object) -> str | None:
    if born is None:
        return None
    if isinstance(born, tuple):
        y, m, _ = born
        return f"{y:04d}" + (f"-{m:02d}" if m else "")
    return born.isoformat()  # type: ignore[attr-defined]


def build(engine, n: int, n_rows: int, picks: set[int], seed: int,  # noqa: ANN001
          write: bool = True) -> tuple[dict[int, tuple[str, dict]], int]:
    """Write ``n`` persons and a counterpart list of ``n_rows`` rows; returns ({index: (person id, person)} for
    ``picks``, seconds taken). ``write=False`` only replays the generator over a database built before with the
    same arguments (``--reuse``) and reads the picked persons' ids back."""
    if not write:
        rng = random.Random(seed)
        wanted: dict[int, dict] = {}
        row_share = n_rows / max(1, n)
        for i in range(n):
            p = person(rng)
            kind = "own_personnel" if p["origin"] in ("ua",) or rng.random() < 0.15 else "detainee"
            if i in picks:
                wanted[i] = p
            if kind == "own_personnel" and rng.random() < row_share * 2:
                variant(rng, p, latin=True)
        with engine.connect() as conn:
            return {i: (conn.execute(text("SELECT id FROM persons WHERE kind IN ('detainee', 'own_personnel') AND "
                                          "external_id = :e"), {"e": f"S{i}"}).scalar(), p)
                    for i, p in wanted.items()}, 0
    rng = random.Random(seed)
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    kept: dict[int, tuple[str, dict]] = {}
    list_id = new_id()
    row_share = n_rows / max(1, n)
    line = 1
    with engine.begin() as conn:
        stamp = repo.db_time(conn, now)
        Sink(conn).put("lists", ("id", "label", "kind", "filename", "sha256", "encoding", "source_kind", "row_count",
                                 "imported_at", "imported_by"),
                       [(list_id, "their list (bench)", "counterpart_list", "bench.csv", f"bench-{list_id}", "utf-8",
                         "counterpart_list", n_rows, stamp, "operator")])
    for start in range(0, n, CHUNK):
        prows, srows, krows, lrows, rkeys = [], [], [], [], []
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA cache_size=-2000000")
            stamp = repo.db_time(conn, now)
            for i in range(start, min(n, start + CHUNK)):
                p = person(rng)
                pid = new_id()
                kind = "own_personnel" if p["origin"] in ("ua",) or rng.random() < 0.15 else "detainee"
                if i in picks:
                    kept[i] = (pid, p)
                prows.append((pid, kind, "registered" if kind == "detainee" else "missing", f"S{i}", None, stamp,
                              "operator"))
                ref = f"bench#{i}"
                for prop, field in PROPS:
                    v = p[field]
                    v = v.isoformat() if prop == "birth_date" else v
                    srows.append((statement_id_of(pid, prop, v, "third_party", ref, False), pid, prop, v, v, None,
                                  False, "third_party", ref, "operator", stamp))
                krows += [(k, pid) for k in _keys(p["name"])]
                if kind == "own_personnel" and rng.random() < row_share * 2:
                    v = variant(rng, p, latin=True)
                    data = [["name_full", v["name"], v["name"], "Latn", False]]
                    if v["born"]:
                        data.append(["birth_date", _date(v["born"]), _date(v["born"]), None, False])
                    if v["sn"]:
                        data.append(["service_number", v["sn"], v["sn"], None, False])
                    lrows.append((list_id, line, f"R{line}", None, json.dumps(data, ensure_ascii=False)))
                    rkeys += [(k, f"{list_id}#{line}") for k in em.row_keys(data)]
                    line += 1
            sink = Sink(conn)
            sink.put("persons", ("id", "kind", "status", "external_id", "list_id", "created_at", "created_by"), prows)
            sink.put("statements", ("id", "person_id", "prop", "value", "original", "script", "alias", "source_kind",
                                    "source_ref", "recorded_by", "recorded_at"), srows)
            sink.put("name_keys", ("key", "person_id"), krows)
            sink.put("list_rows", ("list_id", "line", "external_id", "person_id", "data"), lrows)
            sink.put("list_row_keys", ("key", "row_ref"), list(set(rkeys)))
        if (start // CHUNK) % 10 == 0:
            print(f"  built {min(n, start + CHUNK):,} persons, {line - 1:,} list rows "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return kept, time.perf_counter() - t0


def sought_of(rng: random.Random, p: dict) -> Sought:
    v = variant(rng, p, latin=rng.random() < 0.5)
    born = _date(v["born"])
    return Sought((v["name"],), PartialDate.parse_iso(born) if born else None, "", v["father"] or "",
                  v["unit"] or "", v["sn"] or "", side=None)


def run(url: str, args: argparse.Namespace) -> None:
    rng = random.Random(args.seed + 1)
    picks = set(rng.sample(range(args.persons), min(args.queries, args.persons)))
    b = bootstrap(url)
    ensure_operator(b.uow)
    with b.uow.read() as conn:
        have = conn.execute(text("SELECT count(*) FROM persons")).scalar()
    if have and not args.reuse:
        raise SystemExit(f"{url}: the database is not empty ({have} persons); give an empty one, or --reuse it")
    kept, secs = build(b.uow.engine, args.persons, args.rows, picks, args.seed, write=not args.reuse)
    times, cpu, at5 = [], [], 0
    qrng = random.Random(args.seed + 2)
    for i in sorted(kept):
        pid, p = kept[i]
        s = sought_of(qrng, p)
        with b.uow.read() as conn:
            t, c = time.perf_counter(), time.process_time()
            cands = em.candidates(conn, s)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        at5 += f"person:{pid}" in [c["target"] for c in cands[:5]]
    times.sort()
    cpu.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    cpu95 = cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))]
    print(f"{b.uow.engine.dialect.name}: {args.persons:,} persons, {args.rows:,}-row counterpart list "
          f"(built in {secs:.0f} s); {len(times)} enquiries")
    print(f"  p50 {statistics.median(times):.1f} ms   p95 {p95:.1f} ms (target < 200 ms)   max {times[-1]:.1f} ms"
          f"   recall@5 {at5 / len(times):.3f}")
    print(f"  this process's CPU time per enquiry (the machine is shared): p50 {statistics.median(cpu):.1f} ms   "
          f"p95 {cpu95:.1f} ms; load average {os.getloadavg()[0]:.1f}")
    b.uow.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--rows", type=int, default=20_000, help="rows of the counterpart list")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--pg", help="an EMPTY PostgreSQL database URL (postgresql+psycopg://…)")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--keep", help="folder for the SQLite database (kept); default a temporary one")
    ap.add_argument("--reuse", action="store_true", help="query a database built before with the same arguments "
                                                         "(--keep folder, or --pg URL) instead of building it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp  # the throwaway database's audit key stays out of the home folder
        if not args.no_sqlite:
            folder = Path(args.keep or tmp)
            folder.mkdir(parents=True, exist_ok=True)
            run(f"sqlite:///{folder / 'scale.db'}", args)
        if args.pg:
            run(args.pg, args)


if __name__ == "__main__":
    main()
