"""CLI commands for record linkage: ``dedupe``, ``reconcile`` and the ``review`` queue."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ._common import State, console, err_console, print_json

review_app = typer.Typer(help="The human review queue of uncertain pairs.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``dedupe``, ``reconcile`` and ``review`` to ``app``."""
    app.command()(dedupe)
    app.command()(reconcile)
    app.add_typer(review_app, name="review")


def _spinner(text: str):  # noqa: ANN202
    return err_console.status(text)


def dedupe(
    ctx: typer.Context,
    kind: str = typer.Option("detainee", help="detainee or own_personnel"),
    engine: str = typer.Option("duckdb", help="duckdb (one machine) or spark"),
    out: Path = typer.Option(None, help="Write one CSV row per person here: external_id,person_id,cluster_id."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Find candidate duplicate persons and fill the review queue (nothing is merged); ``--out`` writes the
    clusters (auto-accepted and human-accepted pairs, never across contradictory births)."""
    from ..services.linkage import run_dedupe

    st: State = ctx.obj
    with _spinner("scoring candidate pairs…"):
        s = run_dedupe(st.bureau().uow, st.actor(), kind=kind, engine=engine, out=out)
    if json_out:
        print_json(s)
    else:
        console.print(f"{s['persons']} persons, {s['pairs']} candidate pairs ({s['matches']} above the match "
                      f"threshold); {s['added']} new in the review queue; {s['clusters']} clusters"
                      + (f"; written to {out}" if out else ""))


def reconcile(
    ctx: typer.Context,
    list_id: str = typer.Argument(..., help="The list_id printed by `powbureau import --json`."),
    against: str = typer.Option(..., help="detainees or own_personnel"),
    out: Path = typer.Option(None, help="Write the result as CSV here."),
    engine: str = typer.Option("duckdb", help="duckdb (one machine) or spark"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Say for every row of a counterpart list who that is: matched, ambiguous or unmatched."""
    from ..services.linkage import reconcile_list

    st: State = ctx.obj
    with _spinner("reconciling…"):
        r = reconcile_list(st.bureau().uow, st.actor(), list_id, against=against, out=out, engine=engine)
    if json_out:
        print_json(r)
        return
    t = Table("row", "status", "person", "score", "explanation")
    for x in r["rows"][:200]:
        t.add_row(x["row_external_id"], x["status"], x["person_external_id"] or x["person_id"], f"{x['score']:.2f}",
                  x["explanation"][:120])
    console.print(t)
    console.print(", ".join(f"{k}: {v}" for k, v in r["summary"].items()) + (f"; written to {out}" if out else ""))


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Also list pairs already judged."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Pairs waiting for a decision, best score first."""
    from ..services.linkage import review_queue

    st: State = ctx.obj
    items = review_queue(st.bureau().uow, st.actor(), include_judged=all_)
    if json_out:
        print_json([i.__dict__ for i in items])
        return
    t = Table("id", "left", "right", "score", "judgement", "explanation")
    for i in items:
        t.add_row(str(i.id), i.left_id, i.right_id, f"{i.score:.2f}", i.judgement or "", i.explanation[:100])
    console.print(t if items else "the review queue is empty")


def _judge(ctx: typer.Context, pair_id: int, judgement: str, reason: str, json_out: bool) -> None:
    from ..services.linkage import judge

    st: State = ctx.obj
    i = judge(st.bureau().uow, st.actor(), pair_id, judgement, reason)
    if json_out:
        print_json(i.__dict__)
    else:
        console.print(f"pair {pair_id} ({i.left_id} ~ {i.right_id}): {judgement}")


@review_app.command("accept")
def accept(ctx: typer.Context, pair_id: int, reason: str = typer.Option("", help="Why."),
           json_out: bool = typer.Option(False, "--json")) -> None:
    """Judge a pair the same person (a revisable edge, not a merge)."""
    _judge(ctx, pair_id, "match", reason, json_out)


@review_app.command("reject")
def reject(ctx: typer.Context, pair_id: int, reason: str = typer.Option("", help="Why."),
           json_out: bool = typer.Option(False, "--json")) -> None:
    """Judge a pair two different persons."""
    _judge(ctx, pair_id, "no_match", reason, json_out)


@review_app.command("unsure")
def unsure(ctx: typer.Context, pair_id: int, reason: str = typer.Option("", help="Why."),
           json_out: bool = typer.Option(False, "--json")) -> None:
    """Mark a pair as undecided; it stays in the queue."""
    _judge(ctx, pair_id, "unsure", reason, json_out)
