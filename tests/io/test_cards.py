"""Capture cards (GC III Annex IV B): names in two scripts, bilingual labels, only the health box, PDF output."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from powbureau.domain.errors import ValidationFailed
from powbureau.io.cards import CaptureCard, TwoScripts, render_card_html, render_cards_html, write_cards_pdf

PAEK = CaptureCard(
    person_id="01HXPAEK", serving_power="KP", surname=TwoScripts("백", "Paek"),
    given_names=TwoScripts("영철", "Yong-chol"), father_given_name=TwoScripts("명수", "Myong-su"),
    birth_date="2001", birth_place=TwoScripts("평양", "Pyongyang"), rank="Private",
    taken_prisoner_on="2026-10-02", health=frozenset({"good_health", "not_wounded"}),
    prisoner_number="UA-0001", camp="Camp 3", card_date=date(2026, 10, 5),
)
MONGUSH = CaptureCard(
    person_id="01HXMONG", serving_power="RU", surname=TwoScripts("Монгуш", "Mongush"),
    given_names=TwoScripts("Айдын", "Aidyn"), health=frozenset({"seriously_wounded"}),
)


def test_html_has_both_scripts_two_label_languages_and_the_health_box_only() -> None:
    html = render_card_html(PAEK)
    for text in ("백", "Paek", "영철", "Yong-chol", "Power on which the prisoner depends",
                 "Puissance dont dépend le prisonnier", "Bonne santé", "Seriously wounded"):
        assert text in html
    assert 'class="mark off">g) <i lang="en">Seriously wounded</i>' in html  # struck out: not applicable
    assert 'class="mark on">a) <i lang="en">Good health</i>' in html
    assert "전쟁포로" not in html  # Korean labels only when asked for
    assert "전쟁포로 포획 카드" in render_card_html(PAEK, languages=("en", "fr", "ko"))


def test_a_card_has_no_place_for_medical_details() -> None:
    names = {f.name for f in dataclasses.fields(CaptureCard)}
    assert not {n for n in names if any(w in n for w in ("diagnos", "medical", "wound", "treat", "note"))}
    with pytest.raises(ValidationFailed, match="medical details are not sent"):
        dataclasses.replace(PAEK, health=frozenset({"sick", "shrapnel wound, left thigh"}))


def test_names_in_another_script_need_their_latin_form() -> None:
    with pytest.raises(ValidationFailed, match="needs its Latin transliteration"):
        TwoScripts("백")
    with pytest.raises(ValidationFailed, match="not in Latin script"):
        TwoScripts("백", "Пэк")
    assert TwoScripts("Smith").latin == "Smith" and TwoScripts("Smith").lang == "und"
    assert TwoScripts("백", "Paek").lang == "ko" and TwoScripts("Монгуш", "Mongush").lang == "ru"


def test_names_are_escaped() -> None:
    card = dataclasses.replace(PAEK, surname=TwoScripts("<script>x</script>", "<b>x</b>"))
    html = render_card_html(card)
    assert "<script>x" not in html and "&lt;script&gt;" in html


def test_unknown_label_languages_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="card labels take"):
        render_cards_html([PAEK], languages=("en", "de"))


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cards_pdf([PAEK, MONGUSH], tmp_path_factory.mktemp("cards") / "cards.pdf",
                           languages=("en", "fr", "ko"))


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not found: apt-get install -y poppler-utils")
    return path


def test_pdf_has_one_page_per_card_with_hangul_cyrillic_and_latin_names(pdf: Path) -> None:
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info
    raw = subprocess.run([_poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(raw.split())
    for name in ("백", "영철", "Paek", "Yong-chol", "Монгуш", "Mongush", "CAPTURE CARD FOR PRISONER OF WAR",
                 "CARTE DE CAPTURE", "전쟁포로 포획 카드"):
        assert name in text


def test_hangul_is_drawn_with_a_korean_font_not_as_empty_boxes(pdf: Path) -> None:
    fonts = subprocess.run([_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    if "nanum" not in fonts.lower() and shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True).stdout
        if not listed.strip():
            pytest.skip("no Korean font installed: apt-get install -y fonts-nanum")
    assert any(k in fonts.lower() for k in ("nanum", "cjk", "gothic")), fonts


def test_labels_side_by_side_in_the_bureaus_the_prisoners_and_the_ctas_language() -> None:
    from powbureau.io.cards import card_languages

    assert card_languages("ko", "KP") == ("uk", "ko", "en")
    assert card_languages(None, "RU") == ("uk", "ru", "en")  # no stated language: his serving power's
    assert card_languages("Korean", "RU", cta="fr") == ("uk", "ko", "fr")
    assert card_languages("uk", "UA") == ("uk", "en") and card_languages("de", "") == ("uk", "en")
    card = dataclasses.replace(PAEK, languages=card_languages("ko", "KP"))
    html = render_cards_html([card], languages=None)
    cells = html.split('<td class="n">1</td>')[1].split("</tr>")[0]
    assert cells.index("Держава, від якої залежить військовополонений") < cells.index("포로가 의존하는 국가") \
        < cells.index("Power on which the prisoner depends")  # one row, the bureau's language first
    assert "2 жовтня 2026\u202fр." in html and "2026. 10. 2." in html and "October 2, 2026" in html  # per locale
    with pytest.raises(ValidationFailed, match="card labels take"):
        render_cards_html([PAEK], languages=("uk", "uk"))
