"""SQLAlchemy Core tables for custody: interviews, interpreters, wishes, medical decisions, exchanges, notifications.

Same ``metadata`` as ``tables.py`` (one schema, migration 0002). Interviews, wishes, verifications, medical
decisions, exchange events, withdrawals, custody events and sent notifications are append-only rows."""

from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table, Text,
)

from .tables import metadata

interviews = Table(
    "interviews",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("place", String(200), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("language", String(16), nullable=False),
    Column("interpreter", String(200)),
    Column("interpreter_supplied_by", String(200)),
    Column("conducted_by", String(64), nullable=False),
    Column("conducted_role", String(32), nullable=False),
    Column("present", Text, nullable=False),  # JSON list of names
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

interpreters = Table(
    "interpreters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, index=True),
    Column("languages", Text, nullable=False),  # JSON list of ISO 639 tags
    Column("supplied_by", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

wishes = Table(
    "wishes",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("destination", String(8)),
    Column("interview_id", String(26), ForeignKey("interviews.id"), nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_role", String(32), nullable=False),
)

wish_verifications = Table(
    "wish_verifications",
    metadata,
    Column("wish_id", String(26), ForeignKey("wishes.id"), primary_key=True),
    Column("interview_id", String(26), ForeignKey("interviews.id"), nullable=False),
    Column("verified_by", String(64), nullable=False),
    Column("verified_role", String(32), nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    Column("via_interpreter", Boolean, nullable=False),
)

medical_decisions = Table(
    "medical_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),
    Column("seriously_sick_or_wounded", Boolean, nullable=False),
    Column("category", String(64), nullable=False, default=""),
    Column("health_box", String(200), nullable=False, default=""),  # comma-separated HEALTH_BOX marks
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

exchanges = Table(
    "exchanges",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("counterpart", String(200), nullable=False),
    Column("state", String(16), nullable=False),
    Column("cancel_reason", String(500)),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

exchange_events = Table(
    "exchange_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exchange_id", String(26), ForeignKey("exchanges.id"), nullable=False, index=True),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", String(500), nullable=False, default=""),
)

exchange_members = Table(
    "exchange_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exchange_id", String(26), ForeignKey("exchanges.id"), nullable=False, index=True),
    Column("side", String(8), nullable=False),  # outgoing | incoming
    Column("person_id", String(26), ForeignKey("persons.id")),
    Column("row_id", String(200)),
    Column("list_id", String(26), ForeignKey("lists.id")),
    Column("medical_priority", Boolean, nullable=False, default=False),
    Column("eligibility", Text, nullable=False, default="{}"),  # JSON: checks when last assessed
    Column("match_note", String(500), nullable=False, default=""),
    Column("added_by", String(64), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

exchange_withdrawals = Table(
    "exchange_withdrawals",
    metadata,
    Column("member_id", Integer, ForeignKey("exchange_members.id"), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("withdrawn_by", String(64), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True), nullable=False),
)

exchange_executions = Table(
    "exchange_executions",
    metadata,
    Column("exchange_id", String(26), ForeignKey("exchanges.id"), primary_key=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("record", Text, nullable=False),  # JSON: crossed, arrived, substitutions, unknown arrivals
    Column("reconciliation", Text, nullable=False),  # JSON: lines and status changes
)

negotiator_notices = Table(
    "negotiator_notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exchange_id", String(26), ForeignKey("exchanges.id"), nullable=False, index=True),
    Column("person_id", String(26), nullable=False),
    Column("state", String(16), nullable=False),
    Column("message", String(1000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

custody_events = Table(
    "custody_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),  # notifications.EVENT_KINDS
    Column("occurred_on", Date, nullable=False),
    Column("place", String(200), nullable=False, default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

notifications_sent = Table(
    "notifications_sent",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(26), ForeignKey("persons.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("event_ref", String(200)),
    Column("sent_on", Date, nullable=False),
    Column("export_file", String(500), nullable=False),  # notification_exports.id (older rows: a file name)
    Column("sent_by", String(64), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Index("ix_notifications_sent_person_kind", "person_id", "kind"),
    Index("ix_notifications_sent_export_file", "export_file"),
)

#: What was sent to the CTA, kept as sent (migration 0007): the signed notifications as a ZIP (JSON, CSV, their
#: Ed25519 signatures and the public key) or the capture cards as one PDF. A re-download gives the same bytes.
#: Its ``notifications_sent`` rows name it in ``export_file``.
notification_exports = Table(
    "notification_exports",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("kind", String(16), nullable=False),  # notifications | capture_cards
    Column("filename", String(200), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    Column("signing_key", String(64)),  # fingerprint of the Ed25519 key (notifications)
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)
