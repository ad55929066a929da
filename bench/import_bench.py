"""Import benchmark: generate N synthetic rows, import them into a fresh SQLite database, print rows/s and peak
memory (target: ≥ 5,000 rows/s and < 1 GiB for 100,000 rows on a 2-core machine).

Usage: .venv/bin/python bench/import_bench.py [--rows 100000] [--keep]"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.demo import KO_SURNAMES, KO_SYLLABLES, RU_GIVEN, RU_SURNAMES, TY_GIVEN, TY_SURNAMES, UA_GIVEN, UA_SURNAMES  # noqa: E402,E501
from powbureau.services.imports import ImportOptions, import_list  # noqa: E402
from powbureau.services.users import ensure_operator  # noqa: E402


def synth_rows(n: int, seed: int = 7):
    """Yield N rows (external_id, name_full, birth_date, service_number, rank, serving_power) in four scripts."""
    rng = random.Random(seed)
    for i in range(n):
        r = rng.random()
        if r < 0.35:
            name, sp = rng.choice(KO_SURNAMES) + rng.choice(KO_SYLLABLES) + rng.choice(KO_SYLLABLES), "KP"
        elif r < 0.65:
            name, sp = f"{rng.choice(RU_SURNAMES)} {rng.choice(RU_GIVEN)}", "RU"
        elif r < 0.9:
            name, sp = f"{rng.choice(UA_SURNAMES)}, {rng.choice(UA_GIVEN)}", "UA"
        else:
            name, sp = f"{rng.choice(TY_SURNAMES)} {rng.choice(TY_GIVEN)}", "RU"
        y = rng.randint(1960, 2006)
        bd = rng.choice([f"{y}", f"{y}-{rng.randint(1, 12):02d}", f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{y}"])
        yield [f"B{i:07d}", name, bd, f"{rng.randint(100000, 999999)}", rng.choice(["private", "sergeant", ""]), sp]


HEADER = ["external_id", "name_full", "birth_date", "service_number", "rank", "serving_power"]


def seeded_bureau(folder: Path, rows: int, operator: Actor):  # noqa: ANN201
    """A new SQLite bureau in ``folder`` with ``rows`` synthetic detainees imported (``synth_rows``); returns
    ``(bureau, import summary)``. Shared by the benches that need a large registry to query."""
    src = folder / "list.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(synth_rows(rows))
    b = bootstrap(f"sqlite:///{folder / 'bench.db'}")
    ensure_operator(b.uow)
    return b, import_list(b.uow, operator, ImportOptions(path=src, kind="detainees"))


def _time_audit_digest() -> list[float]:
    """Wrap ``covered.Batch.add_statements`` to add up the seconds the import spends on its audit digest."""
    from powbureau.store import covered

    spent = [0.0]
    inner = covered.Batch.add_statements

    def timed(self, rows):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        inner(self, rows)
        spent[0] += time.perf_counter() - t

    covered.Batch.add_statements = timed
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="powbureau-bench-"))
    src = tmp / "list.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name_full", "birth_date", "service_number", "rank", "serving_power"])
        w.writerows(synth_rows(a.rows))
    digest_s = _time_audit_digest()
    b = bootstrap(f"sqlite:///{tmp / 'bench.db'}")
    ensure_operator(b.uow)
    t0 = time.perf_counter()
    s = import_list(b.uow, Actor("operator", "admin"), ImportOptions(path=src, kind="detainees"))
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows            {s['imported']:>10,}")
    print(f"statements      {s['statements']:>10,}")
    print(f"seconds         {dt:>10.1f}")
    print(f"rows/s          {s['imported'] / dt:>10,.0f}   (target >= 5,000)")
    print(f"peak RSS MiB    {peak:>10,.0f}   (target < 1,024)")
    print(f"audit digest s  {digest_s[0]:>10.2f}   ({100 * digest_s[0] / dt:.1f}% of the import: the keyed sum over "
          "its statements, issue 8; budget 15%)")
    if not a.keep:
        import shutil

        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
