"""CLI commands for names across scripts: compare two names, show a name's variants, score a CSV of pairs.

Mounted as ``powbureau names``; every command takes ``--json`` and exits non-zero with one line
``error: <reason>`` on bad input (DESIGN §5)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..domain.errors import PowBureauError
from ..io.name_pairs import score_pairs_file
from ..names import MATCH_THRESHOLD, compare_names, variants
from ._common import console, err_console, fail, print_json

app = typer.Typer(help="Names across scripts: compare, variants, score a CSV of name pairs.", no_args_is_help=True)


def _comparison_dict(a: str, b: str) -> dict:
    c = compare_names(a, b)
    return {"name_a": a, "name_b": b, "score": c.score, "is_match": c.is_match, "threshold": MATCH_THRESHOLD,
            "reason": c.reason,
            "parts": [{"part": p.part, "a": p.a, "b": p.b, "score": round(p.score, 4), "rule": p.rule}
                      for p in c.parts]}


@app.command("compare")
def compare(
    name_a: str = typer.Argument(..., help="First name, any script (Hangul, Cyrillic, Latin)."),
    name_b: str = typer.Argument(..., help="Second name, any script."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Score two names 0..1, say whether they match (threshold 0.80) and why, part by part."""
    d = _comparison_dict(name_a, name_b)
    if json_out:
        print_json(d)
        return
    verdict = "[green]match[/green]" if d["is_match"] else "[red]no match[/red]"
    console.print(f"score {d['score']:.3f} ({verdict} at {MATCH_THRESHOLD:.2f}): {d['reason']}")
    t = Table("part", "A", "B", "score", "rule")
    for p in d["parts"]:
        t.add_row(p["part"], p["a"], p["b"], f"{p['score']:.2f}", p["rule"])
    console.print(t)


@app.command("variants")
def show_variants(
    name: str = typer.Argument(..., help="A name in any script."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Show the script, parsed parts, spellings under each romanization system and the matching keys."""
    v = variants(name)
    if json_out:
        print_json(v)
        return
    p = v["parsed"]
    console.print(f"script: {v['script']}   normalized: {v['normalized']}")
    console.print(f"surname: {p['surname'] or '-'}   given: {p['given'] or '-'}   patronymic: "
                  f"{p['patronymic'] or '-'}   order: {p['order']}   gender: {p['gender'] or 'unknown'}")
    if v["spellings"]:
        t = Table("system", "spelling")
        for k, s in v["spellings"].items():
            t.add_row(k, s)
        console.print(t)
    console.print("name keys: " + ", ".join(v["name_keys"]))
    console.print("token keys: " + ", ".join(v["token_keys"]))
    if v["failed"]:
        console.print("[yellow]could not romanize:[/yellow] " + " ".join(v["failed"]))


@app.command("score-pairs")
def score_pairs(
    pairs: Path = typer.Argument(..., help="CSV with columns name_a,name_b (other columns are kept)."),
    out: Path = typer.Option(..., "--out", help="Where to write the scored CSV (adds score, is_match)."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable summary."),
) -> None:
    """Score every pair of a CSV; writes the rows with ``score`` (0..1) and ``is_match`` (1/0) added.

    A bad row (wrong number of fields, an empty name) is reported with its line number, written with
    empty score/is_match, and does not stop the rest. The file is streamed in chunks
    (``io.name_pairs.score_pairs_file``): memory stays flat however many pairs it holds."""
    with Progress(TextColumn("scoring pairs"), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=json_out) as bar:
        task = bar.add_task("score", total=None)
        try:
            result = score_pairs_file(pairs, out, progress=lambda n: bar.update(task, completed=n))
        except PowBureauError as exc:
            fail(exc.message)
        except OSError as exc:
            fail(f"{out}: cannot write the output file ({exc.strerror}); choose another --out path")
    errors = result.bad_rows
    matches = result.matches
    for e in errors:
        err_console.print(f"{pairs}, line {e['line']}: {e['error']} (row skipped)", markup=False,
                          highlight=False)
    summary = {"input": str(pairs), "output": str(out), "rows": result.rows, "scored": result.scored,
               "matches": matches, "bad_rows": errors, "threshold": MATCH_THRESHOLD}
    if json_out:
        print_json(summary)
    else:
        console.print(f"{summary['scored']} pairs scored, {matches} matches, {len(errors)} bad rows -> {out}")
