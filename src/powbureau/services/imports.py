"""Import use case: a list file becomes persons and statements (or a stored counterpart list), all or nothing.

Strict by default: any invalid row refuses the whole file with every error as ``row N, column C: …``;
``skip_invalid`` stores the valid rows and writes the rest to a rejects file. A file is imported once only."""

from __future__ import annotations

from ..domain.messages import Msg
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from ..domain.errors import DuplicateImport, ValidationFailed
from ..domain.lifecycle import INITIAL_STATUS
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..domain.statement import SOURCE_KINDS, statement_id_of
from ..io.paths import writable_file
from ..io.properties import CANONICAL_PROPERTIES, IGNORE, canonical_property, check_mapping, parse_mapping
from ..io.readers import open_list, read_head, write_rejects
from ..io.rows import ImportRow, RowError
from ..store import audit, covered, repositories as repo
from ..store.tables import list_rows, lists, name_keys, persons, statements
from ..store.tables_enquiries import list_row_keys
from ..store.uow import UnitOfWork
from .enquiry_match import row_keys
from .registry import SEARCH_NAME_PROPS, search_keys

KINDS = {"detainees": "detainee", "own_personnel": "own_personnel", "counterpart_list": None}
MAX_ERRORS_SHOWN = 50
BATCH = 5000
Progress = Callable[[int, int], None]
PERSON_COLS = ("id", "kind", "status", "external_id", "list_id", "created_at", "created_by")
STATEMENT_COLS = ("id", "person_id", "prop", "value", "original", "script", "alias", "source_kind", "source_ref",
                  "recorded_by", "recorded_at")
LIST_ROW_COLS = ("list_id", "line", "external_id", "person_id", "data")


@dataclass(frozen=True)
class ImportOptions:
    """What to import: ``path``, ``kind`` (detainees | own_personnel | counterpart_list), an optional ``label``,
    ``mapping`` ('THEIR=prop,…', or a ``{their_header: property}`` dict from the web's mapping form), ``encoding``, ``date_order`` (DMY/MDY/YMD), ``source_kind`` of every value,
    ``skip_invalid`` and the ``rejects_path``."""

    path: Path
    kind: str
    label: str | None = None
    mapping: str | dict[str, str] | None = None
    encoding: str | None = None
    date_order: str | None = None
    source_kind: str | None = None
    skip_invalid: bool = False
    rejects_path: Path | None = None


def _errors_message(path: Path, errors: list) -> str:
    shown = "\n".join(f"  {e}" for e in errors[:MAX_ERRORS_SHOWN])
    more = f"\n  … and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
    return (
        f"{path.name}: {len(errors)} problem(s); nothing was imported. Fix the file, or pass --skip-invalid to "
        f"store the valid rows and write the others to a rejects file:\n{shown}{more}"
    )


class _Writer:
    """Writes batches of valid rows of one list inside the import's transaction."""

    def __init__(self, conn: Connection, list_id: str, person_kind: str | None, source_kind: str, actor: Actor,
                 now: datetime) -> None:
        self.conn, self.list_id, self.person_kind = conn, list_id, person_kind
        self.source_kind, self.actor, self.now = source_kind, actor.name, now
        self.pid_by_line: dict[int, str] = {}
        self.persons = self.statements = self.rows = 0
        self.digest = hashlib.sha256()
        self.cover = covered.Batch.of_statements(audit.key_of(conn), f"list:{list_id}#", source_kind=source_kind,
                                                 recorded_by=actor.name, recorded_at=now)

    def taken_ids(self, batch: list[ImportRow]) -> set[str]:
        """External ids of ``batch`` that already belong to a person of this kind in the registry."""
        if not self.person_kind:
            return set()
        ids = [r.external_id for r in batch if r.external_id and not r.same_person_as]
        taken: set[str] = set()
        for i in range(0, len(ids), 500):
            taken.update(self.conn.execute(select(persons.c.external_id).where(
                persons.c.kind == self.person_kind, persons.c.external_id.in_(ids[i : i + 500]))).scalars())
        return taken

    def write(self, batch: list[ImportRow]) -> None:
        """Insert persons, statements, name keys and list rows for ``batch`` (already validated)."""
        now = repo.db_time(self.conn, self.now)
        prows, srows, lrows, keys, rkeys = [], [], [], set(), set()
        for r in batch:
            pid = None
            if self.person_kind:
                pid = self.pid_by_line.get(r.same_person_as) if r.same_person_as else None
                if pid is None:
                    pid = new_id()
                    prows.append((pid, self.person_kind, INITIAL_STATUS[self.person_kind], r.external_id,
                                  self.list_id, now, self.actor))
                self.pid_by_line[r.line] = pid
                ref = f"list:{self.list_id}#{r.line}"
                for v in r.values:
                    if v.property == "external_id":
                        continue
                    sid = statement_id_of(pid, v.property, v.value, self.source_kind, ref, v.alias)
                    self.digest.update(sid.encode())
                    srows.append((sid, pid, v.property, v.value, v.original, v.script, v.alias, self.source_kind,
                                  ref, self.actor, now))
                    if v.property in SEARCH_NAME_PROPS:
                        keys.update((k, pid) for k in search_keys(v.value))
            data = [[v.property, v.value, v.original, v.script, v.alias] for v in r.values]
            lrows.append((self.list_id, r.line, r.external_id, pid, json.dumps(data, ensure_ascii=False)))
            if pid is None:  # a counterpart-list row: its name keys, so enquiries find it through an index
                rkeys.update((k, f"{self.list_id}#{r.line}") for k in row_keys(data))
        repo.insert_rows(self.conn, persons, PERSON_COLS, prows)
        repo.insert_rows(self.conn, statements, STATEMENT_COLS, srows)
        self.cover.add_statements(srows)
        repo.insert_rows(self.conn, list_rows, LIST_ROW_COLS, lrows)
        repo.insert_rows(self.conn, name_keys, ("key", "person_id"), list(keys))
        repo.insert_rows(self.conn, list_row_keys, ("key", "row_ref"), list(rkeys))
        self.persons += len(prows)
        self.statements += len(srows)
        self.rows += len(batch)


def import_list(uow: UnitOfWork, actor: Actor, opts: ImportOptions, *, progress: Progress | None = None) -> dict:
    """Import ``opts.path``; returns ``{imported, rejected, list_id, persons, statements, encoding, …}``.

    Every value becomes a statement with ``source_kind`` and ``source_ref`` = ``list:<list_id>#<row>``. Rows are
    read and written in batches of 5,000 inside ONE transaction, so memory stays flat and any error leaves
    nothing behind. Raises ``ValidationFailed`` (unreadable file, unknown column, invalid rows without
    skip_invalid, an external_id already in the registry), ``DuplicateImport`` (same content already imported),
    ``PermissionDenied``."""
    require(actor, "list.import")
    if opts.kind not in KINDS:
        raise ValidationFailed(Msg("--kind {kind!r} is not one of: {items}", kind=opts.kind, items=', '.join(KINDS)))
    source_kind = opts.source_kind or ("counterpart_list" if opts.kind == "counterpart_list" else "third_party")
    if source_kind not in SOURCE_KINDS:
        raise ValidationFailed(Msg("--source-kind {source_kind!r} is not one of: {items}", source_kind=source_kind, items=', '.join(SOURCE_KINDS)))
    path = Path(opts.path)
    rejects_path = opts.rejects_path or path.with_name(path.name + ".rejects.csv")
    if opts.skip_invalid:
        writable_file(rejects_path, what="rejects file")
    mapping = _mapping_of(opts.mapping)
    stream = open_list(path, mapping=mapping, encoding=opts.encoding, date_order=opts.date_order, kind=opts.kind)
    if stream.fatal:
        raise ValidationFailed(_errors_message(path, stream.header_errors),
                               details=[str(e) for e in stream.header_errors])
    with uow.read() as conn:
        prev = repo.list_by_sha(conn, stream.content_sha256)
    if prev is not None:
        raise DuplicateImport(
            Msg("{name} was already imported as list {id} ({label}) on {imported_at} by {imported_by}; nothing was imported again", name=path.name, id=prev['id'], label=prev['label'], imported_at=f"{prev['imported_at']:%Y-%m-%d}", imported_by=prev['imported_by'])
        )
    list_id, now = new_id(), datetime.now(UTC)
    errors: list[RowError] = []
    with uow.transaction() as conn:
        conn.execute(lists.insert().values(
            id=list_id, label=opts.label or path.name, kind=opts.kind, filename=path.name,
            sha256=stream.content_sha256, encoding=stream.encoding or stream.format, source_kind=source_kind,
            row_count=0, imported_at=now, imported_by=actor.name,
        ))
        w = _Writer(conn, list_id, KINDS[opts.kind], source_kind, actor, now)
        batch: list[ImportRow] = []
        merged: list[ImportRow] = []
        seen = 0

        def flush() -> None:
            taken = w.taken_ids(batch)
            for r in batch:
                if r.external_id in taken and not r.same_person_as:
                    errors.append(RowError(r.line, "external_id", f"external_id {r.external_id!r} is already in "
                                           "the registry for another person; remove the row or give it its own id"))
            good = [r for r in batch if not (r.external_id in taken and not r.same_person_as)]
            if not errors or opts.skip_invalid:
                w.write(good)
            batch.clear()
            if progress:
                progress(seen, 0)

        for item in stream:
            if isinstance(item, RowError):
                if item.fatal or item.line is None:
                    raise ValidationFailed(_errors_message(path, [item]), details=[str(item)])
                errors.append(item)
                continue
            seen += 1
            batch.append(item)
            if item.same_person_as:
                merged.append(item)
            if len(batch) >= BATCH:
                flush()
        flush()
        if errors and not opts.skip_invalid:
            raise ValidationFailed(_errors_message(path, errors), details=[str(e) for e in errors])
        if not w.rows:
            raise ValidationFailed(f"{path.name}: no valid data rows; nothing was imported"
                                   + (f" ({len(errors)} rejected)" if errors else ""))
        conn.execute(lists.update().where(lists.c.id == list_id).values(row_count=w.rows))
        n_rejected = len({e.line for e in errors})
        audit.append(conn, actor=actor.name, action="list.import", target=list_id, detail={
            "file": path.name, "sha256": stream.content_sha256, "kind": opts.kind, "rows": w.rows,
            "persons": w.persons, "statements": w.statements, "statements_digest": w.digest.hexdigest(),
            "rejected": n_rejected,
        }, bulk=[w.cover.seal()] if w.statements else [])
        from .enquiry_match import rematch_after_import  # open enquiries this list could answer (issue 11)
        rematched = rematch_after_import(conn, actor.name, list_id)
    rejects_file = None
    if errors:
        write_rejects(rejects_path, stream.headers, errors)
        rejects_file = str(rejects_path)
    return {
        "imported": w.rows, "rejected": n_rejected, "list_id": list_id, "persons": w.persons,
        "statements": w.statements, "encoding": stream.encoding, "delimiter": stream.delimiter,
        "rejects_file": rejects_file, "enquiries_rematched": rematched,
        "warnings": [str(x) for x in stream.warnings] + _merged_note(merged),
    }


def _merged_note(same: list[ImportRow]) -> list[str]:
    """A warning naming the rows that repeat an earlier row's external_id (stored as one person)."""
    if not same:
        return []
    shown = ", ".join(f"row {r.line} = row {r.same_person_as}" for r in same[:10])
    more = f" and {len(same) - 10} more" if len(same) > 10 else ""
    return [f"{len(same)} row(s) repeat the external_id of an earlier row and were stored as that person under "
            f"a second name ({shown}{more}); `powbureau show` lists both names"]


def _mapping_of(mapping: str | dict[str, str] | None) -> dict[str, str] | None:
    """``--map`` text or a web form's dict, checked; None when there is nothing to map."""
    if not mapping:
        return None
    return parse_mapping(mapping) if isinstance(mapping, str) else check_mapping(dict(mapping))


def import_choices(actor: Actor) -> dict:
    """What the web import form offers ``actor`` (``list.import``): the kinds, the properties a column may feed
    (and ``ignore``) and the source kinds. Raises ``PermissionDenied``."""
    require(actor, "list.import")
    return {"kinds": tuple(KINDS), "properties": CANONICAL_PROPERTIES + (IGNORE,), "source_kinds": SOURCE_KINDS}


def preview_import(uow: UnitOfWork, actor: Actor, path: Path, kind: str, *, mapping: dict[str, str] | None = None,
                   encoding: str | None = None, rows: int = 10) -> dict:
    """Look at the list at ``path`` before importing it (``list.import``): ``format``, ``encoding`` (and whether
    it was ``encoding_detected``), ``delimiter``, ``columns`` (each ``header``, the ``property`` it feeds with
    ``mapping`` applied and the ``detected`` one without), ``head`` (the header row and the first ``rows`` rows
    as written), ``header_errors`` (file-wide problems that refuse the import until the mapping fixes them, as
    text), ``header_problems`` (the same as ``{code, column, line, text}``: ``code`` ``unknown_column`` lets an
    entry point word its own advice) and
    ``already`` (the earlier import of the same content, or None). Writes nothing. Raises ``ValidationFailed``
    for an unreadable file or an unknown kind, ``PermissionDenied``."""
    require(actor, "list.import")
    if kind not in KINDS:
        raise ValidationFailed(Msg("--kind {kind!r} is not one of: {items}", kind=kind, items=', '.join(KINDS)))
    path = Path(path)
    stream = open_list(path, mapping=_mapping_of(mapping), encoding=encoding, kind=kind)
    with uow.read() as conn:
        prev = repo.list_by_sha(conn, stream.content_sha256)
    return {
        "format": stream.format, "encoding": stream.encoding, "encoding_detected": stream.encoding_detected,
        "delimiter": stream.delimiter, "filename": path.name,
        "columns": [{"header": c.header, "property": c.property, "detected": canonical_property(c.header, kind)}
                    for c in stream.columns],
        "head": read_head(path, encoding=encoding, limit=rows),
        "header_errors": [str(e) for e in stream.header_errors],
        "header_problems": [{"code": e.code, "column": e.column, "line": e.line, "text": str(e)}
                            for e in stream.header_errors],
        "already": None if prev is None else {k: prev[k] for k in ("id", "label", "imported_at", "imported_by")},
    }
