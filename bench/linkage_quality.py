"""Dedupe quality bench: precision, recall and F1 of our engine and of Splink (its own default comparisons).

Data: splink_datasets fake_1000 (truth = cluster column and the clerical labels file), febrl3 (truth = rec-N),
and the Australian WW2 POW list (16 dva_ids listed twice under two names). Run: python bench/linkage_quality.py"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from linkage_splink import prf, splink_dedupe  # noqa: E402

from powbureau.linkage import LinkRecord, LinkSettings, dedupe  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _true_pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for ids in groups.values() for p in combinations(ids, 2)}


def _score(pred: set, truth: set) -> tuple[float, float, float]:
    return prf(len(pred & truth), len(pred - truth), len(truth - pred))


def _ours(records: list[LinkRecord], settings: LinkSettings) -> tuple[set, float, list]:
    t0 = time.perf_counter()
    pairs = dedupe(records, settings)
    secs = time.perf_counter() - t0
    return {tuple(sorted((p.left, p.right))) for p in pairs if p.decision == "match"}, secs, pairs


def fake_1000() -> list[tuple]:
    from splink import block_on
    import splink.comparison_library as cl

    df = pd.read_csv(DATA / "splink_datasets" / "fake_1000.csv", dtype=str, keep_default_na=False)
    recs = [LinkRecord(r.unique_id, (f"{r.first_name} {r.surname}".strip() or "-",), r.dob or None,
                       birth_place=r.city or None, extras=(("email", r.email),))
            for r in df.itertuples()]
    groups: dict[str, list[str]] = {}
    for r in df.itertuples():
        groups.setdefault(r.cluster, []).append(r.unique_id)
    truth = _true_pairs(groups)
    labels = pd.read_csv(DATA / "splink_datasets" / "fake_1000_labels.csv")
    lab = {tuple(sorted((str(a), str(b)))): s >= 0.5 for a, b, s in
           zip(labels.unique_id_l, labels.unique_id_r, labels.clerical_match_score)}
    ours, secs, _ = _ours(recs, LinkSettings(extra_fields=("email",)))
    sdf = df.replace("", None).drop(columns=["cluster"])
    sp = splink_dedupe(sdf, [cl.NameComparison("first_name"), cl.NameComparison("surname"),
                             cl.DateOfBirthComparison("dob", input_is_string=True),
                             cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                             cl.EmailComparison("email")],
                       [block_on("first_name", "surname"), block_on("surname", "dob"), block_on("first_name", "dob"),
                        block_on("email")],
                       [block_on("first_name", "surname", "dob"), block_on("email")],
                       [block_on("first_name", "surname"), block_on("dob")])

    def on_labels(pred: set) -> tuple[float, float, float]:
        tp = sum(1 for k, v in lab.items() if v and k in pred)
        fp = sum(1 for k, v in lab.items() if not v and k in pred)
        fn = sum(1 for k, v in lab.items() if v and k not in pred)
        return prf(tp, fp, fn)

    return [("fake_1000 (cluster truth)", "ours", *_score(ours, truth), secs),
            ("fake_1000 (cluster truth)", "splink", *_score(sp["pairs"], truth), sp["seconds"]),
            ("fake_1000 (labels file)", "ours", *on_labels(ours), secs),
            ("fake_1000 (labels file)", "splink", *on_labels(sp["pairs"]), sp["seconds"])]


def _febrl_dob(s: str) -> str | None:
    if not re.fullmatch(r"\d{8}", s or ""):
        return None
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
    try:
        return pd.Timestamp(year=y, month=m, day=d).strftime("%Y-%m-%d")
    except ValueError:
        return f"{y:04d}" if 1800 < y < 2100 else None


def febrl3() -> list[tuple]:
    from splink import block_on
    import splink.comparison_library as cl

    df = pd.read_csv(DATA / "splink_datasets" / "febrl3.csv", dtype=str, keep_default_na=False, skipinitialspace=True)
    df["dob"] = [_febrl_dob(x) for x in df.date_of_birth]
    extras = ("postcode", "address_1", "street_number", "state")
    recs = [LinkRecord(r.rec_id, (f"{r.given_name} {r.surname}".strip() or "-",),
                       r.dob if isinstance(r.dob, str) else None, r.soc_sec_id or None,
                       birth_place=r.suburb or None, extras=tuple((e, getattr(r, e)) for e in extras))
            for r in df.itertuples()]
    groups: dict[str, list[str]] = {}
    for rid in df.rec_id:
        groups.setdefault(rid.split("-")[1], []).append(rid)
    truth = _true_pairs(groups)
    ours, secs, _ = _ours(recs, LinkSettings(extra_fields=extras))
    sdf = df.rename(columns={"rec_id": "unique_id"}).drop(columns=["date_of_birth"]).replace("", None)
    sp = splink_dedupe(sdf, [cl.NameComparison("given_name"), cl.NameComparison("surname"),
                             cl.DateOfBirthComparison("dob", input_is_string=True),
                             cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]), cl.ExactMatch("postcode"),
                             cl.ExactMatch("suburb"), cl.ExactMatch("address_1"), cl.ExactMatch("street_number")],
                       [block_on("given_name", "surname"), block_on("surname", "dob"), block_on("given_name", "dob"),
                        block_on("soc_sec_id")],
                       [block_on("given_name", "surname", "dob"), block_on("soc_sec_id")],
                       [block_on("given_name", "surname"), block_on("dob")])
    return [("febrl3", "ours", *_score(ours, truth), secs), ("febrl3", "splink", *_score(sp["pairs"], truth), sp["seconds"])]


_AKA = re.compile(r"\s*\(AKA:\s*([^)]*)\)\s*")


def australia() -> list[tuple]:
    from splink import block_on
    import splink.comparison_library as cl

    rows = list(csv.DictReader(open(DATA / "pow_australia_ww2" / "australia_ww2_pows.csv", encoding="utf-8")))
    recs, frame = [], []
    by_id: dict[str, list[str]] = {}
    for n, r in enumerate(rows):
        uid = f"row{n}"
        if r["service_number"].strip().lower() in ("not applicable", "unknown", ""):
            r["service_number"] = ""
        aka = _AKA.search(r["name"])
        main = " ".join(_AKA.sub(" ", r["name"]).split())
        names = (main,) + ((" ".join(aka.group(1).split()),) if aka else ())
        d = r["date_of_birth"].split()
        dob = f"{d[2]}-{MONTHS[d[1]]:02d}-{int(d[0]):02d}" if len(d) == 3 and d[1] in MONTHS else None
        recs.append(LinkRecord(uid, names, dob, r["service_number"] or None, unit=r["service"] or None,
                               birth_place=r["place_of_birth"] or None))
        sur, _, giv = main.partition(",")
        frame.append({"unique_id": uid, "surname": sur.strip() or None, "given": giv.strip() or None, "dob": dob,
                      "service_number": r["service_number"] or None, "place": r["place_of_birth"] or None,
                      "service": r["service"] or None})
        by_id.setdefault(r["dva_id"], []).append(uid)
    truth = _true_pairs({k: v for k, v in by_id.items() if len(v) > 1})
    ours, secs, pairs = _ours(recs, LinkSettings())
    review = {tuple(sorted((p.left, p.right))) for p in pairs}
    sp = splink_dedupe(pd.DataFrame(frame), [cl.NameComparison("surname"), cl.NameComparison("given"),
                                             cl.DateOfBirthComparison("dob", input_is_string=True),
                                             cl.ExactMatch("service_number"), cl.ExactMatch("place"),
                                             cl.ExactMatch("service")],
                       [block_on("surname", "dob"), block_on("given", "dob"), block_on("service_number")],
                       [block_on("surname", "given", "dob"), block_on("service_number")],
                       [block_on("surname", "given"), block_on("dob")])
    out = [("australia (16 known)", "ours", *_score(ours, truth), secs),
           ("australia (16 known)", "splink", *_score(sp["pairs"], truth), sp["seconds"])]
    print(f"australia: ours recovered {len(ours & truth)}/16 as match, {len(review & truth)}/16 in the queue "
          f"({len(pairs)} queue pairs, {len(ours - truth)} other match pairs); "
          f"splink recovered {len(sp['pairs'] & truth)}/16 ({len(sp['pairs'] - truth)} other pairs)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", choices=["fake_1000", "febrl3", "australia"], default=None)
    args = ap.parse_args()
    rows = []
    for name, fn in (("fake_1000", fake_1000), ("febrl3", febrl3), ("australia", australia)):
        if args.only in (None, name):
            rows += fn()
    print(f"\n{'dataset':28} {'engine':7} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8}")
    for d, e, p, r, f, s in rows:
        print(f"{d:28} {e:7} {p:9.3f} {r:7.3f} {f:6.3f} {s:8.1f}")


if __name__ == "__main__":
    main()
