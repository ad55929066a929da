"""Repository of documents, document judgements, scans and prisoner numbers (SQLAlchemy Core).

Plain functions over a ``Connection`` (the caller owns the transaction); rows come back as domain objects.
No business rule lives here: which judgement counts is ``domain.documents.current``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from ..domain.documents import Document, DocumentJudgement
from .tables_documents import (
    document_judgements,
    document_scans,
    documents,
    prisoner_number_counters,
    prisoner_numbers,
)


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def add_document(conn: Connection, d: Document) -> None:
    """Store document ``d`` (its claims as JSON)."""
    conn.execute(insert(documents).values(
        id=d.id, person_id=d.bearer_id, doc_type=d.doc_type, issuing_state=d.issuing_state, number=d.number,
        issued_on=d.issued_on, claims=json.dumps([list(c) for c in d.claims], ensure_ascii=False),
        found_place=d.found_place, found_on=d.found_on, custody=d.custody, custody_note=d.custody_note,
        scan_sha256=d.scan_sha256, scan_name=d.scan_name, recorded_by=d.recorded_by, recorded_at=d.recorded_at))


def add_scan(conn: Connection, sha256: str, media_type: str, content: bytes) -> None:
    """Store a scan under its content hash, once (a second copy of the same bytes is not stored again)."""
    if conn.execute(select(document_scans.c.sha256).where(document_scans.c.sha256 == sha256)).first() is None:
        conn.execute(insert(document_scans).values(sha256=sha256, media_type=media_type, size=len(content),
                                                   content=content))


def get_scan(conn: Connection, sha256: str):  # noqa: ANN201
    """The ``document_scans`` row of ``sha256`` or None."""
    return conn.execute(select(document_scans).where(document_scans.c.sha256 == sha256)).mappings().first()


def _to_document(r) -> Document:  # noqa: ANN001
    return Document(
        id=r["id"], bearer_id=r["person_id"], doc_type=r["doc_type"], issuing_state=r["issuing_state"],
        number=r["number"], claims=tuple((p, v) for p, v in json.loads(r["claims"])), recorded_by=r["recorded_by"],
        recorded_at=_utc(r["recorded_at"]), issued_on=r["issued_on"], found_place=r["found_place"],
        found_on=r["found_on"], custody=r["custody"], custody_note=r["custody_note"], scan_sha256=r["scan_sha256"],
        scan_name=r["scan_name"])


def get_document(conn: Connection, document_id: str) -> Document | None:
    """The document ``document_id`` or None."""
    r = conn.execute(select(documents).where(documents.c.id == document_id)).mappings().first()
    return _to_document(r) if r else None


def documents_of(conn: Connection, person_id: str) -> list[Document]:
    """Documents found on ``person_id``, oldest first."""
    rows = conn.execute(select(documents).where(documents.c.person_id == person_id)
                        .order_by(documents.c.recorded_at, documents.c.id)).mappings()
    return [_to_document(r) for r in rows]


def documents_held_by(conn: Connection, holder_id: str) -> list[Document]:
    """Documents ever judged issued to ``holder_id`` (a third party), oldest first."""
    ids = select(document_judgements.c.document_id).where(document_judgements.c.holder_id == holder_id)
    rows = conn.execute(select(documents).where(documents.c.id.in_(ids)).order_by(documents.c.recorded_at))
    return [_to_document(r) for r in rows.mappings()]


def add_judgement(conn: Connection, j: DocumentJudgement) -> None:
    """Append judgement ``j`` (never update one)."""
    conn.execute(insert(document_judgements).values(
        document_id=j.document_id, judgement=j.judgement, holder_id=j.holder_id, actor=j.actor,
        decided_at=j.decided_at, reason=j.reason))


def judgements_of(conn: Connection, document_ids: Iterable[str]) -> dict[str, list[DocumentJudgement]]:
    """Every judgement of each document, oldest first, keyed by document id."""
    ids = list(document_ids)
    out: dict[str, list[DocumentJudgement]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        rows = conn.execute(select(document_judgements).where(document_judgements.c.document_id.in_(ids[i:i + 500]))
                            .order_by(document_judgements.c.id)).mappings()
        for r in rows:
            out[r["document_id"]].append(DocumentJudgement(
                r["document_id"], r["judgement"], r["actor"], _utc(r["decided_at"]), r["reason"], r["holder_id"]))
    return out


def prisoner_number_of(conn: Connection, person_id: str) -> str | None:
    """The prisoner number given to ``person_id``, or None."""
    return conn.execute(select(prisoner_numbers.c.number).where(prisoner_numbers.c.person_id == person_id)).scalar()


def prisoner_numbers_of(conn: Connection, person_ids: Iterable[str]) -> dict[str, str]:
    """person id → prisoner number for those of ``person_ids`` that have one."""
    ids = list(person_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(select(prisoner_numbers.c.person_id, prisoner_numbers.c.number)
                            .where(prisoner_numbers.c.person_id.in_(ids[i:i + 500])))
        out.update({r[0]: r[1] for r in rows})
    return out


def person_with_number(conn: Connection, number: str) -> str | None:
    """The person given prisoner number ``number``, or None."""
    return conn.execute(select(prisoner_numbers.c.person_id).where(prisoner_numbers.c.number == number)).scalar()


def next_sequence(conn: Connection, prefix: str) -> int:
    """Take the next sequence number of ``prefix`` (1, 2, …); the counter row is locked until commit."""
    done = conn.execute(update(prisoner_number_counters).where(prisoner_number_counters.c.prefix == prefix)
                        .values(last=prisoner_number_counters.c.last + 1))
    if done.rowcount == 0:
        conn.execute(insert(prisoner_number_counters).values(prefix=prefix, last=1))
        return 1
    return int(conn.execute(select(prisoner_number_counters.c.last)
                            .where(prisoner_number_counters.c.prefix == prefix)).scalar_one())


def add_prisoner_number(conn: Connection, person_id: str, number: str, at: datetime, by: str) -> None:
    """Record ``number`` as ``person_id``'s prisoner number."""
    conn.execute(insert(prisoner_numbers).values(person_id=person_id, number=number, assigned_at=at, assigned_by=by))
