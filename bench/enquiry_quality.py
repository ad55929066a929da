"""Enquiry matching quality (issue 11): synthetic enquiries with noise against a synthetic registry.

Persons come from ``gen_registry.person`` (Korean in Hangul, Russian/Ukrainian/Tuvan in Cyrillic) and are imported
as detainees; each enquiry is ``enquiry_variant`` of one of them: ``gen_registry.variant`` (the other script,
romanization variants, typos, partial or shifted birth dates, missing or mistyped service numbers) plus a wrong
unit, and a mother's spelling of her son's name (the Ukrainian or Russian form of his given name, given name
first, no patronymic; a space inside a Korean name). Prints recall@1, recall@5 and the precision of the
auto-proposed top hit beside the issue's targets (0.90, 0.98, 0.95), and the share of each noise. No timing.

Usage: PYTHONPATH=src .venv/bin/python bench/enquiry_quality.py [--persons 10000] [--enquiries 500] [--seed 11]"""

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
from gen_registry import UNITS, person, variant  # noqa: E402

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.enquiries import register_enquiry  # noqa: E402
from powbureau.services.imports import ImportOptions, import_list  # noqa: E402
from powbureau.services.users import ensure_operator  # noqa: E402
from powbureau.store.tables import persons  # noqa: E402

OPERATOR = Actor("operator", "admin")
#: Russian and Ukrainian forms of the same given name: a Ukrainian mother writes her son's name her way
GIVEN_FORMS = {"Александр": "Олександр", "Сергей": "Сергій", "Андрей": "Андрій", "Дмитрий": "Дмитро",
               "Владимир": "Володимир", "Николай": "Микола", "Иван": "Іван", "Юрий": "Юрій", "Василий": "Василь",
               "Виктор": "Віктор", "Игорь": "Ігор", "Пётр": "Петро", "Михаил": "Михайло", "Павел": "Павло",
               "Артём": "Артем", "Григорий": "Григорій", "Евгений": "Євген", "Алексей": "Олексій",
               "Фёдор": "Федір", "Кирилл": "Кирило", "Илья": "Ілля", "Константин": "Костянтин"}
GIVEN_FORMS.update({v: k for k, v in GIVEN_FORMS.items()})


def mothers_spelling(rng: random.Random, p: dict) -> str:
    """How a mother writes her son's name: the other language's form of his given name, given name first, no
    patronymic (Russian/Ukrainian); a space between surname and given name (Korean); as registered (Tuvan)."""
    if p["origin"] == "ko":
        return f"{p['name'][0]} {p['name'][1:]}"
    parts = p["name"].split()
    sur, given = parts[0], parts[1]
    given = GIVEN_FORMS.get(given, given)
    return f"{given} {sur}" if rng.random() < 0.5 else f"{sur} {given}"


def enquiry_variant(rng: random.Random, p: dict) -> tuple[dict, set[str]]:
    """A noisy enquiry about ``p`` and the kinds of noise in it."""
    latin = rng.random() < 0.5
    v = variant(rng, p, latin=latin)
    noise = {"other script" if latin else "own script"}
    if v["name"] != p["name"] and not latin:
        noise.add("misspelt")
    if v["born"] != p["born"]:
        noise.add("partial or shifted date" if v["born"] else "no date")
    if v["sn"] != p["sn"]:
        noise.add("service number mistyped or missing")
    if rng.random() < 0.2:
        v["unit"] = rng.choice([u for u in UNITS["ko" if p["origin"] == "ko" else "cy"] if u != p["unit"]])
        noise.add("wrong unit")
    if rng.random() < 0.2:
        v["name"] = mothers_spelling(rng, p)
        noise.add("mother's spelling")
    return v, noise


def _date(born: object) -> str | None:
    if born is None:
        return None
    if isinstance(born, tuple):
        y, m, _ = born
        return f"{y:04d}" + (f"-{m:02d}" if m else "")
    return born.isoformat()  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, default=10000)
    ap.add_argument("--enquiries", type=int, default=500)
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
        per: dict[str, list[int]] = {}
        for _ in range(args.enquiries):
            i = rng.randrange(len(people))
            v, noise = enquiry_variant(rng, people[i])
            e = register_enquiry(b.uow, OPERATOR, {
                "channel": "hotline", "names": [v["name"]], "birth_date": _date(v["born"]),
                "service_number": v["sn"] or "", "unit": v["unit"] or "", "father_given_name": v["father"] or "",
                "side": "enemy"})
            ranked = [c["target"] for c in e["candidates"]]
            truth = f"person:{pid_of[f'P{i}']}"
            at1 += ranked[:1] == [truth]
            at5 += truth in ranked[:5]
            for kind in noise:
                per.setdefault(kind, [0, 0])
                per[kind][0] += 1
                per[kind][1] += truth in ranked[:5]
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
    for kind, (n_kind, found) in sorted(per.items()):
        print(f"  {kind:<36} {n_kind:4d} enquiries, recall@5 {found / n_kind:.3f}")


if __name__ == "__main__":
    main()
