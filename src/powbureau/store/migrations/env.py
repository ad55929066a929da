"""Alembic environment: runs the packaged migrations on the connection handed in by ``store.db.migrate``."""

from alembic import context
from sqlalchemy import create_engine

from powbureau.store.tables import metadata
import powbureau.store.tables_custody  # noqa: E402,F401  (custody tables on the same metadata)
import powbureau.store.tables_documents  # noqa: E402,F401  (documents and prisoner numbers, 0005)
import powbureau.store.tables_enquiries  # noqa: E402,F401  (enquiries, 0006)
import powbureau.store.tables_prefs  # noqa: E402,F401  (user preferences, 0007)

config = context.config


def run() -> None:
    """Run migrations online, on the given connection or on a fresh engine from the config URL."""
    conn = config.attributes.get("connection")
    if conn is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as c:
            context.configure(connection=c, target_metadata=metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()


run()
