"""Database engine and migrations: ``POWBUREAU_DB`` (default ``sqlite:///powbureau.db``), SQLite in WAL mode.

``make_engine`` builds the engine; ``migrate`` brings any database to the head revision with Alembic; the same
migrations serve SQLite and PostgreSQL. On SQLite a connection marked ``READ_ONLY`` begins a deferred transaction
(WAL gives it a snapshot, so it never waits for a writer); every other transaction begins IMMEDIATE and waits at
most ``busy_timeout()`` seconds for the write lock (PostgreSQL: ``lock_timeout``)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

DEFAULT_URL = "sqlite:///powbureau.db"
MIGRATIONS = Path(__file__).with_name("migrations")
#: Execution option set by ``UnitOfWork.read()``: the transaction only reads (SQLite: plain deferred BEGIN).
READ_ONLY = "powbureau_read_only"
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds a write waits for the lock before the bureau answers "busy"


def database_url() -> str:
    """The configured URL: ``POWBUREAU_DB`` or the default SQLite file in the working directory."""
    return os.environ.get("POWBUREAU_DB", DEFAULT_URL)


def busy_timeout() -> float:
    """Seconds a write waits for a lock held by another transaction: ``POWBUREAU_BUSY_TIMEOUT`` or 5.

    Raises ``ValidationFailed`` naming the variable when it is not a non-negative number."""
    from ..domain.errors import ValidationFailed

    raw = os.environ.get("POWBUREAU_BUSY_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ValidationFailed(f"POWBUREAU_BUSY_TIMEOUT={raw!r} is not a number of seconds; set e.g. 5 or unset it")
    return value


def make_engine(url: str | None = None, *, busy: float | None = None) -> Engine:
    """An engine for ``url`` (default: ``database_url()``); SQLite gets WAL, foreign keys, deferred reads and
    IMMEDIATE writes that wait ``busy`` seconds (default ``busy_timeout()``) for the lock; PostgreSQL gets the same
    wait as ``lock_timeout``."""
    url = url or database_url()
    wait = busy_timeout() if busy is None else busy
    if url.startswith("sqlite"):
        # Enough pooled connections for the web's worker threads: a write waiting out the busy timeout holds one,
        # and readers must not queue behind it for a connection.
        engine = create_engine(url, connect_args={"timeout": wait, "check_same_thread": False}, pool_size=10,
                               max_overflow=40)

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
            # A reader takes no lock (WAL snapshot); a writer takes the write lock up front, so two writers never
            # deadlock on an upgrade, and waits at most ``wait`` seconds for it (then "database is locked").
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    args = {"options": f"-c lock_timeout={max(1, int(wait * 1000))}"} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, connect_args=args)


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


def empty_schema(url: str) -> str:
    """Drop the ``public`` schema of the PostgreSQL database at ``url`` with everything in it (tables, sequences,
    the Alembic version) and create it empty; returns ``url``. For the tests and benchmarks, on a throwaway
    database only. Raises ``ValueError`` for a URL that is not PostgreSQL's."""
    from sqlalchemy import text

    if not url.startswith("postgresql"):
        raise ValueError(f"empty_schema empties PostgreSQL databases only, not {url.split(':', 1)[0]}")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return url
