"""The public API of powbureau.names, its purity, and the shape of the packaged data tables."""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import resources

import powbureau.names as names

API = {"detect_script", "normalize", "NameComparison", "PartResult", "compare_names", "MATCH_THRESHOLD",
       "name_keys", "token_keys", "variants", "parse_name", "ParsedName"}


def test_public_api_is_exported():
    assert API <= set(names.__all__)
    for n in API:
        assert hasattr(names, n)
    assert list(inspect.signature(names.compare_names).parameters) == ["a", "b"]
    assert list(inspect.signature(names.name_keys).parameters) == ["text"]


def test_names_package_is_pure():
    code = ("import sys, powbureau.names, powbureau.names.compare; "
            "bad = [m for m in ('sqlalchemy', 'fastapi', 'typer') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _rows(name):
    text = resources.files("powbureau.names").joinpath(f"data/{name}").read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_data_tables_have_their_shape_and_source():
    assert all(len(r) == 3 and r[0] and r[1] for r in _rows("korean_surnames.tsv"))
    rows = _rows("given_names.tsv")
    assert all(len(r) == 4 and r[1] in ("m", "f") and r[2] in ("full", "dim") for r in rows)
    readme = resources.files("powbureau.names").joinpath("data/README.md").read_text("utf-8")
    assert "Source" in readme or "source" in readme
    assert "korean_surnames.tsv" in readme and "given_names.tsv" in readme


def test_sino_korean_table_shape():
    rows = _rows("sino_korean_readings.tsv")
    assert len(rows) > 350
    assert all(len(r) == 2 and r[0].isascii() and all("\uac00" <= c <= "\ud7a3" for c in r[1]) for r in rows)


def test_no_table_form_mixes_latin_and_cyrillic():
    for r in _rows("given_names.tsv"):
        for form in r[3].split(","):
            has_lat = any("a" <= c.lower() <= "z" for c in form)
            has_cyr = any("\u0400" <= c <= "\u04ff" for c in form)
            assert not (has_lat and has_cyr), form
