"""A reconcile run on real data: the Australian WW2 POW list (shared/data/pow_australia_ww2), where 16 service
records are listed twice under two names; each second listing must find its first one and nothing else."""

from __future__ import annotations

import csv
import re

from powbureau.linkage import LinkRecord, reconcile

_AKA = re.compile(r"\s*\(AKA:\s*([^)]*)\)\s*")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _record(uid: str, row: dict) -> LinkRecord:
    aka = _AKA.search(row["name"])
    main = " ".join(_AKA.sub(" ", row["name"]).split())
    d = row["date_of_birth"].split()
    dob = f"{d[2]}-{_MONTHS[d[1]]:02d}-{int(d[0]):02d}" if len(d) == 3 and d[1] in _MONTHS else None
    sn = row["service_number"] if row["service_number"].lower() not in ("", "not applicable", "unknown") else None
    return LinkRecord(uid, (main,) + ((" ".join(aka.group(1).split()),) if aka else ()), dob, sn,
                      unit=row["service"] or None, birth_place=row["place_of_birth"] or None)


def test_reconcile_finds_the_persons_listed_twice(shared_data):
    rows = list(csv.DictReader(open(shared_data / "pow_australia_ww2" / "australia_ww2_pows.csv", encoding="utf-8")))
    seen: dict[str, str] = {}
    registry, listed, truth = [], [], {}
    for n, row in enumerate(rows):
        if row["dva_id"] in seen:
            listed.append(_record(f"L{n}", row))
            truth[f"L{n}"] = seen[row["dva_id"]]
        else:
            seen[row["dva_id"]] = f"R{n}"
            registry.append(_record(f"R{n}", row))
    assert len(listed) == 16
    out = reconcile(listed, registry)
    matched = {r.row_id: r.person_id for r in out if r.status == "matched"}
    assert all(truth[rid] == pid for rid, pid in matched.items()), "a listing was matched to the wrong person"
    assert len(matched) >= 15
    for r in out:
        if r.status == "matched":
            assert "service number: exact" in r.explanation and 0.5 <= r.score <= 1.0
