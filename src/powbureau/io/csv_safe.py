"""CSV cells that a spreadsheet will not run as formulas, and the one CSV writer every export uses.

A cell beginning with = + - @ TAB or CR is prefixed with an apostrophe (OWASP "CSV Injection"), since
exported lists carry names and notes typed by others and are opened in Excel or LibreOffice."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of ``value`` made safe for a spreadsheet cell.

    None → ``""``; other values → ``str(value)``; text whose first character, or first character after leading
    spaces, is one of ``= + - @ TAB CR`` gets a leading apostrophe (``=1+1`` → ``'=1+1``; ``-5`` → ``'-5``).
    The apostrophe is shown by spreadsheets as a text marker, not part of the value. Never raises."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and (text[0] in FORMULA_TRIGGERS or text.lstrip(" ")[:1] in FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8"
) -> int:
    """Write ``header`` and ``rows`` to ``path`` as comma-separated CSV with every cell through :func:`safe_cell`.

    Quotes only where needed, keeps line breaks inside quoted cells, ends lines with CRLF (RFC 4180).
    Returns the number of data rows written. Raises ``OSError`` when the file cannot be written."""
    count = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
    return count
