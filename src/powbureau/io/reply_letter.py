"""Reply letters to enquiries (GC III Art. 122(7), 123) in the enquirer's language, as data and as PDF.

The texts live here, not in the web's Babel catalogues: a letter is written in the enquirer's language, not the
reader's interface language, and the CLI and the services print it without the web. The letter is built only from
an answer as it leaves the bureau (``domain.enquiry.Answer.sent``): what the disclosure rule withholds (a wish, a
medical detail, what he chose not to give) is not there to print."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")
LANGUAGES: tuple[str, ...] = ("uk", "ru", "ko", "en")
#: Statuses in which a person is held (by us or by the adverse Power): the letter says who holds him and where.
HELD = frozenset({"captured", "registered", "interned", "hospitalised", "transferring", "status_in_doubt",
                  "held_by_adverse_power"})

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "bureau": "National Information Bureau for Prisoners of War",
        "title": "Reply to your enquiry",
        "dear": "Dear {name},", "dear_none": "Dear Sir or Madam,",
        "asked": "You asked us about {sought}.",
        "ref": "Your reference: {ref}. Our reference: {ours}. Enquiry received on {received}.",
        "held": "{name} is held by {held_by}{place}.",
        "not_held": "{name}: {fate}.",
        "deceased": "We have to inform you, with deep regret, that {name} has died.",
        "not_yet_found": "We have not yet found the person you asked about. Your enquiry stays open: we will "
                         "write to you again as soon as we learn anything.",
        "withheld": "We cannot pass on information about this person at present. Your enquiry stays on record.",
        "identity": "The person this reply is about", "health": "State of health (capture card)",
        "fate": "Status", "place": "Place", "held_by": "Held by",
        "rule": "This reply is given under Articles 122 and 123 of the Third Geneva Convention (1949).",
        "sign": "National Information Bureau", "date": "Date",
        "us": "this State, the Detaining Power", "them": "the adverse Power (named on its list “{label}” of {on})",
        "adverse": "the adverse Power",
    },
    "uk": {
        "bureau": "Національне інформаційне бюро у справах військовополонених",
        "title": "Відповідь на ваш запит",
        "dear": "Шановна (шановний) {name}!", "dear_none": "Шановні пані та панове!",
        "asked": "Ви зверталися до нас щодо особи: {sought}.",
        "ref": "Ваш номер: {ref}. Наш номер: {ours}. Запит отримано {received}.",
        "held": "{name} перебуває під вартою: {held_by}{place}.",
        "not_held": "{name}: {fate}.",
        "deceased": "З глибоким жалем повідомляємо, що {name} помер.",
        "not_yet_found": "Ми ще не знайшли особу, про яку ви питали. Ваш запит залишається відкритим: ми "
                         "напишемо вам знову, щойно щось дізнаємося.",
        "withheld": "Наразі ми не можемо передати інформацію про цю особу. Ваш запит зберігається.",
        "identity": "Особа, про яку ця відповідь", "health": "Стан здоров’я (за карткою про взяття в полон)",
        "fate": "Статус", "place": "Місце", "held_by": "Утримує",
        "rule": "Цю відповідь надано відповідно до статей 122 і 123 Третьої Женевської конвенції (1949 р.).",
        "sign": "Національне інформаційне бюро", "date": "Дата",
        "us": "ця держава, держава, що тримає в полоні",
        "them": "протилежна сторона (зазначений у її списку «{label}» від {on})",
        "adverse": "протилежна сторона",
    },
    "ru": {
        "bureau": "Национальное справочное бюро по делам военнопленных",
        "title": "Ответ на ваш запрос",
        "dear": "Уважаемая (уважаемый) {name}!", "dear_none": "Уважаемые дамы и господа!",
        "asked": "Вы обращались к нам по поводу: {sought}.",
        "ref": "Ваш номер: {ref}. Наш номер: {ours}. Запрос получен {received}.",
        "held": "{name} содержится под стражей: {held_by}{place}.",
        "not_held": "{name}: {fate}.",
        "deceased": "С глубоким сожалением сообщаем, что {name} умер.",
        "not_yet_found": "Мы ещё не нашли человека, о котором вы спрашивали. Ваш запрос остаётся открытым: мы "
                         "напишем вам снова, как только что-либо узнаем.",
        "withheld": "Сейчас мы не можем передать сведения об этом человеке. Ваш запрос сохраняется.",
        "identity": "Лицо, о котором этот ответ", "health": "Состояние здоровья (по карточке о взятии в плен)",
        "fate": "Статус", "place": "Место", "held_by": "Содержит",
        "rule": "Этот ответ дан в соответствии со статьями 122 и 123 Третьей Женевской конвенции (1949 г.).",
        "sign": "Национальное справочное бюро", "date": "Дата",
        "us": "это государство, держащая в плену Держава",
        "them": "противная сторона (назван в её списке «{label}» от {on})",
        "adverse": "противная сторона",
    },
    "ko": {
        "bureau": "전쟁포로 국가정보국",
        "title": "문의에 대한 회신",
        "dear": "{name} 님께", "dear_none": "귀하께",
        "asked": "귀하께서는 다음 분에 관하여 문의하셨습니다: {sought}.",
        "ref": "귀하의 참조 번호: {ref}. 당국 참조 번호: {ours}. 문의 접수일: {received}.",
        "held": "{name} 님은 {held_by}에 수용되어 있습니다{place}.",
        "not_held": "{name}: {fate}.",
        "deceased": "깊은 유감과 함께 {name} 님이 사망하였음을 알려드립니다.",
        "not_yet_found": "문의하신 분을 아직 찾지 못했습니다. 문의는 계속 열려 있으며, 새로운 사실을 알게 되는 "
                         "대로 다시 연락드리겠습니다.",
        "withheld": "현재 이 분에 관한 정보를 전달할 수 없습니다. 문의는 기록으로 보관됩니다.",
        "identity": "이 회신의 대상자", "health": "건강 상태 (포로 카드 기준)",
        "fate": "상태", "place": "장소", "held_by": "억류 주체",
        "rule": "이 회신은 1949년 제3차 제네바협약 제122조 및 제123조에 따라 드립니다.",
        "sign": "국가정보국", "date": "날짜",
        "us": "본국(억류국)", "them": "상대국 (그 명단 “{label}”({on})에 기재됨)",
        "adverse": "상대국",
    },
}

#: Identity items as the letter labels them (the whitelists of ``domain.enquiry``).
ITEMS: dict[str, dict[str, str]] = {
    "name_full": {"en": "Name", "uk": "Ім’я", "ru": "Имя", "ko": "성명"},
    "surname": {"en": "Surname", "uk": "Прізвище", "ru": "Фамилия", "ko": "성"},
    "given_name": {"en": "Given names", "uk": "Ім’я", "ru": "Имя", "ko": "이름"},
    "patronymic": {"en": "Patronymic", "uk": "По батькові", "ru": "Отчество", "ko": "부칭"},
    "rank": {"en": "Rank", "uk": "Військове звання", "ru": "Воинское звание", "ko": "계급"},
    "service_number": {"en": "Service number", "uk": "Особистий номер", "ru": "Личный номер", "ko": "군번"},
    "birth_date": {"en": "Date of birth", "uk": "Дата народження", "ru": "Дата рождения", "ko": "생년월일"},
    "birth_place": {"en": "Place of birth", "uk": "Місце народження", "ru": "Место рождения", "ko": "출생지"},
    "serving_power": {"en": "Power on which he depends", "uk": "Держава, від якої він залежить",
                      "ru": "Держава, от которой он зависит", "ko": "소속 국가"},
    "father_given_name": {"en": "Father's first name", "uk": "Ім’я батька", "ru": "Имя отца", "ko": "아버지의 이름"},
    "mother_maiden_name": {"en": "Mother's maiden name", "uk": "Дівоче прізвище матері",
                           "ru": "Девичья фамилия матери", "ko": "어머니의 결혼 전 성"},
    "next_of_kin": {"en": "Next of kin", "uk": "Найближчі родичі", "ru": "Ближайшие родственники", "ko": "가까운 친족"},
    "unit": {"en": "Unit", "uk": "Військова частина", "ru": "Воинская часть", "ko": "소속 부대"},
}

FATES: dict[str, dict[str, str]] = {
    "captured": {"en": "captured", "uk": "взятий у полон", "ru": "взят в плен", "ko": "포로로 잡힘"},
    "registered": {"en": "registered as a prisoner of war", "uk": "зареєстрований як військовополонений",
                   "ru": "зарегистрирован как военнопленный", "ko": "전쟁포로로 등록됨"},
    "interned": {"en": "interned in a camp", "uk": "утримується в таборі", "ru": "содержится в лагере",
                 "ko": "수용소에 수용됨"},
    "hospitalised": {"en": "in hospital", "uk": "у шпиталі", "ru": "в госпитале", "ko": "병원에 입원 중"},
    "transferring": {"en": "being transferred", "uk": "переводиться до іншого місця",
                     "ru": "переводится в другое место", "ko": "이송 중"},
    "status_in_doubt": {"en": "held while a tribunal determines his status",
                        "uk": "утримується до рішення трибуналу про його статус",
                        "ru": "содержится до решения трибунала о его статусе", "ko": "지위 결정 심판 중 억류됨"},
    "held_by_adverse_power": {"en": "held by the adverse Power", "uk": "утримується протилежною стороною",
                              "ru": "содержится противной стороной", "ko": "상대국에 억류됨"},
    "escaped": {"en": "escaped", "uk": "втік", "ru": "бежал", "ko": "탈출함"},
    "repatriated": {"en": "repatriated", "uk": "репатрійований", "ru": "репатриирован", "ko": "본국으로 송환됨"},
    "returned": {"en": "returned home", "uk": "повернувся додому", "ru": "вернулся домой", "ko": "귀국함"},
    "released": {"en": "released", "uk": "звільнений", "ru": "освобождён", "ko": "석방됨"},
    "transferred_to_power": {"en": "transferred to another Power", "uk": "переданий іншій державі",
                             "ru": "передан другой Державе", "ko": "다른 국가로 이송됨"},
    "deceased": {"en": "deceased", "uk": "помер", "ru": "умер", "ko": "사망"},
    "whereabouts_unknown": {"en": "whereabouts unknown", "uk": "місцеперебування невідоме",
                            "ru": "местонахождение неизвестно", "ko": "소재 불명"},
    "missing": {"en": "missing", "uk": "зниклий безвісти", "ru": "пропал без вести", "ko": "실종"},
}

HEALTH: dict[str, dict[str, str]] = {
    "good_health": {"en": "good health", "uk": "здоровий", "ru": "здоров", "ko": "건강 양호"},
    "not_wounded": {"en": "not wounded", "uk": "не поранений", "ru": "не ранен", "ko": "부상 없음"},
    "recovered": {"en": "recovered", "uk": "одужав", "ru": "выздоровел", "ko": "회복됨"},
    "convalescent": {"en": "convalescent", "uk": "одужує", "ru": "выздоравливает", "ko": "요양 중"},
    "sick": {"en": "sick", "uk": "хворий", "ru": "болен", "ko": "질병"},
    "slightly_wounded": {"en": "slightly wounded", "uk": "легко поранений", "ru": "легко ранен", "ko": "경상"},
    "seriously_wounded": {"en": "seriously wounded", "uk": "тяжко поранений", "ru": "тяжело ранен", "ko": "중상"},
}

_THEIR_LIST = re.compile(r"^the adverse Power \(named on its list '(?P<label>.*)' of (?P<on>\d{4}-\d{2}-\d{2})\)$")
_OURS = "the Detaining Power (this National Information Bureau)"


def language_of(lang: str) -> str:
    """``lang`` when the letters exist in it, else English."""
    return lang if lang in TEXT else "en"


def held_by_text(held_by: str, lang: str) -> str:
    """The holder as the answer names it (``services.enquiries``' English phrases), in ``lang``."""
    t = TEXT[language_of(lang)]
    if held_by == _OURS:
        return t["us"]
    m = _THEIR_LIST.match(held_by)
    if m:
        return t["them"].format(label=m["label"], on=m["on"])
    return t["adverse"] if held_by == "the adverse Power" else held_by


@dataclass(frozen=True)
class ReplyLetter:
    """A reply letter as data: ``language``, ``title``, ``salutation``, ``paragraphs``, ``identity`` ((label,
    value) pairs) under ``identity_heading``, ``facts`` ((label, value): status, holder, place, health), ``closing`` lines."""

    language: str
    title: str
    bureau: str
    salutation: str
    paragraphs: tuple[str, ...]
    identity_heading: str = ""
    identity: tuple[tuple[str, str], ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    closing: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        """Plain data for JSON."""
        return {"language": self.language, "title": self.title, "bureau": self.bureau,
                "salutation": self.salutation, "paragraphs": list(self.paragraphs),
                "identity_heading": self.identity_heading,
                "identity": [{"label": a, "value": b} for a, b in self.identity],
                "facts": [{"label": a, "value": b} for a, b in self.facts], "closing": list(self.closing)}


def main_sentence(sent: dict, language: str, sought: str = "?") -> str:
    """The answer's one sentence in ``language`` (the letter's heart, also stored with the answer): where he is
    held and by whom, that he is free, has died, is not yet found, or that nothing can be passed on."""
    lang = language_of(language)
    t = TEXT[lang]
    ident = sent.get("identity") or {}
    name = ident.get("name_full") or " ".join(v for v in (ident.get("surname"), ident.get("given_name")) if v) \
        or sought
    outcome = sent.get("outcome", "not_yet_found")
    fate = sent.get("fate", "")
    place = f" ({sent['place']})" if sent.get("place") else ""
    if outcome == "found" and (fate in HELD or not fate):
        return t["held"].format(name=name, held_by=held_by_text(sent.get("held_by", ""), lang), place=place)
    if outcome == "found":
        return t["not_held"].format(name=name, fate=FATES.get(fate, {}).get(lang, fate.replace("_", " ")))
    if outcome in ("deceased", "withheld"):
        return t[outcome].format(name=name)
    return t["not_yet_found"]


def build_letter(sent: dict, *, language: str, enquirer_name: str, sought: str, reference: str, ours: str,
                 received: str, dated: str) -> ReplyLetter:
    """The letter for an answer ``sent`` (``Answer.sent()``: audience, outcome, identity, fate, held_by, place,
    health) in ``language`` (uk, ru, ko, en; others get English). Only ``sent`` fills it: nothing withheld can
    appear. ``received`` and ``dated`` are ISO dates."""
    lang = language_of(language)
    t = TEXT[lang]
    ident = sent.get("identity") or {}
    outcome = sent.get("outcome", "not_yet_found")
    fate = sent.get("fate", "")
    main = main_sentence(sent, lang, sought)
    paragraphs = [t["asked"].format(sought=sought),
                  t["ref"].format(ref=reference or "—", ours=ours, received=received), main]
    identity = tuple((ITEMS[p][lang] if p in ITEMS else p.replace("_", " "), v) for p, v in ident.items())
    facts: list[tuple[str, str]] = []
    if outcome in ("found", "deceased"):
        if fate:
            facts.append((t["fate"], FATES.get(fate, {}).get(lang, fate.replace("_", " "))))
        if sent.get("held_by") and fate in HELD:
            facts.append((t["held_by"], held_by_text(sent["held_by"], lang)))
        if sent.get("place"):
            facts.append((t["place"], sent["place"]))
        if sent.get("health"):
            facts.append((t["health"], ", ".join(HEALTH.get(h, {}).get(lang, h) for h in sent["health"])))
    return ReplyLetter(lang, t["title"], t["bureau"], t["dear"].format(name=enquirer_name) if enquirer_name
                       else t["dear_none"], tuple(paragraphs), t["identity"],
                       identity if outcome in ("found", "deceased") else (), tuple(facts), (t["rule"], f"{t['date']}: {dated}", t["sign"]))


def render_html(letter: ReplyLetter) -> str:
    """The letter as one HTML page (``templates/reply_letter.html``)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("reply_letter.html").render(letter=letter)


def letter_pdf(letter: ReplyLetter) -> bytes:
    """The letter as PDF (A4, WeasyPrint). Hangul needs a CJK font installed (Debian ``fonts-nanum``)."""
    from weasyprint import HTML  # imported here: slow to load, and only the PDF needs it

    pdf: bytes = HTML(string=render_html(letter), base_url=str(TEMPLATES)).write_pdf()
    return pdf
