"""Repositories: reading and writing persons, statements, lists and status events with SQLAlchemy Core.

Plain functions over a ``Connection`` (the caller owns the transaction); rows come back as domain objects or
plain mappings. No business rule lives here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select

from ..domain.lifecycle import StatusEvent
from ..domain.statement import Retraction, Statement
from .tables import lists, name_keys, persons, retractions, statements, status_events

CHUNK = 2000


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def db_time(conn: Connection, dt: datetime) -> object:
    """``dt`` as the driver stores it: naive UTC text for SQLite (the format SQLAlchemy's SQLite dialect reads
    back), the datetime itself for PostgreSQL. For bulk paths that bypass SQLAlchemy's type processing."""
    if conn.dialect.name == "sqlite":
        return (dt.astimezone(UTC) if dt.tzinfo else dt).strftime("%Y-%m-%d %H:%M:%S.%f")
    return dt


def insert_rows(conn: Connection, table, cols: Sequence[str], rows: Sequence[tuple]) -> None:  # noqa: ANN001
    """Insert driver-ready tuples (values in ``cols`` order; datetimes through ``db_time``) with executemany.

    The bulk path of imports: SQLAlchemy's per-value processing is skipped, so values must be driver-ready."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in cols)
    if conn.dialect.paramstyle == "qmark":
        marks = ", ".join("?" for _ in cols)
    elif conn.dialect.paramstyle in ("format", "pyformat"):
        marks = ", ".join("%s" for _ in cols)
    else:  # pragma: no cover - other drivers take the portable path
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(table), [dict(zip(cols, r)) for r in rows[i : i + CHUNK]])
        return
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    for i in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(sql, list(rows[i : i + CHUNK]))


def insert_many(conn: Connection, table, rows: Sequence[dict]) -> None:  # noqa: ANN001
    """Insert ``rows`` (dicts with the same keys) with the driver's executemany; datetimes are converted with
    ``db_time`` once per distinct object."""
    if not rows:
        return
    cols = list(rows[0].keys())
    cache: dict[int, object] = {}

    def conv(v: object) -> object:
        if isinstance(v, datetime):
            if id(v) not in cache:
                cache[id(v)] = db_time(conn, v)
            return cache[id(v)]
        return v

    dt = {k for k, c in enumerate(cols) if any(isinstance(r[c], datetime) for r in rows[:1])}
    tuples = [tuple(conv(r[c]) if k in dt else r[c] for k, c in enumerate(cols)) for r in rows]
    insert_rows(conn, table, cols, tuples)


def statement_row(s: Statement) -> dict:
    """The ``statements`` row of a domain ``Statement``."""
    return {
        "id": s.id, "person_id": s.person_id, "prop": s.prop, "value": s.value, "original": s.original,
        "script": s.script, "alias": s.alias, "source_kind": s.source_kind, "source_ref": s.source_ref,
        "recorded_by": s.recorded_by, "recorded_at": s.recorded_at, "interview_id": s.interview_id,
    }


def to_statement(r) -> Statement:  # noqa: ANN001
    """A domain ``Statement`` from a ``statements`` row mapping."""
    return Statement(
        person_id=r["person_id"], prop=r["prop"], value=r["value"], source_kind=r["source_kind"],
        source_ref=r["source_ref"], recorded_by=r["recorded_by"], recorded_at=_utc(r["recorded_at"]),
        original=r["original"], script=r["script"], alias=bool(r["alias"]), interview_id=r["interview_id"],
        id=r["id"],
    )


def get_person(conn: Connection, person_id: str):  # noqa: ANN201
    """The ``persons`` row mapping of ``person_id`` or None."""
    return conn.execute(select(persons).where(persons.c.id == person_id)).mappings().first()


def statements_for(conn: Connection, person_ids: Iterable[str]) -> dict[str, list[Statement]]:
    """Every statement of each person, keyed by person id (retracted ones included)."""
    ids = list(person_ids)
    out: dict[str, list[Statement]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        rows = conn.execute(select(statements).where(statements.c.person_id.in_(ids[i : i + 500]))).mappings()
        for r in rows:
            out[r["person_id"]].append(to_statement(r))
    return out


def retracted_ids(conn: Connection, statement_ids: Iterable[str]) -> set[str]:
    """The subset of ``statement_ids`` that have been retracted."""
    ids = list(statement_ids)
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        found.update(
            conn.execute(select(retractions.c.statement_id).where(retractions.c.statement_id.in_(ids[i : i + 500])))
            .scalars()
        )
    return found


def retractions_of(conn: Connection, statement_ids: Iterable[str]) -> dict[str, dict]:
    """statement id → ``{reason, by, at}`` (``at`` ISO UTC) for those of ``statement_ids`` that were retracted."""
    ids = list(statement_ids)
    out: dict[str, dict] = {}
    for i in range(0, len(ids), 500):
        for r in conn.execute(select(retractions).where(retractions.c.statement_id.in_(ids[i : i + 500]))).mappings():
            out[r["statement_id"]] = {"reason": r["reason"], "by": r["retracted_by"],
                                      "at": _utc(r["retracted_at"]).isoformat()}
    return out


def add_retraction(conn: Connection, r: Retraction) -> None:
    """Store a retraction."""
    conn.execute(
        insert(retractions).values(
            statement_id=r.statement_id, reason=r.reason, retracted_by=r.retracted_by, retracted_at=r.retracted_at
        )
    )


def status_history(conn: Connection, person_id: str) -> list[StatusEvent]:
    """Status events of ``person_id``, oldest first."""
    rows = conn.execute(
        select(status_events).where(status_events.c.person_id == person_id).order_by(status_events.c.id)
    ).mappings()
    return [
        StatusEvent(r["person_id"], r["from_status"], r["to_status"], _utc(r["at"]), r["place"], r["actor"], r["note"])
        for r in rows
    ]


def add_status_event(conn: Connection, e: StatusEvent) -> int:
    """Store a status event and set the person's current status; returns the event's row id."""
    res = conn.execute(
        insert(status_events).values(
            person_id=e.person_id, from_status=e.from_status, to_status=e.to_status, at=e.at, place=e.place,
            actor=e.actor, note=e.note,
        )
    )
    conn.execute(persons.update().where(persons.c.id == e.person_id).values(status=e.to_status))
    return res.inserted_primary_key[0]


def persons_by_keys(conn: Connection, keys: Iterable[str], *, kind: str | None = None,  # noqa: ANN201
                    limit: int | None = 200):
    """(person_id, hits) for persons sharing any of ``keys``, most shared keys first (every one when ``limit`` is
    None: the count is aggregated in SQL, one row per person)."""
    keys = list(keys)
    if not keys:
        return []
    q = (
        select(name_keys.c.person_id, func.count().label("hits"))
        .where(name_keys.c.key.in_(keys))
        .group_by(name_keys.c.person_id)
        .order_by(func.count().desc(), name_keys.c.person_id)
    )
    if limit is not None:
        q = q.limit(limit)
    if kind:
        q = q.join(persons, persons.c.id == name_keys.c.person_id).where(persons.c.kind == kind)
    return [(r[0], r[1]) for r in conn.execute(q)]


def list_by_sha(conn: Connection, sha: str):  # noqa: ANN201
    """The ``lists`` row with content hash ``sha`` or None."""
    return conn.execute(select(lists).where(lists.c.sha256 == sha)).mappings().first()


def get_list(conn: Connection, list_id: str):  # noqa: ANN201
    """The ``lists`` row ``list_id`` or None."""
    return conn.execute(select(lists).where(lists.c.id == list_id)).mappings().first()
