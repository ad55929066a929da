"""Cross-script reconcile bench: a registry in Hangul against a counterpart list in the real Latin spellings.

People: the Korean persons of shared/data/crossscript_names/wd_korean.tsv (selected as its README says). The
registry gets synthetic birth dates and service numbers; the list carries partial, ±1-year and missing birth
dates, typo'd service numbers and decoys (people absent from the registry). Prints P/R/F1 over matched rows."""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from linkage_splink import prf  # noqa: E402

from powbureau.linkage import LinkRecord, LinkSettings, reconcile  # noqa: E402
from powbureau.names.korean import surnames  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "crossscript_names" / "wd_korean.tsv"
HANGUL = re.compile(r"^[\uac00-\ud7a3]{2,4}$")
RANKS = ["전사", "상등병", "하사", "중사", "상사", "소위", "중위"]
UNITS = [f"{n}연대" for n in range(1, 30)]


def korean_people(path: Path = DATA) -> list[tuple[str, str]]:
    """(Latin spelling, Hangul) of the Korean persons: Hangul 2-4 syllables starting with a Korean surname,
    Latin side starting with a spelling of that surname (README of the data folder)."""
    table = surnames()
    out, seen = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        en, ko = parts[0].strip(), parts[1].strip()
        if not HANGUL.match(ko) or (en, ko) in seen:
            continue
        first = re.split(r"[\s\-]+", en)[0]
        sur = ko[:2] if ko[:2] in table.hangul else ko[:1]
        if sur not in table.hangul or sur not in table.latin(first):
            continue
        seen.add((en, ko))
        out.append((en, ko))
    return out


def _sn(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEFGHJK')}{rng.randrange(10**6, 10**7)}"


def _typo_sn(rng: random.Random, sn: str) -> str:
    k = rng.randrange(1, len(sn))
    return sn[:k] + str((int(sn[k]) + rng.randrange(1, 10)) % 10) + sn[k + 1:]


def build(seed: int = 11, decoy_share: float = 0.1, list_share: float = 0.8):
    """(registry, counterpart list, truth: list row id → registry id or None)."""
    rng = random.Random(seed)
    people = korean_people()
    rng.shuffle(people)
    n_decoy = int(len(people) * decoy_share)
    decoys, members = people[:n_decoy], people[n_decoy:]
    registry, facts = [], []
    for k, (en, ko) in enumerate(members):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(45 * 365))
        sn = _sn(rng)
        registry.append(LinkRecord(f"R{k}", (ko,), born, sn, rng.choice(RANKS), rng.choice(UNITS), source="registry"))
        facts.append((en, born, sn))
    rows, truth = [], {}
    chosen = rng.sample(range(len(members)), int(len(members) * list_share))
    for r, k in enumerate(chosen):
        en, born, sn = facts[k]
        rows.append(_list_row(rng, f"L{r}", en, born, sn))
        truth[f"L{r}"] = f"R{k}"
    for d, (en, _) in enumerate(decoys):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(45 * 365))
        rows.append(_list_row(rng, f"X{d}", en, born, _sn(rng)))
        truth[f"X{d}"] = None
    rng.shuffle(rows)
    return registry, rows, truth


def _list_row(rng: random.Random, rid: str, en: str, born: date, sn: str) -> LinkRecord:
    r = rng.random()
    birth: object
    if r < 0.35:
        birth = born
    elif r < 0.55:
        birth = (born.year, None, None)
    elif r < 0.70:
        birth = (born.year + rng.choice([-1, 1]), None, None)  # Korean age counted into a birth year
    elif r < 0.80:
        birth = (born.year, born.month, None)
    else:
        birth = None
    s = rng.random()
    sn_out = sn if s < 0.5 else (_typo_sn(rng, sn) if s < 0.75 else None)
    return LinkRecord(rid, (en,), birth, sn_out, source="list")


def score(rows, truth) -> tuple[float, float, float, dict]:
    best = {r.row_id: r.person_id for r in rows if r.status == "matched"}
    tp = sum(1 for rid, pid in best.items() if truth[rid] == pid)
    fp = len(best) - tp
    fn = sum(1 for v in truth.values() if v is not None) - tp
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("matched", "ambiguous", "unmatched")}
    return (*prf(tp, fp, fn), counts)


def splink_baseline(registry, rows, truth) -> tuple[float, float, float, float]:
    import pandas as pd
    from splink import block_on
    import splink.comparison_library as cl

    from linkage_splink import splink_link

    def frame(recs):
        out = []
        for r in recs:
            toks = r.names[0].replace("-", " ").split()
            b = r.birth
            out.append({"unique_id": r.id, "surname": toks[0] if len(toks) > 1 else r.names[0][:1],
                        "given": " ".join(toks[1:]) if len(toks) > 1 else r.names[0][1:],
                        "dob": b.isoformat() if isinstance(b, date) else None,
                        "yob": str(b.year if isinstance(b, date) else b[0]) if b is not None else None,
                        "sn": r.service_number})
        return pd.DataFrame(out)

    res = splink_link(frame(rows), frame(registry),
                      [cl.NameComparison("surname"), cl.NameComparison("given"),
                       cl.DateOfBirthComparison("dob", input_is_string=True), cl.LevenshteinAtThresholds("sn", [1, 2])],
                      [block_on("surname", "yob"), block_on("sn"), block_on("dob")],
                      [block_on("sn")], [block_on("sn"), block_on("dob")])
    best = res["best"]
    tp = sum(1 for rid, pid in best.items() if truth[rid] == pid)
    return (*prf(tp, len(best) - tp, sum(1 for v in truth.values() if v is not None) - tp), res["seconds"])


def blocking_recall(registry, rows, truth) -> float:
    """Share of the true (list row, person) pairs that our blocking lets through to comparison."""
    from powbureau.linkage.blocking import block_pairs
    from powbureau.linkage.engine import prepare_sides

    s = LinkSettings()
    a, b = prepare_sides(rows, registry, s)
    i, j = block_pairs(a, b, s)
    got = {(a.ids[x], b.ids[y]) for x, y in zip(i.tolist(), j.tolist())}
    true = {(r, p) for r, p in truth.items() if p}
    return len(true & got) / len(true)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--skip-splink", action="store_true")
    a = ap.parse_args()
    registry, rows, truth = build(a.seed)
    print(f"registry {len(registry):,} persons in Hangul; list {len(rows):,} rows in Latin "
          f"({sum(1 for v in truth.values() if v is None):,} decoys)")
    t0 = time.perf_counter()
    out = reconcile(rows, registry, LinkSettings())
    secs = time.perf_counter() - t0
    p, r, f, counts = score(out, truth)
    print(f"\n{'engine':8} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8}  statuses")
    print(f"{'ours':8} {p:9.3f} {r:7.3f} {f:6.3f} {secs:8.1f}  {counts}")
    if not a.skip_splink:
        sp, sr, sf, ss = splink_baseline(registry, rows, truth)
        print(f"{'splink':8} {sp:9.3f} {sr:7.3f} {sf:6.3f} {ss:8.1f}")
    print(f"blocking recall (true pairs ever compared): {blocking_recall(registry, rows, truth):.4f}")
    print("target: F1 >= 0.98 over matched rows")
    wrong = [x for x in out if x.status == "matched" and truth[x.row_id] != x.person_id][:5]
    missed = [x for x in out if x.status != "matched" and truth[x.row_id] is not None][:5]
    for x in wrong + missed:
        print(f"  {x.row_id} {x.status} -> {x.person_id} (truth {truth[x.row_id]}): {x.explanation[:160]}")


if __name__ == "__main__":
    main()
