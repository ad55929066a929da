"""Fixtures for the linkage tests: a small deterministic background population.

Real registries hold many unrelated people; the known cases are embedded among them so that the model is
trained on realistic data rather than on three records."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from powbureau.linkage import LinkRecord

SURNAMES = ["Melnyk", "Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Oliinyk", "Lysenko",
            "Savchenko", "Rudenko", "Marchenko", "Petrenko", "Klymenko", "Pavlenko", "Kuzmenko", "Ponomarenko",
            "Vasylenko", "Levchenko", "Kharchenko", "Hnatiuk", "Bondar", "Tkachuk", "Honcharenko", "Mazur"]
GIVEN = ["Ivan", "Petro", "Taras", "Oleh", "Yurii", "Mykola", "Andrii", "Serhii", "Dmytro", "Vasyl", "Bohdan",
         "Ihor", "Roman", "Stepan", "Yaroslav", "Pavlo", "Maksym", "Artem", "Denys", "Nazar"]


def population(n_people: int, seed: int, dup_rate: float = 0.3) -> tuple[list[LinkRecord], dict[str, int]]:
    """``n_people`` people, ``dup_rate`` of them listed twice (typo or shifted / partial birth, sn typo)."""
    rng = random.Random(seed)
    recs, truth = [], {}
    for k in range(n_people):
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        sn = f"UA{rng.randrange(10**6, 10**7)}"
        recs.append(LinkRecord(f"p{k}", (name,), born, sn, unit=f"unit {rng.randrange(30)}"))
        truth[f"p{k}"] = k
        if rng.random() < dup_rate:
            nm = name if rng.random() < 0.5 else name.upper()
            b = born if rng.random() < 0.5 else (born.year, None, None)
            s2 = sn if rng.random() < 0.6 else sn[:-1] + str((int(sn[-1]) + 1) % 10)
            recs.append(LinkRecord(f"d{k}", (nm,), b, s2, unit=None))
            truth[f"d{k}"] = k
    return recs, truth


@pytest.fixture(scope="session")
def background() -> list[LinkRecord]:
    """600 people (about 780 records) with duplicates, in Latin script."""
    return population(600, seed=7)[0]
