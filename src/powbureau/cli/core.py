"""CLI commands for the registry: init, serve, demo, user add|password|disable|enable, search, show, status."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from ._common import State, console, print_json

user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the registry commands to ``app``."""
    app.command()(init)
    app.command()(serve)
    app.command()(demo)
    app.command()(search)
    app.command()(show)
    app.command()(status)
    app.command()(retract)
    app.add_typer(user_app, name="user")


def init(ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Create or migrate the database (POWBUREAU_DB, default sqlite:///powbureau.db) and the first accounts."""
    st: State = ctx.obj
    b = st.bureau()
    if json_out:
        print_json({"database": b.uow.engine.url.render_as_string(hide_password=True), "migrated": True})
    else:
        console.print(f"database ready: {b.uow.engine.url.render_as_string(hide_password=True)}")


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
) -> None:
    """Run the web app and REST API (migrates the database on first start)."""
    import uvicorn

    from ..web.app import create_app

    st: State = ctx.obj
    b = st.bureau()
    console.print(f"POW Bureau on http://{host}:{port}/  (sign in at /login; API docs at /docs)")
    uvicorn.run(create_app(b), host=host, port=port, log_level="info")


def demo(ctx: typer.Context, json_out: bool = typer.Option(False, "--json")) -> None:
    """Seed an EMPTY database with a small synthetic bureau (Korean, Russian, Ukrainian and Tuvan names)."""
    from ..services.demo import seed_demo

    st: State = ctx.obj
    summary = seed_demo(st.bureau().uow, st.actor())
    if json_out:
        print_json(summary)
    else:
        console.print(f"demo bureau seeded: {summary['persons']} persons; try `powbureau search 백광혁`")
        users = summary.get("users") or {}
        if users:
            console.print("demo users (passwords shown once):")
            for name, info in users.items():
                role = info.get("role", "") if isinstance(info, dict) else ""
                pw = info.get("password", info) if isinstance(info, dict) else info
                console.print(f"  {name:<12} {role:<14} {pw}")


def search(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="A name in any script: Hangul, Cyrillic or Latin."),
    kind: str = typer.Option(None, help="detainee or own_personnel (anything else is an error)"),
    limit: int = typer.Option(20, min=1, max=500),
    offset: int = typer.Option(0, min=0, help="persons to skip: the next page starts at offset + limit"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Cross-script search of the registry."""
    from ..services.registry import search as do_search

    st: State = ctx.obj
    hits = do_search(st.bureau().uow, st.actor(), text, kind=kind, limit=limit, offset=offset)
    if json_out:
        print_json([h.__dict__ for h in hits])
        return
    t = Table("name", "born", "kind", "status", "score")
    t.add_column("id", no_wrap=True, min_width=26)
    for h in hits:
        t.add_row(h.name, h.birth_date or "", h.kind, h.status, f"{h.score:.2f}", h.person_id)
    if not hits:
        console.print(f"nobody found for {text!r}")
        return
    console.print(t)
    console.print(f"{offset + 1}-{offset + len(hits)} of {hits.total} persons found"
                  + (f"; next page: --offset {hits.next_offset}" if hits.next_offset is not None else ""))


def show(
    ctx: typer.Context,
    person_id: str = typer.Argument(...),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """The resolved view of a person with every statement's provenance and the flagged conflicts."""
    from ..services.registry import show as do_show

    st: State = ctx.obj
    v = do_show(st.bureau().uow, st.actor(), person_id)
    if json_out:
        print_json(v.as_dict())
        return
    head = v.extra.get("headline") or {}
    badge = "  [yellow][conflict: under dispute][/yellow]" if head.get("disputed") else ""
    number = f"  prisoner No. {v.extra['prisoner_number']}" if v.extra.get("prisoner_number") else ""
    console.print(f"[bold]{head.get('name') or v.id}[/bold]{badge}  {v.kind}, {v.status}{number}  id {v.id}")
    for line in v.extra.get("carried", []):
        console.print(line)
    for prop, names in v.extra.get("countries", {}).items():
        console.print(f"{prop.replace('_', ' ')}: {'; '.join(names)}")
    t = Table("property", "value", "source", "reference", "recorded")
    for s in v.statements:
        gone = s.get("retraction") or {}
        withdrawn = (f" [retracted by {gone.get('by')} on {str(gone.get('at'))[:10]}: {gone.get('reason')}]"
                     if gone else " [retracted]")
        val = s["value"] + (" (alias)" if s["alias"] else "") + (withdrawn if s["retracted"] else "") + (
            " [another person's document]" if not s.get("counts", True) else "")
        t.add_row(s["property"], escape(val), s["source_kind"], escape(s["source_ref"]), s["recorded_at"][:19])
    console.print(t)
    for c in v.conflicts:
        console.print(f"[yellow]conflict[/yellow] {c}")
    for e in v.history:
        console.print(f"{e['at'][:19]}  {e['from'] or '—'} → {e['to']} at {e['place']} by {e['actor']}")
    if v.hidden:
        console.print(f"{v.hidden} restricted statement(s) hidden from your role")


def status(
    ctx: typer.Context,
    person_id: str = typer.Argument(...),
    to: str = typer.Argument(..., help="New status, e.g. registered, interned, hospitalised, repatriated."),
    place: str = typer.Option(..., help="Where it happened (camp, hospital, crossing point)."),
    note: str = typer.Option("", help="Free text."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Record a status change; only legal transitions of the life cycle are accepted."""
    from ..services.registry import change_status

    st: State = ctx.obj
    e = change_status(st.bureau().uow, st.actor(), person_id, to, place=place, note=note)
    if json_out:
        print_json({"person_id": person_id, "from": e.from_status, "to": e.to_status, "at": e.at.isoformat()})
    else:
        console.print(f"{person_id}: {e.from_status} → {e.to_status}")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Option(..., help="admin, registrar, interviewer, medical, negotiator, auditor, icrc_delegate"),
    password: bool = typer.Option(False, "--password", help="Ask for the password instead of generating one."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Create a user; the password is asked (--password) or generated and printed once."""
    from ..services.users import add_user

    st: State = ctx.obj
    pw = typer.prompt("password", hide_input=True, confirmation_prompt=True) if password else None
    made = add_user(st.bureau().uow, st.actor(), name, role, pw)
    if json_out:
        print_json({"name": name, "role": role, **({} if pw else {"password": made})})
    elif pw:
        console.print(f"user {name} ({role}) created")
    else:
        console.print(f"user {name} ({role}) created; password (shown once): [bold]{made}[/bold]")


@user_app.command("password")
def user_password(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    ask: bool = typer.Option(False, "--ask", help="Ask for the new password instead of generating one."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Set a new password for a user (generated and printed once, or asked with --ask)."""
    from ..services.users import reset_password

    st: State = ctx.obj
    pw = typer.prompt("new password", hide_input=True, confirmation_prompt=True) if ask else None
    made = reset_password(st.bureau().uow, st.actor(), name, pw)
    if json_out:
        print_json({"name": name, **({} if pw else {"password": made})})
    else:
        console.print(f"new password for {name}" + ("" if pw else f" (shown once): [bold]{made}[/bold]"))


def retract(
    ctx: typer.Context,
    statement_id: str = typer.Argument(..., help="The statement id shown by `powbureau show PERSON_ID --json`."),
    reason: str = typer.Option(..., help="Why the statement is withdrawn (kept in the record)."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Withdraw a wrong statement; it stays in the record, marked retracted, with your reason."""
    from ..services.registry import retract_statement

    st: State = ctx.obj
    retract_statement(st.bureau().uow, st.actor(), statement_id, reason)
    if json_out:
        print_json({"statement_id": statement_id, "retracted": True})
    else:
        console.print(f"statement {statement_id} retracted")


def _set_enabled(ctx: typer.Context, name: str, enabled: bool, json_out: bool) -> None:
    from ..services.users import set_enabled

    st: State = ctx.obj
    r = set_enabled(st.bureau().uow, st.actor(), name, enabled)
    if json_out:
        print_json(r)
        return
    word = "enabled" if enabled else "disabled"
    state = f"user {name} {word}" if r["changed"] else f"user {name} was already {word}"
    ended = f"; {r['sessions_ended']} session(s) ended" if r["sessions_ended"] else ""
    console.print(state + ended)


@user_app.command("disable")
def user_disable(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Disable a user: every session ends at once, sign-in (web and API) is refused; audited."""
    _set_enabled(ctx, name, False, json_out)


@user_app.command("enable")
def user_enable(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Enable a disabled user again (the password is unchanged); audited."""
    _set_enabled(ctx, name, True, json_out)
