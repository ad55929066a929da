"""Rows covered by the audit chain: what the never-rules read (statements, retractions, status events,
judgements, interviews, interpreters, wishes, verifications, medical decisions) is hashed into audit entries.

A row written by one operation is named in that operation's audit entry as ``[table, key, person, sha256]``;
a bulk import records a count and a keyed sum over its rows instead (``Batch``). ``verify_rows`` re-checks the
live rows against the chain; ``check_rows`` is the cheap per-person check run before a handover."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Integer, Table, func, select

from ..domain.errors import AuditChainBroken
from ..domain.lifecycle import INITIAL_STATUS
from ..domain.statement import statement_id_of
from .auditkey import AuditKey
from .tables import judgements, persons, retractions, statements, status_events
from .tables_custody import interpreters, interviews, medical_decisions, wish_verifications, wishes
from .tables_enquiries import enquiries, enquiry_answers, enquiry_events, enquiry_judgements

MOD = 1 << 256
MAX_NAMED = 50


class TamperDetected(AuditChainBroken):
    """A covered row was edited, deleted or added outside the bureau: its hash no longer matches the audit chain."""

    code = "tamper_detected"
    http_status = 409


@dataclass(frozen=True)
class Spec:
    """A covered table: its ``key`` column and how to find the person a row belongs to (``person`` column, or
    ``via`` = (table, key column there) for rows that hang on another covered row)."""

    table: Table
    key: str
    person: str | None
    via: tuple[str, str] | None = None


TABLES: dict[str, Spec] = {s.table.name: s for s in (
    Spec(statements, "id", "person_id"),
    Spec(retractions, "statement_id", None, ("statements", "id")),
    Spec(status_events, "id", "person_id"),
    Spec(judgements, "id", None),
    Spec(interviews, "id", "person_id"),
    Spec(interpreters, "id", None),
    Spec(wishes, "id", "person_id"),
    Spec(wish_verifications, "wish_id", None, ("wishes", "id")),
    Spec(medical_decisions, "id", "person_id"),
    Spec(enquiries, "id", None),
    Spec(enquiry_events, "id", None),
    Spec(enquiry_judgements, "id", None),
    Spec(enquiry_answers, "id", None),
)}


def _conv(col) -> Any:  # noqa: ANN001
    t = col.type
    if isinstance(t, Boolean):
        return lambda v: "n" if v is None else ("b1" if v else "b0")
    if isinstance(t, DateTime):
        def dt(v: Any) -> str:
            if v is None:
                return "n"
            if isinstance(v, str):  # a raw SQLite value read without type processing
                v = datetime.fromisoformat(v)
            return "t" + (v.astimezone(UTC) if v.tzinfo else v).strftime("%Y-%m-%dT%H:%M:%S.%f")
        return dt
    if isinstance(t, Date):
        return lambda v: "n" if v is None else "d" + (v.isoformat() if isinstance(v, date) else str(v))
    if isinstance(t, Integer):
        return lambda v: "n" if v is None else "i" + str(int(v))
    return lambda v: "n" if v is None else "s" + str(v)


_CONVERTERS: dict[str, list] = {name: [(c.name, _conv(c)) for c in s.table.columns] for name, s in TABLES.items()}


def canonical(table: str, row: Mapping[str, Any]) -> bytes:
    """The canonical bytes of ``row`` (a mapping of column → value) of covered ``table``: every column in table
    order, typed and length-prefixed, datetimes in UTC with microseconds. The same on SQLite and PostgreSQL."""
    parts = []
    for name, conv in _CONVERTERS[table]:
        t = conv(row.get(name))
        parts.append(f"{len(t)}:{t}")
    return "|".join(parts).encode("utf-8")


def row_hash(table: str, row: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``canonical(table, row)``: the content hash recorded in the audit entry."""
    return hashlib.sha256(canonical(table, row)).hexdigest()


def _person_of(conn: Connection, table: str, row: Mapping[str, Any]) -> str | None:
    spec = TABLES[table]
    if spec.person:
        return row.get(spec.person)
    if spec.via:
        other = TABLES[spec.via[0]]
        return conn.execute(select(other.table.c[other.person]).where(
            other.table.c[spec.via[1]] == row[spec.key])).scalar()
    if table == "judgements":
        return f"{row.get('left_id')}~{row.get('right_id')}"
    return None


def entries(conn: Connection, covers: Iterable[tuple[str, Any]]) -> list[list]:
    """``[[table, key, person, sha256], …]`` for each ``(table, key)`` in ``covers``, read back as stored.

    Raises ``KeyError`` for a table that is not covered and ``LookupError`` for a row that is not there."""
    covers = list(covers)
    stored: dict[tuple[str, str], Any] = {}
    by_table: dict[str, list[Any]] = {}
    for table, key in covers:
        by_table.setdefault(table, []).append(key)
    for table, keys in by_table.items():  # read back in chunks: one query per 500 rows, not one per row
        spec = TABLES[table]
        for i in range(0, len(keys), 500):
            for row in conn.execute(select(spec.table).where(spec.table.c[spec.key].in_(keys[i:i + 500]))).mappings():
                stored[(table, str(row[spec.key]))] = row
    out = []
    for table, key in covers:
        row = stored.get((table, str(key)))
        if row is None:
            raise LookupError(f"{table} row {key!r} is not in the database; cover rows after inserting them")
        out.append([table, str(key), _person_of(conn, table, row), row_hash(table, row)])
    return out


def keys_of(conn: Connection, table: str, person_ids: Iterable[str]) -> list[tuple[str, Any]]:
    """``(table, key)`` of every row of ``person_ids`` in ``table`` (for small bulk writes such as the demo)."""
    spec = TABLES[table]
    ids = list(person_ids)
    out: list[tuple[str, Any]] = []
    for i in range(0, len(ids), 500):
        out += [(table, k) for k in conn.execute(select(spec.table.c[spec.key]).where(
            spec.table.c[spec.person].in_(ids[i : i + 500]))).scalars()]
    return out


@dataclass
class Batch:
    """A keyed digest over many rows of one table written by one bulk operation, recorded in its audit entry
    as ``{table, ref, count, sum}`` (``ref``: the ``source_ref`` prefix of an import's statements, or ``*``
    for the rows sealed by migration 0004). ``sum`` adds a MAC of each row modulo 2**256, so the order
    of rows does not matter and nobody without the key can make another set of rows with the same sum (the
    per-row MAC is keyed BLAKE2b under a subkey of the audit key, for speed).

    For imported statements (``fixed`` given: the columns every row shares, checked one by one) a row adds
    only ``id``, ``original`` and ``script``: the id already hashes person, property, value, source and alias
    (``statement_id_of``), so the import stays fast."""

    key: AuditKey
    table: str
    ref: str
    fixed: dict[str, Any] | None = None
    count: int = 0
    total: int = 0
    _mac: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # a per-row MAC: keyed BLAKE2b (RFC 7693) under a subkey of the audit key, twice as fast as HMAC here
        self._mac = hashlib.blake2b(key=self.key.mac(b"powbureau-bulk-rows"), digest_size=32)

    def _add(self, data: bytes) -> None:
        h = self._mac.copy()
        h.update(data)
        self.total += int.from_bytes(h.digest(), "big")
        self.count += 1

    def add(self, row: Mapping[str, Any]) -> None:
        """Add one row (column → value, as read back or as ``canonical`` takes it)."""
        if self.fixed is not None:
            self.add_statement(row["id"], row["original"], row["script"])
        else:
            self._add(canonical(self.table, row))

    def add_statement(self, sid: str, original: str | None, script: str | None) -> None:
        """Add one imported statement."""
        self._add(f"{sid}{(original, script)!r}".encode())

    def add_statements(self, rows: Iterable[tuple]) -> None:
        """Add imported statements given as ``statements`` rows in column order (id first, original and script
        at positions 4 and 5): the fast path of ``import``, one call per batch."""
        mac, total, n = self._mac, self.total, 0
        for r in rows:
            h = mac.copy()
            h.update(f"{r[0]}{(r[4], r[5])!r}".encode())
            total += int.from_bytes(h.digest(), "big")
            n += 1
        self.total, self.count = total, self.count + n

    def seal(self) -> dict:
        """The audit-entry form."""
        out = {"table": self.table, "ref": self.ref, "count": self.count, "sum": f"{self.total % MOD:064x}"}
        if self.fixed is not None:
            out["fixed"] = self.fixed
        return out

    @classmethod
    def of_statements(cls, key: AuditKey, ref: str, *, source_kind: str, recorded_by: str,
                      recorded_at: datetime) -> Batch:
        """A batch of imported statements that share source kind, recorder and time (one import)."""
        return cls(key, "statements", ref, {"source_kind": source_kind, "recorded_by": recorded_by,
                                            "recorded_at": _stamp(recorded_at), "interview_id": None})

    def fixed_mismatch(self, row: Mapping[str, Any]) -> list[str]:
        """The shared columns in which ``row`` differs from this batch."""
        if not self.fixed:
            return []
        got = {"source_kind": row["source_kind"], "recorded_by": row["recorded_by"],
               "recorded_at": _stamp(row["recorded_at"]), "interview_id": row["interview_id"]}
        return [c for c, v in self.fixed.items() if got[c] != v]


def _stamp(v: datetime | str) -> str:
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    return (v.astimezone(UTC) if v.tzinfo else v).strftime("%Y-%m-%dT%H:%M:%S.%f")


# ----- verification ---------------------------------------------------------------------------------------------
@dataclass
class Expected:
    """What the chain says about covered rows: single rows by (table, key) and bulk digests by ref prefix."""

    rows: dict[tuple[str, str], tuple[str | None, str, int]] = field(default_factory=dict)
    bulks: dict[tuple[str, str], tuple[dict, int]] = field(default_factory=dict)

    def take(self, seq: int, detail: Mapping[str, Any]) -> None:
        """Collect the rows and bulks an audit entry ``seq`` (its parsed ``detail``) records."""
        for table, key, person, h in detail.get("covered", ()):
            self.rows[(table, key)] = (person, h, seq)
        for b in detail.get("covered_bulk", ()):
            self.bulks[(b["table"], b["ref"])] = (b, seq)


def _describe(table: str, key: str, person: str | None) -> str:
    who = f" (person {person})" if person and "~" not in person else (f" (persons {person})" if person else "")
    return f"{table} row {key}{who}"


def verify_rows(conn: Connection, expected: Expected, key: AuditKey) -> list[str]:
    """Re-check every live covered row against ``expected``; returns one line per problem, naming the table,
    row id and person: an edited row, a deleted row, a row no audit entry accounts for, a bulk whose rows
    changed. Empty when everything matches."""
    problems: list[str] = []
    left = dict(expected.rows)
    acc = {k: Batch(key, k[0], k[1], b.get("fixed")) for k, (b, _seq) in expected.bulks.items()}
    prefixes = sorted({k[1] for k in expected.bulks if k[1] != "*"}, key=len, reverse=True)
    for table, spec in TABLES.items():
        for row in conn.execute(select(spec.table)).mappings():
            k = str(row[spec.key])
            if table == "statements" and row["id"] != statement_id_of(
                    row["person_id"], row["prop"], row["value"], row["source_kind"], row["source_ref"],
                    bool(row["alias"])):
                problems.append(f"{_describe(table, k, row['person_id'])} was edited: its content no longer "
                                "matches its id")
                left.pop((table, k), None)
                continue
            exp = left.pop((table, k), None)
            if exp is not None:
                if row_hash(table, row) != exp[1]:
                    problems.append(f"{_describe(table, k, exp[0])} was edited after audit entry {exp[2]}: "
                                    "its hash does not match")
                continue
            ref = row.get("source_ref") if table == "statements" else None
            pre = next((p for p in prefixes if ref and ref.startswith(p)), None) if ref else None
            if pre is not None and (table, pre) in acc:
                bad = acc[(table, pre)].fixed_mismatch(row)
                if bad:
                    problems.append(f"{_describe(table, k, row['person_id'])} was edited: its {', '.join(bad)} "
                                    f"differs from its import (audit entry {expected.bulks[(table, pre)][1]})")
                acc[(table, pre)].add(row)
                continue
            if (table, "*") in acc:  # rows present when an older database was sealed (migration 0004)
                acc[(table, "*")].add(row)
                continue
            problems.append(f"{_describe(table, k, _person_of(conn, table, row))} is not accounted for by any "
                            "audit entry: it was added outside the bureau (or its entry was removed)")
    for (table, k), (person, _h, seq) in left.items():
        problems.append(f"{_describe(table, k, person)}, recorded in audit entry {seq}, was deleted")
    for bk, (b, seq) in expected.bulks.items():
        got = acc[bk].seal()
        if got["count"] != b["count"] or got["sum"] != b["sum"]:
            what = "present at the upgrade to a keyed chain" if b["ref"] == "*" else f"of {b['ref'].rstrip('#')}"
            problems.append(f"{b['table']} rows {what} (audit entry {seq}) changed: {b['count']} "
                            f"recorded, {got['count']} found" + ("" if got["count"] != b["count"] else
                                                                 ", and their keyed digest differs (a row was edited)"))
            if got["count"] < b["count"] and b["ref"].startswith("list:") and b.get("fixed"):
                problems += _missing_imported(conn, b)
    return problems


def _missing_imported(conn: Connection, b: Mapping[str, Any]) -> list[str]:
    """Name the imported statements that are gone, from the list's stored rows (a hint: those rows are not
    themselves covered)."""
    from .tables import list_rows

    list_id = b["ref"][len("list:"):].rstrip("#")
    live = set(conn.execute(select(statements.c.id).where(statements.c.source_ref.like(f"{b['ref']}%"))).scalars())
    out = []
    for line, pid, data in conn.execute(select(list_rows.c.line, list_rows.c.person_id, list_rows.c.data)
                                        .where(list_rows.c.list_id == list_id)):
        for prop, value, *_rest in json.loads(data):
            alias = bool(_rest[2]) if len(_rest) > 2 else False
            sid = statement_id_of(pid, prop, value, b["fixed"]["source_kind"], f"{b['ref']}{line}", alias)
            if pid and prop != "external_id" and sid not in live:
                out.append(f"{_describe('statements', sid, pid)} ({prop} of row {line}) was deleted")
    return out[:MAX_NAMED]


def _check_links(conn: Connection) -> None:
    """Before a handover: every same-person judgement an audit entry records is still there, unedited. A deleted
    ``match`` row would silently split a man from the record that holds his wish to remain (consent belongs to
    the person). Judgements are few (human decisions), so all of them are checked. Raises ``TamperDetected``.
    Not detected here: a judgement row inserted behind the bureau's back (``powbureau audit verify`` names it)."""
    from . import audit
    from .tables import audit_log

    targets = list(conn.execute(select(audit_log.c.target).where(audit_log.c.action == "review.judge").distinct())
                   .scalars())
    if not targets:
        return
    exp = audit.expected_for(conn, targets, ("review.judge",))
    spec = TABLES["judgements"]
    live = {str(r[spec.key]): r for r in conn.execute(select(spec.table)).mappings()}
    problems = []
    for (t, k), (_p, h, seq) in exp.rows.items():
        if t != "judgements":
            continue
        if k not in live:
            problems.append(f"same-person judgement {k}, recorded in audit entry {seq}, was deleted")
        elif row_hash(t, live[k]) != h:
            problems.append(f"same-person judgement {k} was edited after audit entry {seq}")
    if problems:
        raise TamperDetected(
            "refused: the same-person links that decide whose wishes count fail their hash check ("
            + "; ".join(problems[:MAX_NAMED]) + "); nothing was changed. Run `powbureau audit verify` and restore "
            "the database from a backup before deciding on a handover")


def check_rows(conn: Connection, table: str, person_ids: Iterable[str]) -> None:
    """Cheap per-person check before a decision that reads ``table`` (``"wishes"``: wishes and their
    verifications): each live row of ``person_ids`` must match the hash in an authentic audit entry about that
    person, and each row those entries record must still be there. Raises ``TamperDetected`` naming the rows.

    Not a full verify (a removed audit entry with its row is found by ``powbureau audit verify``)."""
    from . import audit

    if table != "wishes":
        raise KeyError(f"check_rows knows only 'wishes', not {table!r}")
    ids = sorted(set(person_ids))
    if not ids:
        return
    _check_links(conn)
    exp = audit.expected_for(conn, ids, ("wish.record", "wish.verify", "audit.seal"))
    problems = []
    for t, col in (("wishes", "person_id"), ("wish_verifications", None)):
        spec = TABLES[t]
        if col:
            q = select(spec.table).where(spec.table.c[col].in_(ids))
        else:
            q = select(spec.table).join(wishes, wishes.c.id == spec.table.c.wish_id).where(wishes.c.person_id.in_(ids))
        for row in conn.execute(q).mappings():
            k = str(row[spec.key])
            e = exp.rows.pop((t, k), None)
            if e is None:
                problems.append(f"{t} row {k} is not accounted for by any audit entry")
            elif row_hash(t, row) != e[1]:
                problems.append(f"{t} row {k} was edited after audit entry {e[2]}")
    problems += [f"{t} row {k}, recorded in audit entry {seq}, was deleted"
                 for (t, k), (_p, _h, seq) in exp.rows.items() if t in ("wishes", "wish_verifications")]
    if problems:
        raise TamperDetected(
            f"refused: the recorded wishes of person(s) {', '.join(ids)} fail their hash check ("
            + "; ".join(problems[:MAX_NAMED]) + "); nothing was changed. Run `powbureau audit verify` and "
            "restore the database from a backup before deciding on a handover")


def status_problems(conn: Connection, person_ids: Iterable[str] | None = None) -> list[str]:
    """Persons whose current ``status`` is not what their (covered) status history says: the ``to_status`` of
    their latest status event, or the initial status of their kind when they have none. ``persons.status`` is
    derived from the history, so a status written into the table behind the bureau's back (e.g. ``repatriated``
    with sqlite3) is named here. ``person_ids``: only those persons (None: everyone, one grouped query)."""
    latest = (select(status_events.c.person_id, func.max(status_events.c.id).label("mx"))
              .group_by(status_events.c.person_id))
    ids = None if person_ids is None else sorted(set(person_ids))
    if ids is not None:
        latest = latest.where(status_events.c.person_id.in_(ids))
    latest = latest.subquery()
    q = (select(persons.c.id, persons.c.kind, persons.c.status, status_events.c.to_status)
         .outerjoin(latest, latest.c.person_id == persons.c.id)
         .outerjoin(status_events, status_events.c.id == latest.c.mx))
    if ids is not None:
        q = q.where(persons.c.id.in_(ids))
    out = []
    for pid, kind, status, last in conn.execute(q):
        expected = last if last is not None else INITIAL_STATUS.get(kind)
        if expected is not None and status != expected:
            out.append(f"persons row {pid}: status {status!r} is not what its status history says ({expected!r}); "
                       "it was written behind the bureau's back")
    return out


def check_status(conn: Connection, person_id: str) -> None:
    """Refuse a status change with ``TamperDetected`` when the person's current status disagrees with his status
    history (``status_problems``): the life cycle must move on from the recorded status, not a forged one."""
    problems = status_problems(conn, [person_id])
    if problems:
        raise TamperDetected(f"refused: {problems[0]}; nothing was changed. Run `powbureau audit verify` and restore "
                             "the database from a backup")
