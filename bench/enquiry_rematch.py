"""Re-matching after a list import (issue 11): N open enquiries, then a counterpart list of M rows imported with
``services.imports.import_list``; prints the time ``enquiry_match.rematch_after_import`` took inside the import
beside the target (< 30 s for 50,000 enquiries and 1,000 rows), how many enquiries it re-matched and how many
became possible hits.

The enquiries are a hotline file (``enquiry_intake.write_hotline``) imported with ``match=False``; the list's rows
are Latin-script variants (``gen_registry.variant``) of persons a share of the enquiries ask about, plus others.

Usage: PYTHONPATH=src .venv/bin/python bench/enquiry_rematch.py [--enquiries 50000] [--rows 1000]"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from enquiry_intake import OPERATOR, _date, write_hotline  # noqa: E402
from gen_registry import person, variant  # noqa: E402

from powbureau.services import enquiry_match as em  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.enquiries import import_enquiries  # noqa: E402
from powbureau.services.imports import ImportOptions, import_list  # noqa: E402
from powbureau.services.users import ensure_operator  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--enquiries", type=int, default=50_000)
    ap.add_argument("--rows", type=int, default=1_000)
    args = ap.parse_args()
    rng = random.Random(9)
    people = [person(rng) for _ in range(args.enquiries)]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp  # the throwaway database's audit key stays out of the home folder
        b = bootstrap(f"sqlite:///{Path(tmp) / 'rematch.db'}")
        ensure_operator(b.uow)
        hot = Path(tmp) / "hotline.csv"
        asked = write_hotline(hot, people, args.enquiries)
        t = time.perf_counter()
        import_enquiries(b.uow, OPERATOR, hot, match=False)
        print(f"{args.enquiries:,} open enquiries stored in {time.perf_counter() - t:.0f} s", flush=True)
        lst = Path(tmp) / "their-list.csv"
        sought = sorted(set(asked))
        with lst.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["external_id", "name_full", "birth_date", "service_number"])
            for r in range(args.rows):
                p = people[rng.choice(sought)] if r % 2 == 0 else person(rng)  # half asked about, half others
                v = variant(rng, p, latin=True)
                w.writerow([f"L{r}", v["name"], _date(v["born"]), v["sn"] or ""])
        took: list[float] = []
        cpu: list[float] = []
        inner = em.rematch_after_import

        def timed(conn, actor, list_id):  # noqa: ANN001, ANN202
            t0, c0 = time.perf_counter(), time.process_time()
            n = inner(conn, actor, list_id)
            took.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            return n

        em.rematch_after_import = timed  # imports.import_list looks it up at call time
        t = time.perf_counter()
        out = import_list(b.uow, OPERATOR, ImportOptions(path=lst, kind="counterpart_list"))
        total = time.perf_counter() - t
        with b.uow.read() as conn:
            hits = conn.execute(em.select(em.func.count()).select_from(em.enquiry_events)
                                .where(em.enquiry_events.c.state == "possible_hit")).scalar()
        b.uow.engine.dispose()
    print(f"import of a {args.rows:,}-row counterpart list against {args.enquiries:,} open enquiries: "
          f"{total:.1f} s in all; rematch_after_import {took[0]:.1f} s (target < 30 s), CPU {cpu[0]:.1f} s; "
          f"{out['enquiries_rematched']:,} enquiries re-matched, {hits:,} became possible hits; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
