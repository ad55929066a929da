"""Capture cards (GC III Art. 70, Annex IV B) as HTML and PDF.

Names are printed in their original script and in Latin; labels in one to three languages side by side, as Annex
IV intends (the bureau's Ukrainian, the prisoner's Korean or Russian, English or French for the CTA; ``card_languages``
picks them); dates in each label language's own format (Babel). The only health data is the card's health box
(item 11), never a medical detail."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..domain.errors import ValidationFailed
from ..domain.messages import Msg
from ..domain.notifications import HEALTH_BOX, check_health_box

TEMPLATES = Path(__file__).with_name("templates")
LANGUAGES: tuple[str, ...] = ("en", "fr", "ko", "ru", "uk")
#: The bureau's own language (its staff read the card first).
BUREAU_LANGUAGE = "uk"
#: The CTA's language on a card when none is asked for (English and French are GC III's authentic texts, Art. 133).
CTA_LANGUAGE = "en"
#: The prisoner's language from the Power on which he depends, when he has not stated one (ISO 3166 alpha-2).
LANGUAGE_OF_POWER: dict[str, str] = {"KP": "ko", "KR": "ko", "RU": "ru", "BY": "ru", "UA": "uk", "FR": "fr",
                                     "GB": "en", "US": "en", "AU": "en", "CA": "en", "NZ": "en"}

# Labels: English and French are the authentic texts of GC III (Art. 133); Ukrainian, Korean and Russian follow the
# official translations of the Convention (військовополонений, 전쟁포로, военнопленный), for the bureau's staff and
# the prisoner reading his card.
LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "CAPTURE CARD FOR PRISONER OF WAR", "fr": "CARTE DE CAPTURE DE PRISONNIER DE GUERRE",
              "ko": "전쟁포로 포획 카드", "ru": "КАРТОЧКА О ВЗЯТИИ В ПЛЕН ВОЕННОПЛЕННОГО",
              "uk": "КАРТКА ПРО ВЗЯТТЯ В ПОЛОН ВІЙСЬКОВОПОЛОНЕНОГО"},
    "to": {"en": "Central Tracing Agency, International Committee of the Red Cross, Geneva",
           "fr": "Agence centrale de recherches, Comité international de la Croix-Rouge, Genève",
           "ko": "국제적십자위원회 중앙심인국, 제네바", "ru": "Центральное агентство по розыску, МККК, Женева",
           "uk": "Центральне агентство з розшуку, Міжнародний комітет Червоного Хреста, Женева"},
    "serving_power": {"en": "Power on which the prisoner depends", "fr": "Puissance dont dépend le prisonnier",
                      "ko": "포로가 의존하는 국가", "ru": "Держава, от которой зависит военнопленный",
                      "uk": "Держава, від якої залежить військовополонений"},
    "surname": {"en": "Name", "fr": "Nom", "ko": "성", "ru": "Фамилия", "uk": "Прізвище"},
    "given_names": {"en": "First names (in full)", "fr": "Prénoms (en entier)", "ko": "이름 (전체)",
                    "ru": "Имена (полностью)", "uk": "Імена (повністю)"},
    "father": {"en": "First name of father", "fr": "Prénom du père", "ko": "아버지의 이름", "ru": "Имя отца",
               "uk": "Ім'я батька"},
    "birth_date": {"en": "Date of birth", "fr": "Date de naissance", "ko": "생년월일", "ru": "Дата рождения",
                   "uk": "Дата народження"},
    "birth_place": {"en": "Place of birth", "fr": "Lieu de naissance", "ko": "출생지", "ru": "Место рождения",
                    "uk": "Місце народження"},
    "rank": {"en": "Rank", "fr": "Grade", "ko": "계급", "ru": "Звание", "uk": "Військове звання"},
    "service_number": {"en": "Service number", "fr": "Numéro matricule", "ko": "군번", "ru": "Личный номер",
                       "uk": "Особистий номер"},
    "family_address": {"en": "Address of family", "fr": "Adresse de la famille", "ko": "가족 주소",
                       "ru": "Адрес семьи", "uk": "Адреса родини"},
    "taken": {"en": "Taken prisoner on / or coming from (camp No., hospital, etc.)",
              "fr": "Fait prisonnier le / ou venant de (camp No, hôpital, etc.)",
              "ko": "포로가 된 날짜 / 또는 이전 장소 (수용소 번호, 병원 등)",
              "ru": "Взят в плен (дата) / или прибыл из (лагерь №, госпиталь и т. д.)",
              "uk": "Взятий у полон (дата) / або прибув з (табір №, шпиталь тощо)"},
    "health": {"en": "Health", "fr": "Santé", "ko": "건강 상태", "ru": "Состояние здоровья", "uk": "Стан здоров'я"},
    "address": {"en": "My present address: prisoner No., name of camp",
                "fr": "Mon adresse actuelle : No de prisonnier, désignation du camp",
                "ko": "현재 주소: 포로 번호, 수용소 명칭", "ru": "Мой нынешний адрес: № военнопленного, лагерь",
                "uk": "Моя теперішня адреса: № військовополоненого, назва табору"},
    "date": {"en": "Date", "fr": "Date", "ko": "날짜", "ru": "Дата", "uk": "Дата"},
    "signature": {"en": "Signature", "fr": "Signature", "ko": "서명", "ru": "Подпись", "uk": "Підпис"},
    "strike": {"en": "Strike out what is not applicable", "fr": "Rayer ce qui ne convient pas",
               "ko": "해당하지 않는 것은 지우시오", "ru": "Ненужное зачеркнуть", "uk": "Непотрібне закреслити"},
}
HEALTH_LABELS: dict[str, dict[str, str]] = {
    "good_health": {"en": "Good health", "fr": "Bonne santé", "ko": "건강 양호", "ru": "Здоров", "uk": "Здоровий"},
    "not_wounded": {"en": "Not wounded", "fr": "Non blessé", "ko": "부상 없음", "ru": "Не ранен", "uk": "Не поранений"},
    "recovered": {"en": "Recovered", "fr": "Guéri", "ko": "회복됨", "ru": "Выздоровел", "uk": "Одужав"},
    "convalescent": {"en": "Convalescent", "fr": "Convalescent", "ko": "요양 중", "ru": "Выздоравливает",
                     "uk": "Одужує"},
    "sick": {"en": "Sick", "fr": "Malade", "ko": "질병", "ru": "Болен", "uk": "Хворий"},
    "slightly_wounded": {"en": "Slightly wounded", "fr": "Légèrement blessé", "ko": "경상", "ru": "Легко ранен",
                         "uk": "Легко поранений"},
    "seriously_wounded": {"en": "Seriously wounded", "fr": "Grièvement blessé", "ko": "중상", "ru": "Тяжело ранен",
                          "uk": "Тяжко поранений"},
}


def _is_latin(text: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def _script_lang(text: str) -> str:
    names = " ".join(unicodedata.name(ch, "") for ch in text if ch.isalpha())
    if "HANGUL" in names:
        return "ko"
    if "CYRILLIC" in names:
        return "ru"
    if "CJK" in names:
        return "zh"
    return "und"


@dataclass(frozen=True)
class TwoScripts:
    """A name as written in its ``original`` script and its ``latin`` transliteration (chosen by the caller,
    e.g. from ``names``). ``latin`` may be empty only when ``original`` is already in Latin script.
    Raises ``ValidationFailed`` otherwise."""

    original: str
    latin: str = ""

    def __post_init__(self) -> None:
        original, latin = self.original.strip(), self.latin.strip()
        if not latin:
            if not _is_latin(original):
                raise ValidationFailed(Msg("name {original!r} needs its Latin transliteration for the capture card", original=original))
            latin = original
        elif not _is_latin(latin):
            raise ValidationFailed(Msg("{latin!r} is not in Latin script; give the transliteration of {original!r}", latin=latin, original=original))
        object.__setattr__(self, "original", original)
        object.__setattr__(self, "latin", latin)

    @property
    def lang(self) -> str:
        """A language tag for the original script (``ko`` for Hangul, ``ru`` for Cyrillic, ``und`` otherwise),
        so the renderer picks the right glyphs."""
        return _script_lang(self.original)


@dataclass(frozen=True)
class CaptureCard:
    """The fields of GC III Annex IV B, numbered as on the card. ``health`` holds only health-box marks
    (``notifications.HEALTH_BOX``); there is no field for a diagnosis, so a card cannot carry one.
    ``birth_date`` is ISO text and may be partial (``1998`` or ``1998-03``). Raises ``ValidationFailed``."""

    person_id: str
    serving_power: str  # 1
    surname: TwoScripts  # 2
    given_names: TwoScripts  # 3
    father_given_name: TwoScripts | None = None  # 4
    birth_date: str = ""  # 5
    birth_place: TwoScripts | None = None  # 6
    rank: str = ""  # 7
    service_number: str = ""  # 8
    family_address: str = ""  # 9
    taken_prisoner_on: str = ""  # 10
    coming_from: str = ""  # 10
    health: frozenset[str] = field(default_factory=frozenset)  # 11
    prisoner_number: str = ""  # 12
    camp: str = ""  # 12
    card_date: date | None = None  # 13
    languages: tuple[str, ...] = ()  # its label languages when the caller asks for none (``card_languages``)

    def __post_init__(self) -> None:
        object.__setattr__(self, "health", check_health_box(self.health))


def card_languages(stated: str | None, serving_power: str = "", cta: str = CTA_LANGUAGE) -> tuple[str, ...]:
    """The label languages of a card, in order: the bureau's (Ukrainian), the prisoner's — his stated ``language``
    (an ISO 639-1 code such as ``ko``; ``kor``/``rus`` and names like ``Korean`` are understood) if the card speaks
    it, else the usual language of his ``serving_power`` — and ``cta`` (English or French) for the Central Tracing
    Agency; a language already listed is not repeated (GC III Annex IV: the card in several languages)."""
    own = _language_code(stated) or LANGUAGE_OF_POWER.get((serving_power or "").strip().upper()[:2])
    out = [BUREAU_LANGUAGE]
    for lang in (own, cta):
        if lang in LANGUAGES and lang not in out:
            out.append(lang)
    return tuple(out)


_LANGUAGE_NAMES = {"kor": "ko", "korean": "ko", "한국어": "ko", "조선어": "ko", "rus": "ru", "russian": "ru",
                   "русский": "ru", "ukr": "uk", "ukrainian": "uk", "українська": "uk", "eng": "en", "english": "en",
                   "fra": "fr", "fre": "fr", "french": "fr", "français": "fr"}


def _language_code(stated: str | None) -> str | None:
    text = (stated or "").strip().casefold()
    if not text:
        return None
    text = text.split(",")[0].split(";")[0].strip().replace("_", "-").split("-")[0]
    return text if text in LANGUAGES else _LANGUAGE_NAMES.get(text)


def _label(key: str, languages: Sequence[str], table: dict[str, dict[str, str]] = LABELS) -> list[str]:
    return [table[key][lang] for lang in languages]


def _dates(text: str, languages: Sequence[str]) -> list[str]:
    """An ISO date (``2026-12-02``, or partial ``1999-03`` / ``1999``) in each of ``languages``' own format;
    other text unchanged; equal forms once."""
    from babel.dates import format_date, format_skeleton

    text = (text or "").strip()
    parts = text.split("-")
    try:
        if len(parts) == 3 and len(text) == 10:
            day = date.fromisoformat(text)
            forms = [format_date(day, "long" if lang != "ko" else "medium", locale=lang) for lang in languages]
        elif len(parts) == 2 and len(parts[0]) == 4:
            first = date(int(parts[0]), int(parts[1]), 1)
            forms = [format_skeleton("yMMMM", first, locale=lang) for lang in languages]
        else:
            return [text] if text else []
    except ValueError:
        return [text]
    return list(dict.fromkeys(forms))


def _rows(card: CaptureCard, languages: Sequence[str]) -> list[dict[str, object]]:
    def row(n: str, key: str, value: object, kind: str = "text") -> dict[str, object]:
        return {"n": n, "label": _label(key, languages), "value": value, "kind": kind}

    taken = " / ".join(x for x in (" / ".join(_dates(card.taken_prisoner_on, languages)), card.coming_from) if x)
    address = ", ".join(x for x in (card.prisoner_number, card.camp) if x)
    health = [
        {
            "letter": "abcdefg"[i],
            "text": _label(mark, languages, HEALTH_LABELS),
            "on": mark in card.health,
            "struck": bool(card.health) and mark not in card.health,
        }
        for i, mark in enumerate(HEALTH_BOX)
    ]
    return [
        row("1", "serving_power", card.serving_power),
        row("2", "surname", card.surname, "name"),
        row("3", "given_names", card.given_names, "name"),
        row("4", "father", card.father_given_name, "name"),
        row("5", "birth_date", _dates(card.birth_date, languages), "dates"),
        row("6", "birth_place", card.birth_place, "name"),
        row("7", "rank", card.rank),
        row("8", "service_number", card.service_number),
        row("9", "family_address", card.family_address),
        row("10", "taken", taken),
        row("11", "health", health, "health"),
        row("12", "address", address),
        row("13", "date", _dates(card.card_date.isoformat(), languages) if card.card_date else [], "dates"),
        row("14", "signature", "", "sign"),
    ]


def _check(langs: tuple[str, ...]) -> tuple[str, ...]:
    bad = [x for x in langs if x not in LANGUAGES]
    if bad or not 1 <= len(langs) <= 3 or len(set(langs)) != len(langs):
        raise ValidationFailed(Msg("card labels take 1 to 3 of {choices}; got {got}", choices=", ".join(LANGUAGES),
                                   got=", ".join(langs)))
    return langs


def render_cards_html(cards: Iterable[CaptureCard], *, languages: Sequence[str] | None = ("en", "fr")) -> str:
    """The cards as one HTML document, one card per page, labels side by side. ``languages``: 1-3 of LANGUAGES
    for the labels of every card (default English and French); None: each card's own ``languages`` (else English
    and French). Raises ``ValidationFailed`` for an unknown or repeated language."""
    fixed = _check(tuple(languages)) if languages is not None else None
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    pages = []
    for card in cards:
        langs = fixed or _check(tuple(card.languages) or ("en", "fr"))
        pages.append({"card": card, "rows": _rows(card, langs), "languages": langs,
                      "t": {key: _label(key, langs) for key in ("title", "to", "strike")}})
    first = pages[0]["languages"] if pages else (fixed or ("en",))
    return env.get_template("capture_card.html").render(pages=pages, rule="GC III Art. 70, Annex IV B",
                                                        languages=first)


def render_card_html(card: CaptureCard, *, languages: Sequence[str] | None = ("en", "fr")) -> str:
    """One card as HTML (see ``render_cards_html``)."""
    return render_cards_html([card], languages=languages)


def cards_pdf_bytes(cards: Iterable[CaptureCard], *, languages: Sequence[str] | None = ("en", "fr")) -> bytes:
    """The cards as one PDF (A5 landscape, one page per card), rendered with WeasyPrint. Hangul needs a CJK
    font installed (Debian ``fonts-nanum``); without one, WeasyPrint prints empty boxes."""
    from weasyprint import HTML  # imported here: slow to load, and only card export needs it

    pdf: bytes = HTML(string=render_cards_html(cards, languages=languages), base_url=str(TEMPLATES)).write_pdf()
    return pdf


def write_cards_pdf(
    cards: Iterable[CaptureCard], out: Path | str, *, languages: Sequence[str] | None = ("en", "fr")
) -> Path:
    """Write the cards to PDF file ``out`` (parents created); returns its path."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cards_pdf_bytes(cards, languages=languages))
    return path
