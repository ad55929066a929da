"""Reading a list file (CSV, XLSX, JSON) into validated import rows, without touching the database.

One entry point, :func:`read_list`: bytes → encoding → header and `--map` → one :class:`ImportRow` per valid
row and a `row N, column C: …` error for every other; the import service stores the result in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from powbureau.domain.errors import ValidationFailed
from powbureau.io.csv_safe import write_csv
from powbureau.io.encodings import decode_bytes
from powbureau.io.properties import (
    IDENTIFIER_PROPERTIES,
    IGNORE,
    canonical_property,
    known_properties_text,
    normalise_header,
)
from powbureau.io.rows import IMPORT_KINDS, Column, ImportRow, RowBuilder, RowError

DELIMITERS = (",", ";", "\t", "|")
EXCEL_DIGITS = 15
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class ParsedList:
    """A parsed list file. ``rows`` holds the valid rows only; ``errors`` every problem (fatal ones refuse the
    whole file even with --skip-invalid); ``warnings`` problems that do not stop the import (an identifier of more
    than 15 digits in XLSX). ``encoding`` and ``delimiter`` are None for XLSX; ``content_sha256`` is the hex
    SHA-256 of the raw file bytes (refuse re-imports with it)."""

    rows: list[ImportRow]
    errors: list[RowError]
    warnings: list[RowError]
    encoding: str | None
    delimiter: str | None
    content_sha256: str
    columns: tuple[Column, ...]
    headers: tuple[str, ...]
    format: str
    kind: str
    source_name: str
    encoding_detected: bool = False

    @property
    def properties(self) -> tuple[str, ...]:
        """The properties the file feeds, in column order (ignored and unknown columns left out)."""
        return tuple(c.property for c in self.columns if c.property and c.property != IGNORE)

    @property
    def fatal(self) -> bool:
        """True when the file as a whole cannot be imported (unknown column, broken quoting, bad header …)."""
        return any(e.fatal for e in self.errors)

    @property
    def ok(self) -> bool:
        """True when there is no error at all."""
        return not self.errors

    def rejected_lines(self) -> list[int]:
        """Row numbers that have at least one error, in order."""
        return sorted({e.line for e in self.errors if e.line is not None and not e.fatal})

    def write_rejects(self, path: Path) -> int:
        """Write the rejected rows to ``path`` as CSV (``row, errors`` then the file's own columns, formula-safe).

        Returns the number of rows written."""
        by_line: dict[int, list[RowError]] = {}
        for e in self.errors:
            if e.line is not None and not e.fatal:
                by_line.setdefault(e.line, []).append(e)
        rows = []
        for line in sorted(by_line):
            errs = by_line[line]
            cells = next((e.cells for e in errs if e.cells is not None), ())
            rows.append([line, " | ".join(str(e) for e in errs), *cells])
        return write_csv(path, ["row", "errors", *self.headers], rows)


def read_list(
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    date_order: str | None = None,
    kind: str,
) -> ParsedList:
    """Read and validate the list at ``path`` (format from the extension, else sniffed from the bytes).

    ``mapping`` is ``{their_header: property}`` from :func:`~powbureau.io.properties.parse_mapping`;
    ``encoding`` overrides detection (CSV and JSON); ``date_order`` is ``DMY``/``MDY``/``YMD`` for ambiguous
    numeric dates; ``kind`` is ``detainees``, ``own_personnel`` or ``counterpart_list``.
    Raises ``ValidationFailed`` when nothing can be read (missing or empty file, invalid JSON, damaged XLSX,
    unknown kind, date order or encoding); every other problem is returned in ``errors``."""
    if kind not in IMPORT_KINDS:
        raise ValidationFailed(f"kind '{kind}' is unknown — use detainees, own_personnel or counterpart_list")
    if date_order is not None and date_order.upper() not in ("DMY", "MDY", "YMD"):
        raise ValidationFailed(f"--date-order '{date_order}' is unknown — use DMY, MDY or YMD")
    order = date_order.upper() if date_order else None
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ValidationFailed(f"{path}: no such file — check the path") from None
    except OSError as exc:
        raise ValidationFailed(f"{path}: cannot be read ({exc.strerror}) — check the path and permissions") from None
    if not data.strip():
        raise ValidationFailed(f"{Path(path).name}: the file is empty — export the list again")
    fmt = _format_of(Path(path), data)
    ctx = _Context(Path(path).name, IMPORT_KINDS[kind], mapping or {}, order, hashlib.sha256(data).hexdigest())
    if fmt == "xlsx":
        return _read_xlsx(data, ctx)
    decoded = decode_bytes(data, encoding)
    if fmt == "json":
        return _read_json(decoded.text, decoded.encoding, decoded.detected, ctx)
    return _read_csv(decoded, ctx)


@dataclass
class _Context:
    name: str
    kind: str
    mapping: dict[str, str]
    date_order: str | None
    sha256: str


def _format_of(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv", ".txt", ".tab"):
        return "csv"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if head in (b"[", b"{") else "csv"


def _resolve_columns(headers: list[str], ctx: _Context, header_line: int) -> tuple[list[Column], list[RowError]]:
    """Columns with their properties, and the fatal header errors (unknown, unmapped, doubled, missing)."""
    errors: list[RowError] = []
    resolved: dict[int, str] = {}
    for source, target in ctx.mapping.items():
        hits = [i for i, h in enumerate(headers) if h == source]
        if not hits:
            hits = [i for i, h in enumerate(headers) if normalise_header(h) == normalise_header(source)]
        if not hits:
            errors.append(RowError(None, source, "--map names this column but the file has no such column — "
                                   f"its columns are: {', '.join(headers)}", fatal=True))
        for i in hits:
            resolved[i] = target
    columns: list[Column] = []
    for i, header in enumerate(headers):
        prop = resolved.get(i) or canonical_property(header)
        if prop is None:
            if header == "":
                errors.append(RowError(header_line, f"{i + 1}", "the column has no header — give it one, or "
                                       "delete the column if it is empty", fatal=True))
            else:
                errors.append(RowError(header_line, header, "unknown column — map it with "
                                       f"--map '{header}=PROPERTY' (properties: {known_properties_text()}) "
                                       f"or leave it out with --map '{header}=ignore'", fatal=True))
        columns.append(Column(i, header, prop))
    props = [c.property for c in columns if c.property and c.property != IGNORE]
    for prop in dict.fromkeys(props):
        same = [c.header for c in columns if c.property == prop]
        if len(same) > 1:
            errors.append(RowError(header_line, None, f"columns {', '.join(same)} all give {prop} — map all but "
                                   "one of them to ignore with --map", fatal=True))
    if "name_full" not in props and "surname" not in props:
        errors.append(RowError(header_line, None, "no name column — the file needs name_full or surname; map "
                               "yours with --map 'THEIR_HEADER=name_full'", fatal=True))
    if ctx.kind == "counterpart_list" and "external_id" not in props:
        errors.append(RowError(header_line, None, "no external_id column — a counterpart list needs each row's "
                               "id in that list; map it with --map 'THEIR_HEADER=external_id'", fatal=True))
    return columns, errors


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``, ; TAB |`` that gives the header most cells and the first rows the same count."""
    sample_lines = []
    for line in io.StringIO(text, newline=""):
        if line.strip():
            sample_lines.append(line)
        if len(sample_lines) >= 30:
            break
    sample = "".join(sample_lines)
    best, best_score = ",", (False, 0.0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        score = (counts[0] > 1, sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _records(text: str, delimiter: str) -> Iterator[tuple[int, int, int, list[str] | None, str | None]]:
    """Yield (row, first physical line, last physical line, cells or None, csv error) for each CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row, prev = 0, 0
    while True:
        try:
            cells = next(reader)
            error = None
        except StopIteration:
            return
        except csv.Error as exc:
            cells, error = None, str(exc)
        row += 1
        yield row, prev + 1, reader.line_num, cells, error
        prev = reader.line_num


def _read_csv(decoded, ctx: _Context) -> ParsedList:  # type: ignore[no-untyped-def]
    delimiter = sniff_delimiter(decoded.text)
    bad = {b.line: b for b in decoded.bad_lines}
    errors: list[RowError] = []
    rows: list[ImportRow] = []
    builder: RowBuilder | None = None
    columns: list[Column] = []
    headers: list[str] = []
    width = 0
    prev_complete: int | None = None
    for row, first, last, cells, error in _records(decoded.text, delimiter):
        bad_here = [bad[n] for n in range(first, last + 1) if n in bad] if bad else []
        if bad_here:
            errors.append(RowError(row, None, bad_here[0].reason(), first,
                                   fatal=builder is None, cells=(bad_here[0].raw,)))
            prev_complete = None
            continue
        if error is not None:
            if "unexpected end of data" in error:
                msg = ("a quote opened here is never closed, so every line after it was read as one cell — "
                       "close the quote (write \"\" for a quote inside a cell)")
                errors.append(RowError(row, None, msg, first, fatal=True))
            else:
                errors.append(RowError(row, None, f"broken quoting ({error}) — put the whole cell in quotes and "
                                       "double any quote inside it", first, fatal=builder is None))
            prev_complete = None
            continue
        assert cells is not None
        if not any(c.strip() for c in cells):
            continue
        if builder is None:
            headers = [h.replace("\ufeff", "").strip() for h in cells]
            while headers and headers[-1] == "":
                headers.pop()
            width = len(headers)
            columns, header_errors = _resolve_columns(headers, ctx, row)
            errors.extend(header_errors)
            builder = RowBuilder(columns, ctx.kind, ctx.date_order)  # type: ignore[arg-type]
            continue
        if len(cells) != width:
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            else:
                errors.append(_width_error(row, first, cells, width, delimiter, prev_complete))
                prev_complete = None
                continue
        built, row_errors = builder.build(row, cells, first)
        if built is not None:
            rows.append(built)
        errors.extend(row_errors)
        prev_complete = row
    if builder is None:
        raise ValidationFailed(f"{ctx.name}: no header row found — the first line must name the columns")
    return ParsedList(rows, errors, [], decoded.encoding, delimiter, ctx.sha256, tuple(columns), tuple(headers),
                      "csv", ctx.kind, ctx.name, decoded.detected)


def _width_error(row: int, line: int, cells: list[str], width: int, delimiter: str,
                 prev_complete: int | None) -> RowError:
    shown = {"\t": "TAB"}.get(delimiter, delimiter)
    if len(cells) < width:
        msg = (f"{len(cells)} cells where the header has {width} — a line break inside a cell must be inside "
               "quotes, or a cell is missing")
        if prev_complete == row - 1:
            msg += f" (this line looks like the rest of row {prev_complete}'s last cell)"
    else:
        msg = (f"{len(cells)} cells where the header has {width} — put cells that contain '{shown}' in quotes")
    return RowError(row, None, msg, line, cells=tuple(cells))


def _cell_text(value: object, is_identifier: bool) -> tuple[str, bool]:
    """Text of a spreadsheet or JSON value, and whether an identifier lost precision (> 15 digits)."""
    if value is None:
        return "", False
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        text = str(value)
        return text, is_identifier and len(text.lstrip("-")) > EXCEL_DIGITS
    if isinstance(value, float):
        if value.is_integer():
            text = str(int(value))
            return text, is_identifier and len(text.lstrip("-")) > EXCEL_DIGITS
        return repr(value), False
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")), False
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), False
    return str(value), False


def _read_xlsx(data: bytes, ctx: _Context) -> ParsedList:
    import openpyxl  # imported here: CSV-only imports do not pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for damaged files
        raise ValidationFailed(f"{ctx.name}: not a readable XLSX workbook ({type(exc).__name__}) — "
                               "open it in a spreadsheet and save it again as .xlsx") from None
    try:
        ws = wb.worksheets[0]
        errors: list[RowError] = []
        warnings: list[RowError] = []
        rows: list[ImportRow] = []
        builder: RowBuilder | None = None
        columns: list[Column] = []
        headers: list[str] = []
        ident: set[int] = set()
        for row, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if builder is None:
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                headers = [_cell_text(v, False)[0].replace("\ufeff", "").strip() for v in values]
                while headers and headers[-1] == "":
                    headers.pop()
                columns, header_errors = _resolve_columns(headers, ctx, row)
                errors.extend(header_errors)
                ident = {c.index for c in columns if c.property in IDENTIFIER_PROPERTIES}
                builder = RowBuilder(columns, ctx.kind, ctx.date_order)  # type: ignore[arg-type]
                continue
            cells: list[str] = []
            for i, v in enumerate(values):
                text, lossy = _cell_text(v, i in ident)
                if lossy:
                    warnings.append(RowError(row, columns[i].label, f"the number {text} has more than "
                                             f"{EXCEL_DIGITS} digits, so Excel may have rounded it — format the "
                                             "column as Text in the spreadsheet and check the value"))
                cells.append(text)
            if len(cells) > len(headers):
                extra = [c for c in cells[len(headers):] if c.strip()]
                if extra:
                    errors.append(RowError(row, None, f"a cell holds '{extra[0][:40]}' in a column without a "
                                           "header — give the column a header or delete it", cells=tuple(cells)))
                    continue
                cells = cells[: len(headers)]
            cells.extend([""] * (len(headers) - len(cells)))
            if not any(c.strip() for c in cells):
                continue
            built, row_errors = builder.build(row, cells, row)
            if built is not None:
                rows.append(built)
            errors.extend(row_errors)
    finally:
        wb.close()
    if builder is None:
        raise ValidationFailed(f"{ctx.name}: the first sheet is empty — put the list on the first sheet")
    return ParsedList(rows, errors, warnings, None, None, ctx.sha256, tuple(columns), tuple(headers), "xlsx",
                      ctx.kind, ctx.name)


def _read_json(text: str, encoding: str, detected: bool, ctx: _Context) -> ParsedList:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{ctx.name}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}) "
                               "— fix the file or export it again") from None
    records = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise ValidationFailed(f"{ctx.name}: expected a list of objects or {{\"rows\": [...]}} — "
                               "wrap the records in a list")
    headers: list[str] = []
    for rec in records:
        if isinstance(rec, dict):
            headers.extend(k for k in rec if k not in headers)
    headers = [h.replace("\ufeff", "").strip() for h in dict.fromkeys(headers)]
    columns, errors = _resolve_columns(headers, ctx, 0)
    errors = [RowError(None, e.column, e.message, fatal=True) for e in errors]
    ident = {c.index for c in columns if c.property in IDENTIFIER_PROPERTIES}
    builder = RowBuilder(columns, ctx.kind, ctx.date_order, unit="record")  # type: ignore[arg-type]
    rows: list[ImportRow] = []
    for number, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            errors.append(RowError(number, None, f"is a {type(rec).__name__}, not an object — "
                                   "write each person as {\"property\": value, …}", unit="record"))
            continue
        cells: list[str] = []
        nested = None
        for i, h in enumerate(headers):
            v = rec.get(h)
            if isinstance(v, (dict, list)):
                nested = h
            cells.append(_cell_text(v, i in ident)[0] if not isinstance(v, (dict, list)) else "")
        if nested is not None:
            errors.append(RowError(number, nested, "holds a nested list or object — give a plain text or number",
                                   cells=tuple(cells), unit="record"))
            continue
        if not any(c.strip() for c in cells):
            continue
        built, row_errors = builder.build(number, cells, None)
        if built is not None:
            rows.append(built)
        errors.extend(row_errors)
    return ParsedList(rows, errors, [], encoding, None, ctx.sha256, tuple(columns), tuple(headers), "json",
                      ctx.kind, ctx.name, detected)
