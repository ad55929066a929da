"""Scale bench: wall time and peak memory of dedupe and of reconciling a list against a synthetic registry,
our engine against Splink (DuckDB, its library comparisons) in the same run.

Run: python bench/linkage_scale.py --n 1000000 --list-rows 10000 (use --n 20000 for a quick look)."""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import gen_registry as gen  # noqa: E402
from linkage_splink import prf  # noqa: E402

from powbureau.linkage import LinkSettings, dedupe, prepare_registry, reconcile  # noqa: E402

STATE: dict = {}


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _frame(records: list) -> "object":
    import pandas as pd

    rows = []
    for r in records:
        toks = r.names[0].replace("-", " ").split()
        b = r.birth
        dob = b.isoformat() if hasattr(b, "isoformat") else None
        yob = (b.year if hasattr(b, "year") else b[0]) if b is not None else None
        rows.append({"unique_id": r.id, "surname": toks[0] if toks else None,
                     "given": " ".join(toks[1:]) or None, "dob": dob, "yob": None if yob is None else str(yob),
                     "sn": r.service_number, "rank": r.rank, "unit": r.unit, "father": r.father_given_name})
    return pd.DataFrame(rows)


def _splink_parts() -> tuple:
    from splink import block_on
    import splink.comparison_library as cl

    comps = [cl.NameComparison("surname"), cl.NameComparison("given"),
             cl.DateOfBirthComparison("dob", input_is_string=True), cl.LevenshteinAtThresholds("sn", [1, 2]),
             cl.ExactMatch("rank"), cl.ExactMatch("unit"), cl.NameComparison("father")]
    blocking = [block_on("surname", "given", "yob"), block_on("surname", "dob"), block_on("sn")]
    deterministic = [block_on("surname", "given", "dob"), block_on("sn")]
    em = [block_on("surname", "given"), block_on("dob")]
    return comps, blocking, deterministic, em


def task_ours_dedupe() -> dict:
    t0 = time.perf_counter()
    pairs = dedupe(STATE["registry"], LinkSettings())
    secs = time.perf_counter() - t0
    pred = {tuple(sorted((p.left, p.right))) for p in pairs if p.decision == "match"}
    return {"seconds": secs, "peak": _peak_gib(), "prf": _dedupe_prf(pred), "n": len(pairs)}


def task_splink_dedupe() -> dict:
    from linkage_splink import splink_dedupe

    comps, blocking, det, em = _splink_parts()
    t0 = time.perf_counter()
    res = splink_dedupe(_frame(STATE["registry"]), comps, blocking, det, em)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "peak": _peak_gib(), "prf": _dedupe_prf(res["pairs"]), "n": res["n_scored"]}


def task_ours_reconcile() -> dict:
    """Reconcile with the registry prepared in advance (its keys are computed once, at import, in the bureau);
    the preparation time is reported beside it."""
    t0 = time.perf_counter()
    prepared = prepare_registry(STATE["registry"], LinkSettings())
    prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = reconcile(STATE["list"], prepared, LinkSettings())
    secs = time.perf_counter() - t0
    best = {r.row_id: r.person_id for r in rows if r.status == "matched"}
    amb = sum(1 for r in rows if r.status == "ambiguous")
    return {"seconds": secs, "peak": _peak_gib(), "prf": _reconcile_prf(best), "n": amb,
            "registry_prepare_seconds": round(prep, 1)}


def task_splink_reconcile() -> dict:
    from linkage_splink import splink_link

    comps, blocking, det, em = _splink_parts()
    t0 = time.perf_counter()
    res = splink_link(_frame(STATE["list"]), _frame(STATE["registry"]), comps, blocking, det, em)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "peak": _peak_gib(), "prf": _reconcile_prf(res["best"]), "n": 0}


def _dedupe_prf(pred: set) -> tuple:
    truth = STATE["truth_pairs"]
    return prf(len(pred & truth), len(pred - truth), len(truth - pred))


def _reconcile_prf(best: dict) -> tuple:
    """F1 over matched rows: a row counts as a true positive when its person is the right one."""
    reg_truth, list_truth = STATE["reg_truth"], STATE["list_truth"]
    tp = sum(1 for row, pid in best.items() if list_truth[row] is not None and reg_truth[pid] == list_truth[row])
    fp = len(best) - tp
    fn = sum(1 for v in list_truth.values() if v is not None) - tp
    return prf(tp, fp, fn)


def _run(name: str, q: "mp.Queue") -> None:
    try:
        q.put(globals()[name]())
    except Exception as exc:  # report, do not hang the parent
        q.put({"error": f"{type(exc).__name__}: {exc}"})


def run_isolated(name: str) -> dict:
    """Run one task in a forked child so its peak memory is its own."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_run, args=(name, q))
    p.start()
    res = q.get()
    p.join()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20_000, help="registry size (records)")
    ap.add_argument("--list-rows", type=int, default=None, help="counterpart list rows (default min(10000, n/10))")
    ap.add_argument("--skip-splink", action="store_true")
    ap.add_argument("--only", choices=["dedupe", "reconcile"], default=None)
    a = ap.parse_args()
    rows = a.list_rows or min(10_000, max(10, a.n // 10))
    t0 = time.perf_counter()
    registry, reg_truth, persons = gen.generate(a.n, seed=1)
    lst, list_truth = gen.counterpart_list(persons, rows, seed=2)
    by_person: dict[int, list[str]] = {}
    for rid, k in reg_truth.items():
        by_person.setdefault(k, []).append(rid)
    STATE.update(registry=registry, list=lst, reg_truth=reg_truth, list_truth=list_truth,
                 truth_pairs={tuple(sorted(p)) for ids in by_person.values() for p in combinations(ids, 2)})
    print(f"generated {len(registry):,} registry records and {len(lst):,} list rows in "
          f"{time.perf_counter() - t0:.1f} s (base memory {_peak_gib():.2f} GiB)", flush=True)
    tasks = []
    if a.only in (None, "dedupe"):
        tasks += [("dedupe", "ours", "task_ours_dedupe")] + ([] if a.skip_splink else
                                                            [("dedupe", "splink", "task_splink_dedupe")])
    if a.only in (None, "reconcile"):
        tasks += [("reconcile", "ours", "task_ours_reconcile")] + ([] if a.skip_splink else
                                                                  [("reconcile", "splink", "task_splink_reconcile")])
    results = {}
    for job, engine, fn in tasks:
        res = run_isolated(fn)
        results[(job, engine)] = res
        print(f"  {job} {engine}: {res}", flush=True)
    print(f"\nregistry {len(registry):,}  list {len(lst):,}")
    print(f"{'job':10} {'engine':7} {'seconds':>9} {'peak GiB':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'ratio':>6}")
    for (job, engine), r in results.items():
        if "error" in r:
            print(f"{job:10} {engine:7} error: {r['error']}")
            continue
        sp = results.get((job, "splink"), {})
        ratio = r["seconds"] / sp["seconds"] if sp.get("seconds") else float("nan")
        p, rc, f = r["prf"]
        print(f"{job:10} {engine:7} {r['seconds']:9.1f} {r['peak']:9.2f} {p:9.3f} {rc:7.3f} {f:6.3f} "
              f"{ratio if engine == 'ours' else 1.0:6.2f}")
    prep = results.get(("reconcile", "ours"), {}).get("registry_prepare_seconds")
    if prep is not None:
        print(f"ours reconcile excludes preparing the registry once in advance: {prep} s")
    print("targets: ratio <= 1.0 (ours / splink), reconcile of 10,000 vs 1,000,000 < 60 s, peak < 8 GiB")


if __name__ == "__main__":
    main()
