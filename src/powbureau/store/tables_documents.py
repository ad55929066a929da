"""SQLAlchemy Core tables for documents found on persons, their judgements, scans and prisoner numbers.

Same ``metadata`` as ``tables.py`` (one schema, migration 0005). Documents and judgements are append-only (the
latest judgement counts); a prisoner number is given once and never reused (the counter only goes up)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, LargeBinary, String, Table, Text

from .tables import metadata

documents = Table(
    "documents",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),  # the bearer
    Column("doc_type", String(32), nullable=False),
    Column("issuing_state", String(2), nullable=False),
    Column("number", String(100), nullable=False),
    Column("issued_on", String(10)),
    Column("claims", Text, nullable=False),  # JSON: [[prop, value], ...] as written on the document
    Column("found_place", String(200), nullable=False, default=""),
    Column("found_on", String(10)),
    Column("custody", String(32), nullable=False),
    Column("custody_note", String(500), nullable=False, default=""),
    Column("scan_sha256", String(64), ForeignKey("document_scans.sha256")),
    Column("scan_name", String(200)),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

#: Scans, addressed by their content hash (the same image stored once).
document_scans = Table(
    "document_scans",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

document_judgements = Table(
    "document_judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(26), ForeignKey("documents.id"), nullable=False, index=True),
    Column("judgement", String(16), nullable=False),  # bearer | other_person | forged | unknown
    Column("holder_id", String(26), ForeignKey("persons.id")),  # the other person, for other_person
    Column("actor", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(500), nullable=False),
)

prisoner_numbers = Table(
    "prisoner_numbers",
    metadata,
    Column("person_id", String(26), ForeignKey("persons.id"), primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    Column("assigned_by", String(64), nullable=False),
)

#: The last sequence given per prefix: an UPDATE … SET last = last + 1 serialises writers (row lock on PostgreSQL,
#: the write lock on SQLite), so two registrations never get one number.
prisoner_number_counters = Table(
    "prisoner_number_counters",
    metadata,
    Column("prefix", String(8), primary_key=True),
    Column("last", Integer, nullable=False),
)
