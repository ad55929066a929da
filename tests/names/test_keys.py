"""Blocking keys and search keys."""

from __future__ import annotations

import pytest

from powbureau.names import name_keys, token_keys, variants

SAME_PEOPLE = [
    ["백광혁", "Paek Kwang Hyok", "Baek Gwang-hyeok", "Paik Kwang-hyuk", "Пэк Кван Хёк"],
    ["김정은", "Kim Jong-un", "Kim Jong Un", "Ким Чен Ын"],
    ["Гнатюк Сергій Миколайович", "Hnatiuk Serhii Mykolaiovych", "Gnatyuk Sergey Nikolaevich", "Гнатюк Сергей"],
    ["Oleksandr Melnyk", "Александр Мельник", "Aleksandr Melnik", "Sasha Melnyk"],
    ["ABBOT BRUCE", "ABBOTT, BRUCE GIDLEY"],
    ["Alexander Lukashenko", "Alexandr Lukashnko"],
]


@pytest.mark.parametrize("group", SAME_PEOPLE)
def test_same_person_shares_a_name_key(group):
    for a in group:
        for b in group:
            assert name_keys(a) & name_keys(b), (a, b, name_keys(a), name_keys(b))


def test_key_sets_stay_small_and_ascii():
    for name in [n for g in SAME_PEOPLE for n in g] + ["Kim Jong Un Sergeevich Ivanov Petrov Sidorov"]:
        keys = name_keys(name)
        assert 0 < len(keys) <= 12
        assert all(k.isascii() and k == k.upper() for k in keys | token_keys(name))


def test_different_people_do_not_share_name_keys():
    assert not name_keys("Kim Jong Un") & name_keys("Park Chung-hee")
    assert not name_keys("Ivan Petrov") & name_keys("Taras Shevchuk")


@pytest.mark.parametrize("query,stored", [("ABBOT", "ABBOTT, BRUCE GIDLEY"), ("김정은", "Kim Jong Un"),
                                          ("Kim Jong-un", "Kim Jong Un"), ("Гнатюк", "Hnatiuk Serhii"),
                                          ("Oleksandr", "Aleksandr Petrov"), ("백광혁", "Пэк Кван Хёк")])
def test_token_keys_find_the_stored_name(query, stored):
    assert token_keys(query) & token_keys(stored)


def test_empty_name_has_no_keys():
    assert name_keys("") == frozenset() and token_keys("  ") == frozenset()


def test_variants_lists_spellings_and_keys():
    v = variants("백광혁")
    assert v["script"] == "hangul"
    assert v["spellings"]["revised_romanization"] == "Baek Gwang-hyeok"
    assert v["spellings"]["mccune_reischauer"] == "Paek Kwang-hyŏk"
    assert v["spellings"]["kontsevich_cyrillic"] == "Пэк Кван Хёк"
    assert v["parsed"]["surname"] == "백"
    assert v["name_keys"]
    c = variants("Щербак Юрій")
    assert c["spellings"]["ua_national_kmu_2010"] == "Shcherbak Yurii"


@pytest.mark.parametrize("query", ["Paek", "PAIK", "Пэк", "백"])
def test_a_lone_korean_surname_finds_the_full_name(query):
    assert token_keys(query) & token_keys("Пэк Кван Хёк")
    assert token_keys(query) & token_keys("Baek Gwang-hyeok")
