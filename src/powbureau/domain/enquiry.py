"""Enquiries about a person's fate, their states, and what an answer may disclose to whom.

Families, the CTA, National Societies and the Power on which a prisoner depends ask; the bureau must answer
(GC III Art. 122(7), 123). The disclosure rule is a whitelist: never a wish, never medical details beyond the
capture card's health box, nothing the prisoner chose not to give beyond Art. 17's four items."""

from __future__ import annotations

from .messages import Msg
from dataclasses import dataclass
from datetime import date

from .dates import PartialDate, parse_written_date
from .errors import IllegalTransition, ValidationFailed

CHANNELS: tuple[str, ...] = ("hotline", "letter", "cta", "serving_power", "national_society")
SIDES: tuple[str, ...] = ("own", "enemy")  # our own serviceman, or an enemy soldier (a prisoner we may hold)
STATES: tuple[str, ...] = ("open", "possible_hit", "answered", "closed")
OUTCOMES: tuple[str, ...] = ("found", "not_yet_found", "deceased")
#: state -> states it may move to. ``answered``/``closed`` go back to open or possible_hit when new
#: information arrives (a reopened enquiry, GC III Art. 122(7): the bureau answers every enquiry).
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"possible_hit", "answered"}),
    "possible_hit": frozenset({"open", "answered"}),
    "answered": frozenset({"closed", "open", "possible_hit"}),
    "closed": frozenset({"open", "possible_hit"}),
}
JUDGEMENTS: tuple[str, ...] = ("confirmed", "rejected")
MAX_TEXT = 500
ANSWER_RULE = "GC III Art. 17, 122, 123"  # as sent: the rule names no wish (never-rule b)

#: GC III Art. 17: the four items a prisoner must give (surname, first names and rank, date of birth, number).
ART17_ITEMS: frozenset[str] = frozenset({"name_full", "surname", "given_name", "rank", "birth_date",
                                         "service_number"})
#: GC III Art. 122(4): what the Power on which he depends receives (subject to Art. 17).
ART122_ITEMS: tuple[str, ...] = ("name_full", "surname", "given_name", "patronymic", "rank", "service_number",
                                 "birth_date", "birth_place", "serving_power", "father_given_name",
                                 "mother_maiden_name", "next_of_kin")
#: What a family is told about identity, so that it knows the answer is about its own man.
FAMILY_ITEMS: tuple[str, ...] = ("name_full", "surname", "given_name", "patronymic", "rank", "birth_date",
                                 "birth_place", "father_given_name", "unit")
#: Health box marks of the capture card (Annex IV B item 11) the Power receives: the seriously wounded
#: (Art. 122(6) asks for the state of health of the seriously ill and wounded).
POWER_HEALTH: frozenset[str] = frozenset({"seriously_wounded"})
HEALTH_BOX: frozenset[str] = frozenset({"good_health", "not_wounded", "recovered", "convalescent", "sick",
                                        "slightly_wounded", "seriously_wounded"})


@dataclass(frozen=True)
class Enquirer:
    """Who asks: ``name``, ``relationship`` (mother, wife, …; the Power or society for institutions),
    ``contact`` (address, telephone), ``language`` (ISO 639-1, the reply's language) and ``consent`` to pass
    their details on to the prisoner or the tracing partners."""

    name: str = ""
    relationship: str = ""
    contact: str = ""
    language: str = "en"
    consent: bool = False


@dataclass(frozen=True)
class Sought:
    """About whom: ``names`` in any script as the enquirer writes them, ``birth_date`` at its precision,
    ``birth_place``, ``father_given_name``, ``unit``, ``service_number``, last seen where and when, and
    ``side`` (own: our serviceman; enemy: a soldier of the other side we may hold)."""

    names: tuple[str, ...]
    birth_date: PartialDate | None = None
    birth_place: str = ""
    father_given_name: str = ""
    unit: str = ""
    service_number: str = ""
    last_seen_place: str = ""
    last_seen_date: PartialDate | None = None
    side: str | None = None


@dataclass(frozen=True)
class Enquiry:
    """One enquiry: its ``channel`` (CHANNELS), the enquirer, the sought person, and ``reference`` (the
    hotline's or letter's own number)."""

    channel: str
    enquirer: Enquirer
    sought: Sought
    reference: str = ""


#: Bidirectional embedding, override and isolate controls (Unicode TR 9): never part of a name or an address.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _text(name: str, value: str | None) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 or ch in _BIDI for ch in value or ""):
        raise ValidationFailed(Msg("{prop}: the value holds control characters (e.g. a NUL byte); remove them",
                                   prop=name))
    value = " ".join((value or "").split())
    if len(value) > MAX_TEXT:
        raise ValidationFailed(Msg("{name}: {count} characters is longer than {MAX_TEXT}; shorten it", name=name, count=len(value), MAX_TEXT=MAX_TEXT))
    return value


def _date(name: str, value: str | None) -> PartialDate | None:
    if not value or not value.strip():
        return None
    try:
        pd = parse_written_date(value.strip())
    except ValidationFailed as exc:
        raise ValidationFailed(Msg("{name}: {message}", name=name, message=exc.message)) from None
    if pd.earliest() > date.today():  # nobody was born, or last seen, in the future
        raise ValidationFailed(Msg("{prop}: {value!r} is in the future; check the date", prop=name,
                                   value=value.strip()))
    return pd


def _consent(value: str | bool | None) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    v = value.strip().lower()
    if v in ("", "0", "no", "n", "false", "ні", "нет", "아니오"):
        return False
    if v in ("1", "yes", "y", "true", "так", "да", "예"):
        return True
    raise ValidationFailed(Msg("consent: {value!r} is not yes or no; write yes or no", value=value))


def new_enquiry(values: dict[str, str | bool | None]) -> Enquiry:
    """Build an ``Enquiry`` from plain ``values`` (keys: channel, reference, enquirer_name,
    enquirer_relationship, enquirer_contact, enquirer_language, consent, names (list or ``;``-separated) or
    name_full/surname/given_name, birth_date, birth_place, father_given_name, unit, service_number,
    last_seen_place, last_seen_date, side). Raises ``ValidationFailed`` naming the field and the fix."""
    channel = str(values.get("channel") or "").strip().lower()
    if channel not in CHANNELS:
        raise ValidationFailed(Msg("channel: {value!r} is not one of {items}", value=channel or '(empty)', items=', '.join(CHANNELS)))
    raw = values.get("names")
    names = [str(n) for n in raw] if isinstance(raw, (list, tuple)) else str(raw or "").split(";")
    parts = " ".join(str(values.get(k) or "").strip() for k in ("surname", "given_name") if values.get(k))
    names = [_text("names", n) for n in [*names, str(values.get("name_full") or ""), parts] if n and n.strip()]
    if not names:
        raise ValidationFailed(Msg("names: the enquiry names nobody; give the sought person's name in any script"))
    side = str(values.get("side") or "").strip().lower() or None
    if side is not None and side not in SIDES:
        raise ValidationFailed(Msg("side: {side!r} is not one of {items} (own serviceman / enemy soldier)", side=side, items=', '.join(SIDES)))
    lang = str(values.get("enquirer_language") or "en").strip().lower()
    if len(lang) != 2 or not lang.isalpha():
        raise ValidationFailed(Msg("enquirer_language: {lang!r} is not an ISO 639-1 code such as uk, ru, ko, en", lang=lang))
    enquirer = Enquirer(_text("enquirer_name", values.get("enquirer_name")),  # type: ignore[arg-type]
                        _text("enquirer_relationship", values.get("enquirer_relationship")),  # type: ignore[arg-type]
                        _text("enquirer_contact", values.get("enquirer_contact")),  # type: ignore[arg-type]
                        lang, _consent(values.get("consent")))  # type: ignore[arg-type]
    sought = Sought(tuple(dict.fromkeys(names)), _date("birth_date", values.get("birth_date")),  # type: ignore[arg-type]
                    *(_text(k, values.get(k)) for k in ("birth_place", "father_given_name", "unit",  # type: ignore[arg-type]
                                                        "service_number", "last_seen_place")),
                    _date("last_seen_date", values.get("last_seen_date")), side)  # type: ignore[arg-type]
    return Enquiry(channel, enquirer, sought, _text("reference", values.get("reference")))  # type: ignore[arg-type]


def next_state(current: str, target: str) -> str:
    """``target`` when an enquiry in ``current`` may move there (TRANSITIONS); raises ``IllegalTransition``
    saying which moves are allowed."""
    if target not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, frozenset()))) or "none"
        raise IllegalTransition(Msg("an enquiry cannot go from {current} to {target}; allowed from {current}: {allowed}", current=current, target=target, allowed=allowed))
    return target


def audience_of(channel: str) -> str:
    """Whom an answer addresses: ``power`` for the Power on which the prisoner depends and the CTA (which
    forwards to it, Art. 123), ``family`` for families, letters and National Societies.

    A third State is neither. The Republic of Korea asking about a DPRK soldier we hold is not the Power on which
    he depends (the DPRK is: only it receives the Art. 122(4) particulars, through the Protecting Power and the
    Agency, Art. 122(3), 123) and not his family. It asks through its National Red Cross Society
    (``national_society``) and is answered as a family is: his fate and whereabouts, the identity needed to
    recognise him and his capture card's health box (Art. 122(7): every enquiry is answered), subject to his own
    choice about informing his family, and never his wish about repatriation, which could reach the DPRK and
    endanger him and his relatives (never-rule b)."""
    return "power" if channel in ("serving_power", "cta") else "family"


@dataclass(frozen=True)
class PersonFacts:
    """What the bureau knows of the person an answer is about. ``values``: property -> value (the resolved
    view; any property, the whitelist decides); ``status`` (life cycle), ``held_by`` (the detaining Power or
    the counterpart whose list names him), ``place`` (camp, hospital), ``health_box`` (capture-card marks),
    ``declined`` (properties he chose not to give), ``inform_family`` (his own choice; None = not asked)."""

    values: dict[str, str]
    status: str
    held_by: str = ""
    place: str = ""
    health_box: frozenset[str] = frozenset()
    declined: frozenset[str] = frozenset()
    inform_family: bool | None = None


@dataclass(frozen=True)
class Answer:
    """What may be told: ``outcome`` (OUTCOMES or ``withheld``), ``identity`` ((property, value) pairs),
    ``fate`` (the status), ``held_by``, ``place``, ``health`` (health box marks), ``withheld`` (properties
    left out, for the bureau's file, never sent) and the ``rule``."""

    audience: str
    outcome: str
    identity: tuple[tuple[str, str], ...] = ()
    fate: str = ""
    held_by: str = ""
    place: str = ""
    health: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()
    rule: str = ANSWER_RULE

    def sent(self) -> dict:
        """The answer as it leaves the bureau (``withheld`` is not part of it)."""
        return {"audience": self.audience, "outcome": self.outcome, "identity": dict(self.identity),
                "fate": self.fate, "held_by": self.held_by, "place": self.place, "health": list(self.health),
                "rule": self.rule}


DEAD = frozenset({"deceased"})


def outcome_of(facts: PersonFacts | None) -> str:
    """``not_yet_found`` without a confirmed person, ``deceased`` for the dead, ``found`` otherwise."""
    if facts is None:
        return "not_yet_found"
    return "deceased" if facts.status in DEAD else "found"


def disclose(channel: str, facts: PersonFacts | None) -> Answer:
    """What an enquirer who asked through ``channel`` may be told of ``facts`` (None: nobody confirmed yet).

    Family (hotline, letter, National Society): fate and whereabouts, the identity items of FAMILY_ITEMS, all
    health box marks; nothing he declined beyond Art. 17's four items; when he chose not to inform his family,
    only ``withheld``. The Power on which he depends and the CTA: ART122_ITEMS (less what he declined beyond
    Art. 17), fate and place, the seriously wounded mark only (Art. 122(4)-(6)). Never a wish, a note, or a
    medical detail: those properties are not on any whitelist (GC III Art. 17, 70, 122, 123; never-rule b)."""
    audience = audience_of(channel)
    outcome = outcome_of(facts)
    if facts is None:
        return Answer(audience, outcome)
    if audience == "family" and facts.inform_family is False:
        return Answer(audience, "withheld", withheld=tuple(sorted(facts.values)))
    items = FAMILY_ITEMS if audience == "family" else ART122_ITEMS
    allowed = [p for p in items if p in facts.values and (p in ART17_ITEMS or p not in facts.declined)]
    health = sorted(facts.health_box & HEALTH_BOX) if audience == "family" else sorted(facts.health_box & POWER_HEALTH)
    return Answer(audience, outcome, tuple((p, facts.values[p]) for p in allowed), facts.status, facts.held_by,
                  facts.place, tuple(health), tuple(sorted(set(facts.values) - set(allowed))))


#: Statuses after which a found person is no longer held by anyone: his letter says so instead of "held by".
FREED = frozenset({"repatriated", "returned", "released"})
#: Reply letter wording per language (at least uk, ru, ko, en): outcome -> sentence; {name}, {held_by}, {place};
#: ``free`` for a found person whose status is in FREED.
LETTER: dict[str, dict[str, str]] = {
    "en": {"found": "{name} is held by {held_by}{place}.", "deceased": "We have to inform you that {name} has died.",
           "not_yet_found": "We have not yet found the person you asked about; your enquiry stays open.",
           "withheld": "We cannot pass on information about this person at present.",
           "free": "{name} is no longer in captivity."},
    "uk": {"found": "{name} перебуває під вартою: {held_by}{place}.", "deceased": "З жалем повідомляємо, що {name} помер.",
           "not_yet_found": "Ми ще не знайшли особу, про яку ви питали; ваш запит залишається відкритим.",
           "withheld": "Наразі ми не можемо передати інформацію про цю особу.",
           "free": "{name} більше не перебуває в полоні."},
    "ru": {"found": "{name} содержится под стражей: {held_by}{place}.", "deceased": "С сожалением сообщаем, что {name} умер.",
           "not_yet_found": "Мы ещё не нашли человека, о котором вы спрашивали; ваш запрос остаётся открытым.",
           "withheld": "Сейчас мы не можем передать сведения об этом человеке.",
           "free": "{name} больше не находится в плену."},
    "ko": {"found": "{name} 님은 {held_by}에 수용되어 있습니다{place}.", "deceased": "{name} 님이 사망하였음을 알려드립니다.",
           "not_yet_found": "문의하신 분을 아직 찾지 못했습니다. 문의는 계속 열려 있습니다.",
           "withheld": "현재 이 분에 관한 정보를 전달할 수 없습니다.",
           "free": "{name} 님은 더 이상 억류되어 있지 않습니다."},
}


def letter_text(answer: Answer, language: str) -> str:
    """The reply's main sentence in ``language`` (English when not in LETTER), built from the sent fields only; a
    found person whose status is in FREED is no longer in captivity, not "held by"."""
    t = LETTER.get(language, LETTER["en"])
    ident = dict(answer.identity)
    name = ident.get("name_full") or " ".join(v for v in (ident.get("surname"), ident.get("given_name")) if v)
    place = f" ({answer.place})" if answer.place else ""
    if answer.outcome == "found" and answer.fate in FREED:
        return t["free"].format(name=name or "?")
    return t.get(answer.outcome, t["not_yet_found"]).format(name=name or "?", held_by=answer.held_by or "?",
                                                            place=place)


@dataclass(frozen=True)
class FieldAgreement:
    """One line of a candidate's explanation: ``field``, the enquiry's and the candidate's value, ``level``
    (agree / close / disagree / missing) and a reader's ``note``."""

    field: str
    enquiry: str
    candidate: str
    level: str
    note: str = ""
