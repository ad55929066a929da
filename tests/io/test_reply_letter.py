"""Reply letters (issue 11) in uk, ru, ko and en, read back from the PDF with pdftotext: the answer's sentence in
the enquirer's language, and nothing that ``domain.enquiry.disclose`` withholds (a wish, a medical detail, what the
prisoner chose not to give, everything when he chose not to inform his family)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from powbureau.domain.enquiry import PersonFacts, disclose
from powbureau.io.reply_letter import build_letter, letter_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")

FACTS = PersonFacts(
    values={"name_full": "백광혁", "birth_date": "2001-03", "rank": "private", "unit": "Unit 4", "birth_place": "Hyesan",
            "wish": "remain", "notes": "asked for asylum in the south", "medical_note": "shrapnel in the left lung",
            "mother_maiden_name": "Ri Sun Ok", "next_of_kin": "Paek Chol, Hyesan"},
    status="interned", held_by="the Detaining Power (this National Information Bureau)", place="Camp No. 1",
    health_box=frozenset({"slightly_wounded"}), declined=frozenset({"birth_place"}))
NEVER = ("remain", "asylum", "shrapnel", "lung", "Hyesan", "Ri Sun Ok", "Paek Chol")
EXPECT = {
    "uk": ("Відповідь на ваш запит", "перебуває під вартою", "ця держава, держава, що тримає в полоні",
           "легко поранений", "утримується в таборі"),
    "ru": ("Ответ на ваш запрос", "содержится под стражей", "держащая в плену Держава", "легко ранен",
           "содержится в лагере"),
    "ko": ("문의에 대한 회신", "수용되어 있습니다", "억류국", "경상", "수용소에 수용됨"),
    "en": ("Reply to your enquiry", "is held by this State, the Detaining Power (Camp No. 1)", "slightly wounded",
           "interned in a camp", "Articles 122 and 123"),
}


def pdf_text(data: bytes, tmp_path) -> str:
    f = tmp_path / "letter.pdf"
    f.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(f), "-"], check=True, capture_output=True,
                          text=True).stdout


def _letter(channel: str, facts: PersonFacts | None, lang: str):
    return build_letter(disclose(channel, facts).sent(), language=lang, enquirer_name="Пак Ён Хи",
                        sought="백광혁", reference="H-17", ours="01ENQ", received="2026-11-20", dated="2026-12-02")


@pytest.mark.parametrize("lang", sorted(EXPECT))
def test_a_family_letter_in_each_language_tells_whereabouts_and_nothing_withheld(lang, tmp_path):
    text = pdf_text(letter_pdf(_letter("hotline", FACTS, lang)), tmp_path)
    flat = " ".join(text.split())
    for want in (*EXPECT[lang], "백광혁", "Camp No. 1", "2001-03", "H-17"):
        assert want in flat, (lang, want, flat)
    assert not [w for w in NEVER if w in flat], flat


def test_the_power_is_told_art_122_items_and_only_a_serious_wound(tmp_path):
    letter = _letter("serving_power", FACTS, "en")
    labels = dict(letter.identity)
    assert labels["Mother's maiden name"] == "Ri Sun Ok" and "Unit" not in labels
    text = " ".join(pdf_text(letter_pdf(letter), tmp_path).split())
    assert "Ri Sun Ok" in text and "wounded" not in text and "remain" not in text and "lung" not in text


def test_a_prisoner_who_chose_not_to_inform_his_family_is_not_named(tmp_path):
    hidden = PersonFacts(FACTS.values, FACTS.status, FACTS.held_by, FACTS.place, FACTS.health_box, FACTS.declined,
                         inform_family=False)
    letter = _letter("national_society", hidden, "ko")
    assert letter.identity == () and letter.facts == ()
    text = " ".join(pdf_text(letter_pdf(letter), tmp_path).split())
    assert "현재 이 분에 관한 정보를 전달할 수 없습니다" in text and "Camp No. 1" not in text and "2001-03" not in text


def test_not_yet_found_and_freed(tmp_path):
    assert "ще не знайшли" in _letter("hotline", None, "uk").paragraphs[-1]
    home = PersonFacts({"name_full": "Шевченко Тарас"}, "returned", held_by="the adverse Power")
    letter = _letter("hotline", home, "ru")
    assert letter.paragraphs[-1] == "Шевченко Тарас: вернулся домой." and ("Статус", "вернулся домой") in letter.facts
    assert not [f for f in letter.facts if f[0] == "Содержит"]
