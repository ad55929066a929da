"""Hotline intake (issue 11): a CSV of N enquiries imported with ``services.enquiries.import_enquiries``; prints
rows/s and the peak RSS beside the targets (>= 2,000 rows/s, < 1 GiB at 100,000 rows).

Each row asks about a synthetic person (``gen_registry.person``) as a relative writes him (``gen_registry.variant``:
the other script, typos, partial dates). The figure is the intake itself (read, validate, store, index, audit;
``match=False``); ``--match`` also matches every enquiry against the (empty) registry, as small files are.

Usage: PYTHONPATH=src .venv/bin/python bench/enquiry_intake.py [--rows 100000] [--match]"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from gen_registry import person, variant  # noqa: E402

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.enquiries import import_enquiries  # noqa: E402
from powbureau.services.users import ensure_operator  # noqa: E402

OPERATOR = Actor("operator", "admin")
HEADER = ["reference", "channel", "enquirer_name", "enquirer_relationship", "enquirer_contact", "enquirer_language",
          "consent", "name_full", "birth_date", "service_number", "unit", "father_given_name", "last_seen_place",
          "last_seen_date", "side"]
RELATIONS = {"ko": ("어머니", "ko"), "ru": ("мать", "ru"), "ua": ("мати", "uk"), "ty": ("ава", "ru")}


def _date(born: object) -> str:
    if born is None:
        return ""
    if isinstance(born, tuple):
        y, m, _ = born
        return f"{y:04d}" + (f"-{m:02d}" if m else "")
    return born.isoformat()  # type: ignore[attr-defined]


def write_hotline(path: Path, people: list[dict], n: int, seed: int = 5) -> list[int]:
    """Write a hotline CSV of ``n`` enquiries about persons drawn from ``people``; returns who each row asks
    about (index into ``people``)."""
    rng = random.Random(seed)
    asked = []
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for r in range(n):
            i = rng.randrange(len(people))
            asked.append(i)
            p = people[i]
            v = variant(rng, p, latin=rng.random() < 0.3)
            rel, lang = RELATIONS[p["origin"]]
            w.writerow([f"H-{r}", "hotline", f"Enquirer {r}", rel, f"+380 44 {r:07d}", lang, "yes", v["name"],
                        _date(v["born"]), v["sn"] or "", v["unit"] or "", v["father"] or "", "", "",
                        "own" if p["origin"] == "ua" else ""])
    return asked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--match", action="store_true", help="match each enquiry at intake too")
    args = ap.parse_args()
    rng = random.Random(3)
    people = [person(rng) for _ in range(20_000)]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp  # the throwaway database's audit key stays out of the home folder
        f = Path(tmp) / "hotline.csv"
        write_hotline(f, people, args.rows)
        del people
        b = bootstrap(f"sqlite:///{Path(tmp) / 'intake.db'}")
        ensure_operator(b.uow)
        t, c = time.perf_counter(), time.process_time()
        out = import_enquiries(b.uow, OPERATOR, f, match=args.match)
        secs, cpu = time.perf_counter() - t, time.process_time() - c
        b.uow.engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"intake of {out['imported']:,} hotline rows ({'matched' if args.match else 'stored, indexed, audited'}): "
          f"{secs:.1f} s, {out['imported'] / secs:,.0f} rows/s (target >= 2,000); peak RSS {rss:,.0f} MiB "
          f"(target < 1,024)")
    print(f"  this process's CPU time {cpu:.1f} s = {out['imported'] / cpu:,.0f} rows per CPU second (the machine is "
          f"shared: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
