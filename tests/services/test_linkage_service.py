"""Linkage through the services on a real run: a Hangul registry, a Latin counterpart list, the review queue.

The people are real Korean names from Wikidata (../shared/data/crossscript_names/wd_korean.tsv); birth dates
and service numbers are synthetic. Reconcile must say who each row is without changing a stored statement."""

import csv
import random

import pytest
from sqlalchemy import func, select

from powbureau.domain.errors import NotFound, PermissionDenied, ValidationFailed
from powbureau.domain.roles import Actor
from powbureau.services import linkage
from powbureau.services.imports import ImportOptions, import_list
from powbureau.store.tables import candidate_pairs, judgements, statements


def korean_sample(shared_data, n=30, seed=5):
    rows = []
    for line in (shared_data / "crossscript_names" / "wd_korean.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        en, ko = parts
        if 3 <= len(ko) <= 3 and " " not in ko and ko[0] in "김이박최정강조윤장임한오서신권황안송류홍" \
                and en.split()[0] in ("Kim", "Lee", "Park", "Choi", "Jung", "Jeong", "Kang", "Cho", "Yoon", "Jang",
                                      "Lim", "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Ryu",
                                      "Hong", "Yun", "Chung", "Yi", "Rhee", "Pak"):
            rows.append((en, ko))
    rng = random.Random(seed)
    rng.shuffle(rows)
    seen, out = set(), []
    for en, ko in rows:
        if ko not in seen:
            seen.add(ko)
            out.append((en, ko))
        if len(out) == n:
            break
    return out


@pytest.fixture
def korean_world(bureau, operator, tmp_path, shared_data):
    people = korean_sample(shared_data)
    rng = random.Random(9)
    reg = tmp_path / "registry.csv"
    lst = tmp_path / "counterpart.csv"
    truth = {}
    with reg.open("w", newline="", encoding="utf-8") as r, lst.open("w", newline="", encoding="utf-8") as c:
        rw, cw = csv.writer(r), csv.writer(c)
        rw.writerow(["external_id", "name_full", "birth_date", "service_number"])
        cw.writerow(["external_id", "name_full", "birth_date", "service_number"])
        for k, (en, ko) in enumerate(people):
            y, m, d = rng.randint(1990, 2004), rng.randint(1, 12), rng.randint(1, 28)
            sn = f"{rng.randint(100000, 999999)}"
            rw.writerow([f"D{k}", ko, f"{y}-{m:02d}-{d:02d}", sn])
            if k % 3 == 0:
                cw.writerow([f"C{k}", en, f"{y}", sn])  # year only
            elif k % 3 == 1:
                cw.writerow([f"C{k}", en, f"{y + 1}-{m:02d}", ""])  # Korean age: a year off, no number
            else:
                cw.writerow([f"C{k}", en, "", sn[:-1] + str((int(sn[-1]) + 1) % 10)])  # typo'd number
            truth[f"C{k}"] = f"D{k}"
        cw.writerow(["X1", "Nguyen Van An", "1995", "555555"])  # decoy: not in the registry
    import_list(bureau.uow, operator, ImportOptions(path=reg, kind="detainees"))
    s = import_list(bureau.uow, operator, ImportOptions(path=lst, kind="counterpart_list"))
    return s["list_id"], truth, tmp_path


def test_reconcile_real_korean_names_matches_rows_and_changes_nothing(bureau, operator, korean_world):
    list_id, truth, tmp = korean_world
    with bureau.uow.read() as conn:
        before = conn.execute(select(func.count()).select_from(statements)).scalar_one()
    out = tmp / "reconcile.csv"
    r = linkage.reconcile_list(bureau.uow, operator, list_id, against="detainees", out=out)
    rows = {x["row_external_id"]: x for x in r["rows"]}
    correct = sum(rows[c]["status"] == "matched" and rows[c]["person_external_id"] == d for c, d in truth.items())
    wrong = sum(rows[c]["status"] == "matched" and rows[c]["person_external_id"] != d for c, d in truth.items())
    assert correct >= 0.9 * len(truth) and wrong == 0, (correct, wrong, len(truth))
    assert rows["X1"]["status"] == "unmatched"
    with out.open(encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    assert list(got[0].keys()) == linkage.RECONCILE_COLUMNS and len(got) == len(truth) + 1
    assert all(0.0 <= float(g["score"]) <= 1.0 for g in got)
    with bureau.uow.read() as conn:
        assert conn.execute(select(func.count()).select_from(statements)).scalar_one() == before
    # a second run is allowed (a report written again) and queues nothing twice
    linkage.reconcile_list(bureau.uow, operator, list_id, against="detainees")


def test_reconcile_refusals(bureau, operator, korean_world):
    list_id, _, tmp = korean_world
    with pytest.raises(NotFound, match="no list"):
        linkage.reconcile_list(bureau.uow, operator, "NOPE", against="detainees")
    with pytest.raises(ValidationFailed, match="--against"):
        linkage.reconcile_list(bureau.uow, operator, list_id, against="prisoners")
    with pytest.raises(ValidationFailed, match="folder"):
        linkage.reconcile_list(bureau.uow, operator, list_id, against="detainees", out=tmp / "nodir" / "x.csv")
    with pytest.raises(PermissionDenied):
        linkage.reconcile_list(bureau.uow, Actor("a", "auditor"), list_id, against="detainees")


def test_dedupe_queue_judgements_are_revisable_edges(bureau, operator, tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("external_id,name_full,birth_date,service_number\n"
                 "1,백광혁,2001-03-02,771234\n2,Paek Kwang Hyok,2001-03,771234\n"
                 "3,Ivanov Sergei,1980-01-01,1\n4,Petrova Anna,1975-05-05,2\n", encoding="utf-8")
    import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees"))
    s = linkage.run_dedupe(bureau.uow, operator, kind="detainee")
    assert s["pairs"] >= 1
    items = linkage.review_queue(bureau.uow, operator)
    top = items[0]
    assert top.score >= 0.5 and "name" in top.explanation
    # a second run does not duplicate the queue
    linkage.run_dedupe(bureau.uow, operator, kind="detainee")
    assert linkage.queue_size(bureau.uow) == s["pairs"]
    linkage.judge(bureau.uow, operator, top.id, "match", "same service number and name")
    assert linkage.same_person_as(bureau.uow, operator, top.left_id) == [top.right_id]
    assert not [i for i in linkage.review_queue(bureau.uow, operator) if i.id == top.id]
    linkage.judge(bureau.uow, operator, top.id, "no_match", "undo: brothers")
    assert linkage.same_person_as(bureau.uow, operator, top.left_id) == []
    with bureau.uow.read() as conn:
        assert conn.execute(select(func.count()).select_from(judgements)).scalar_one() == 2  # nothing deleted
    with pytest.raises(ValidationFailed):
        linkage.judge(bureau.uow, operator, top.id, "maybe")
    with pytest.raises(PermissionDenied):
        linkage.judge(bureau.uow, Actor("n", "negotiator"), top.id, "match")


def test_interrupted_dedupe_leaves_queue_as_it_was(bureau, operator, tmp_path, monkeypatch):
    f = tmp_path / "dup.csv"
    f.write_text("external_id,name_full,birth_date\n1,Kim Chol Jin,2001-03-02\n2,Kim Chol-jin,2001-03\n",
                 encoding="utf-8")
    import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees"))

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(linkage.audit, "append", boom)
    with pytest.raises(KeyboardInterrupt):
        linkage.run_dedupe(bureau.uow, operator, kind="detainee")
    with bureau.uow.read() as conn:
        assert conn.execute(select(func.count()).select_from(candidate_pairs)).scalar_one() == 0


_POW_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def pow_list_as_import(shared_data, path):
    """The Australian WW2 POW list (5,000 rows) as an import file; returns the true pairs of external ids
    (the 16 DVA ids listed twice, under two names)."""
    rows = list(csv.DictReader(open(shared_data / "pow_australia_ww2" / "australia_ww2_pows.csv", encoding="utf-8")))
    by_dva: dict[str, list[str]] = {}
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name_full", "birth_date", "birth_place", "service_number", "unit"])
        for n, r in enumerate(rows):
            d = r["date_of_birth"].split()
            dob = f"{d[2]}-{_POW_MONTHS[d[1]]:02d}-{int(d[0]):02d}" if len(d) == 3 and d[1] in _POW_MONTHS else ""
            sn = r["service_number"] if r["service_number"].strip().lower() not in ("not applicable", "unknown") else ""
            w.writerow([f"row{n}", " ".join(r["name"].split()), dob, r["place_of_birth"], sn, r["service"]])
            by_dva.setdefault(r["dva_id"], []).append(f"row{n}")
    return {tuple(sorted(v)) for v in by_dva.values() if len(v) == 2}


def _cluster_pairs(out_csv):
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(r["cluster_id"], []).append(r["external_id"])
    pairs = {tuple(sorted((a, b))) for g in groups.values() for k, a in enumerate(g) for b in g[k + 1:]}
    return rows, pairs


def test_dedupe_out_writes_scorable_clusters_of_the_pow_list(bureau, operator, tmp_path, shared_data):
    """`dedupe --out` on the real POW list: one row per person; the persons listed twice end in one cluster,
    nobody else is joined (twins and namesakes stay apart), and the review queue is filled as before."""
    truth = pow_list_as_import(shared_data, tmp_path / "pows.csv")
    assert len(truth) == 16
    import_list(bureau.uow, operator, ImportOptions(path=tmp_path / "pows.csv", kind="detainees"))
    out = tmp_path / "clusters.csv"
    s = linkage.run_dedupe(bureau.uow, operator, out=out)
    rows, pairs = _cluster_pairs(out)
    assert list(rows[0]) == ["external_id", "person_id", "cluster_id"]
    assert len(rows) == s["persons"] == 5000 and len({r["person_id"] for r in rows}) == 5000
    assert s["clusters"] == len({r["cluster_id"] for r in rows})
    assert all(r["cluster_id"] for r in rows)  # persons alone have their own cluster id
    assert sum(r["cluster_id"] == r["person_id"] for r in rows) == s["clusters"]
    assert len(pairs & truth) >= 16 and len(pairs - truth) == 0, (len(pairs & truth), sorted(pairs - truth)[:5])
    queued = {tuple(sorted((i.left_id, i.right_id))) for i in linkage.review_queue(bureau.uow, operator, limit=10_000)}
    assert s["added"] == len(queued) >= 16


def test_dedupe_out_follows_human_judgements(bureau, operator, tmp_path):
    """A rejected pair splits its cluster on the next run; an accepted review pair joins one; nothing is merged."""
    src = tmp_path / "people.csv"
    src.write_text("external_id,name_full,birth_date,service_number\n"
                   "A1,Melnyk Ivan,1990-02-03,UA1234567\nA2,MELNYK IVAN,1990-02-03,UA1234567\n"
                   "B1,Savchuk Dmytro,1985,\nB2,Savchuk Dmytro,1985-07-14,\nC1,Bondar Oleh,1970-01-01,UA7654321\n",
                   encoding="utf-8")
    import_list(bureau.uow, operator, ImportOptions(path=src, kind="detainees"))
    out = tmp_path / "c.csv"
    linkage.run_dedupe(bureau.uow, operator, out=out)
    rows = {r["external_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["A1"]["cluster_id"] == rows["A2"]["cluster_id"]
    assert rows["C1"]["cluster_id"] == rows["C1"]["person_id"]
    items = {(i.left_id, i.right_id): i for i in linkage.review_queue(bureau.uow, operator, include_judged=True)}
    a = next(i for i in items.values() if {i.left_id, i.right_id} == {rows["A1"]["person_id"], rows["A2"]["person_id"]})
    linkage.judge(bureau.uow, operator, a.id, "no_match", "two brothers")
    linkage.run_dedupe(bureau.uow, operator, out=out)
    rows = {r["external_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["A1"]["cluster_id"] != rows["A2"]["cluster_id"]
    linkage.judge(bureau.uow, operator, a.id, "match", "same man after all")
    linkage.run_dedupe(bureau.uow, operator, out=out)
    rows = {r["external_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["A1"]["cluster_id"] == rows["A2"]["cluster_id"]
