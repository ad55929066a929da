"""CLI commands for names across scripts: compare two names, show a name's variants, score a CSV of pairs.

Mounted as ``powbureau names``; every command takes ``--json`` and exits non-zero with one line
``error: <reason>`` on bad input (DESIGN §5)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..domain.errors import NotFound, PowBureauError, ValidationFailed
from ..io.csv_safe import safe_cell
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


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if not path.is_file():
        raise NotFound(f"{path}: file not found; give the path of a CSV file with columns name_a,name_b")
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "utf-16", "cp949", "cp1251"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte string
        raise ValidationFailed(f"{path}: cannot decode the file; save it as UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed(f"{path}: the file is empty; line 1 must be a header with name_a,name_b") from None
    header = [h.strip() for h in header]
    missing = [c for c in ("name_a", "name_b") if c not in header]
    if missing:
        raise ValidationFailed(f"{path}, line 1: missing column(s) {', '.join(missing)}; the header must name "
                               f"name_a and name_b (found: {', '.join(header) or 'nothing'})")
    rows = []
    start = reader.line_num
    for row in reader:
        rows.append((start + 1, row))
        start = reader.line_num
    return header, rows


@app.command("score-pairs")
def score_pairs(
    pairs: Path = typer.Argument(..., help="CSV with columns name_a,name_b (other columns are kept)."),
    out: Path = typer.Option(..., "--out", help="Where to write the scored CSV (adds score, is_match)."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable summary."),
) -> None:
    """Score every pair of a CSV; writes the rows with ``score`` (0..1) and ``is_match`` (1/0) added.

    A bad row (wrong number of fields, an empty name) is reported with its line number, written with
    empty score/is_match, and does not stop the rest."""
    try:
        header, rows = _read(pairs)
    except PowBureauError as exc:
        fail(exc.message)
    ia, ib = header.index("name_a"), header.index("name_b")
    errors: list[dict] = []
    matches = 0
    out_rows: list[list[str]] = []
    with Progress(TextColumn("scoring pairs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=json_out) as bar:
        task = bar.add_task("score", total=len(rows))
        for line, row in rows:
            bar.advance(task)
            if not any(cell.strip() for cell in row):
                continue
            problem = None
            if len(row) != len(header):
                problem = f"expected {len(header)} fields, found {len(row)}"
            elif not row[ia].strip() or not row[ib].strip():
                problem = "name_a or name_b is empty"
            if problem:
                errors.append({"line": line, "error": problem})
                out_rows.append((row + [""] * len(header))[: len(header)] + ["", ""])
                continue
            c = compare_names(row[ia], row[ib])
            matches += c.is_match
            out_rows.append(row + [f"{c.score:.4f}", "1" if c.is_match else "0"])
    try:
        with out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([safe_cell(c) for c in header + ["score", "is_match"]])
            w.writerows([[safe_cell(c) for c in r] for r in out_rows])
    except OSError as exc:
        fail(f"{out}: cannot write the output file ({exc.strerror}); choose another --out path")
    for e in errors:
        err_console.print(f"{pairs}, line {e['line']}: {e['error']} (row skipped)", markup=False,
                          highlight=False)
    summary = {"input": str(pairs), "output": str(out), "rows": len(out_rows), "scored": len(out_rows) - len(errors),
               "matches": matches, "bad_rows": errors, "threshold": MATCH_THRESHOLD}
    if json_out:
        print_json(summary)
    else:
        console.print(f"{summary['scored']} pairs scored, {matches} matches, {len(errors)} bad rows -> {out}")
