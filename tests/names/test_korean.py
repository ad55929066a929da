"""Korean names: romanization systems, the surname table, two-syllable surnames, Kontsevich Cyrillic."""

from __future__ import annotations

import pytest

from powbureau.names import compare_names, korean, parse_name

PAEK = ["백광혁", "Paek Kwang Hyok", "Baek Gwang-hyeok", "Paik Kwang-hyuk", "Пэк Кван Хёк", "PAEK KWANG-HYOK",
        "Kwang-hyok Paek", "Paek Kwanghyok"]


@pytest.mark.parametrize("a", PAEK)
@pytest.mark.parametrize("b", PAEK)
def test_every_spelling_of_paek_kwang_hyok_matches(a, b):
    assert compare_names(a, b).is_match


@pytest.mark.parametrize("a,b", [
    ("Kim Jong Un", "Kim Jong Il"),
    ("Kim Dong-won", "Kim Dong-gwon"),
    ("김정은", "Kim Jong-il"),
    ("Ryu Song-chol", "Ryu Chol-song"),
    ("김종은", "김정은"),
    ("이재형", "이재명"),
    ("남궁태오", "Nam Tae-o"),
])
def test_one_syllable_apart_is_below_threshold(a, b):
    c = compare_names(a, b)
    assert not c.is_match, c
    assert c.score < 0.8


@pytest.mark.parametrize("a,b", [
    ("김정은", "Kim Jong-un"), ("김정은", "Kim Jong Un"), ("김정은", "Ким Чен Ын"), ("리설주", "Ri Sol Ju"),
    ("리설주", "Ри Соль Чжу"), ("이승만", "Rhee Seung-man"), ("박정희", "Park Chung-hee"), ("노무현", "Roh Moo-hyun"),
    ("최룡해", "Choe Ryong-hae"), ("최룡해", "Choi Yong-hae"), ("김일성", "Kim Il-sung"), ("문재인", "Moon Jae-in"),
    ("정은", "Jeong Eun"),
])
def test_real_romanizations_match(a, b):
    assert compare_names(a, b).is_match, compare_names(a, b)


def test_revised_romanization_of_syllables():
    assert [korean.rr_syllable(c) for c in "백광혁정은"] == ["baek", "gwang", "hyeok", "jeong", "eun"]
    assert korean.romanize("김정은") == "gimjeongeun"


def test_fold_joins_romanization_systems():
    assert korean.fold("Jeong") == korean.fold("Chong") == korean.fold("Jung") == korean.fold("Chŏng".replace("ŏ", "o"))
    assert korean.fold("Ryong") == korean.fold("Yong")
    assert korean.fold("Kwang-hyok") == korean.fold("Gwanghyeok")


@pytest.mark.parametrize("latin,hangul", [("Paik", "백"), ("Rhee", "이"), ("Ri", "리"), ("Choe", "최"),
                                          ("Chung", "정"), ("Pak", "박"), ("Namgoong", "남궁")])
def test_surname_table_spellings(latin, hangul):
    assert hangul in korean.surnames().latin(latin)


def test_surname_table_cyrillic():
    tab = korean.surnames()
    assert "백" in tab.cyrillic("Пэк")
    assert "최" in tab.cyrillic("Цой")
    assert "이" in tab.cyrillic("Ли")


def test_surname_table_holds_the_frequent_surnames():
    assert len(korean.surnames().hangul) >= 100


def test_two_syllable_surname_split_longest_first_with_alternative():
    p = parse_name("남궁태오")
    assert (p.korean[0].surname, p.korean[0].given) == ("남궁", "태오")
    assert any(r.surname == "남" for r in p.korean)  # 남 is a surname too: kept as an alternative
    assert parse_name("황보은정").surname == "황보"


def test_surname_found_at_either_end():
    assert parse_name("Song-chol Ryu").surname == "Ryu"
    assert parse_name("Song-chol Ryu").order == "surname_last"
    assert parse_name("RYU, Song Chol").order == "surname_first"


def test_kontsevich_reading():
    segs = korean.cyr_segments(("Кван", "Хёк"))
    assert korean.segments_match(segs, korean.hangul_segments("광혁"), loose=True)
    assert not korean.segments_match(segs, korean.hangul_segments("광철"), loose=True)


def test_hangul_and_latin_segments():
    assert korean.segments_match(korean.hangul_segments("용현"), korean.latin_segments(("Yong", "hyon")))
    assert not korean.segments_match(korean.hangul_segments("용현"), korean.latin_segments(("Yeong", "hyeon")))
    assert korean.segments_match(korean.hangul_segments("은경"), korean.latin_segments(("Eun", "kyung")))


def test_explanation_names_the_surname_rule():
    c = compare_names("백광혁", "Paek Kwang Hyok")
    sur = [p for p in c.parts if p.part == "surname"][0]
    assert sur.rule == "Korean surname table: 백=Paek"
    assert [p.part for p in c.parts] == ["surname", "given"]


@pytest.mark.parametrize("a,b", [("Ri Chol Jin", "이철진"), ("Rim Kwang Il", "임광일"), ("Ryang Song Hui", "양성희"),
                                 ("Kim Hyok-chan", "김혁찬"), ("Ким Хёк Чан", "김혁찬"), ("Цой Сон Хи", "최선희"),
                                 ("Choe Son Hui", "최선희"), ("Kim Yeong-nang", "김영랑")])
def test_dprk_and_cyrillic_forms(a, b):
    assert compare_names(a, b).is_match, compare_names(a, b)
