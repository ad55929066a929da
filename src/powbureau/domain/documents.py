"""Documents found on a person and the revisable judgement of whose they are.

A document's identity claims describe its holder, who may be someone else: the motivating case's 백광혁 carried
a Russian military ID issued to Монгуш Айдыс Сергеевич. Identity documents stay with the prisoner (GC III Art. 18);
the record says where the original is. Judgements are append-only; the latest one counts (like review edges)."""

from __future__ import annotations

from .messages import Msg, N_
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .countries import country_name, issued_by
from .errors import ValidationFailed

DOCUMENT_TYPES: dict[str, str] = {
    "military_id": N_("military ID"),
    "passport": N_("passport"),
    "identity_card": N_("identity card"),
    "identity_disc": N_("identity disc"),
    "service_record": N_("service record"),
    "driving_licence": N_("driving licence"),
    "other": N_("document"),
}

#: Where the original is (GC III Art. 18: identity documents are not taken from the prisoner; anything
#: withdrawn for safety is against a receipt).
CUSTODY: dict[str, str] = {
    "with_prisoner": N_("with the prisoner (Art. 18)"),
    "held_against_receipt": N_("held by the detaining power against a receipt (Art. 18)"),
    "with_bureau": N_("with the information bureau"),
    "lost": N_("lost"),
    "unknown": N_("unknown"),
}

JUDGEMENTS: dict[str, str] = {
    "bearer": N_("belongs to the bearer"),
    "other_person": N_("issued to another person"),
    "forged": N_("forged"),
    "unknown": N_("owner unknown"),
}

#: Judgements under which the document's claims stop counting toward the bearer's resolved view.
NOT_THE_BEARERS: frozenset[str] = frozenset({"other_person", "forged"})

#: What a document may claim about its holder (as statements with ``source_kind=document``).
CLAIM_PROPERTIES: tuple[str, ...] = (
    "name_full", "surname", "given_name", "patronymic", "birth_date", "birth_place", "unit", "service_number",
    "rank", "nationality",
)

REF_PREFIX = "document:"


def document_ref(document_id: str) -> str:
    """The ``source_ref`` of statements a document claims: ``document:<id>``."""
    return f"{REF_PREFIX}{document_id}"


def document_of(source_ref: str) -> str | None:
    """The document id a ``source_ref`` names (``document:<id>``), else None."""
    return source_ref[len(REF_PREFIX):] if source_ref.startswith(REF_PREFIX) else None


@dataclass(frozen=True)
class Document:
    """A document found on ``bearer_id``: ``doc_type`` (DOCUMENT_TYPES), ``issuing_state`` (ISO 3166 alpha-2),
    ``number``, ``issued_on`` (ISO, may be partial), ``claims`` ((property, value), ...) about its holder,
    ``found_place``/``found_on``, ``custody`` (CUSTODY) and its note, an optional scan's ``scan_sha256``.
    Raises ``ValidationFailed`` for an unknown type, custody or claim property, or no claim at all."""

    id: str
    bearer_id: str
    doc_type: str
    issuing_state: str
    number: str
    claims: tuple[tuple[str, str], ...]
    recorded_by: str
    recorded_at: datetime
    issued_on: str | None = None
    found_place: str = ""
    found_on: str | None = None
    custody: str = "with_prisoner"
    custody_note: str = ""
    scan_sha256: str | None = None
    scan_name: str | None = None

    def __post_init__(self) -> None:
        if self.doc_type not in DOCUMENT_TYPES:
            raise ValidationFailed(Msg("unknown document type {doc_type!r}; choose one of: {items}", doc_type=self.doc_type, items=', '.join(DOCUMENT_TYPES)))
        if self.custody not in CUSTODY:
            raise ValidationFailed(Msg("unknown custody {custody!r}; choose one of: {items} (GC III Art. 18: say where the original is)", custody=self.custody, items=', '.join(CUSTODY)))
        bad = [p for p, _ in self.claims if p not in CLAIM_PROPERTIES]
        if bad:
            raise ValidationFailed(Msg("a document cannot claim {items}; it may claim: {items2}", items=', '.join(bad), items2=', '.join(CLAIM_PROPERTIES)))
        if not any(v.strip() for _, v in self.claims):
            raise ValidationFailed(Msg("a document needs the identity it claims: at least --name (as written on it)"))

    def claim(self, prop: str) -> str | None:
        """The first value the document claims for ``prop``, or None."""
        return next((v for p, v in self.claims if p == prop), None)

    def holder_name(self) -> str:
        """The name written on the document: ``name_full``, else surname, given name and patronymic."""
        return self.claim("name_full") or " ".join(
            v for v in (self.claim("surname"), self.claim("given_name"), self.claim("patronymic")) if v)

    def title(self) -> str:
        """``Russian military ID АК 4417290``."""
        return " ".join(x for x in (issued_by(self.issuing_state), DOCUMENT_TYPES[self.doc_type], self.number) if x)


@dataclass(frozen=True)
class DocumentJudgement:
    """``actor`` judged at ``decided_at`` that ``document_id`` is ``judgement`` (JUDGEMENTS) because of ``reason``;
    ``holder_id`` is the person the document was issued to when that is another person. Raises
    ``ValidationFailed`` for an unknown judgement or an empty reason."""

    document_id: str
    judgement: str
    actor: str
    decided_at: datetime
    reason: str
    holder_id: str | None = None

    def __post_init__(self) -> None:
        if self.judgement not in JUDGEMENTS:
            raise ValidationFailed(Msg("unknown judgement {judgement!r}; choose one of: {items}", judgement=self.judgement, items=', '.join(JUDGEMENTS)))
        if not self.reason.strip():
            raise ValidationFailed(Msg("a judgement needs --reason: say why (e.g. photo, age, language do not fit)"))


def current(judgements: Iterable[DocumentJudgement]) -> DocumentJudgement | None:
    """The judgement that counts: the latest one (in the given order when times are equal), or None."""
    latest: DocumentJudgement | None = None
    for j in judgements:
        if latest is None or j.decided_at >= latest.decided_at:
            latest = j
    return latest


def stops_counting(judgement: DocumentJudgement | None) -> bool:
    """True when the document's claims no longer describe the bearer (judged another person's, or forged)."""
    return judgement is not None and judgement.judgement in NOT_THE_BEARERS


def statement_status(person_id: str, source_kind: str, source_ref: str,
                     judged: Mapping[str, tuple[str, DocumentJudgement | None]]) -> str:
    """How a statement counts toward its person's resolved view, given ``judged`` (document id → (bearer id,
    current judgement)): ``settled`` when the document is judged this person's (the bearer's under ``bearer``, the
    holder's under ``other_person``), ``excluded`` when it is judged someone else's or forged, ``unsettled`` for
    any other document statement (also documents recorded before documents were records of their own), ``plain``
    for statements not from a document."""
    if source_kind != "document":
        return "plain"
    doc_id = document_of(source_ref)
    bearer, j = judged.get(doc_id, ("", None)) if doc_id else ("", None)
    if j is None or j.judgement == "unknown":
        return "unsettled"
    owner = bearer if j.judgement == "bearer" else j.holder_id
    return "settled" if owner == person_id else "excluded"


def carried_line(doc: Document, judgement: DocumentJudgement | None) -> Msg:
    """What the bearer's page says of a document judged not his: ``carried the Russian military ID of Монгуш
    Айдыс Сергеевич (judged: issued to another person)``; for any other document, ``carries …`` with its state.
    A ``Msg``: the web shows it in the page's language (``country`` is the issuer's name for the translations)."""
    params = {"issuer": issued_by(doc.issuing_state), "doc_type": Msg(DOCUMENT_TYPES[doc.doc_type]),
              "holder": doc.holder_name(), "country": country_name(doc.issuing_state),
              "judgement": Msg(JUDGEMENTS[judgement.judgement] if judgement else N_("not yet judged"))}
    if stops_counting(judgement):
        return Msg("carried the {issuer} {doc_type} of {holder} (judged: {judgement})", **params)
    return Msg("carries the {issuer} {doc_type} in the name of {holder} (judged: {judgement})", **params)
