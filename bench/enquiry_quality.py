"""Enquiry matching quality (issue 11): synthetic enquiries with noise against a synthetic registry.

Persons come from ``gen_registry.person`` (Korean in Hangul, Russian/Ukrainian/Tuvan in Cyrillic) and are imported
as detainees; each enquiry is ``gen_registry.variant`` of one of them (the other script, romanization variants,
typos, partial or shifted birth dates, missing or wrong service numbers). Prints recall@1, recall@5 and the
precision of the auto-proposed top hit beside the issue's targets (0.90, 0.98, 0.95). No timing."""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_registry import person, variant  # noqa: E402

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.enquiries import register_enquiry  # noqa: E402
from powbureau.services.imports import ImportOptions, import_list  # noqa: E402
from powbureau.services.users import ensure_operator  # noqa: E402
from powbureau.store.tables import persons  # noqa: E402

OPERATOR = Actor("operator", "admin")


def _date(born: object) -> str | None:
    if born is None:
        return None
    if isinstance(born, tuple):
        y, m, _ = born
        return f"{y:04d}" + (f"-{m:02d}" if m else "")
    return born.isoformat()  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, default=2000)
    ap.add_argument("--enquiries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    people = [person(rng) for _ in range(args.persons)]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp  # the throwaway database's audit key stays out of the home folder
        b = bootstrap(f"sqlite:///{Path(tmp) / 'b.db'}")
        ensure_operator(b.uow)
        f = Path(tmp) / "registry.csv"
        with f.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["external_id", "name_full", "birth_date", "service_number", "unit", "father_given_name"])
            for i, p in enumerate(people):
                w.writerow([f"P{i}", p["name"], p["born"].isoformat(), p["sn"], p["unit"], p["father"]])
        import_list(b.uow, OPERATOR, ImportOptions(path=f, kind="detainees"))
        with b.uow.read() as conn:
            pid_of = dict(conn.execute(select(persons.c.external_id, persons.c.id)).all())
        at1 = at5 = proposed = proposed_right = 0
        for _ in range(args.enquiries):
            i = rng.randrange(len(people))
            v = variant(rng, people[i], latin=rng.random() < 0.5)
            e = register_enquiry(b.uow, OPERATOR, {
                "channel": "hotline", "names": [v["name"]], "birth_date": _date(v["born"]),
                "service_number": v["sn"] or "", "unit": v["unit"] or "", "father_given_name": v["father"] or "",
                "side": "enemy"})
            ranked = [c["target"] for c in e["candidates"]]
            truth = f"person:{pid_of[f'P{i}']}"
            at1 += ranked[:1] == [truth]
            at5 += truth in ranked[:5]
            if e["candidates"] and e["candidates"][0]["proposed"]:
                proposed += 1
                proposed_right += ranked[0] == truth
        b.uow.engine.dispose()
    n = args.enquiries
    print(f"persons {args.persons}, enquiries {n}, seed {args.seed}")
    print(f"recall@1                 {at1 / n:.3f}   (target >= 0.90)")
    print(f"recall@5                 {at5 / n:.3f}   (target >= 0.98)")
    print(f"auto-proposed top hits   {proposed} of {n}")
    print(f"precision of proposals   {proposed_right / max(1, proposed):.3f}   (target >= 0.95)")


if __name__ == "__main__":
    main()
