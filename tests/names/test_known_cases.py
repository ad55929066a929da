"""Every name pair of shared/data/known_cases/name_pairs.csv, and the case-level expectations around them."""

from __future__ import annotations

import csv

import pytest

from powbureau.names import compare_names


def _pairs(shared_data):
    path = shared_data / "known_cases" / "name_pairs.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_known_name_pair(shared_data):
    rows = _pairs(shared_data)
    assert len(rows) >= 30
    wrong = []
    for r in rows:
        c = compare_names(r["name_a"], r["name_b"])
        if int(c.is_match) != int(r["expected_match"]):
            wrong.append((r["case_id"], r["name_a"], r["name_b"], r["expected_match"], c.score, c.reason))
    assert not wrong, wrong


def test_every_known_pair_is_symmetric(shared_data):
    for r in _pairs(shared_data):
        assert compare_names(r["name_a"], r["name_b"]).is_match == compare_names(r["name_b"], r["name_a"]).is_match


def test_case5_near_syllable_scores_above_unrelated_name():
    near = compare_names("박성철", "박선철").score
    far = compare_names("박성철", "최민아").score
    assert near > far + 0.3
    assert near > 0


def test_case1_no_key_is_no_evidence():
    c = compare_names("ហ៊ុន ម៉ាណែត", "Kim Sok Jin")
    assert c.score == 0.0 and not c.is_match
    assert "name A" in c.reason and "no comparison key" in c.reason
    c = compare_names("Kim Sok Jin", "!!! 123")
    assert c.score == 0.0 and "name B" in c.reason


def test_case6_explanation_names_the_rule():
    c = compare_names("Гнатюк Сергій Миколайович", "Gnatyuk Sergey Nikolaevich")
    rules = " ".join(p.rule for p in c.parts)
    assert c.is_match
    assert "transliteration variant" in rules or "equivalent" in rules
    assert any(p.part == "patronymic" and p.score == 1.0 for p in c.parts)


def test_case12_diminutive_is_weaker_than_full_form():
    dim = compare_names("Sasha Melnyk", "Oleksandr Melnyk")
    full = compare_names("Aleksandr Melnyk", "Oleksandr Melnyk")
    assert dim.is_match and full.is_match
    assert dim.score < full.score
    assert "diminutive" in " ".join(p.rule for p in dim.parts)
    # Sasha is ambiguous in gender: it also fits Oleksandra.
    assert compare_names("Sasha Melnyk", "Oleksandra Melnyk").is_match
