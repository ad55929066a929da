"""The ``powbureau`` command line: a thin entry point over the services (DESIGN §5 is the contract).

Whoever runs the CLI can open the database, so it acts as the local ``operator`` (role admin) unless
``--as USER`` names another user; every action is audited under that actor."""

from __future__ import annotations

import signal

import typer

from ._common import State, err_console, fail, print_json
from ..domain.errors import PowBureauError

app = typer.Typer(
    help="POW Bureau: registry, cross-script name matching, exchanges and CTA notifications (GC III Art. 122).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    as_user: str = typer.Option(None, "--as", help="Act as this user (default: the local operator, role admin)."),
) -> None:
    ctx.obj = State(as_user)


def _mount() -> None:
    from . import audit, core, lists

    core.register(app)
    lists.register(app)
    app.add_typer(audit.app, name="audit")
    for mod, name in (("names", "names"), ("notify", "notify"), ("cards", "cards"),
                      ("exchange", "exchange"), ("interview", "interview"),
                      ("document", "document"), ("enquiry", "enquiry")):
        try:
            sub = __import__(f"powbureau.cli.{mod}", fromlist=["app"])
        except ModuleNotFoundError as exc:
            if exc.name != f"powbureau.cli.{mod}":
                raise
            continue
        app.add_typer(sub.app, name=name)
    try:
        from . import linkage

        linkage.register(app)
    except ModuleNotFoundError as exc:
        if exc.name != "powbureau.cli.linkage":
            raise


_mount()


def main() -> None:
    """Console entry point: runs the app; a ``PowBureauError`` becomes ``error: <reason>`` and exit code 1."""
    signal.signal(signal.SIGINT, _interrupted)
    try:
        app()
    except PowBureauError as exc:
        fail(exc.message, code=exc.code)


def _interrupted(signum, frame) -> None:  # noqa: ANN001
    """Ctrl-C: say so on one line; the KeyboardInterrupt then rolls the open transaction back (exit 130)."""
    err_console.print("interrupted: the unfinished operation was rolled back; nothing of it was written",
                      markup=False, highlight=False)
    raise KeyboardInterrupt


__all__ = ["app", "main", "print_json"]
