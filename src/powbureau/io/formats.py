"""The three list formats (CSV with a sniffed delimiter, XLSX, JSON) as streams of rows and row errors.

Each opener reads the header, resolves it against the properties and `--map`, and returns a :class:`ListSource`
whose ``items`` yield an ImportRow or a RowError per row, so a long list never has to sit in memory twice."""

from __future__ import annotations

from ..domain.messages import Msg
import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from powbureau.domain.errors import ValidationFailed
from powbureau.io.encodings import DecodedText
from powbureau.io.properties import (
    IDENTIFIER_PROPERTIES,
    IGNORE,
    canonical_property,
    known_properties_text,
    normalise_header,
)
from powbureau.io.rows import Column, ImportRow, RowBuilder, RowError

DELIMITERS = (",", ";", "\t", "|")
EXCEL_DIGITS = 15
csv.field_size_limit(16 * 1024 * 1024)
Item = ImportRow | RowError


@dataclass(frozen=True)
class ReadContext:
    """What every format needs: file name for messages, import kind, ``--map`` and ``--date-order``."""

    name: str
    kind: str
    mapping: dict[str, str]
    date_order: str | None


@dataclass
class ListSource:
    """An opened list: its header and columns, the header's fatal errors, and the rows still to read.

    ``warnings`` grows while ``items`` is consumed (XLSX identifiers of more than 15 digits, names that mix
    scripts)."""

    format: str
    encoding: str | None
    encoding_detected: bool
    delimiter: str | None
    headers: tuple[str, ...]
    columns: tuple[Column, ...]
    header_errors: list[RowError]
    items: Iterator[Item]
    warnings: list[RowError] = field(default_factory=list)


def resolve_columns(headers: list[str], ctx: ReadContext, header_line: int | None) -> tuple[list[Column],
                                                                                           list[RowError]]:
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
        prop = resolved.get(i) or canonical_property(header, ctx.kind)
        if prop is None:
            if header == "":
                errors.append(RowError(header_line, f"{i + 1}", "the column has no header — give it one, or "
                                       "delete the column if it is empty", fatal=True))
            else:
                errors.append(RowError(header_line, header, "unknown column — map it with "
                                       f"--map '{header}=PROPERTY' (properties: {known_properties_text()}) "
                                       f"or leave it out with --map '{header}=ignore'", fatal=True,
                                       code="unknown_column"))
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


def _clean_headers(values: list[str]) -> list[str]:
    headers = [h.replace("\ufeff", "").strip() for h in values]
    while headers and headers[-1] == "":
        headers.pop()
    return headers


# --- CSV -------------------------------------------------------------------------------------------------------

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


def _record_error(row: int, first: int, error: str, fatal: bool) -> RowError:
    if "unexpected end of data" in error:
        return RowError(row, None, "a quote opened here is never closed, so every line after it was read as one "
                        "cell — close the quote (write \"\" for a quote inside a cell)", first, fatal=True)
    return RowError(row, None, f"broken quoting ({error}) — put the whole cell in quotes and double any quote "
                    "inside it", first, fatal=fatal)


def open_csv(decoded: DecodedText, ctx: ReadContext) -> ListSource:
    """Open decoded CSV text; raises ``ValidationFailed`` when no header row exists."""
    delimiter = sniff_delimiter(decoded.text)
    bad = {b.line: b for b in decoded.bad_lines}
    records = _records(decoded.text, delimiter)
    header_errors: list[RowError] = []
    for row, first, last, cells, error in records:
        bad_here = [bad[n] for n in range(first, last + 1) if n in bad]
        if bad_here:
            header_errors.append(RowError(row, None, bad_here[0].reason(), first, fatal=True))
        elif error is not None:
            header_errors.append(_record_error(row, first, error, True))
        elif cells and any(c.strip() for c in cells):
            headers = _clean_headers(cells)
            columns, errors = resolve_columns(headers, ctx, row)
            warnings: list[RowError] = []
            builder = RowBuilder(columns, ctx.kind, ctx.date_order, warnings=warnings)  # type: ignore[arg-type]
            items = _csv_items(records, builder, len(headers), delimiter, bad)
            return ListSource("csv", decoded.encoding, decoded.detected, delimiter, tuple(headers), tuple(columns),
                              header_errors + errors, items, warnings)
    raise ValidationFailed(Msg("{name}: no header row found — the first line must name the columns", name=ctx.name))


def _csv_items(records: Iterator[tuple[int, int, int, list[str] | None, str | None]], builder: RowBuilder,
               width: int, delimiter: str, bad: dict) -> Iterator[Item]:  # type: ignore[type-arg]
    prev_complete: int | None = None
    for row, first, last, cells, error in records:
        if bad:
            bad_here = [bad[n] for n in range(first, last + 1) if n in bad]
            if bad_here:
                yield RowError(row, None, bad_here[0].reason(), first, cells=(bad_here[0].raw,))
                prev_complete = None
                continue
        if error is not None or cells is None:
            yield _record_error(row, first, error or "", False)
            prev_complete = None
            continue
        if len(cells) != width:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            else:
                yield _width_error(row, first, cells, width, delimiter, prev_complete)
                prev_complete = None
                continue
        elif not any(cells) or not any(c.strip() for c in cells):
            continue
        built, errors = builder.build(row, cells, first)
        if built is not None:
            yield built
        yield from errors
        prev_complete = row


def _width_error(row: int, line: int, cells: list[str], width: int, delimiter: str,
                 prev_complete: int | None) -> RowError:
    shown = {"\t": "TAB"}.get(delimiter, delimiter)
    if len(cells) < width:
        msg = (f"{len(cells)} cells where the header has {width} — a line break inside a cell must be inside "
               "quotes, or a cell is missing")
        if prev_complete == row - 1:
            msg += f" (this line looks like the rest of row {prev_complete}'s last cell)"
    else:
        msg = f"{len(cells)} cells where the header has {width} — put cells that contain '{shown}' in quotes"
    return RowError(row, None, msg, line, cells=tuple(cells))


# --- XLSX and JSON ---------------------------------------------------------------------------------------------

def cell_text(value: object, is_identifier: bool) -> tuple[str, bool]:
    """Text of a spreadsheet or JSON value (no ``.0`` on whole numbers, dates as ISO), and whether an identifier
    holds more than 15 digits, which Excel may have rounded (known case 24)."""
    if value is None:
        return "", False
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        return text, is_identifier and len(text.lstrip("-")) > EXCEL_DIGITS
    if isinstance(value, float):
        return repr(value), False
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")), False
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), False
    return str(value), False


def open_xlsx(data: bytes, ctx: ReadContext) -> ListSource:
    """Open the first sheet of an XLSX workbook (read-only); raises ``ValidationFailed`` for a damaged or empty
    workbook."""
    import openpyxl  # imported here: CSV-only imports do not pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for damaged files
        raise ValidationFailed(Msg("{name}: not a readable XLSX workbook ({__name__}) — open it in a spreadsheet and save it again as .xlsx", name=ctx.name, __name__=type(exc).__name__)) from None
    rows = enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1)
    for number, values in rows:
        if any(v is not None and str(v).strip() for v in values):
            headers = _clean_headers([cell_text(v, False)[0] for v in values])
            columns, errors = resolve_columns(headers, ctx, number)
            source = ListSource("xlsx", None, False, None, tuple(headers), tuple(columns), errors, iter(()))
            source.items = _xlsx_items(wb, rows, columns, ctx, source.warnings)
            return source
    wb.close()
    raise ValidationFailed(Msg("{name}: the first sheet is empty — put the list on the first sheet", name=ctx.name))


def _xlsx_items(wb, rows, columns: list[Column], ctx: ReadContext,  # type: ignore[no-untyped-def]
                warnings: list[RowError]) -> Iterator[Item]:
    builder = RowBuilder(columns, ctx.kind, ctx.date_order, warnings=warnings)  # type: ignore[arg-type]
    ident = {c.index for c in columns if c.property in IDENTIFIER_PROPERTIES}
    width = len(columns)
    try:
        for number, values in rows:
            cells: list[str] = []
            for i, v in enumerate(values):
                text, lossy = cell_text(v, i in ident)
                if lossy:
                    warnings.append(RowError(number, columns[i].label, f"the number {text} has more than "
                                             f"{EXCEL_DIGITS} digits, so Excel may have rounded it — format the "
                                             "column as Text in the spreadsheet and check the value"))
                cells.append(text)
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                yield RowError(number, None, f"a cell holds '{extra[0][:40]}' in a column without a header — "
                               "give the column a header or delete it", cells=tuple(cells))
                continue
            cells = cells[:width] + [""] * (width - len(cells))
            if not any(c.strip() for c in cells):
                continue
            built, errors = builder.build(number, cells, number)
            if built is not None:
                yield built
            yield from errors
    finally:
        wb.close()


def open_json(decoded: DecodedText, ctx: ReadContext) -> ListSource:
    """Open a JSON list of objects or ``{"rows": [...]}``; raises ``ValidationFailed`` for invalid JSON or
    another shape."""
    try:
        doc = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(Msg("{name}: not valid JSON at line {lineno}, column {colno} ({msg}) — fix the file or export it again", name=ctx.name, lineno=exc.lineno, colno=exc.colno, msg=exc.msg)) from None
    records = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise ValidationFailed(Msg('{name}: expected a list of objects or {{"rows": [...]}} — wrap the records in a list', name=ctx.name))
    keys: list[str] = []
    for rec in records:
        if isinstance(rec, dict):
            keys.extend(k for k in rec if k not in keys)
    headers = list(dict.fromkeys(keys))
    columns, errors = resolve_columns([h.replace("\ufeff", "").strip() for h in headers], ctx, None)
    warnings: list[RowError] = []
    builder = RowBuilder(columns, ctx.kind, ctx.date_order, unit="record",  # type: ignore[arg-type]
                         warnings=warnings)
    return ListSource("json", decoded.encoding, decoded.detected, None, tuple(c.header for c in columns),
                      tuple(columns), errors, _json_items(records, headers, columns, builder), warnings)


def _json_items(records: list, headers: list[str], columns: list[Column],  # type: ignore[type-arg]
                builder: RowBuilder) -> Iterator[Item]:
    ident = {c.index for c in columns if c.property in IDENTIFIER_PROPERTIES}
    for number, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            what = {"list": "a list", "str": "a text", "int": "a number", "float": "a number"}.get(
                type(rec).__name__, "not an object")
            yield RowError(number, None, f"is {what}, not an object — write each person as "
                           "{\"property\": value, …}", unit="record")
            continue
        values = [rec.get(h) for h in headers]
        nested = next((h for h, v in zip(headers, values) if isinstance(v, (dict, list))), None)
        cells = [cell_text(v, i in ident)[0] if not isinstance(v, (dict, list)) else ""
                 for i, v in enumerate(values)]
        if nested is not None:
            yield RowError(number, nested, "holds a nested list or object — give a plain text or number",
                           cells=tuple(cells), unit="record")
            continue
        if not any(c.strip() for c in cells):
            continue
        built, errors = builder.build(number, cells, None)
        if built is not None:
            yield built
        yield from errors
