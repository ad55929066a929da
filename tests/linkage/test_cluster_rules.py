"""Clustering rules: births a slip of the pen apart, the birth guard bridged by such a slip, the name guard, and
a service number outweighing a contradicting birth date (realistic small cases; the quality floors on real data
are in test_real_data.py)."""

from __future__ import annotations

from datetime import date

import numpy as np

from powbureau.linkage import LinkRecord, cluster
from powbureau.linkage.dedupe import CandidatePair
from powbureau.linkage.explain import FieldEvidence
from powbureau.linkage.vectors import _typo_one, birth_typo, births_contradict


def _o(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def test_birth_typo_accepts_a_digit_or_a_decade_and_refuses_other_gaps():
    typo = [("1923-05-14", "1933-05-14"), ("1983-11-24", "1973-11-26"), ("2003-01-17", "1992-12-20"),
            ("1983-04-07", "1938-04-07"), ("1921-03-04", "1927-04-03")]
    other = [("1998-02-11", "2001-07-30"), ("1950-01-01", "1955-06-30"), ("1920-05-05", "1935-05-05")]
    got = birth_typo(np.array([_o(a) for a, _ in typo + other]), np.array([_o(b) for _, b in typo + other]))
    assert got.tolist() == [True] * len(typo) + [False] * len(other)
    day = 3  # P_DAY
    assert not births_contradict((_o("1923-05-14"),) * 2 + (day,), (_o("1933-05-14"),) * 2 + (day,))
    assert births_contradict((_o("1998-02-11"),) * 2 + (day,), (_o("2001-07-30"),) * 2 + (day,))


def _pair(a: str, b: str, score: float = 0.99, sn_exact: bool = False) -> CandidatePair:
    ev = (FieldEvidence("name", "exact", a, b, 10.0, "name"),)
    if sn_exact:
        ev += (FieldEvidence("service_number", "exact", "X", "X", 9.0, "service number: exact"),)
    return CandidatePair(a, b, score, 12.0 if sn_exact else 10.0, "match", "", ev)


def test_a_decade_slip_inside_a_person_does_not_split_him():
    recs = [LinkRecord("a", ("Florence Brown",), "2002-02-25"), LinkRecord("b", ("Florence Brown",), "1992-02-28"),
            LinkRecord("c", ("Brown Florence",), "1993-03-01")]
    # a-b: a decade slip; c meets the group through b (1 year), though 2002 and 1993 are nine years apart
    groups = cluster(recs, [_pair("a", "b", 0.999), _pair("b", "c", 0.99)])
    assert ("a", "b", "c") in groups


def test_contradicting_births_with_nothing_between_stay_apart_unless_the_service_number_agrees():
    recs = [LinkRecord("r1", ("Kim Hyok-chan",), "1998-02-11"), LinkRecord("r2", ("Kim Hyok-chan",), "2001-07-30"),
            LinkRecord("u1", ("Kim Hyok Chan",), None)]
    groups = cluster(recs, [_pair("r1", "u1"), _pair("r2", "u1", 0.98)])
    assert not any({"r1", "r2"} <= set(g) for g in groups)
    groups = cluster(recs[:2], [_pair("r1", "r2", 0.99, sn_exact=True)])
    assert ("r1", "r2") in groups


def test_name_guard_keeps_two_people_sharing_a_surname_apart():
    recs = [LinkRecord("a1", ("Isaac James",), "1991-05-06"), LinkRecord("a2", ("James",), "1991-05-06"),
            LinkRecord("m1", ("James Dixon",), "1991-04-12")]
    # a lone "James" scores high with both; Isaac James and James Dixon must not meet through it
    groups = cluster(recs, [_pair("a1", "a2", 0.99), _pair("a2", "m1", 0.98)])
    assert not any({"a1", "m1"} <= set(g) for g in groups)
    # a misspelt given name is no conflict
    recs2 = [LinkRecord("j1", ("Jayden Bennett",), "2017-01-11"), LinkRecord("j2", ("Bennett",), "2017-01-11"),
             LinkRecord("j3", ("Jayaned Bennett",), "2017-01-11")]
    assert ("j1", "j2", "j3") in cluster(recs2, [_pair("j1", "j2"), _pair("j2", "j3", 0.98)])


def test_one_pair_slip_check_says_what_the_vector_rule_says():
    # the clustering guard's plain-Python check (vectors._typo_one) must agree with birth_typo on every kind of
    # slip (a digit, two transposed digits, a decade, day and month swapped) and on near misses
    rng = np.random.default_rng(7)
    base = rng.integers(date(1880, 1, 1).toordinal(), date(2005, 1, 1).toordinal(), 20000)
    off = rng.choice([0, 1, 3, 10, 365, 3287, 3652, 3660, 3653 * 9, 36525], len(base)) + rng.integers(-3, 4, len(base))
    swapped = [date(d.year, d.day, d.month).toordinal() if d.day <= 12 else d.toordinal() + 3652
               for d in map(date.fromordinal, base.tolist())]
    a = np.concatenate([base, base])
    b = np.concatenate([base + off, np.array(swapped)])
    ref = birth_typo(a, b)
    assert ref.sum() > 1000 and (~ref).sum() > 1000  # both answers well represented
    assert [bool(x) for x in ref] == [_typo_one(int(x), int(y)) for x, y in zip(a.tolist(), b.tolist())]
