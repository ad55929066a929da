"""SQLAlchemy Core tables for enquiries (GC III Art. 122(7), 123): the enquiry, its states, candidates, the
reviewer's judgements and the answers. Same ``metadata`` as ``tables.py`` (migration 0006).

Enquiries, events, judgements and answers are append-only (covered by the audit chain); candidates are derived
data that a re-match refreshes, and ``enquiry_keys`` is the name index that finds the enquiries a new list row
could answer."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from .tables import metadata

enquiries = Table(
    "enquiries",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("reference", String(500), nullable=False, default=""),
    Column("enquirer", Text, nullable=False),  # JSON: name, relationship, contact, language, consent
    Column("sought", Text, nullable=False),  # JSON: names, birth_date, birth_place, ..., side
    Column("language", String(2), nullable=False),
    Column("source_ref", String(200), nullable=False),  # "manual" or "file:<name>#<row>"
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(64), nullable=False),
)

#: The state history: the latest row is the state (open, possible_hit, answered, closed).
enquiry_events = Table(
    "enquiry_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enquiry_id", String(26), ForeignKey("enquiries.id"), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("outcome", String(16)),
    Column("note", String(500), nullable=False, default=""),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

enquiry_keys = Table(
    "enquiry_keys",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("enquiry_id", String(26), ForeignKey("enquiries.id"), primary_key=True),
)

#: A candidate is a person (``person:<id>``) or a counterpart-list row (``row:<list_id>#<line>``).
enquiry_candidates = Table(
    "enquiry_candidates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enquiry_id", String(26), ForeignKey("enquiries.id"), nullable=False, index=True),
    Column("target", String(80), nullable=False),
    Column("score", Float, nullable=False),
    Column("proposed", Boolean, nullable=False),
    Column("explanation", Text, nullable=False),  # JSON: [{field, enquiry, candidate, level, note}]
    Column("found_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("enquiry_id", "target", name="uq_enquiry_candidates_enquiry_id"),
)

enquiry_judgements = Table(
    "enquiry_judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enquiry_id", String(26), ForeignKey("enquiries.id"), nullable=False, index=True),
    Column("target", String(80), nullable=False),
    Column("judgement", String(16), nullable=False),  # confirmed | rejected (the latest per target counts)
    Column("reason", String(500), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

enquiry_answers = Table(
    "enquiry_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enquiry_id", String(26), ForeignKey("enquiries.id"), nullable=False, index=True),
    Column("target", String(80)),
    Column("outcome", String(16), nullable=False),
    Column("content", Text, nullable=False),  # JSON: the answer as sent (domain.enquiry.Answer.sent)
    Column("letter", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
)

#: The name index of counterpart-list rows (migration 0007): the same token keys as ``name_keys`` holds for
#: persons, so an enquiry finds a row of the other side's list through an index, never a scan. ``row_ref`` is
#: ``<list_id>#<line>`` (a candidate's target without its ``row:`` prefix). Derived data, written by the import.
list_row_keys = Table(
    "list_row_keys",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("row_ref", String(40), primary_key=True),
)
