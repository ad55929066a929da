"""CLI commands for the audit log: verify the keyed chain and the rows it covers; write a signed checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ._common import State, console, fail, print_json

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context,
    against: Path = typer.Option(None, "--against", help="A checkpoint file written by `audit checkpoint`: also "
                                 "detect a head rewound behind it or a chain forked after it."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Recompute the keyed hash chain and re-check every covered row (wishes, verifications, statements, status
    events, judgements, …); exit 0 when intact, non-zero naming the first bad entry or every edited, deleted
    or unaccounted row (table, id, person)."""
    from ..domain.errors import AuditChainBroken
    from ..services.registry import verify_audit

    st: State = ctx.obj
    cp = _read_checkpoint(against) if against is not None else None
    try:
        r = verify_audit(st.bureau().uow, st.actor(), against=cp)
    except AuditChainBroken as exc:
        if json_out:
            print_json({"ok": False, "error": exc.message, "problems": exc.details or [exc.message]})
        raise
    if json_out:
        print_json({"ok": True, "entries": r.entries, "head": r.head, "rows": r.rows, "checkpoint": r.checkpoint})
    else:
        extra = f", matches the checkpoint at entry {r.checkpoint}" if r.checkpoint is not None else ""
        console.print(f"audit log intact: {r.entries} entries, {r.rows} covered rows, head {r.head[:16]}…{extra}")


@app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    out: Path = typer.Option(None, "--out", help="Write the signed head to this file (default: print it)."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Verify the log, then write its signed head (seq, hash, time, HMAC signature) to keep apart from the
    database; `audit verify --against FILE` later detects entries removed from the end or a rewritten chain."""
    from ..io.paths import writable_file
    from ..services.registry import audit_checkpoint

    st: State = ctx.obj
    if out is not None:
        writable_file(out, what="checkpoint file")
    cp = audit_checkpoint(st.bureau().uow, st.actor())
    text = json.dumps(cp, indent=2) + "\n"
    if out is not None:
        out.write_text(text, encoding="utf-8")
    if json_out:
        print_json({**cp, "file": str(out) if out else None})
    elif out is not None:
        console.print(f"checkpoint of entry {cp['seq']} written to {out}; keep it away from the database server")
    else:
        console.print(text, end="", markup=False, highlight=False)


def _read_checkpoint(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read checkpoint {path}: {exc.strerror or exc}")
    except ValueError:
        fail(f"{path} is not a checkpoint (not JSON); pass a file written by `powbureau audit checkpoint`")
    if not isinstance(data, dict):
        fail(f"{path} is not a checkpoint; pass a file written by `powbureau audit checkpoint`")
    return data
