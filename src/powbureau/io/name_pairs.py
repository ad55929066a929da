"""Scoring a CSV of name pairs as a stream: read, score and write in chunks, so memory stays flat.

Used by ``powbureau names score-pairs``. The input is decoded as UTF-8 (with or without BOM), UTF-16,
CP949 or CP1251, the first that decodes the whole file (checked in one streaming pass before scoring);
every output cell goes through ``io.csv_safe.safe_cell`` (formula injection, OWASP "CSV Injection")."""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import NotFound, ValidationFailed
from ..names import MATCH_THRESHOLD, compare_names
from ..names.caches import clear_caches, parsed_names_cached
from .csv_safe import safe_cell

ENCODINGS = ("utf-8-sig", "utf-16", "cp949", "cp1251")
CHUNK_ROWS = 5_000
"""Rows read, scored and written at a time; memory holds one chunk, never the file."""
_READ_BYTES = 1 << 20
CACHE_NAMES = 30_000
"""Parsed names kept in the matcher's caches before they are emptied between chunks (flat memory)."""


@dataclass
class PairsSummary:
    """What a scoring run did: ``rows`` written, ``scored`` pairs, ``matches`` at ``MATCH_THRESHOLD``,
    ``bad_rows`` as ``{"line": int, "error": str}`` (line numbers of the input file)."""

    rows: int = 0
    scored: int = 0
    matches: int = 0
    bad_rows: list[dict] = field(default_factory=list)


def detect_encoding(path: Path) -> str:
    """The first of ``ENCODINGS`` that decodes every byte of ``path``, read in 1 MiB blocks (flat memory);
    UTF-16 only with its byte-order mark.

    Raises ``NotFound`` when the file is missing and ``ValidationFailed`` when no encoding decodes it."""
    if not path.is_file():
        raise NotFound(f"{path}: file not found; give the path of a CSV file with columns name_a,name_b")
    for enc in ENCODINGS:
        dec = codecs.getincrementaldecoder(enc)("strict")
        try:
            with path.open("rb") as fh:
                while block := fh.read(_READ_BYTES):
                    dec.decode(block)
                dec.decode(b"", final=True)
            return enc
        except UnicodeError:  # also UTF-16 without a BOM: then it is not read as UTF-16
            continue
    raise ValidationFailed(f"{path}: cannot decode the file; save it as UTF-8")  # pragma: no cover


def _chunks(reader: Iterator[list[str]], start: int, size: int) -> Iterator[list[tuple[int, list[str]]]]:
    chunk: list[tuple[int, list[str]]] = []
    line = start
    for row in reader:
        chunk.append((line + 1, row))
        line = reader.line_num  # type: ignore[attr-defined]
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_pairs_file(src: Path, out: Path, progress: Callable[[int], None] | None = None,
                     chunk_rows: int = CHUNK_ROWS) -> PairsSummary:
    """Score every row of the CSV ``src`` (columns ``name_a``, ``name_b``; others kept) with
    ``names.compare_names`` and write it to ``out`` with ``score`` (0..1, four decimals) and ``is_match``
    (1/0) added, ``chunk_rows`` rows at a time. Blank rows are skipped; a bad row (wrong number of fields,
    an empty name) is written with empty score/is_match and listed in ``bad_rows``. ``progress(n)`` is
    called after each chunk with the rows done so far. Between chunks the matcher's caches are emptied
    once they hold more than ``CACHE_NAMES`` parsed names, so memory does not grow with the file.

    Raises ``NotFound`` (no input file), ``ValidationFailed`` (undecodable, empty, or no name_a/name_b
    column in the header) before anything is written, and ``OSError`` when ``out`` cannot be written."""
    enc = detect_encoding(src)
    summary = PairsSummary()
    with src.open(encoding=enc, newline="") as fin:
        reader = csv.reader(fin)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ValidationFailed(f"{src}: the file is empty; line 1 must be a header with name_a,name_b") from None
        missing = [c for c in ("name_a", "name_b") if c not in header]
        if missing:
            raise ValidationFailed(f"{src}, line 1: missing column(s) {', '.join(missing)}; the header must name "
                                   f"name_a and name_b (found: {', '.join(header) or 'nothing'})")
        ia, ib = header.index("name_a"), header.index("name_b")
        width = len(header)
        part = out.with_name(f".{out.name}.part")  # renamed onto ``out`` only when every row is written
        try:
            with part.open("w", encoding="utf-8", newline="") as fout:
                writer = csv.writer(fout)
                writer.writerow([safe_cell(c) for c in header + ["score", "is_match"]])
                done = 0
                for chunk in _chunks(reader, reader.line_num, chunk_rows):
                    rows_out: list[list[str]] = []
                    for line, row in chunk:
                        if not any(cell.strip() for cell in row):
                            continue
                        problem = None
                        if len(row) != width:
                            problem = f"expected {width} fields, found {len(row)}"
                        elif not row[ia].strip() or not row[ib].strip():
                            problem = "name_a or name_b is empty"
                        if problem:
                            summary.bad_rows.append({"line": line, "error": problem})
                            rows_out.append([safe_cell(c) for c in (row + [""] * width)[:width]] + ["", ""])
                            continue
                        c = compare_names(row[ia], row[ib])
                        summary.matches += c.is_match
                        summary.scored += 1
                        rows_out.append([safe_cell(x) for x in row] + [f"{c.score:.4f}", "1" if c.is_match else "0"])
                    writer.writerows(rows_out)
                    summary.rows += len(rows_out)
                    done += len(chunk)
                    if progress:
                        progress(done)
                    if parsed_names_cached() > CACHE_NAMES:
                        clear_caches()
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, out)
    return summary


__all__ = ["CACHE_NAMES", "CHUNK_ROWS", "ENCODINGS", "MATCH_THRESHOLD", "PairsSummary", "detect_encoding", "score_pairs_file"]
