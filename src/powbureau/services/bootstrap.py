"""Wiring: build the engine and unit of work from configuration, run migrations, nothing at import time.

``bootstrap()`` is called by ``web.app.create_app()`` and by the CLI callback; tests call it with a URL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from ..domain.errors import StoreUnavailable
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
    try:
        engine = make_engine(url)
        if migrate_schema:
            migrate(engine)
    except (SQLAlchemyError, OSError) as exc:
        shown = make_url_safe(url)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreUnavailable(
            f"cannot open the database {shown}: {reason}; check POWBUREAU_DB (e.g. sqlite:///powbureau.db, or "
            "postgresql+psycopg://user@host/db) and that the folder exists and the file is a POW Bureau database"
        ) from None
    return Bureau(UnitOfWork(engine), url)


def make_url_safe(url: str) -> str:
    """``url`` with any password hidden."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given
        return url
