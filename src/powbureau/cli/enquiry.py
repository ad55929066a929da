"""CLI commands for enquiries: ``powbureau enquiry add | import FILE | list | show ID | match ID | judge ID
TARGET | answer ID``. Thin wrappers over ``services.enquiries``; every command takes ``--json``. What an answer
may tell whom is ``domain.enquiry.disclose`` (GC III Art. 122(7), 123): never a wish."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ._common import State, console, print_json

app = typer.Typer(help="Enquiries from families, the CTA and the Powers: intake, matching, answers "
                       "(GC III Art. 122(7), 123).", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _print(v: dict) -> None:
    console.print(f"[bold]enquiry {v['id']}[/bold]  {v['state']}" + (f" ({v['outcome']})" if v["outcome"] else ""))
    who = v["enquirer"]
    console.print(f"  from {who.get('name') or '?'} ({who.get('relationship') or v['channel']}), channel "
                  f"{v['channel']}, reply in {v['language']}")
    console.print(f"  about {'; '.join(v['sought']['names'])}"
                  + (f", born {v['sought']['birth_date']}" if v["sought"].get("birth_date") else ""))
    for c in v["candidates"]:
        mark = "proposed" if c["proposed"] else ""
        console.print(f"  candidate {c['target']}  {c['score']:.2f} {mark} {c['judgement'] or ''}")
        for e in c["explanation"]:
            console.print(f"      {e['field']}: {e['enquiry']} ~ {e['candidate']} → {e['level']} {e['note']}")
    for a in v["answers"]:
        console.print(f"  answered {a['answered_at'][:10]} by {a['actor']}: {a['letter']}")


@app.command("add")
def add(
    ctx: typer.Context,
    name: list[str] = typer.Option(..., "--name", help="The sought person's name in any script (repeatable)."),
    channel: str = typer.Option(..., help="hotline, letter, cta, serving_power or national_society."),
    enquirer: str = typer.Option("", help="Who asks (name)."),
    relationship: str = typer.Option("", help="Mother, wife, …; or the institution."),
    contact: str = typer.Option("", help="Address or telephone of the enquirer."),
    language: str = typer.Option("en", help="Language of the reply (ISO 639-1: uk, ru, ko, en, …)."),
    consent: bool = typer.Option(False, help="The enquirer agrees that their details are passed on."),
    birth_date: str = typer.Option(None, help="YYYY-MM-DD, YYYY-MM or YYYY."),
    birth_place: str = typer.Option("", help="Place of birth."),
    father: str = typer.Option("", help="Father's given name."),
    unit: str = typer.Option("", help="Unit."),
    service_number: str = typer.Option("", help="Service number."),
    last_seen_place: str = typer.Option("", help="Where he was last seen."),
    last_seen_date: str = typer.Option(None, help="When he was last seen (YYYY-MM-DD, YYYY-MM or YYYY)."),
    side: str = typer.Option(None, help="own (our serviceman) or enemy (a soldier we may hold)."),
    reference: str = typer.Option("", help="The hotline's or letter's own number."),
    json_out: bool = JSON,
) -> None:
    """Take one enquiry and match it at once."""
    from ..services.enquiries import register_enquiry

    st: State = ctx.obj
    v = register_enquiry(st.bureau().uow, st.actor(), {
        "names": name, "channel": channel, "enquirer_name": enquirer, "enquirer_relationship": relationship,
        "enquirer_contact": contact, "enquirer_language": language, "consent": consent, "birth_date": birth_date,
        "birth_place": birth_place, "father_given_name": father, "unit": unit, "service_number": service_number,
        "last_seen_place": last_seen_place, "last_seen_date": last_seen_date, "side": side, "reference": reference})
    print_json(v) if json_out else _print(v)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV, XLSX or JSON: the sought person's properties plus reference, "
                                          "channel, enquirer_name, enquirer_relationship, enquirer_contact, "
                                          "enquirer_language, consent, last_seen_place, last_seen_date, side."),
    channel: str = typer.Option(None, help="Channel of rows whose channel cell is empty (e.g. hotline)."),
    map_: str = typer.Option(None, "--map", help="THEIR_HEADER=property,… for other headers."),
    encoding: str = typer.Option(None, help="Encoding of a CSV/JSON file (detected when left out)."),
    json_out: bool = JSON,
) -> None:
    """Import a hotline's file of enquiries, all or nothing (errors as row N, column C); each is matched."""
    from ..services.enquiries import import_enquiries

    st: State = ctx.obj
    out = import_enquiries(st.bureau().uow, st.actor(), file, mapping=map_, encoding=encoding, channel=channel)
    if json_out:
        print_json(out)
    else:
        console.print(f"imported {out['imported']} enquiries; {out['possible_hits']} with a possible hit")


@app.command("list")
def list_(ctx: typer.Context, state: str = typer.Option(None, help="open, possible_hit, answered or closed."),
          json_out: bool = JSON) -> None:
    """Enquiries, newest first."""
    from ..services.enquiries import list_enquiries

    st: State = ctx.obj
    rows = list_enquiries(st.bureau().uow, st.actor(), state=state)
    if json_out:
        print_json(rows)
        return
    t = Table("id", "state", "channel", "about", "from", "received")
    for r in rows:
        t.add_row(r["id"], r["state"] + (f" ({r['outcome']})" if r["outcome"] else ""), r["channel"],
                  "; ".join(r["names"]), f"{r['enquirer']} {r['relationship']}".strip(), r["received_at"][:10])
    console.print(t)


@app.command("show")
def show(ctx: typer.Context, enquiry_id: str = typer.Argument(...), json_out: bool = JSON) -> None:
    """One enquiry: who asks, about whom, candidates with their explanation, history and answers."""
    from ..services.enquiries import show_enquiry

    st: State = ctx.obj
    v = show_enquiry(st.bureau().uow, st.actor(), enquiry_id)
    print_json(v) if json_out else _print(v)


@app.command("match")
def match(ctx: typer.Context, enquiry_id: str = typer.Argument(...), json_out: bool = JSON) -> None:
    """Match an enquiry again now (it is also re-matched after every list import)."""
    from ..services.enquiries import match_enquiry

    st: State = ctx.obj
    v = match_enquiry(st.bureau().uow, st.actor(), enquiry_id)
    print_json(v) if json_out else _print(v)


@app.command("judge")
def judge(ctx: typer.Context, enquiry_id: str = typer.Argument(...),
          target: str = typer.Argument(..., help="The candidate as `enquiry show` names it (person:… or row:…)."),
          judgement: str = typer.Argument(..., help="confirmed or rejected (the latest judgement counts)."),
          reason: str = typer.Option(..., help="Why it is, or is not, the sought person."),
          json_out: bool = JSON) -> None:
    """Confirm or reject a candidate (a revisable judgement)."""
    from ..services.enquiries import judge_candidate

    st: State = ctx.obj
    v = judge_candidate(st.bureau().uow, st.actor(), enquiry_id, target, judgement, reason)
    print_json(v) if json_out else _print(v)


@app.command("answer")
def answer(ctx: typer.Context, enquiry_id: str = typer.Argument(...), json_out: bool = JSON) -> None:
    """Answer an enquiry from its confirmed candidate (not yet found when none): only what its channel may be
    told, in the enquirer's language; never a wish."""
    from ..services.enquiries import answer_enquiry
    from ..services.tracing import tracing_case

    st: State = ctx.obj
    out = answer_enquiry(st.bureau().uow, st.actor(), enquiry_id)
    case = tracing_case(st.bureau().uow, st.actor(), enquiry_id)
    out["same_person"] = [x for x in case["enquiries"] if x["id"] != enquiry_id]
    if json_out:
        print_json(out)
    else:
        console.print(f"{out['outcome']}: {out['letter']}")
        for x in out["same_person"]:
            console.print(f"  the same person is sought by enquiry {x['id']} ({x['enquirer'] or x['channel']}, "
                          f"{x['state']}): answer it too")
