"""Document use cases: record a document found on a person, judge whose it is, list a person's documents;
and the prisoner number given at registration.

A document judged issued to another person stops describing the bearer and makes its holder a person of his own
(kind ``third_party``), searchable and matchable: his family may be looking for him (GC III Art. 122(7))."""

from __future__ import annotations

from ..domain.messages import Msg, N_
import hashlib
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, insert

from .. import names
from ..domain import documents as dd
from ..domain.countries import country_name
from ..domain.errors import NotFound, ValidationFailed
from ..domain.lifecycle import INITIAL_STATUS
from ..domain.person import new_id
from ..domain.prisoner_number import DEFAULT_PREFIX, check_prefix, format_number
from ..domain.roles import Actor, require
from ..domain.statement import NAME_PROPERTIES, Statement
from ..store import audit, documents_repo as drepo, repositories as repo
from ..store.tables import persons, statements
from ..store.uow import UnitOfWork

PREFIX_ENV = "POWBUREAU_PRISONER_PREFIX"
MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = ("image/jpeg", "image/png", "image/tiff", "application/pdf")


def prisoner_prefix() -> str:
    """The prisoner number prefix: ``POWBUREAU_PRISONER_PREFIX`` (e.g. ``UA``), default ``PW``."""
    return check_prefix(os.environ.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX)


def assign_prisoner_number(conn: Connection, person_id: str, by: str, at: datetime | None = None) -> str:
    """Give detainee ``person_id`` his prisoner number inside the caller's transaction and return it; a person who
    has one keeps it. Numbers are ``PREFIX-YEAR-NNNNNN``, the sequence per prefix only goes up (never reused).
    GC III Art. 17, 122 (registration), Annex IV B item 12 (the prisoner No. on the capture card)."""
    have = drepo.prisoner_number_of(conn, person_id)
    if have:
        return have
    at = at or datetime.now(UTC)
    prefix = prisoner_prefix()
    number = format_number(prefix, at.year, drepo.next_sequence(conn, prefix))
    drepo.add_prisoner_number(conn, person_id, number, at, by)
    audit.append(conn, actor=by, action="prisoner_number.assign", target=person_id, detail={"number": number})
    return number


def _claims(raw: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    from .registry import check_value

    out = []
    for prop, value in raw:
        if value is None or not str(value).strip():
            continue
        if prop not in dd.CLAIM_PROPERTIES:
            raise ValidationFailed(Msg("a document cannot claim {prop!r}; it may claim: {items}", prop=prop, items=', '.join(dd.CLAIM_PROPERTIES)))
        out.append((prop, check_value(prop, str(value))))
    return tuple(out)


def _optional_date(what: str, value: str | None) -> str | None:
    from .registry import check_value

    if not value or not value.strip():
        return None
    try:
        return check_value("capture_date", value)
    except ValidationFailed as exc:
        detail = exc.message.removeprefix("capture_date: ")
        raise ValidationFailed(Msg("{value} ({what}): {detail}", value=what.replace('_', '-'), what=what, detail=detail)) from None


def _claim_statements(doc: dd.Document, person_id: str, actor: Actor, at: datetime) -> list[Statement]:
    return [
        Statement(person_id, prop, value, "document", dd.document_ref(doc.id), actor.name, at, original=value,
                  script=names.detect_script(value) if prop in NAME_PROPERTIES else None)
        for prop, value in doc.claims
    ]


def _insert_statements(conn: Connection, stmts: Sequence[Statement]) -> list[tuple[str, str]]:
    """Insert ``stmts`` and index their names; returns what the audit entry covers (``("statements", id)``)."""
    from .registry import index_names

    rows = [repo.statement_row(s) for s in stmts]
    for row in rows:
        conn.execute(insert(statements).values(row))
    index_names(conn, list(stmts))
    return [("statements", row["id"]) for row in rows]


def add_document(
    uow: UnitOfWork, actor: Actor, person_id: str, *, doc_type: str, issuing_state: str, number: str,
    claims: Iterable[tuple[str, str]], issued_on: str | None = None, found_place: str = "",
    found_on: str | None = None, custody: str = "with_prisoner", custody_note: str = "",
    scan: bytes | None = None, scan_name: str | None = None, scan_type: str | None = None,
) -> dict:
    """Record a document found on ``person_id``; its ``claims`` ((property, value) as written on it: names in
    their script, birth date with its precision, place, unit, service number) become statements with
    ``source_kind=document`` and ``source_ref=document:<id>``. ``scan`` (≤ 10 MiB JPEG, PNG, TIFF or PDF) is stored
    under its SHA-256. Until judged, its identity claims rank after what the person says (``domain.resolve``).
    Returns the document as ``document_dict`` shows it. Raises ``NotFound``, ``ValidationFailed``,
    ``PermissionDenied`` (``document.write``). GC III Art. 17-18."""
    require(actor, "document.write")
    from .registry import check_value

    number = number.strip()
    if not number or len(number) > 100:
        raise ValidationFailed(Msg("--number: give the document's number as printed on it (at most 100 characters)"))
    if len(found_place) > 200 or len(custody_note) > 500:
        raise ValidationFailed(Msg("--found-place is limited to 200 characters and --custody-note to 500; shorten them"))
    sha = None
    if scan is not None:
        if not scan or len(scan) > MAX_SCAN_BYTES:
            raise ValidationFailed(Msg("--scan: the file is empty or larger than {value} MiB", value=MAX_SCAN_BYTES // 1024 // 1024))
        scan_type = scan_type or _sniff(scan)
        if scan_type not in SCAN_TYPES:
            raise ValidationFailed(Msg("--scan: {value} is not accepted; give one of {items}", value=scan_type or 'this file type', items=', '.join(SCAN_TYPES)))
        sha = hashlib.sha256(scan).hexdigest()
    at = datetime.now(UTC)
    doc = dd.Document(
        id=new_id(), bearer_id=person_id, doc_type=doc_type, issuing_state=check_value("serving_power", issuing_state),
        number=number, claims=_claims(claims), recorded_by=actor.name, recorded_at=at,
        issued_on=_optional_date("issued_on", issued_on), found_place=found_place.strip(),
        found_on=_optional_date("found_on", found_on), custody=custody, custody_note=custody_note.strip(),
        scan_sha256=sha, scan_name=(scan_name or "")[:200] or None)
    with uow.transaction() as conn:
        if repo.get_person(conn, person_id) is None:
            raise NotFound(Msg("no person with id {person_id!r}; find the full id with `powbureau search NAME --json`", person_id=person_id))
        if scan is not None and sha:
            drepo.add_scan(conn, sha, scan_type or "", scan)
        drepo.add_document(conn, doc)
        covers = _insert_statements(conn, _claim_statements(doc, person_id, actor, at))
        audit.append(conn, actor=actor.name, action="document.add", target=person_id,
                     detail={"document": doc.id, "type": doc.doc_type, "issuing_state": doc.issuing_state,
                             "claims": [p for p, _ in doc.claims], "scan_sha256": sha}, covers=covers)
        from .enquiry_hooks import after_persons_changed  # enquiries this document could answer (issue 11)

        after_persons_changed(conn, actor.name, [person_id], f"document {doc.doc_type} added")
    return document_dict(doc, [])


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def judge_document(uow: UnitOfWork, actor: Actor, document_id: str, judgement: str, reason: str) -> dict:
    """Append a judgement (``bearer`` / ``other_person`` / ``forged`` / ``unknown``) on ``document_id``, with
    ``reason``; the latest counts and any later one reverses it. ``other_person``: the claims stop counting toward
    the bearer and the named holder becomes a person of his own (kind ``third_party``, his names indexed for
    search and matching), created once and linked again on a later ``other_person``. Returns the document as
    ``document_dict`` shows it. Raises ``NotFound``, ``ValidationFailed``, ``PermissionDenied``
    (``document.judge``). DESIGN §2 "Document"; GC III Art. 17, 122(7)."""
    require(actor, "document.judge")
    at = datetime.now(UTC)
    dd.DocumentJudgement(document_id, judgement, actor.name, at, reason)  # validates before any write
    if len(reason) > 500:
        raise ValidationFailed(Msg("--reason is limited to 500 characters; shorten it"))
    with uow.transaction() as conn:
        doc = drepo.get_document(conn, document_id)
        if doc is None:
            raise NotFound(Msg("no document {document_id!r}; list a person's documents with `powbureau show PERSON_ID`", document_id=document_id))
        history = drepo.judgements_of(conn, [document_id])[document_id]
        holder = None
        if judgement == "other_person":
            holder = next((j.holder_id for j in reversed(history) if j.holder_id), None)
            if holder is None:
                holder = _new_holder(conn, doc, actor, at)
        j = dd.DocumentJudgement(document_id, judgement, actor.name, at, reason.strip(), holder)
        drepo.add_judgement(conn, j)
        audit.append(conn, actor=actor.name, action="document.judge", target=doc.bearer_id,
                     detail={"document": document_id, "judgement": judgement, "holder": holder,
                             "reason": reason.strip(),
                             "previous": history[-1].judgement if history else None})
        from .enquiry_hooks import after_persons_changed  # the named holder may be the man an enquiry seeks

        after_persons_changed(conn, actor.name, [doc.bearer_id, *([holder] if holder else [])],
                              f"document judged {judgement}")
        return document_dict(doc, [*history, j], holder_kind="third_party" if holder else None)


def _new_holder(conn: Connection, doc: dd.Document, actor: Actor, at: datetime) -> str:
    pid = new_id()
    conn.execute(insert(persons).values(id=pid, kind="third_party", status=INITIAL_STATUS["third_party"],
                                        external_id=None, list_id=None, created_at=at, created_by=actor.name))
    covers = _insert_statements(conn, _claim_statements(doc, pid, actor, at))
    audit.append(conn, actor=actor.name, action="person.create", target=pid,
                 detail={"kind": "third_party", "from_document": doc.id, "bearer": doc.bearer_id}, covers=covers)
    return pid


def document_dict(doc: dd.Document, history: Sequence[dd.DocumentJudgement], holder_kind: str | None = None) -> dict:
    """A document as plain data: its fields, the issuer's name, the current judgement, the judgement history
    (oldest first), the holder's person id (when judged another person's) and the bearer page's line."""
    cur = dd.current(history)
    holder = next((j.holder_id for j in reversed(history) if j.holder_id), None)
    return {
        "id": doc.id, "bearer_id": doc.bearer_id, "type": doc.doc_type, "type_label": dd.DOCUMENT_TYPES[doc.doc_type],
        "issuing_state": doc.issuing_state, "issuing_state_name": country_name(doc.issuing_state),
        "number": doc.number, "issued_on": doc.issued_on, "title": doc.title(), "holder_name": doc.holder_name(),
        "claims": [list(c) for c in doc.claims], "found_place": doc.found_place, "found_on": doc.found_on,
        "custody": doc.custody, "custody_label": dd.CUSTODY[doc.custody], "custody_note": doc.custody_note,
        "scan_sha256": doc.scan_sha256, "scan_name": doc.scan_name,
        "recorded_by": doc.recorded_by, "recorded_at": doc.recorded_at.isoformat(),
        "judgement": cur.judgement if cur else None,
        "judgement_label": dd.JUDGEMENTS[cur.judgement] if cur else N_("not yet judged"),
        "counts_for_bearer": not dd.stops_counting(cur),
        "holder_id": holder if cur and cur.judgement == "other_person" else None,
        "line": dd.carried_line(doc, cur),
        "judgements": [{"judgement": j.judgement, "actor": j.actor, "decided_at": j.decided_at.isoformat(),
                        "reason": j.reason, "holder_id": j.holder_id} for j in history],
    }


def judged_documents(conn: Connection, stmts: Iterable[Statement]) -> dict[str, tuple[str, dd.DocumentJudgement | None]]:
    """document id → (bearer id, current judgement or None) for every document record the statements ``stmts``
    cite (``source_ref`` ``document:<id>``)."""
    ids = {d for s in stmts if s.source_kind == "document" for d in [dd.document_of(s.source_ref)] if d}
    if not ids:
        return {}
    hist = drepo.judgements_of(conn, sorted(ids))
    out: dict[str, tuple[str, dd.DocumentJudgement | None]] = {}
    for d in sorted(ids):
        doc = drepo.get_document(conn, d)
        if doc is not None:
            out[d] = (doc.bearer_id, dd.current(hist[d]))
    return out


def documents_for(conn: Connection, person_id: str) -> dict:
    """What a person page shows of documents: ``found`` on him (as ``document_dict``) and ``issued_to_him``
    (documents carried by someone else and judged his)."""
    found = drepo.documents_of(conn, person_id)
    held = drepo.documents_held_by(conn, person_id)
    hist = drepo.judgements_of(conn, [d.id for d in found + held])
    return {"found": [document_dict(d, hist[d.id]) for d in found],
            "issued_to_him": [dict(document_dict(d, hist[d.id]), bearer_id=d.bearer_id) for d in held
                              if (c := dd.current(hist[d.id])) is not None and c.holder_id == person_id]}


def list_documents(uow: UnitOfWork, actor: Actor, person_id: str) -> dict:
    """The documents of ``person_id`` (see ``documents_for``). Raises ``NotFound``, ``PermissionDenied``."""
    require(actor, "person.read")
    with uow.read() as conn:
        if repo.get_person(conn, person_id) is None:
            raise NotFound(Msg("no person with id {person_id!r}", person_id=person_id))
        return documents_for(conn, person_id)


def get_scan(uow: UnitOfWork, actor: Actor, document_id: str) -> tuple[str, bytes, str]:
    """(media type, bytes, sha256) of a document's scan; the read is audited. Raises ``NotFound``,
    ``PermissionDenied`` (``document.scan.read``)."""
    require(actor, "document.scan.read")
    with uow.transaction() as conn:
        doc = drepo.get_document(conn, document_id)
        row = drepo.get_scan(conn, doc.scan_sha256) if doc and doc.scan_sha256 else None
        if row is None:
            raise NotFound(Msg("document {document_id!r} has no scan", document_id=document_id))
        audit.append(conn, actor=actor.name, action="document.scan.read", target=doc.bearer_id,
                     detail={"document": document_id, "sha256": row["sha256"]})
        return row["media_type"], bytes(row["content"]), row["sha256"]

