"""CLI commands for interviews, the interpreter roster, repatriation wishes and medical decisions.

``powbureau interview record|list|roster|interpreter|waiting|wish|verify|wishes|medical`` — thin wrappers over
``services.custody``; every command takes ``--json``."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from ..domain.errors import ValidationFailed
from ._common import State, console, print_json

app = typer.Typer(help="Interviews, interpreters, repatriation wishes and medical decisions.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"--when {text!r} is not an ISO time; give e.g. 2026-11-30T10:00:00+00:00") from None


@app.command("record")
def record(
    ctx: typer.Context,
    person_id: str = typer.Argument(..., help="The person interviewed."),
    purpose: str = typer.Option(..., help="registration, medical, wish or icrc_private"),
    language: str = typer.Option(..., help="Language the person spoke (ISO 639, e.g. ko)."),
    where: str = typer.Option(..., help="Camp, hospital or room."),
    when: str = typer.Option(None, help="ISO time with zone (default: now)."),
    interpreter: str = typer.Option(None, help="Interpreter's name (roster name brings his supplier)."),
    supplied_by: str = typer.Option(None, help="'independent' or the interested party that supplied him."),
    present: list[str] = typer.Option([], help="Someone else present (repeat)."),
    json_out: bool = JSON,
) -> None:
    """Record an interview (GC III Art. 126 for ICRC private interviews)."""
    from ..services.custody import record_interview

    st: State = ctx.obj
    v = record_interview(st.bureau().uow, st.actor(), person_id, purpose=purpose, language=language, where=where,
                         when=_when(when), interpreter=interpreter, supplied_by=supplied_by, present=present)
    if json_out:
        print_json(v)
    else:
        via = f" through {v['interpreter']} ({v['interpreter_supplied_by']})" if v["interpreter"] else ""
        console.print(f"interview {v['id']}: {v['purpose']} with {v['person_name']} in {v['language']}{via}")


@app.command("list")
def list_cmd(ctx: typer.Context, person_id: str = typer.Argument(None), json_out: bool = JSON) -> None:
    """Interviews, newest first (of one person when PERSON_ID is given)."""
    from ..services.custody import list_interviews

    st: State = ctx.obj
    items = list_interviews(st.bureau().uow, st.actor(), person_id)
    if json_out:
        print_json(items)
        return
    t = Table("id", "when", "person", "purpose", "lang", "interpreter", "supplied by", "by")
    for i in items:
        t.add_row(i["id"], i["when"][:16], i["person_name"] or i["person_id"], i["purpose"], i["language"],
                  i["interpreter"] or "—", i["interpreter_supplied_by"] or "—", i["conducted_by"])
    console.print(t if items else "no interviews recorded")


@app.command("interpreter")
def interpreter(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    language: list[str] = typer.Option([], help="A language he interprets (repeat)."),
    supplied_by: str = typer.Option("independent", help="'independent' or the party that provides him."),
    retire: bool = typer.Option(False, "--retire", help="Take him off the roster."),
    json_out: bool = JSON,
) -> None:
    """Add, update or retire an interpreter on the roster."""
    from ..services.custody import add_interpreter

    st: State = ctx.obj
    v = add_interpreter(st.bureau().uow, st.actor(), name, language, supplied_by, active=not retire)
    if json_out:
        print_json(v)
    else:
        console.print(f"roster: {v['name']} ({', '.join(v['languages'])}; {v['supplied_by']})"
                      + (" retired" if retire else ""))


@app.command("roster")
def roster_cmd(ctx: typer.Context, json_out: bool = JSON) -> None:
    """The interpreter roster, independent interpreters first."""
    from ..services.custody import roster

    st: State = ctx.obj
    items = roster(st.bureau().uow, st.actor())
    if json_out:
        print_json(items)
        return
    t = Table("name", "languages", "supplied by", "independent")
    for i in items:
        t.add_row(i["name"], ", ".join(i["languages"]), i["supplied_by"], "yes" if i["independent"] else "NO")
    console.print(t if items else "the roster is empty")


@app.command("waiting")
def waiting_cmd(ctx: typer.Context, json_out: bool = JSON) -> None:
    """Detainees who wait for an (independent) interpreter in their language."""
    from ..services.custody import waiting

    st: State = ctx.obj
    items = waiting(st.bureau().uow, st.actor())
    if json_out:
        print_json(items)
        return
    for i in items:
        console.print(f"{i['person_id']}  {i['name']}  waits for: {', '.join(i['languages']) or 'unknown language'}")
    if not items:
        console.print("nobody waits for an interpreter")


@app.command("wish")
def wish(
    ctx: typer.Context,
    person_id: str = typer.Argument(...),
    kind: str = typer.Argument(..., help="return, remain, third_country or undecided"),
    interview: str = typer.Option(..., help="The wish or icrc_private interview it was taken in."),
    destination: str = typer.Option(None, help="Third country (ISO 3166 alpha-2) for third_country."),
    json_out: bool = JSON,
) -> None:
    """Record a repatriation wish (unverified until a delegate confirms it in private)."""
    from ..services.custody import record_wish

    st: State = ctx.obj
    r = record_wish(st.bureau().uow, st.actor(), person_id, kind, interview, destination=destination)
    if json_out:
        print_json(r)
        return
    console.print(f"wish {r['wish']['id']} recorded ({r['wish']['kind']}, not yet verified)")
    for n in r["notices"]:
        console.print(f"[yellow]withdrawn[/yellow] {n['message']}")


@app.command("verify")
def verify(
    ctx: typer.Context,
    wish_id: str = typer.Argument(...),
    interview: str = typer.Option(..., help="Your icrc_private interview with the person."),
    json_out: bool = JSON,
) -> None:
    """Verify a wish as the ICRC delegate (private interview, independent interpreter)."""
    from ..services.custody import verify_wish

    st: State = ctx.obj
    r = verify_wish(st.bureau().uow, st.actor(), wish_id, interview)
    if json_out:
        print_json(r)
    else:
        console.print(f"wish {wish_id} verified ({r['wish']['kind']})")


@app.command("wishes")
def wishes_cmd(ctx: typer.Context, person_id: str = typer.Argument(...), json_out: bool = JSON) -> None:
    """A person's wishes and whether the latest is a verified return."""
    from ..services.custody import wishes_of

    st: State = ctx.obj
    r = wishes_of(st.bureau().uow, st.actor(), person_id)
    if json_out:
        print_json(r)
        return
    for w in r["wishes"]:
        state = f"verified by {w['verified_by']}" if w["verified"] else "not verified"
        console.print(f"{w['taken_at'][:16]}  {w['kind']}  ({state})  wish {w['id']}")
    console.print(r["explanation"])


@app.command("medical")
def medical(
    ctx: typer.Context,
    person_id: str = typer.Argument(...),
    serious: bool = typer.Option(..., "--serious/--not-serious", help="Seriously sick or wounded (Art. 110)?"),
    category: str = typer.Option("", help="The Art. 110 case, e.g. 'Art. 110(1)(1)'."),
    health_box: list[str] = typer.Option([], help="Capture card health box mark (repeat), e.g. seriously_wounded."),
    json_out: bool = JSON,
) -> None:
    """Record a medical decision (medical users only)."""
    from ..services.custody import record_medical_decision

    st: State = ctx.obj
    r = record_medical_decision(st.bureau().uow, st.actor(), person_id, seriously_sick_or_wounded=serious,
                                category=category, health_box=health_box)
    if json_out:
        print_json(r)
    else:
        console.print(f"medical decision recorded for {person_id}: "
                      f"{'seriously sick or wounded' if serious else 'not seriously sick or wounded'}")
