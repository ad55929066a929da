"""CLI commands for the audit log."""

from __future__ import annotations

import typer

from ._common import State, console, print_json

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify(ctx: typer.Context, json_out: bool = typer.Option(False, "--json")) -> None:
    """Recompute the hash chain; exit 0 when intact, non-zero naming the first bad entry otherwise."""
    from ..services.registry import verify_audit

    st: State = ctx.obj
    r = verify_audit(st.bureau().uow, st.actor())
    if json_out:
        print_json({"ok": True, "entries": r.entries, "head": r.head})
    else:
        console.print(f"audit log intact: {r.entries} entries, head {r.head[:16]}…")
