"""Database engine and migrations: ``POWBUREAU_DB`` (default ``sqlite:///powbureau.db``), SQLite in WAL mode.

``make_engine`` builds the engine; ``migrate`` brings any database to the head revision with Alembic; the same
migrations serve SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

DEFAULT_URL = "sqlite:///powbureau.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url() -> str:
    """The configured URL: ``POWBUREAU_DB`` or the default SQLite file in the working directory."""
    return os.environ.get("POWBUREAU_DB", DEFAULT_URL)


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``database_url()``); SQLite gets WAL, foreign keys and a busy timeout."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # let SQLAlchemy issue BEGIN itself
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk imports insert into random-key indexes
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str):  # noqa: ANN201
    """An Alembic ``Config`` pointing at the packaged migrations and ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema of ``engine``'s database to the newest revision."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
