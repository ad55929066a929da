"""CLI commands for documents found on a person: ``powbureau document add|judge|list``.

Thin wrappers over ``services.documents``; every command takes ``--json``. A document's claims are recorded as
written on it (names in their own script); a judgement says whose it is and may be reversed by a later one."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..domain.errors import ValidationFailed
from ._common import State, console, print_json

app = typer.Typer(help="Documents found on a person and the judgement of whose they are (GC III Art. 17-18).",
                  no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _print(d: dict) -> None:
    console.print(f"[bold]{d['title']}[/bold]  id {d['id']}")
    console.print(f"  issued by {d['issuing_state_name']}; in the name of {d['holder_name']}")
    console.print(f"  original: {d['custody_label']}" + (f" — {d['custody_note']}" if d["custody_note"] else ""))
    console.print(f"  judgement: {d['judgement_label']}" + (f"; holder person {d['holder_id']}" if d["holder_id"]
                                                           else ""))


@app.command("add")
def add(
    ctx: typer.Context,
    person_id: str = typer.Argument(..., help="The person the document was found on (the bearer)."),
    doc_type: str = typer.Option(..., "--type", help="military_id, passport, identity_card, identity_disc, "
                                                     "service_record, driving_licence or other"),
    issuing_state: str = typer.Option(..., "--issuer", help="State that issued it (ISO 3166 alpha-2, e.g. RU)."),
    number: str = typer.Option(..., help="The document's number as printed."),
    name: str = typer.Option(..., help="The holder's full name as written on it, in its own script."),
    surname: str = typer.Option(None, help="Surname as written."),
    given_name: str = typer.Option(None, help="Given name(s) as written."),
    patronymic: str = typer.Option(None, help="Patronymic as written."),
    birth_date: str = typer.Option(None, help="Birth date as written: YYYY-MM-DD, YYYY-MM or YYYY."),
    birth_place: str = typer.Option(None, help="Place of birth as written."),
    unit: str = typer.Option(None, help="Unit as written."),
    service_number: str = typer.Option(None, help="Service number as written."),
    rank: str = typer.Option(None, help="Rank as written."),
    issued_on: str = typer.Option(None, help="Date of issue (YYYY-MM-DD, YYYY-MM or YYYY)."),
    found_place: str = typer.Option("", help="Where it was found."),
    found_on: str = typer.Option(None, help="When it was found (YYYY-MM-DD)."),
    custody: str = typer.Option("with_prisoner", help="Where the original is: with_prisoner, "
                                "held_against_receipt, with_bureau, lost, unknown (GC III Art. 18)."),
    custody_note: str = typer.Option("", help="Receipt number, safe, who holds it."),
    scan: Path = typer.Option(None, help="A scan (JPEG, PNG, TIFF or PDF, at most 10 MiB), stored with its hash."),
    json_out: bool = JSON,
) -> None:
    """Record a document found on a person; its claims become statements from that document."""
    from ..services.documents import add_document

    st: State = ctx.obj
    data = None
    if scan is not None:
        try:
            data = scan.read_bytes()
        except OSError as exc:
            raise ValidationFailed(f"--scan {scan}: cannot read it ({exc.strerror}); check the path") from None
    claims = [("name_full", name), ("surname", surname), ("given_name", given_name), ("patronymic", patronymic),
              ("birth_date", birth_date), ("birth_place", birth_place), ("unit", unit),
              ("service_number", service_number), ("rank", rank)]
    d = add_document(st.bureau().uow, st.actor(), person_id, doc_type=doc_type, issuing_state=issuing_state,
                     number=number, claims=[(p, v) for p, v in claims if v], issued_on=issued_on,
                     found_place=found_place, found_on=found_on, custody=custody, custody_note=custody_note,
                     scan=data, scan_name=scan.name if scan else None)
    if json_out:
        print_json(d)
    else:
        _print(d)
        console.print(f"judge it with `powbureau document judge {d['id']} bearer|other_person|forged|unknown "
                      "--reason TEXT`")


@app.command("judge")
def judge(
    ctx: typer.Context,
    document_id: str = typer.Argument(..., help="The document id shown by `document add` or `document list`."),
    judgement: str = typer.Argument(..., help="bearer, other_person, forged or unknown"),
    reason: str = typer.Option(..., help="Why (kept in the record and the audit log)."),
    json_out: bool = JSON,
) -> None:
    """Judge whose a document is; the latest judgement counts, a later one reverses it."""
    from ..services.documents import judge_document

    st: State = ctx.obj
    d = judge_document(st.bureau().uow, st.actor(), document_id, judgement, reason)
    if json_out:
        print_json(d)
    else:
        _print(d)
        console.print(d["line"])


@app.command("list")
def list_(
    ctx: typer.Context,
    person_id: str = typer.Argument(..., help="The bearer (or the person a document was issued to)."),
    json_out: bool = JSON,
) -> None:
    """Documents found on a person, and documents carried by others but issued to him."""
    from ..services.documents import list_documents

    st: State = ctx.obj
    docs = list_documents(st.bureau().uow, st.actor(), person_id)
    if json_out:
        print_json(docs)
        return
    t = Table("document", "in the name of", "judgement", "original")
    t.add_column("id", no_wrap=True, min_width=26)
    for d in docs["found"] + docs["issued_to_him"]:
        t.add_row(d["title"], d["holder_name"], d["judgement_label"], d["custody_label"], d["id"])
    console.print(t if docs["found"] or docs["issued_to_him"] else "no document recorded")
