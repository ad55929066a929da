"""Stream `names score-pairs` over 100,000 and 1,000,000 pairs: pairs/s and peak RSS (flat memory is the target).

Pairs are built from the labelled sets' names (../shared/data/crossscript_names, never copied into the repo),
recombined so that every pair's strings are new: each name gets a numbered extra given name or a
swapped order, so no parse or pair cache helps. Each size runs in a fresh child process through the CLI's
scoring function (``io.name_pairs.score_pairs_file``); peak RSS is that child's ru_maxrss, also printed
every 100,000 rows.
Usage: python bench/names_score_pairs.py [--sizes 100000,1000000] [--keep]"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("POWBUREAU_SHARED", REPO.parent / "shared")) / "data" / "crossscript_names"
_LATIN_EXTRA = ["Anna", "Ivan", "Marie", "Peter", "Olga", "Jean", "Hans", "Lena", "Sergei", "Paul"]
_HANGUL_EXTRA = "가나다라마바사아자차카타파하"


def _base_pairs() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in (DATA / "wd_korean.tsv").read_text("utf-8").splitlines():
        if "\t" in line:
            en, ko = line.split("\t", 1)
            if en.strip() and ko.strip():
                out.append((ko.strip(), en.strip()))
    with (DATA / "nomenklatura_name_bench_cases.csv").open(encoding="utf-8") as fh:
        out += [(r["name1"], r["name2"]) for r in csv.DictReader(fh) if r["schema"] == "Person"]
    return out


def _variant(name: str, k: int) -> str:
    """A new string from ``name`` for the k-th recombination: a numbered extra part so it was never seen."""
    if any("\uac00" <= c <= "\ud7a3" for c in name):
        return name + _HANGUL_EXTRA[k % len(_HANGUL_EXTRA)] + _HANGUL_EXTRA[(k // 14) % len(_HANGUL_EXTRA)] \
            if k else name
    words = name.split()
    extra = f"{_LATIN_EXTRA[k % len(_LATIN_EXTRA)]}{k // len(_LATIN_EXTRA) or ''}"
    if k % 3 == 1 and len(words) > 1:
        words = words[1:] + words[:1]
    return " ".join(words + [extra]) if k else name


def make_pairs(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` pairs (id,name_a,name_b,note) to ``path``; each (name, round) combination occurs once."""
    base = _base_pairs()
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name_a", "name_b", "note"])
        for i in range(n):
            k, j = divmod(i, len(base))
            a, b = base[j]
            if rnd.random() < 0.3:  # a wrong partner from elsewhere in the set: negatives too
                b = base[rnd.randrange(len(base))][1]
            w.writerow([i, _variant(a, k), _variant(b, k), "=1+1" if i % 1000 == 0 else "x"])


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from powbureau.io.name_pairs import score_pairs_file
t0 = time.perf_counter(); c0 = time.process_time()
mark = [100_000]
def progress(n):
    if n >= mark[0]:
        mark[0] += 100_000
        cpu = time.process_time() - c0
        print(f"  ... {n:>9,} rows: {n / cpu:,.0f} pairs/s (cpu), peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", file=sys.stderr, flush=True)
s = score_pairs_file(Path(sys.argv[1]), Path(sys.argv[2]), progress=progress)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rows": s.rows,
                  "scored": s.scored, "matches": s.matches, "bad": len(s.bad_rows),
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder and print its path")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"error: data folder {DATA} not found (set POWBUREAU_SHARED)")
    tmp = Path(tempfile.mkdtemp(prefix="names_score_pairs_"))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    print(f"{'pairs':>10}{'wall s':>9}{'cpu s':>9}{'pairs/s (cpu)':>15}{'matches':>9}{'peak RSS MiB':>14}")
    for n in (int(x) for x in args.sizes.split(",")):
        src, out = tmp / f"pairs_{n}.csv", tmp / f"scored_{n}.csv"
        t0 = time.perf_counter()
        make_pairs(src, n)
        gen = time.perf_counter() - t0
        p = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(out)], stdout=subprocess.PIPE, text=True,
                           env=env, check=True)  # the child's checkpoints (every 100,000 rows) go to stderr
        r = json.loads(p.stdout.strip().splitlines()[-1])
        with out.open(encoding="utf-8", newline="") as fh:
            unsafe = sum(1 for row in csv.reader(fh) for c in row if c[:1] in "=+-@")
        print(f"{n:>10,}{r['wall']:>9.1f}{r['cpu']:>9.1f}{r['scored'] / r['cpu']:>15,.0f}{r['matches']:>9,}"
              f"{r['rss_mib']:>14.0f}   (input {src.stat().st_size / 2**20:.0f} MiB, generated in {gen:.0f} s; "
              f"unsafe cells in output: {unsafe})")
        if not args.keep:
            src.unlink()
            out.unlink()
    if args.keep:
        print(f"files kept in {tmp}")
    else:
        tmp.rmdir()


if __name__ == "__main__":
    main()
