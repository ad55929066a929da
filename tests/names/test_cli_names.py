"""The `powbureau names` sub-commands: compare, variants, score-pairs."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from powbureau.cli.names import app

runner = CliRunner()


def test_compare_json():
    r = runner.invoke(app, ["compare", "백광혁", "Paek Kwang Hyok", "--json"])
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["is_match"] is True and d["score"] == 1.0
    assert d["parts"][0]["rule"] == "Korean surname table: 백=Paek"


def test_compare_text():
    r = runner.invoke(app, ["compare", "Kim Jong Un", "Kim Jong Il"])
    assert r.exit_code == 0 and "no match" in r.stdout


def test_variants_json():
    r = runner.invoke(app, ["variants", "Пэк Кван Хёк", "--json"])
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["script"] == "cyrillic" and "K:BAEK:KNHK" in d["name_keys"]


def test_score_pairs_keeps_columns_and_reports_bad_rows(tmp_path):
    src = tmp_path / "pairs.csv"
    src.write_text('id,name_a,name_b,note\n1,백광혁,Paek Kwang Hyok,x\n2,short\n3,"Kim\nJong Un",Kim Jong Il,y\n'
                   "4,Ivan Petrov,Ivan Petrov,z\n", encoding="utf-8")
    out = tmp_path / "scored.csv"
    r = runner.invoke(app, ["score-pairs", str(src), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["bad_rows"] == [{"line": 3, "error": "expected 4 fields, found 2"}]
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [x["id"] for x in rows] == ["1", "2", "3", "4"]
    assert [x["is_match"] for x in rows] == ["1", "", "0", "1"]
    assert rows[0]["note"] == "x" and float(rows[0]["score"]) == 1.0


def test_score_pairs_missing_column_is_one_line_error(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("a,b\nx,y\n", encoding="utf-8")
    r = runner.invoke(app, ["score-pairs", str(src), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code != 0
    assert "missing column(s) name_a, name_b" in r.output
    assert "Traceback" not in r.output
