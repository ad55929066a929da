"""Wiring: build the engine and unit of work from configuration, run migrations, nothing at import time.

``bootstrap()`` is called by ``web.app.create_app()`` and by the CLI callback; tests call it with a URL."""

from __future__ import annotations

from dataclasses import dataclass

from ..store.db import database_url, make_engine, migrate
from ..store.uow import UnitOfWork


@dataclass
class Bureau:
    """The wired application: a unit of work over the configured database."""

    uow: UnitOfWork
    url: str


def bootstrap(url: str | None = None, *, migrate_schema: bool = True) -> Bureau:
    """Connect to ``url`` (default ``POWBUREAU_DB``), migrate the schema to head, return the ``Bureau``."""
    url = url or database_url()
    engine = make_engine(url)
    if migrate_schema:
        migrate(engine)
    return Bureau(UnitOfWork(engine), url)
