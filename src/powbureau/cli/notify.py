"""CLI commands for notifications to the CTA: what is due, the signed export, and its verification.

``powbureau notify due | export [--out DIR] | verify FILE`` over ``services.notify`` (GC III Art. 70, 120, 122)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from ..domain.errors import ValidationFailed
from ._common import State, console, print_json

app = typer.Typer(help="Notifications to the ICRC Central Tracing Agency: due, export, verify.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"--today {text!r} is not a date; give YYYY-MM-DD") from None


@app.command("due")
def due(ctx: typer.Context, today: str = typer.Option(None, help="Count deadlines as of this day (YYYY-MM-DD)."),
        json_out: bool = JSON) -> None:
    """Notifications due and overdue, the earliest first."""
    from ..services.notify import due as do

    st: State = ctx.obj
    items = do(st.bureau().uow, st.actor(), _day(today))
    if json_out:
        print_json(items)
        return
    t = Table("due on", "", "kind", "person / enquiry", "name", "rule")
    for i in items:
        t.add_row(i["due_on"], "[red]OVERDUE[/red]" if i["overdue"] else "", i["kind"],
                  i["person_id"] or f"enquiry {i['enquiry_id']}", i["name"] or "", i["rule"])
    console.print(t if items else "nothing is due")


@app.command("export")
def export(ctx: typer.Context, out: Path = typer.Option(Path("."), "--out", help="Folder for the files."),
           today: str = typer.Option(None, help="Export what is due on this day (YYYY-MM-DD)."),
           json_out: bool = JSON) -> None:
    """Write what is due as JSON and CSV for the CTA, each signed (Ed25519, FILE.sig), and mark it sent."""
    from ..services.notify import export as do

    st: State = ctx.obj
    r = do(st.bureau().uow, st.actor(), out, _day(today))
    if json_out:
        print_json(r)
    else:
        console.print(f"{r['count']} notifications written, signed with {r['key']} and recorded as sent "
                      f"(sent log {r['export_id']}):\n  {r['json']}\n  {r['csv']}\n"
                      f"verify with: powbureau notify verify FILE (public key {r['public_key']})")


@app.command("verify")
def verify(file: Path = typer.Argument(..., help="An exported file; its signature is FILE.sig."),
           key: Path = typer.Option(None, help="Public key PEM (default: the bureau's own key)."),
           json_out: bool = JSON) -> None:
    """Check an exported file against its signature; non-zero exit when it was changed or signed by another key."""
    from ..services.notify import verify as do

    r = do(file, key)
    if json_out:
        print_json(r)
    else:
        console.print(f"signature OK: {r['file']} (sha256 {r['sha256'][:16]}…, key {r['key']})")
