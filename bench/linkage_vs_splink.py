"""Our dedupe against Splink, in one run, on the same records, scored alike (``shared/bench/splink_reference.md``).

For each data set both systems run in a forked child of this process (so each one's peak RSS is its own: the
child reports ``resource.getrusage`` RUSAGE_SELF + RUSAGE_CHILDREN, i.e. itself and its workers); the parent
scores both the same way against the true clusters:

- edges: pairwise P/R/F1 of the scored pairs at or above 0.5 / 0.9 / 0.95 (and ours at its match threshold);
- clusters: pairwise P/R/F1 over every within-cluster pair, clustering at 0.5 / 0.9 / 0.95 (ours also with the
  rule ``powbureau dedupe --out`` uses: ``own``); the headline is clusters at each system's best threshold;
- blocking recall: share of true pairs ever compared; wall time of train + predict + cluster; peak RSS.

Splink is configured exactly as the reference says (its comparisons, predict blocking, deterministic prior rules
and recall, u sample, EM sessions). Data is read from ``../shared/data`` at run time.

Run: ``.venv/bin/python bench/linkage_vs_splink.py`` (fake_1000 and the POW list);
``--data fake_1000,pow,febrl3,historical`` adds febrl3 and historical_figures_with_errors_50k (slow: run it
once)."""

from __future__ import annotations

import argparse
import csv
import logging
import os
import pickle
import re
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DATA = Path(os.environ.get("POWBUREAU_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data"
THRESHOLDS = (0.5, 0.9, 0.95)
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_AKA = re.compile(r"\s*\(AKA:\s*([^)]*)\)\s*")


@dataclass
class Dataset:
    """One data set: the truth (id -> true cluster), our LinkRecords and settings, Splink's frame and setup."""

    name: str
    truth: dict[str, str]
    ours: Callable[[], tuple[list, Any]]  # () -> (records, LinkSettings); built in the child
    splink_df: pd.DataFrame
    splink: Callable[[], dict[str, Any]]  # () -> comparisons, blocking, prior, recall, u, em
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- data sets


def fake_1000() -> Dataset:
    df = pd.read_csv(DATA / "splink_datasets" / "fake_1000.csv", dtype=str, keep_default_na=False)
    truth = dict(zip(df.unique_id, df.cluster))

    def ours():  # noqa: ANN202
        from powbureau.linkage import LinkRecord, LinkSettings

        recs = [LinkRecord(r.unique_id, (f"{r.first_name} {r.surname}".strip() or "-",), r.dob or None,
                           birth_place=r.city or None, extras=(("email", r.email),) if r.email else ())
                for r in df.itertuples()]
        return recs, LinkSettings(extra_fields=("email",))

    def splink():  # noqa: ANN202
        import splink.comparison_library as cl
        from splink import block_on

        return {
            "comparisons": [cl.NameComparison("first_name"), cl.NameComparison("surname"),
                            cl.DateOfBirthComparison("dob", input_is_string=True),
                            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                            cl.EmailComparison("email")],
            "blocking": [block_on(c) for c in ("first_name", "surname", "city", "email", "dob")],
            "prior": ["l.first_name = r.first_name and levenshtein(r.dob, l.dob) <= 1",
                      "l.surname = r.surname and levenshtein(r.dob, l.dob) <= 1",
                      "l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2",
                      "l.email = r.email"],
            "recall": 0.7, "u": 2e6, "em": [block_on("first_name", "surname"), block_on("dob")], "em_kw": {}}

    sdf = df.replace("", None).drop(columns=["cluster"])
    return Dataset("fake_1000", truth, ours, sdf, splink)


def pow_list() -> Dataset:
    rows = list(csv.DictReader(open(DATA / "pow_australia_ww2" / "australia_ww2_pows.csv", encoding="utf-8")))
    truth, frame, parsed = {}, [], []
    for n, r in enumerate(rows):
        uid = f"row{n}"
        truth[uid] = r["dva_id"]
        aka = _AKA.search(r["name"])
        main = " ".join(_AKA.sub(" ", r["name"]).split())
        sn = r["service_number"].strip()
        sn = None if sn.lower() in ("not applicable", "unknown", "") else sn
        d = r["date_of_birth"].split()
        iso = f"{d[2]}-{MONTHS[d[1]]:02d}-{int(d[0]):02d}" if len(d) == 3 and d[1] in MONTHS else None
        names = (main,) + ((" ".join(aka.group(1).split()),) if aka else ())
        parsed.append((uid, names, iso, sn, r["service"] or None, r["place_of_birth"] or None))
        sur, _, giv = main.partition(", ")
        frame.append({"unique_id": uid, "surname": sur.strip() or None, "given_name": giv.strip() or None,
                      "date_of_birth": r["date_of_birth"].strip() or None, "service_number": sn,
                      "place_of_birth": r["place_of_birth"] or None})

    def ours():  # noqa: ANN202
        from powbureau.linkage import LinkRecord, LinkSettings

        return ([LinkRecord(uid, names, iso, sn, unit=svc, birth_place=place)
                 for uid, names, iso, sn, svc, place in parsed], LinkSettings())

    def splink():  # noqa: ANN202
        import splink.comparison_library as cl
        from splink import block_on

        return {
            "comparisons": [cl.NameComparison("surname"), cl.NameComparison("given_name"),
                            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%d %b %Y"),
                            cl.DamerauLevenshteinAtThresholds("service_number", [1]),
                            cl.ExactMatch("place_of_birth").configure(term_frequency_adjustments=True)],
            "blocking": [block_on(c) for c in ("service_number", "given_name", "surname", "date_of_birth",
                                               "place_of_birth")],
            "prior": [block_on("service_number"), block_on("surname", "given_name", "date_of_birth")],
            "recall": 0.9, "u": 1e6, "em": [block_on("date_of_birth"), block_on("surname")], "em_kw": {}}

    return Dataset("pow_australia", truth, ours, pd.DataFrame(frame), splink)


def historical() -> Dataset:
    df = pd.read_parquet(DATA / "splink_datasets" / "historical_figures_with_errors_50k.parquet")
    df["unique_id"] = df["unique_id"].astype(str)
    truth = dict(zip(df.unique_id, df.cluster.astype(str)))

    def ours():  # noqa: ANN202
        from powbureau.linkage import LinkRecord, LinkSettings

        def s(x):  # noqa: ANN001, ANN202
            return x if isinstance(x, str) and x else None

        recs = []
        for r in df.itertuples():
            name = " ".join(x for x in (s(r.first_name), s(r.surname)) if x) or s(r.full_name) or "-"
            dob = s(r.dob)
            dob = dob if dob and re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", dob) else None
            ex = tuple((k, v) for k, v in (("postcode", s(r.postcode_fake)), ("occupation", s(r.occupation))) if v)
            recs.append(LinkRecord(r.unique_id, (name,), dob, birth_place=s(r.birth_place), extras=ex))
        return recs, LinkSettings(extra_fields=("postcode", "occupation"))

    def splink():  # noqa: ANN202
        import splink.comparison_library as cl
        from splink import block_on

        return {
            "comparisons": [cl.ForenameSurnameComparison("first_name", "surname",
                                                         forename_surname_concat_col_name="first_name_surname_concat"),
                            cl.DateOfBirthComparison("dob", input_is_string=True),
                            cl.PostcodeComparison("postcode_fake"),
                            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
                            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True)],
            "blocking": [block_on("substr(first_name,1,3)", "substr(surname,1,4)"), block_on("surname", "dob"),
                         block_on("first_name", "dob"), block_on("postcode_fake", "first_name"),
                         block_on("postcode_fake", "surname"), block_on("dob", "birth_place"),
                         block_on("substr(postcode_fake,1,3)", "dob"),
                         block_on("substr(postcode_fake,1,3)", "first_name"),
                         block_on("substr(postcode_fake,1,3)", "surname"),
                         block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)")],
            "prior": [block_on("first_name", "surname", "dob"),
                      block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
                      block_on("dob", "postcode_fake")],
            "recall": 0.6, "u": 5e6, "em": [block_on("first_name", "surname"), block_on("dob")],
            "em_kw": {"estimate_without_term_frequencies": True}}

    sdf = df.drop(columns=["cluster"]).copy()
    sdf["first_name_surname_concat"] = sdf["first_name"].fillna("") + " " + sdf["surname"].fillna("")
    return Dataset("historical_50k", truth, ours, sdf, splink)


def _febrl_dob(s: str) -> str | None:
    """febrl3's YYYYMMDD as ISO; an impossible day keeps its year only (our records keep precision)."""
    if not re.fullmatch(r"\d{8}", s or ""):
        return None
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
    try:
        return pd.Timestamp(year=y, month=m, day=d).strftime("%Y-%m-%d")
    except ValueError:
        return f"{y:04d}" if 1800 < y < 2100 else None


def febrl3() -> Dataset:
    df = pd.read_csv(DATA / "splink_datasets" / "febrl3.csv", dtype=str, keep_default_na=False,
                     skipinitialspace=True)
    truth = {r: r.split("-")[1] for r in df.rec_id}
    extras = ("postcode", "address_1", "street_number", "state")

    def ours():  # noqa: ANN202
        from powbureau.linkage import LinkRecord, LinkSettings

        recs = [LinkRecord(r.rec_id, (f"{r.given_name} {r.surname}".strip() or "-",), _febrl_dob(r.date_of_birth),
                           r.soc_sec_id or None, birth_place=r.suburb or None,
                           extras=tuple((e, getattr(r, e)) for e in extras if getattr(r, e)))
                for r in df.itertuples()]
        return recs, LinkSettings(extra_fields=extras)

    def splink():  # noqa: ANN202
        import splink.comparison_library as cl
        from splink import block_on

        return {
            "comparisons": [cl.NameComparison("given_name"), cl.NameComparison("surname"),
                            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
                            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True)],
            "blocking": [block_on(c) for c in ("soc_sec_id", "given_name", "surname", "date_of_birth", "postcode")],
            "prior": ["l.soc_sec_id = r.soc_sec_id",
                      "l.given_name = r.given_name and l.surname = r.surname "
                      "and l.date_of_birth = r.date_of_birth",
                      "l.given_name = r.surname and l.surname = r.given_name "
                      "and l.date_of_birth = r.date_of_birth"],
            "recall": 0.9, "u": 1e6, "em": [block_on("date_of_birth"), block_on("postcode")], "em_kw": {}}

    sdf = df.rename(columns={"rec_id": "unique_id"}).replace("", None)
    return Dataset("febrl3", truth, ours, sdf, splink)


DATASETS = {"fake_1000": fake_1000, "pow": pow_list, "historical": historical, "febrl3": febrl3}

# ---------------------------------------------------------------- the two systems (run in a child)


def run_splink(ds: Dataset) -> dict[str, Any]:
    from splink import DuckDBAPI, Linker, SettingsCreator

    cfg = ds.splink()
    t0 = time.perf_counter()
    db = DuckDBAPI()
    src = db.register(ds.splink_df)
    linker = Linker(src, SettingsCreator(link_type="dedupe_only", comparisons=cfg["comparisons"],
                                         blocking_rules_to_generate_predictions=cfg["blocking"]),
                    log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(cfg["prior"], recall=cfg["recall"])
    linker.training.estimate_u_using_random_sampling(max_pairs=cfg["u"], seed=1)
    for rule in cfg["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, **cfg["em_kw"])
    pred = linker.inference.predict()
    clusters = {t: linker.clustering.cluster_pairwise_predictions_at_threshold(pred, t) for t in THRESHOLDS}
    secs = time.perf_counter() - t0
    p = pred.as_pandas_dataframe()[["unique_id_l", "unique_id_r", "match_probability"]]
    compared = {_pair(a, b) for a, b in zip(p.unique_id_l, p.unique_id_r)}
    edges = [(_pair(a, b), float(s)) for a, b, s in zip(p.unique_id_l, p.unique_id_r, p.match_probability) if s >= 0.5]
    cl = {}
    for t, c in clusters.items():
        f = c.as_pandas_dataframe()
        cl[str(t)] = dict(zip(f.unique_id.astype(str), f.cluster_id.astype(str)))
    return {"seconds": secs, "compared": compared, "edges": edges, "clusters": cl, "own": None}


def run_ours(ds: Dataset) -> dict[str, Any]:
    from powbureau.linkage import cluster, dedupe
    from powbureau.linkage.blocking import block_pairs
    from powbureau.linkage.engine import prepare_sides
    from powbureau.services.linkage import dedupe_clusters

    recs, settings = ds.ours()
    t0 = time.perf_counter()
    pairs = dedupe(recs, settings)
    own = dedupe_clusters(recs, pairs, {}, settings.cluster_threshold)
    cl = {}
    for t in THRESHOLDS:
        edges = [p for p in pairs if p.score >= t and p.may_cluster]
        cl[str(t)] = {m: g[0] for g in cluster(recs, edges, decisions=tuple({p.decision for p in edges}))
                      for m in g}
    secs = time.perf_counter() - t0
    a, _ = prepare_sides(recs, None, settings)  # blocking recall: every pair the blocking lets through
    i, j = block_pairs(a, None, settings)
    compared = {_pair(a.ids[x], a.ids[y]) for x, y in zip(i.tolist(), j.tolist())}
    return {"seconds": secs, "compared": compared, "edges": [(_pair(p.left, p.right), p.score) for p in pairs],
            "clusters": cl, "own": own, "match_threshold": settings.match_threshold}


def _pair(a: object, b: object) -> tuple[str, str]:
    a, b = str(a), str(b)
    return (a, b) if a < b else (b, a)


def in_child(fn: Callable[[Dataset], dict], ds: Dataset) -> dict[str, Any]:
    """Run ``fn(ds)`` in a forked child; its result plus the child's peak RSS (itself + its workers), MiB."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            res = fn(ds)
            ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(
                resource.RUSAGE_CHILDREN).ru_maxrss
            res["rss_mib"] = ru / 1024
        except BaseException as exc:  # noqa: BLE001
            import traceback

            res = {"error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"}
        with os.fdopen(w, "wb") as f:
            pickle.dump(res, f)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        res = pickle.load(f)
    os.waitpid(pid, 0)
    return res


# ---------------------------------------------------------------- scoring (the same for both)


def prf(tp: int, npred: int, ntrue: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    rc = tp / ntrue if ntrue else 0.0
    return p, rc, (2 * p * rc / (p + rc) if p + rc else 0.0)


def c2(n: int) -> int:
    return n * (n - 1) // 2


def score_clusters(pred: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise P/R/F1 over every within-cluster pair (ids missing from ``pred`` are singletons)."""
    pred = {k: pred.get(k, f"__alone_{k}") for k in truth}
    tp = sum(c2(n) for n in Counter((pred[k], truth[k]) for k in truth).values())
    return prf(tp, sum(c2(n) for n in Counter(pred.values()).values()),
               sum(c2(n) for n in Counter(truth.values()).values()))


def score_edges(edges: list[tuple[tuple[str, str], float]], t: float, truth: dict[str, str]) -> tuple:
    sel = {p for p, s in edges if s >= t}
    tp = sum(truth[a] == truth[b] for a, b in sel)
    return prf(tp, len(sel), sum(c2(n) for n in Counter(truth.values()).values()))


def blocking_recall(compared: set, truth: dict[str, str]) -> float:
    n = sum(c2(n) for n in Counter(truth.values()).values())
    return sum(truth[a] == truth[b] for a, b in compared) / n if n else 0.0


def report(ds: Dataset, results: dict[str, dict]) -> list[str]:
    lines = [f"\n## {ds.name}: {len(ds.truth)} records, "
             f"{sum(c2(n) for n in Counter(ds.truth.values()).values())} true pairs",
             f"{'system':7} {'what':16} {'P':>6} {'R':>6} {'F1':>6}"]
    head = []
    for name, res in results.items():
        if "error" in res:
            lines.append(f"{name:7} ERROR {res['error']}")
            continue
        best = max(THRESHOLDS, key=lambda t: score_clusters(res["clusters"][str(t)], ds.truth)[2])
        for t in THRESHOLDS:
            lines.append(f"{name:7} {'edges@' + str(t):16} " + " ".join(f"{x:6.3f}" for x in
                                                                       score_edges(res["edges"], t, ds.truth)))
        for t in THRESHOLDS:
            lines.append(f"{name:7} {'clusters@' + str(t):16} " + " ".join(
                f"{x:6.3f}" for x in score_clusters(res["clusters"][str(t)], ds.truth)))
        if res.get("own") is not None:
            lines.append(f"{name:7} {'clusters own':16} " + " ".join(
                f"{x:6.3f}" for x in score_clusters(res["own"], ds.truth)))
        cf = score_clusters(res["clusters"][str(best)], ds.truth)[2]
        ef = score_edges(res["edges"], 0.9, ds.truth)[2]
        head.append(f"{name:7} clusters F1 {cf:.3f} (@{best}) | edges F1@0.9 {ef:.3f} | blocking recall "
                    f"{blocking_recall(res['compared'], ds.truth):.3f} | {res['seconds']:.1f} s | "
                    f"peak RSS {res['rss_mib']:.0f} MiB")
    return lines + ["headline:"] + head


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="fake_1000,pow", help="comma-separated: fake_1000, pow, febrl3, historical")
    ap.add_argument("--systems", default="ours,splink")
    args = ap.parse_args()
    out = []
    for key in args.data.split(","):
        ds = DATASETS[key.strip()]()
        res = {}
        for s in args.systems.split(","):
            res[s] = in_child(run_ours if s == "ours" else run_splink, ds)
        lines = report(ds, res)
        print("\n".join(lines), flush=True)
        out += lines


if __name__ == "__main__":
    main()
