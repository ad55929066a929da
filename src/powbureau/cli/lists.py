"""CLI command ``import``: bring a list (CSV, XLSX, JSON) into the registry or store a counterpart's list."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ._common import State, console, err_console, print_json


def register(app: typer.Typer) -> None:
    """Add ``import`` to ``app``."""
    app.command("import")(import_cmd)


def import_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV, XLSX or JSON file whose headers are property names (DESIGN §5)."),
    kind: str = typer.Option(..., help="detainees | own_personnel | counterpart_list"),
    source: str = typer.Option(None, help="A label for the list (default: the file name)."),
    map_: str = typer.Option(None, "--map", help="Rename headers: 'THEIR_HEADER=property,…'"),
    encoding: str = typer.Option(None, help="Force an encoding (utf-8, utf-16, cp1251, cp949); detected otherwise."),
    date_order: str = typer.Option(None, help="DMY, MDY or YMD, to read ambiguous dates such as 03/04/1908."),
    source_kind: str = typer.Option(
        None, help="Provenance of every value: third_party (default), document, observation, counterpart_list…"
    ),
    skip_invalid: bool = typer.Option(False, help="Store the valid rows; write the others to a rejects file."),
    rejects: Path = typer.Option(None, help="Where --skip-invalid writes rejected rows (default FILE.rejects.csv)."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Import a list: every value becomes a statement with its provenance; one transaction for the whole file."""
    from ..services.imports import ImportOptions, import_list

    st: State = ctx.obj
    opts = ImportOptions(
        path=file, kind=kind, label=source, mapping=map_, encoding=encoding, date_order=date_order,
        source_kind=source_kind, skip_invalid=skip_invalid, rejects_path=rejects,
    )
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err_console, transient=True, disable=json_out or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        summary = import_list(st.bureau().uow, st.actor(), opts, progress=progress)
    if json_out:
        print_json(summary)
        return
    console.print(
        f"imported {summary['imported']} rows from {file.name} as list {summary['list_id']} "
        f"({summary['encoding']}, {summary['statements']} statements); rejected {summary['rejected']}"
    )
    if summary.get("rejects_file"):
        console.print(f"rejected rows written to {summary['rejects_file']}")
    for w in summary.get("warnings", [])[:20]:
        console.print(f"[yellow]warning[/yellow] {w}")
