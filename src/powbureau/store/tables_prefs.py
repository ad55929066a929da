"""Per-user settings of the web app (issue 13): the language a user reads the pages in.

A table of its own (migration 0007) beside ``users``, so the account table and its hashes stay as they are;
one row per user who chose something, none for a user who never did."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, String, Table

from .tables import metadata

user_preferences = Table(
    "user_preferences",
    metadata,
    Column("user_name", String(64), ForeignKey("users.name"), primary_key=True),
    Column("language", String(8), nullable=False),  # a web UI language code: uk, ko, ru or en
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
