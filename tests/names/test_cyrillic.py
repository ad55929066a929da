"""Cyrillic: every transliteration system in real use, Ukrainian/Russian equivalents, the Tuvan pre-pass."""

from __future__ import annotations

import pytest

from powbureau.names import compare_names, cyrillic

NAMES = ["Гнатюк Сергій Миколайович", "Щербак Юрій", "Харченко Олег", "Шевчук Тарас Григорович",
         "Жуков Георгий Константинович", "Ковальчук Наталія", "Ємельяненко Євген", "Пётр Чайковский",
         "Ооржак Өлзей", "Монгуш Күжүгет", "Хорлуу Шолбан", "Їжак Ґаврило", "Цой Виктор Робертович"]


@pytest.mark.parametrize("name", NAMES)
def test_every_system_spelling_matches_the_cyrillic(name):
    for system, spelling in cyrillic.spellings(name).items():
        c = compare_names(name, spelling)
        assert c.is_match, (system, spelling, c)


def test_spellings_cover_the_systems():
    s = cyrillic.spellings("Щербак Юрий")
    for system in ("ru_passport_icao", "bgn_pcgn", "iso_9", "ua_national_kmu_2010", "ua_passport_2007"):
        assert system in s
    assert s["ru_passport_icao"] == "Shcherbak Iurii"
    ua = cyrillic.spellings("Щербак Юрій")
    assert ua["ua_national_kmu_2010"] == "Shcherbak Yurii"


def test_tuvan_prepass():
    assert cyrillic.tuvan_prepass("Өлзей Күжүгет Чаң") == "Oлзей Кuжuгет Чаng"
    assert cyrillic.to_latin("Өлзей") == "Olzey"


def test_tuvan_names_are_compared_not_merged():
    assert not compare_names("Ооржак Өлзей", "Монгуш Күжүгет").is_match
    assert compare_names("Ооржак Өлзей", "Oorzhak Olzei").is_match
    assert compare_names("Монгуш Күжүгет", "Mongush Kuzhuget").is_match


@pytest.mark.parametrize("a,b", [("Олександр Мельник", "Александр Мельник"), ("Mykola Tkachenko", "Nikolai Tkachenko"),
                                 ("Serhiy Bondar", "Sergei Bondar"), ("Олег Коваль", "Oleh Koval")])
def test_ukrainian_russian_equivalents(a, b):
    assert compare_names(a, b).is_match
