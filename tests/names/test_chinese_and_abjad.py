"""Chinese names written in Hangul, and names written in an abjad (Arabic) or in kana against Latin."""

from __future__ import annotations

import pytest

from powbureau.names import compare_names
from powbureau.names.chinese import sino_korean_match, to_hangul


@pytest.mark.parametrize("pinyin,hangul", [("li xiaoshuang", "리샤오솽"), ("yang jiechi", "양제츠"),
                                           ("mao zedong", "마오쩌둥"), ("li jinjun", "리진쥔"),
                                           ("ji xianlin", "지셴린"), ("wang yuanlu", "왕위안루")])
def test_korean_orthography_for_mandarin(pinyin, hangul):
    assert to_hangul(tuple(pinyin.split())) == hangul


def test_not_pinyin_gives_empty():
    assert to_hangul(("kim", "jong")) == ""


def test_sino_korean_reading():
    assert sino_korean_match("왕희지", ("wang", "xizhi"))
    assert sino_korean_match("이홍장", ("li", "hongzhang"))  # 리 -> 이 by the initial-sound rule
    assert not sino_korean_match("왕희지", ("wang", "anshi"))


@pytest.mark.parametrize("a,b,expected", [("리샤오솽", "Li Xiaoshuang", True), ("왕희지", "Wang Xizhi", True),
                                          ("양제츠", "Yang Jiechi", True), ("왕희지", "Wang Anshi", False),
                                          ("김정은", "Kim Jong-il", False), ("한영숙", "Han Yong-su", False)])
def test_chinese_names_in_hangul(a, b, expected):
    c = compare_names(a, b)
    assert c.is_match is expected, c
    if expected:
        assert "Chinese name" in c.reason


@pytest.mark.parametrize("a,b", [("Mohamad Hussein Hijazi", "محمد حسين حجازي"),
                                 ("Qusay Saddam Hussein AL-TIKRITI", "قصي صدام حسين التكريتي"),
                                 ("Majeed Abdul Chaudhry", "マジード・アブドゥル・チョウドリー")])
def test_abjad_and_kana_against_latin(a, b):
    c = compare_names(a, b)
    assert c.is_match, c
    assert "consonants" in " ".join(p.rule for p in c.parts)


def test_abjad_different_names_do_not_match():
    assert not compare_names("Ali Wanus", "محمد حسين حجازي").is_match


@pytest.mark.parametrize("a,b", [("Sergei Kim", "Sergey Kim"), ("Ким Сергей", "Kim Sergei"), ("Анна Ли", "Anna Lee")])
def test_koryo_saram_names_are_not_read_as_korean_given_names(a, b):
    assert compare_names(a, b).is_match
