"""CLI commands for exchanges: create, list persons both ways, transitions, execution and reconciliation.

``powbureau exchange create|list|show|eligibility|add|remove|incoming|match|propose|reopen|agree|cancel|execute|
close|notices`` — thin wrappers over ``services.exchanges``; every command takes ``--json``."""

from __future__ import annotations

import typer
from rich.table import Table

from ..domain.errors import ValidationFailed
from ._common import State, console, print_json

app = typer.Typer(help="Exchanges with a counterpart: lists, eligibility, execution, reconciliation.",
                  no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _print(x: dict) -> None:
    console.print(f"[bold]exchange {x['id']}[/bold] with {x['counterpart']}: {x['state']}")
    for e in x["outgoing"]:
        flag = " [medical priority, not counted]" if e["medical_priority"] else ""
        console.print(f"  out  {e['person_id']}  {e['name']}{flag}")
    for e in x["incoming"]:
        who = f"{e['person_id']}  {e['name']}" if e["matched"] else "not yet matched"
        console.print(f"  in   row {e['row_id']}  {who}  ({e['match_note']})")
    b = x["balance"]
    console.print(f"  balance: {b['outgoing_counted']} out / {b['incoming_counted']} in counted one-for-one; "
                  f"{b['outgoing_medical']} / {b['incoming_medical']} seriously sick or wounded apart")
    for n in x["notices"]:
        console.print(f"  [yellow]notice[/yellow] {n['message']}")
    if x["reconciliation"]:
        for line in x["reconciliation"]["lines"]:
            console.print(f"  {line['side']:8} {line['outcome']:15} {line['name'] or line['row_id'] or ''}  "
                          f"{line['note']}")


def _out(x: dict, json_out: bool) -> None:
    if json_out:
        print_json(x)
    else:
        _print(x)


@app.command("create")
def create(ctx: typer.Context, counterpart: str = typer.Argument(..., help="The Power holding our personnel."),
           json_out: bool = JSON) -> None:
    """Create a draft exchange with COUNTERPART."""
    from ..services.exchanges import create as do

    st: State = ctx.obj
    _out(do(st.bureau().uow, st.actor(), counterpart), json_out)


@app.command("list")
def list_cmd(ctx: typer.Context, json_out: bool = JSON) -> None:
    """Every exchange, newest first."""
    from ..services.exchanges import list_exchanges

    st: State = ctx.obj
    items = list_exchanges(st.bureau().uow, st.actor())
    if json_out:
        print_json(items)
        return
    t = Table("id", "counterpart", "state", "outgoing", "incoming")
    for i in items:
        t.add_row(i["id"], i["counterpart"], i["state"], str(i["outgoing"]), str(i["incoming"]))
    console.print(t if items else "no exchanges")


@app.command("show")
def show(ctx: typer.Context, exchange_id: str = typer.Argument(...), json_out: bool = JSON) -> None:
    """An exchange with its lists, eligibility, balance, notices and reconciliation."""
    from ..services.exchanges import show as do

    st: State = ctx.obj
    _out(do(st.bureau().uow, st.actor(), exchange_id), json_out)


@app.command("eligibility")
def eligibility(ctx: typer.Context, person_id: list[str] = typer.Argument(None), json_out: bool = JSON) -> None:
    """Who may be listed for handover, explained rule by rule (all detainees in custody, or the given ones)."""
    from ..services.exchanges import eligibility as do

    st: State = ctx.obj
    items = do(st.bureau().uow, st.actor(), person_id or None)
    if json_out:
        print_json(items)
        return
    for i in items:
        console.print(f"[bold]{i['name']}[/bold] {i['person_id']}: {'ELIGIBLE' if i['eligible'] else 'not eligible'}")
        for c in i["checks"]:
            console.print(f"   [{'ok' if c['passed'] else 'NO'}] {c['text']} ({c['rule']})")


@app.command("add")
def add(ctx: typer.Context, exchange_id: str = typer.Argument(...), person_id: str = typer.Argument(...),
        json_out: bool = JSON) -> None:
    """Put a detainee on the outgoing list (refused unless his latest wish is a verified return)."""
    from ..services.exchanges import add_outgoing

    st: State = ctx.obj
    _out(add_outgoing(st.bureau().uow, st.actor(), exchange_id, person_id), json_out)


@app.command("remove")
def remove(ctx: typer.Context, exchange_id: str = typer.Argument(...), person_id: str = typer.Argument(...),
           reason: str = typer.Option(..., help="Why he is withdrawn."), json_out: bool = JSON) -> None:
    """Take a detainee off the outgoing list."""
    from ..services.exchanges import remove_outgoing

    st: State = ctx.obj
    _out(remove_outgoing(st.bureau().uow, st.actor(), exchange_id, person_id, reason), json_out)


@app.command("incoming")
def incoming(
    ctx: typer.Context, exchange_id: str = typer.Argument(...), list_id: str = typer.Argument(...),
    row: list[str] = typer.Option([], help="Only this row (external id; repeat). Default: every row."),
    medical_priority: list[str] = typer.Option([], help="Row flagged seriously sick or wounded (repeat)."),
    json_out: bool = JSON,
) -> None:
    """Put rows of a counterpart list on the incoming list, matched to our own personnel where possible."""
    from ..services.exchanges import add_incoming_from_list

    st: State = ctx.obj
    _out(add_incoming_from_list(st.bureau().uow, st.actor(), exchange_id, list_id, row or None,
                                medical_priority=medical_priority), json_out)


@app.command("match")
def match(ctx: typer.Context, exchange_id: str = typer.Argument(...), row_id: str = typer.Argument(...),
          person_id: str = typer.Argument(...), json_out: bool = JSON) -> None:
    """Record that an incoming row is one of our own personnel."""
    from ..services.exchanges import match_incoming

    st: State = ctx.obj
    _out(match_incoming(st.bureau().uow, st.actor(), exchange_id, row_id, person_id), json_out)


def _verb(verb: str):  # noqa: ANN202
    def command(ctx: typer.Context, exchange_id: str = typer.Argument(...),
                reason: str = typer.Option("", help="Why (required to cancel)."), json_out: bool = JSON) -> None:
        from ..services.exchanges import transition

        st: State = ctx.obj
        _out(transition(st.bureau().uow, st.actor(), exchange_id, verb, reason=reason), json_out)

    command.__doc__ = {
        "propose": "draft → proposed (re-checks every listed person).",
        "reopen": "proposed → draft, to amend the proposal; agreed → proposed, to agree again after a change.",
        "agree": "proposed → agreed (re-checks every listed person).",
        "cancel": "draft/proposed/agreed → cancelled (--reason required).",
        "close": "executed → closed.",
    }[verb]
    return command


for _v in ("propose", "reopen", "agree", "cancel", "close"):
    app.command(_v)(_verb(_v))


def _pairs(items: list[str], what: str) -> list[tuple[str, str | None, str]]:
    out = []
    for item in items:
        left, sep, right = item.partition("=")
        if not sep or not left.strip():
            raise ValidationFailed(f"--{what} {item!r}: write ROW=PERSON_ID or ROW=description")
        right = right.strip()
        is_id = len(right) == 26 and right.isalnum()
        out.append((left.strip(), right if is_id else None, "" if is_id else right))
    return out


@app.command("execute")
def execute(
    ctx: typer.Context, exchange_id: str = typer.Argument(...),
    crossed: list[str] = typer.Option([], help="Detainee handed over (person id; repeat)."),
    arrived: list[str] = typer.Option([], help="Incoming row that arrived (row id; repeat)."),
    substitute: list[str] = typer.Option([], help="ROW=PERSON_ID or ROW=description: someone else came."),
    unknown: list[str] = typer.Option([], help="Description of someone who arrived unannounced (repeat)."),
    place: str = typer.Option("crossing point", help="Where the exchange took place."),
    json_out: bool = JSON,
) -> None:
    """Record who actually crossed (agreed → executed), reconcile planned vs actual and update statuses."""
    from ..services.exchanges import execute as do

    st: State = ctx.obj
    subs = _pairs(substitute, "substitute")
    x = do(st.bureau().uow, st.actor(), exchange_id, crossed=crossed, arrived=arrived, substitutions=subs,
           unknown_arrivals=[(u, None) for u in unknown], place=place)
    _out(x, json_out)


@app.command("notices")
def notices(ctx: typer.Context, json_out: bool = JSON) -> None:
    """Notices for negotiators: persons withdrawn from an exchange after a change of wish."""
    from ..services.custody import notices as do

    st: State = ctx.obj
    items = do(st.bureau().uow, st.actor())
    if json_out:
        print_json(items)
        return
    for n in items:
        console.print(f"{n['at'][:16]}  {n['message']}")
    if not items:
        console.print("no notices")
