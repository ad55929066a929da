"""Capture cards (GC III Art. 70, Annex IV B) from the registry: fields chosen, names in two scripts, PDF export.

The card carries what the prisoner himself declares (Art. 17, 70): a document in another man's name does not
fill it. Names appear in their original script and in Latin; the only health data is the card's health box."""

from __future__ import annotations

import hashlib
from ..domain.messages import Msg
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from ..io.paths import writable_dir
from ..domain.errors import NotFound, ValidationFailed
from ..domain.person import new_id
from ..domain.statement import SOURCE_PRIORITY, Statement
from ..domain.roles import Actor, require
from ..io.cards import CaptureCard, TwoScripts, card_languages, cards_pdf_bytes
from .. import names
from ..names.cyrillic import to_latin as cyrillic_to_latin
from ..names.korean import romanize
from ..domain.countries import country_name
from ..store import audit, custody_repo as crepo, documents_repo as drepo, notify_repo as nrepo, repositories as repo
from ..store.tables import persons
from ..store.uow import UnitOfWork

#: Properties a card or an outgoing notification may take from the registry.
CARD_PROPS = ("surname", "given_name", "patronymic", "name_full", "father_given_name", "birth_date", "birth_place",
              "rank", "service_number", "serving_power", "next_of_kin", "capture_date", "capture_place", "unit",
              "mother_maiden_name")
_DECLARED = ("icrc_confirmed", "self_declared")


def declared_values(stmts: Iterable[Statement], retracted: Iterable[str] = ()) -> dict[str, str]:
    """The best value of each property for what the prisoner declares: ICRC-confirmed, then self-declared, then
    other sources by ``SOURCE_PRIORITY`` — except that document values are ignored when the person declared a
    name of his own (the document may be another man's, as in the motivating case). Aliases are skipped."""
    gone = set(retracted)
    active = [s for s in stmts if s.id not in gone and not s.alias]
    own_name = any(s.prop in ("name_full", "surname") and s.source_kind in _DECLARED for s in active)

    def rank(s: Statement) -> tuple[int, float]:
        if s.source_kind in _DECLARED:
            return (_DECLARED.index(s.source_kind), -s.recorded_at.timestamp())
        pr = SOURCE_PRIORITY.index(s.source_kind) if s.source_kind in SOURCE_PRIORITY else 99
        return (len(_DECLARED) + pr, -s.recorded_at.timestamp())

    out: dict[str, str] = {}
    for s in sorted(active, key=rank):
        if not (own_name and s.source_kind == "document"):
            out.setdefault(s.prop, s.value)
    return out


def _fallback(text: str) -> str:
    words = []
    for w in text.split():
        if any("\uac00" <= ch <= "\ud7a3" for ch in w):
            w = romanize(w)
        elif any("\u0400" <= ch <= "\u04ff" for ch in w):
            w = cyrillic_to_latin(w)
        words.append(w[:1].upper() + w[1:])
    return " ".join(words)


def _is_latin(text: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def latin(text: str, serving_power: str = "") -> str:
    """A Latin form of ``text`` for the card and the CTA: Hangul in the DPRK system for a person serving the DPRK
    (``KP``) and in Revised Romanization otherwise; Cyrillic in the Russian passport (ICAO) system; Latin text
    unchanged. Spellings come from ``names.variants``; a plain syllable-by-syllable transliteration otherwise."""
    if _is_latin(text):
        return text
    spellings = names.variants(text).get("spellings", {})
    for system in (("dprk",) if serving_power.upper() == "KP" else ()) + ("revised_romanization", "ru_passport_icao"):
        value = spellings.get(system)
        if value and _is_latin(value):
            return value
    return _fallback(text)


def latin_parts(surname: str, given: str | None, serving_power: str = "") -> tuple[str, str | None]:
    """Latin (surname, given names): a Korean name is romanized whole (surname first), then split."""
    if given and all("\uac00" <= ch <= "\ud7a3" for ch in surname + given):
        whole = latin(surname + given, serving_power)
        head, _, rest = whole.partition(" ")
        if rest:
            return head, rest
    return latin(surname, serving_power), latin(given, serving_power) if given else None


def two(text: str | None, serving_power: str = "", latin_form: str | None = None) -> TwoScripts | None:
    """A name in its original script with its Latin form (None for no name)."""
    return TwoScripts(text, latin_form or latin(text, serving_power)) if text else None


def _split(full: str) -> tuple[str, str]:
    """(surname, given names) of a full name: Korean one-syllable surname first, otherwise first word."""
    full = full.strip()
    if " " not in full and all("\uac00" <= ch <= "\ud7a3" for ch in full) and len(full) >= 2:
        return full[0], full[1:]
    head, _, rest = full.partition(" ")
    return head, rest


def name_parts(values: dict[str, str]) -> tuple[str | None, str | None]:
    """(surname, given names) from declared values: the recorded parts, else split from the full name."""
    surname, given = values.get("surname"), values.get("given_name")
    if not surname and values.get("name_full"):
        surname, rest = _split(values["name_full"])
        given = given or rest or None
    return surname, given


def card_for(conn: Connection, person_id: str, today: datetime | None = None) -> CaptureCard:
    """The capture card of detainee ``person_id`` from the registry: his own declared identity (a document judged
    another man's never fills it), the serving power by name (item 1) and his prisoner number (item 12, Annex IV B;
    the internal id only when he has none yet). Raises ``NotFound``, ``ValidationFailed``."""
    p = repo.get_person(conn, person_id)
    if p is None or p["kind"] != "detainee":
        raise NotFound(Msg("no detainee with id {person_id!r}; capture cards are for prisoners we hold", person_id=person_id))
    from .registry import _counting

    ss = repo.statements_for(conn, [person_id])[person_id]
    counting, _, _ = _counting(conn, ss)  # a document judged another man's says nothing about him
    v = declared_values(counting, repo.retracted_ids(conn, [s.id for s in ss]))
    surname, given = name_parts(v)
    if not surname:
        raise ValidationFailed(Msg("{person_id} has no name recorded; register his name before printing his card", person_id=person_id))
    given = " ".join(x for x in (given, v.get("patronymic")) if x) or None
    sp = v.get("serving_power", "")
    sur_latin, given_latin = latin_parts(surname, given, sp)
    history = repo.status_history(conn, person_id)
    camps = [e for e in history if e.to_status == "interned"]
    med = crepo.latest_medical(conn, [person_id]).get(person_id)
    return CaptureCard(
        person_id=person_id, serving_power=country_name(sp), surname=two(surname, sp, sur_latin),
        given_names=two(given, sp, given_latin) or TwoScripts("—"),
        father_given_name=two(v.get("father_given_name"), sp), birth_date=v.get("birth_date", ""),
        birth_place=two(v.get("birth_place"), sp), rank=v.get("rank", ""), service_number=v.get("service_number", ""),
        family_address=v.get("next_of_kin", ""), taken_prisoner_on=v.get("capture_date", ""),
        coming_from=v.get("capture_place", ""),
        health=frozenset(m for m in (med["health_box"].split(",") if med else []) if m),
        prisoner_number=drepo.prisoner_number_of(conn, person_id) or p["external_id"] or person_id, camp=camps[-1].place if camps else "",
        card_date=(today or datetime.now(UTC)).date(), languages=card_languages(v.get("language"), sp),
    )


def capture_cards(uow: UnitOfWork, actor: Actor, person_ids: Iterable[str] | None = None) -> list[CaptureCard]:
    """Cards of ``person_ids`` (default: every detainee still held or ever held). ``notify.read``."""
    require(actor, "notify.read")
    with uow.read() as conn:
        ids = list(person_ids) if person_ids is not None else list(
            conn.execute(select(persons.c.id).where(persons.c.kind == "detainee").order_by(persons.c.id)).scalars())
        return [card_for(conn, pid) for pid in ids]


def cards_for_cta(uow: UnitOfWork, actor: Actor, person_ids: Iterable[str], *, record_sent: bool = False,
                  languages: Sequence[str] | None = ("en", "fr"), today: date | None = None) -> dict:
    """The capture cards of ``person_ids`` (duplicates ignored, order kept) as one PDF, one page per card.

    Merely printing them changes nothing but the audit log (``notify.read``). With ``record_sent`` (the user says
    the cards go to the CTA; ``notify.export``) the PDF is kept in the sent log and each person's capture card is
    recorded as sent — every card obligation due for him (GC III Art. 70: arrival, transfer, hospital, sickness)
    by its event, or, when none is due, one card sent that day — so it leaves the due list; one transaction.
    Returns ``{pdf: bytes, filename, cards, persons, export_id (None unless recorded)}``. Raises
    ``ValidationFailed`` (no person chosen, or one not yet named), ``NotFound``, ``PermissionDenied``."""
    from . import notify

    ids = list(dict.fromkeys(p for p in person_ids if p))
    require(actor, "notify.export" if record_sent else "notify.read")
    if not ids:
        raise ValidationFailed(Msg("choose at least one detainee whose capture card to print"))
    cards = capture_cards(uow, actor, ids)
    pdf = cards_pdf_bytes(cards, languages=languages)
    now = datetime.now(UTC)
    today = today or now.date()
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    filename = f"capture-cards-{stamp}.pdf"
    export_id = new_id() if record_sent else None
    with uow.transaction() as conn:
        if export_id is None:
            audit.append(conn, actor=actor.name, action="cards.download", target=filename,
                         detail={"cards": len(cards), "persons": ids[:200]})
        else:
            due = [d for d in notify._dues(conn, today) if d.kind == "capture_card" and d.person_id in set(ids)]
            rows = [{"person_id": d.person_id, "kind": "capture_card", "event_ref": d.event_ref} for d in due]
            covered = {d.person_id for d in due}
            rows += [{"person_id": p, "kind": "capture_card", "event_ref": None} for p in ids if p not in covered]
            digest = hashlib.sha256(pdf).hexdigest()
            nrepo.insert_export(conn, {
                "id": export_id, "kind": "capture_cards", "filename": filename, "media_type": "application/pdf",
                "content": pdf, "sha256": digest, "count": len(cards), "signing_key": None,
                "created_by": actor.name, "created_at": now})
            nrepo.record_sent(conn, rows, export_id=export_id, sent_on=today, sent_by=actor.name, sent_at=now)
            audit.append(conn, actor=actor.name, action="cards.export", target=export_id,
                         detail={"cards": len(cards), "file": filename, "sha256": digest, "sent": len(rows),
                                 "persons": ids[:200]})
    return {"pdf": pdf, "filename": filename, "cards": len(cards), "persons": ids, "export_id": export_id}


def export_cards(uow: UnitOfWork, actor: Actor, out_dir: Path | str, person_ids: Iterable[str] | None = None, *,
                 languages: Sequence[str] | None = ("en", "fr"), record_sent: bool = False) -> dict:
    """Write the cards of ``person_ids`` (default: every detainee) as one PDF ``capture-cards-<UTC stamp>.pdf`` in
    ``out_dir`` (WeasyPrint; labels in ``languages`` side by side, or None: each card in Ukrainian, the prisoner's
    language and English, see ``io.cards.card_languages``); with ``record_sent``, keep it in the sent log and record
    the cards as sent to the CTA, as ``cards_for_cta`` does. Returns its path, the number of cards, the persons
    and the export id. ``notify.export``; the export is audited."""
    require(actor, "notify.export")
    if person_ids is None:
        with uow.read() as conn:
            person_ids = list(conn.execute(select(persons.c.id).where(persons.c.kind == "detainee")
                                           .order_by(persons.c.id)).scalars())
        if not person_ids:
            raise ValidationFailed(Msg("no detainee to print a capture card for"))
    out = writable_dir(out_dir, what="--out")
    out.mkdir(parents=True, exist_ok=True)
    r = cards_for_cta(uow, actor, person_ids, record_sent=record_sent, languages=languages)
    path = out / r["filename"]
    path.write_bytes(r["pdf"])
    return {"pdf": str(path), "cards": r["cards"], "persons": r["persons"], "export_id": r["export_id"]}


def card_pdf(uow: UnitOfWork, actor: Actor, person_id: str, *, languages: Sequence[str] | None = None) -> bytes:
    """The capture card of detainee ``person_id`` as PDF bytes (one page; labels side by side in ``languages``,
    default the bureau's Ukrainian, the prisoner's own language and English for the CTA), for a
    download from his page. ``notify.read``; the download is audited. Raises ``NotFound``, ``ValidationFailed``
    (no name yet), ``PermissionDenied``."""
    require(actor, "notify.read")
    with uow.read() as conn:
        card = card_for(conn, person_id)
    pdf = cards_pdf_bytes([card], languages=languages)
    with uow.transaction() as conn:
        audit.append(conn, actor=actor.name, action="cards.download", target=person_id, detail={"cards": 1})
    return pdf
