"""Script detection and normalisation."""

from __future__ import annotations

from powbureau.names import detect_script, normalize
from powbureau.names.scripts import mixed_tokens


def test_detect_script():
    assert detect_script("백광혁") == "hangul"
    assert detect_script("Пэк Кван Хёк") == "cyrillic"
    assert detect_script("Paek Kwang-hyok") == "latin"
    assert detect_script("ШEVCHUK") == "mixed"
    assert detect_script("محمد") == "other"
    assert detect_script(" 12-3 ") == "empty"
    assert detect_script("") == "empty"
    assert detect_script("Ооржак Өлзей") == "cyrillic"


def test_normalize_folds_lookalikes_into_the_majority_script():
    assert normalize("Pеtrenko  Ihor") == "Petrenko Ihor"  # Cyrillic е inside a Latin word
    assert normalize("Пeтренко") == "Петренко"  # Latin e inside a Cyrillic word
    assert normalize("ＫＩＭ\u3000Jong") == "KIM Jong"  # NFKC full-width, ideographic space
    assert mixed_tokens("SHEVCHUK ШEVCHUK Тарас") == ["ШEVCHUK"]
