"""Reading a list file (CSV, XLSX, JSON) into validated import rows, without touching the database.

:func:`read_list` gives the whole :class:`ParsedList`; :func:`open_list` streams the same rows for long lists.
Bytes → encoding → header and `--map` → an ImportRow per valid row, a `row N, column C: …` error per other."""

from __future__ import annotations

from ..domain.messages import Msg
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from powbureau.domain.errors import ValidationFailed
from powbureau.io.csv_safe import write_csv
from powbureau.io.encodings import decode_bytes, detect_encoding
from powbureau.io.formats import ListSource, ReadContext, open_csv, open_json, open_xlsx, sniff_delimiter
from powbureau.io.properties import IGNORE
from powbureau.io.rows import IMPORT_KINDS, Column, ImportRow, RowError

__all__ = ["ListStream", "ParsedList", "open_list", "read_head", "read_list", "sniff_delimiter"]


@dataclass(frozen=True)
class ParsedList:
    """A parsed list file. ``rows`` holds the valid rows only; ``errors`` every problem in file order (fatal
    ones refuse the whole file even with --skip-invalid); ``warnings`` problems that do not stop the import (an
    identifier of more than 15 digits in XLSX). ``encoding`` is None for XLSX, ``delimiter`` None for XLSX and
    JSON; ``content_sha256`` is the hex SHA-256 of the raw file bytes (refuse re-imports with it)."""

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
        return _properties(self.columns)

    @property
    def fatal(self) -> bool:
        """True when the file as a whole cannot be imported (unknown column, unclosed quote, bad header …)."""
        return any(e.fatal for e in self.errors)

    @property
    def ok(self) -> bool:
        """True when there is no error at all."""
        return not self.errors

    def rejected_lines(self) -> list[int]:
        """Row numbers that have at least one error, in order."""
        return sorted({e.line for e in self.errors if e.line is not None and not e.fatal})

    def write_rejects(self, path: Path) -> int:
        """Write the rejected rows to ``path`` as CSV: ``row, errors`` then the file's own columns with the
        original cells, every cell formula-safe. Returns the number of rows written."""
        return write_rejects(path, self.headers, self.errors)


class ListStream:
    """An opened list whose rows are read on demand: iterate it for ``ImportRow`` and ``RowError`` items in file
    order (valid rows and row errors interleaved). ``header_errors`` are known before iterating (all fatal);
    ``warnings`` is complete once iteration ends. Attributes match :class:`ParsedList`."""

    def __init__(self, source: ListSource, *, sha256: str, kind: str, name: str) -> None:
        self._source = source
        self.format = source.format
        self.encoding = source.encoding
        self.encoding_detected = source.encoding_detected
        self.delimiter = source.delimiter
        self.headers = source.headers
        self.columns = source.columns
        self.header_errors = source.header_errors
        self.warnings = source.warnings
        self.content_sha256 = sha256
        self.kind = kind
        self.source_name = name

    @property
    def properties(self) -> tuple[str, ...]:
        """The properties the file feeds, in column order."""
        return _properties(self.columns)

    @property
    def fatal(self) -> bool:
        """True when the header already refuses the whole file."""
        return any(e.fatal for e in self.header_errors)

    def __iter__(self) -> Iterator[ImportRow | RowError]:
        return self._source.items

    def collect(self) -> ParsedList:
        """Read every remaining row into a :class:`ParsedList`."""
        rows: list[ImportRow] = []
        errors = list(self.header_errors)
        for item in self._source.items:
            if isinstance(item, ImportRow):
                rows.append(item)
            else:
                errors.append(item)
        return ParsedList(rows, errors, self.warnings, self.encoding, self.delimiter, self.content_sha256,
                          self.columns, self.headers, self.format, self.kind, self.source_name,
                          self.encoding_detected)


def open_list(
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    date_order: str | None = None,
    kind: str,
) -> ListStream:
    """Open the list at ``path`` for streaming (format from the extension, else sniffed from the bytes).

    Arguments as :func:`read_list`. Raises ``ValidationFailed`` when nothing can be read."""
    if kind not in IMPORT_KINDS:
        raise ValidationFailed(Msg("kind '{kind}' is unknown — use detainees, own_personnel or counterpart_list", kind=kind))
    if date_order is not None and date_order.upper() not in ("DMY", "MDY", "YMD"):
        raise ValidationFailed(Msg("--date-order '{date_order}' is unknown — use DMY, MDY or YMD", date_order=date_order))
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationFailed(Msg("{path}: no such file — check the path", path=path)) from None
    except IsADirectoryError:
        raise ValidationFailed(Msg("{path}: is a folder — give the path of the list file", path=path)) from None
    except OSError as exc:
        raise ValidationFailed(Msg("{path}: cannot be read ({strerror}) — check the path and permissions", path=path, strerror=exc.strerror)) from None
    if not data.strip():
        raise ValidationFailed(Msg("{name}: the file is empty — export the list again", name=path.name))
    ctx = ReadContext(path.name, IMPORT_KINDS[kind], mapping or {}, date_order.upper() if date_order else None)
    fmt = _format_of(path, data)
    if fmt != "xlsx":
        refuse_binary(path, data)
    if fmt == "xlsx":
        source = open_xlsx(data, ctx)
    else:
        decoded = decode_bytes(data, encoding)
        source = open_json(decoded, ctx) if fmt == "json" else open_csv(decoded, ctx)
    return ListStream(source, sha256=hashlib.sha256(data).hexdigest(), kind=ctx.kind, name=path.name)


def read_list(
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    date_order: str | None = None,
    kind: str,
) -> ParsedList:
    """Read and validate the whole list at ``path``.

    ``mapping`` is ``{their_header: property}`` from :func:`~powbureau.io.properties.parse_mapping`;
    ``encoding`` overrides detection (CSV and JSON); ``date_order`` is ``DMY``/``MDY``/``YMD`` for ambiguous
    numeric dates; ``kind`` is ``detainees``, ``own_personnel`` or ``counterpart_list``.
    Raises ``ValidationFailed`` when nothing can be read (missing or empty file, invalid JSON, damaged XLSX,
    unknown kind, date order or encoding); every other problem is returned in ``errors``."""
    return open_list(path, mapping=mapping, encoding=encoding, date_order=date_order, kind=kind).collect()


def read_head(path: Path, *, encoding: str | None = None, limit: int = 10) -> list[list[str]]:
    """The first non-empty rows of the list at ``path`` as its cells are written (the header row first, then up to
    ``limit`` data rows), for a preview before the import: CSV with the sniffed delimiter (lenient quoting),
    the first sheet of an XLSX workbook, or a JSON list's keys and values. Raises ``ValidationFailed`` as
    :func:`open_list` does for an unreadable file."""
    import csv
    import io
    import json

    from powbureau.io.formats import cell_text

    path = Path(path)
    data = path.read_bytes()
    fmt = _format_of(path, data)
    out: list[list[str]] = []
    if fmt == "xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises several unrelated types for damaged files
            raise ValidationFailed(Msg("{name}: not a readable XLSX workbook — save it again as .xlsx", name=path.name)) from None
        try:
            for values in wb.worksheets[0].iter_rows(values_only=True):
                cells = [cell_text(v, False)[0] for v in values]
                if any(c.strip() for c in cells):
                    out.append(cells)
                if len(out) > limit:
                    break
        finally:
            wb.close()
        return out
    text = decode_bytes(data, encoding).text
    if fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            raise ValidationFailed(Msg("{name}: not valid JSON — fix the file or export it again", name=path.name)) from None
        records = doc.get("rows") if isinstance(doc, dict) else doc
        records = [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
        keys = list(dict.fromkeys(k for r in records for k in r))
        out.append(keys)
        for rec in records[:limit]:
            out.append([cell_text(rec.get(k), False)[0] if not isinstance(rec.get(k), (dict, list)) else "…"
                        for k in keys])
        return out
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)):
        if any(c.strip() for c in cells):
            out.append([c.replace("\ufeff", "") for c in cells])
        if len(out) > limit:
            break
    return out


def write_rejects(path: Path, headers: tuple[str, ...], errors: list[RowError]) -> int:
    """Write the rows that have errors to ``path`` (``row, errors, <file columns>``); returns the row count."""
    by_line: dict[int, list[RowError]] = {}
    for e in errors:
        if e.line is not None and not e.fatal:
            by_line.setdefault(e.line, []).append(e)
    rows = []
    for line in sorted(by_line):
        errs = by_line[line]
        cells = next((e.cells for e in errs if e.cells is not None), ())
        rows.append([line, " | ".join(str(e) for e in errs), *cells])
    return write_csv(path, ["row", "errors", *headers], rows)


def _properties(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(c.property for c in columns if c.property and c.property != IGNORE)


_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an XLSX workbook?) — give an XLSX file its .xlsx name, or save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file — save it as .xlsx or CSV"),
    (b"\x89PNG", "a PNG image, not a list"),
    (b"\xff\xd8\xff", "a JPEG image, not a list"),
    (b"GIF8", "a GIF image, not a list"),
    (b"%PDF", "a PDF document — export the list as CSV or XLSX"),
)


def refuse_binary(path: Path, data: bytes) -> None:
    """Raise ``ValidationFailed`` when ``data`` (read as a CSV or JSON list) is a binary file: a known file
    signature, or many control bytes in its first 8 KiB (UTF-16 text, with or without a BOM, is text)."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ValidationFailed(Msg("{name}: this is {what}; nothing was imported", name=path.name, what=what))
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or detect_encoding(head).startswith("utf-16"):
        return
    control = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 26)
    if control > max(8, len(head) // 50):
        raise ValidationFailed(
            Msg("{name}: this is a binary file, not a text table ({control} control bytes in the first {count}) — export the list as CSV (UTF-8), XLSX or JSON; nothing was imported", name=path.name, control=control, count=len(head)))


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
