"""Import use case: a list file becomes persons and statements (or a stored counterpart list), all or nothing.

Strict by default: any invalid row refuses the whole file with every error as ``row N, column C: …``;
``skip_invalid`` stores the valid rows and writes the rest to a rejects file. A file is imported once only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from ..domain.errors import DuplicateImport, ValidationFailed
from ..domain.lifecycle import INITIAL_STATUS
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..domain.statement import SOURCE_KINDS, Statement
from ..io.paths import writable_file
from ..io.properties import parse_mapping
from ..io.readers import read_list
from ..io.rows import RowError
from ..store import audit, repositories as repo
from ..store.tables import list_rows, lists, persons, statements
from ..store.uow import UnitOfWork

KINDS = {"detainees": "detainee", "own_personnel": "own_personnel", "counterpart_list": None}
MAX_ERRORS_SHOWN = 50
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """What to import: ``path``, ``kind`` (detainees | own_personnel | counterpart_list), an optional ``label``,
    ``mapping`` ('THEIR=prop,…'), ``encoding``, ``date_order`` (DMY/MDY/YMD), ``source_kind`` of every value,
    ``skip_invalid`` and the ``rejects_path``."""

    path: Path
    kind: str
    label: str | None = None
    mapping: str | None = None
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


def import_list(uow: UnitOfWork, actor: Actor, opts: ImportOptions, *, progress: Progress | None = None) -> dict:
    """Import ``opts.path``; returns ``{imported, rejected, list_id, persons, statements, encoding, …}``.

    Every value becomes a statement with ``source_kind`` and ``source_ref`` = ``list:<list_id>#<row>``.
    Raises ``ValidationFailed`` (unreadable file, unknown column, invalid rows without skip_invalid),
    ``DuplicateImport`` (same content hash already imported), ``PermissionDenied``. One transaction: on any
    error nothing is written."""
    require(actor, "list.import")
    if opts.kind not in KINDS:
        raise ValidationFailed(f"--kind {opts.kind!r} is not one of: {', '.join(KINDS)}")
    source_kind = opts.source_kind or ("counterpart_list" if opts.kind == "counterpart_list" else "third_party")
    if source_kind not in SOURCE_KINDS:
        raise ValidationFailed(f"--source-kind {source_kind!r} is not one of: {', '.join(SOURCE_KINDS)}")
    path = Path(opts.path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed(f"cannot read {path}: {exc.strerror or exc}; check the path") from exc
    sha = hashlib.sha256(raw).hexdigest()
    with uow.read() as conn:
        prev = repo.list_by_sha(conn, sha)
    if prev is not None:
        raise DuplicateImport(
            f"{path.name} was already imported as list {prev['id']} ({prev['label']}) on "
            f"{prev['imported_at']:%Y-%m-%d} by {prev['imported_by']}; nothing was imported again"
        )
    if opts.skip_invalid:
        writable_file(opts.rejects_path or path.with_name(path.name + ".rejects.csv"), what="rejects file")
    mapping = parse_mapping(opts.mapping) if opts.mapping else None
    parsed = read_list(path, mapping=mapping, encoding=opts.encoding, date_order=opts.date_order, kind=opts.kind)
    fatal = [e for e in parsed.errors if getattr(e, "fatal", False) or e.line is None]
    if fatal or (parsed.errors and not opts.skip_invalid):
        raise ValidationFailed(_errors_message(path, fatal or parsed.errors),
                               details=[str(e) for e in (fatal or parsed.errors)])
    if not parsed.rows and not parsed.errors:
        raise ValidationFailed(f"{path.name}: the file has a header but no data rows; nothing was imported")
    if not parsed.rows:
        raise ValidationFailed(_errors_message(path, parsed.errors), details=[str(e) for e in parsed.errors])
    list_id = new_id()
    person_kind = KINDS[opts.kind]
    now = datetime.now(UTC)
    total = len(parsed.rows)
    rejected: list[RowError] = []
    rows = parsed.rows
    # Rows whose external_id already belongs to a person of this kind: a duplicate, refused.
    with uow.read() as conn:
        if person_kind:
            ids = [r.external_id for r in rows if r.external_id]
            taken: set[str] = set()
            for i in range(0, len(ids), 500):
                taken.update(conn.execute(
                    select(persons.c.external_id).where(
                        persons.c.kind == person_kind, persons.c.external_id.in_(ids[i : i + 500]))
                ).scalars())
            if taken:
                dup = [r for r in rows if r.external_id in taken]
                errs = [RowError(r.line, "external_id", f"external_id {r.external_id!r} is already in the registry "
                                 "for another person; remove the row or give it its own id") for r in dup]
                if not opts.skip_invalid:
                    raise ValidationFailed(_errors_message(path, errs), details=[str(e) for e in errs])
                rejected += errs
                rows = [r for r in rows if r.external_id not in taken]
    n_statements = 0
    with uow.transaction() as conn:
        conn.execute(lists.insert().values(
            id=list_id, label=opts.label or path.name, kind=opts.kind, filename=path.name, sha256=sha,
            encoding=parsed.encoding or parsed.format, source_kind=source_kind, row_count=len(rows), imported_at=now,
            imported_by=actor.name,
        ))
        pid_by_line: dict[int, str] = {}
        prows, srows, lrows, stmts = [], [], [], []
        for done, r in enumerate(rows, 1):
            pid = None
            if person_kind:
                pid = pid_by_line.get(r.same_person_as) if r.same_person_as else None
                if pid is None:
                    pid = new_id()
                    prows.append({"id": pid, "kind": person_kind, "status": INITIAL_STATUS[person_kind],
                                  "external_id": r.external_id, "list_id": list_id, "created_at": now,
                                  "created_by": actor.name})
                pid_by_line[r.line] = pid
                ref = f"list:{list_id}#{r.line}"
                for v in r.values:
                    if v.property == "external_id":
                        continue
                    s = Statement(pid, v.property, v.value, source_kind, ref, actor.name, now,
                                  original=v.original, script=v.script, alias=v.alias)
                    stmts.append(s)
                    srows.append(repo.statement_row(s))
            lrows.append({"list_id": list_id, "line": r.line, "external_id": r.external_id, "person_id": pid,
                          "data": json.dumps([[v.property, v.value, v.original, v.script, v.alias]
                                              for v in r.values], ensure_ascii=False)})
            if progress and (done % 500 == 0 or done == len(rows)):
                progress(done, total)
        repo.insert_many(conn, persons, prows)
        repo.insert_many(conn, statements, srows)
        repo.insert_many(conn, list_rows, lrows)
        _bulk_index(conn, stmts)
        n_statements = len(srows)
        digest = hashlib.sha256("".join(sorted(s.id for s in stmts)).encode()).hexdigest()
        audit.append(conn, actor=actor.name, action="list.import", target=list_id, detail={
            "file": path.name, "sha256": sha, "kind": opts.kind, "rows": len(rows), "persons": len(prows),
            "statements": n_statements, "statements_digest": digest, "rejected": len(parsed.rejected_lines()) + len(rejected),
        })
    rejects_file = None
    n_rejected = len(parsed.rejected_lines()) + len(rejected)
    if n_rejected:
        rejects_file = opts.rejects_path or path.with_name(path.name + ".rejects.csv")
        replace(parsed, errors=parsed.errors + rejected).write_rejects(rejects_file)
    return {
        "imported": len(rows), "rejected": n_rejected, "list_id": list_id, "persons": len(prows),
        "statements": n_statements, "encoding": parsed.encoding, "delimiter": parsed.delimiter,
        "rejects_file": str(rejects_file) if rejects_file else None,
        "warnings": [str(w) for w in parsed.warnings] + _merged_note(rows),
    }


def _bulk_index(conn, stmts: list[Statement]) -> None:  # noqa: ANN001
    """Name keys of freshly created persons: no existing keys to consult, insert the distinct pairs."""
    from .registry import keys_for_statement
    from ..store.tables import name_keys

    pairs = {(k, s.person_id) for s in stmts for k in keys_for_statement(s)}
    repo.insert_many(conn, name_keys, [{"key": k, "person_id": p} for k, p in pairs])


def _merged_note(rows: list) -> list[str]:  # noqa: ANN001
    """A warning naming the rows that repeat an earlier row's external_id (stored as one person)."""
    same = [r for r in rows if r.same_person_as]
    if not same:
        return []
    shown = ", ".join(f"row {r.line} = row {r.same_person_as}" for r in same[:10])
    more = f" and {len(same) - 10} more" if len(same) > 10 else ""
    return [f"{len(same)} row(s) repeat the external_id of an earlier row and were stored as that person under "
            f"a second name ({shown}{more}); `powbureau show` lists both names"]
