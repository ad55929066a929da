"""CLI command for capture cards: ``powbureau cards export [--out DIR]`` writes them as one PDF.

Names in their original script and in Latin, labels in two languages (GC III Art. 70, Annex IV B)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import State, console, print_json

app = typer.Typer(help="Capture cards (GC III Art. 70, Annex IV B).", no_args_is_help=True)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(Path("."), "--out", help="Folder for the PDF."),
    person: list[str] = typer.Option([], help="Only this detainee (repeat). Default: every detainee."),
    lang: list[str] = typer.Option([], help="Label languages side by side, 1 to 3 of uk, ko, ru, en, fr "
                                   "(--lang uk,ko,fr or repeat), or 'auto': per card Ukrainian, the prisoner's "
                                   "language and English. Default: en and fr."),
    record_sent: bool = typer.Option(False, "--record-sent",
                                     help="The cards go to the CTA: keep the PDF in the sent log and record each "
                                          "capture card as sent, so it leaves the due list."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Write capture cards as a PDF (WeasyPrint; Hangul needs a CJK font such as fonts-nanum); with
    --record-sent they count as sent to the CTA (GC III Art. 70)."""
    from ..services.cards import export_cards

    st: State = ctx.obj
    with console.status("rendering capture cards…"):
        langs = tuple(x.strip() for item in lang for x in item.split(",") if x.strip())
        r = export_cards(st.bureau().uow, st.actor(), out, person or None,
                         languages=None if langs == ("auto",) else langs or ("en", "fr"),
                         record_sent=record_sent)
    if json_out:
        print_json(r)
    else:
        sent = f"; recorded as sent to the CTA (sent log {r['export_id']})" if r["export_id"] else ""
        console.print(f"{r['cards']} capture cards written to {r['pdf']}{sent}")
