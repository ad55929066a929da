"""SQLAlchemy Core tables of the bureau's store (SQLite or PostgreSQL, one schema).

Statements are append-only rows; retractions, status events, review judgements and audit entries are
separate append-only tables. Alembic migrations under ``migrations/`` create exactly these tables."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

#: Signed-in sessions (web): the cookie carries a random id; only its SHA-256 is stored here, so a copy of this
#: table does not let anyone sign in. A session is revoked (never deleted) on sign-out, password change, disable.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_name", String(64), ForeignKey("users.name"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_reason", String(32)),
    Column("client", String(64), nullable=False),
)

#: Failed (and in-flight) sign-in attempts, counted per user name (lower case) and per client address for the
#: sign-in rate limit; rows older than the window are pruned.
signin_failures = Table(
    "signin_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_key", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_signin_failures_user_at", "user_key", "at"),
    Index("ix_signin_failures_client_at", "client", "at"),
    Index("ix_signin_failures_at", "at"),
)

lists = Table(
    "lists",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("label", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("filename", String(500), nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("encoding", String(32), nullable=False),
    Column("source_kind", String(32), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(64), nullable=False),
)

persons = Table(
    "persons",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(32), nullable=False),
    Column("external_id", String(200)),
    Column("list_id", String(26), ForeignKey("lists.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Index("ix_persons_kind_external", "kind", "external_id"),
)

list_rows = Table(
    "list_rows",
    metadata,
    Column("list_id", String(26), ForeignKey("lists.id"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("external_id", String(200)),
    Column("person_id", String(26), ForeignKey("persons.id")),
    Column("data", Text, nullable=False),  # JSON: [[prop, value, original, script, alias], ...]
)

statements = Table(
    "statements",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),
    Column("prop", String(40), nullable=False),
    Column("value", String(500), nullable=False),
    Column("original", String(500)),
    Column("script", String(16)),
    Column("alias", Boolean, nullable=False, default=False),
    Column("source_kind", String(32), nullable=False),
    Column("source_ref", String(200), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("interview_id", String(26)),
    # a person found by his service number (enquiry matching; migration 0007)
    Index("ix_statements_service_number", "value", sqlite_where=text("prop = 'service_number'"),
          postgresql_where=text("prop = 'service_number'")),
)

retractions = Table(
    "retractions",
    metadata,
    Column("statement_id", String(32), ForeignKey("statements.id"), primary_key=True),
    Column("reason", String(500), nullable=False),
    Column("retracted_by", String(64), nullable=False),
    Column("retracted_at", DateTime(timezone=True), nullable=False),
)

status_events = Table(
    "status_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),
    Column("from_status", String(32)),
    Column("to_status", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("place", String(200), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Index("ix_status_events_to_status", "to_status"),  # the due list reads only notifiable events (0007)
)

name_keys = Table(
    "name_keys",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("person_id", String(26), ForeignKey("persons.id"), primary_key=True),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("key_id", String(16)),  # which audit key the chain is keyed with (auditkey.py); migration 0004
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("hash"),
    Index("ix_audit_log_target", "target"),  # the per-person check before a handover (covered.check_rows)
)

candidate_pairs = Table(
    "candidate_pairs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("left_id", String(64), nullable=False),
    Column("right_id", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("run_id", String(26), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("left_id", "right_id", name="uq_candidate_pairs_left_right"),
)

judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("left_id", String(64), nullable=False, index=True),
    Column("right_id", String(64), nullable=False, index=True),
    Column("judgement", String(16), nullable=False),  # match | no_match | unsure
    Column("actor", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(500), nullable=False, default=""),
)
