"""Formula-safe CSV cells and the export writer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from powbureau.io.csv_safe import safe_cell, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-5", "'-5"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("  =1+1", "'  =1+1"),
     ("Kovalenko", "Kovalenko"), ("a=b", "a=b"), ("", ""), (None, ""), (12, "12"), (-3, "'-3")],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_write_csv_neutralises_every_cell_and_keeps_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert write_csv(path, ["=name", "notes"], [["=cmd|' /C calc'!A0", "line one\nline two"], ["Ri", None]]) == 2
    with path.open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [["'=name", "notes"], ["'=cmd|' /C calc'!A0", "line one\nline two"],
                                        ["Ri", ""]]
