"""io.name_pairs.score_pairs_file: chunked streaming gives the same file as one chunk, line numbers of bad rows
survive chunk boundaries and quoted line breaks, legacy encodings are read, cells stay formula-safe."""

from __future__ import annotations

import csv

import pytest

from powbureau.domain.errors import NotFound, ValidationFailed
from powbureau.io import name_pairs
from powbureau.io.name_pairs import score_pairs_file

ROWS = ('id,name_a,name_b\n1,백광혁,Paek Kwang Hyok\n2,"Kim\nJong Un",Kim Jong Il\n3,only\n'
        "4,Шевченко Тарас,Shevchenko Taras\n5,=HYPERLINK(1),Ivan\n6,,Petrov\n7,Ivan Petrov,Ivan Petrov\n")


def test_chunks_of_two_write_the_same_file_as_one_chunk(tmp_path):
    src = tmp_path / "p.csv"
    src.write_text(ROWS, encoding="utf-8")
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    s1 = score_pairs_file(src, one, chunk_rows=10_000)
    done: list[int] = []
    s2 = score_pairs_file(src, two, progress=done.append, chunk_rows=2)
    assert one.read_bytes() == two.read_bytes()
    assert s1 == s2 and done == [2, 4, 6, 7]
    assert s2.bad_rows == [{"line": 5, "error": "expected 3 fields, found 2"},
                           {"line": 8, "error": "name_a or name_b is empty"}]
    rows = list(csv.DictReader(two.open(encoding="utf-8", newline="")))
    assert [r["is_match"] for r in rows] == ["1", "0", "", "1", "0", "", "1"]
    assert rows[4]["name_a"] == "'=HYPERLINK(1)"
    assert (s2.rows, s2.scored, s2.matches) == (7, 5, 3)


def test_caches_are_emptied_between_chunks_past_the_limit(tmp_path, monkeypatch):
    from powbureau.names.parse import parse_name

    src = tmp_path / "p.csv"
    src.write_text(ROWS, encoding="utf-8")
    monkeypatch.setattr(name_pairs, "CACHE_NAMES", 3)
    score_pairs_file(src, tmp_path / "o.csv", chunk_rows=2)
    assert parse_name.cache_info().currsize <= 3 + 4  # at most one chunk's names beyond the limit


@pytest.mark.parametrize("enc", ["cp949", "utf-16", "utf-8-sig"])
def test_legacy_and_unicode_encodings_are_read(tmp_path, enc):
    src = tmp_path / "k.csv"
    src.write_bytes("name_a,name_b\n백광혁,Paek Kwang Hyok\n".encode(enc))
    out = tmp_path / "o.csv"
    s = score_pairs_file(src, out)
    assert s.matches == 1
    assert "백광혁,Paek Kwang Hyok" in out.read_text(encoding="utf-8")


def test_missing_file_and_missing_columns_are_refused_before_writing(tmp_path):
    out = tmp_path / "o.csv"
    with pytest.raises(NotFound, match="file not found"):
        score_pairs_file(tmp_path / "nope.csv", out)
    bad = tmp_path / "b.csv"
    bad.write_text("a,b\nx,y\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"missing column\(s\) name_a, name_b"):
        score_pairs_file(bad, out)
    assert not out.exists()


def test_a_failure_half_way_leaves_no_output_and_keeps_an_older_one(tmp_path, monkeypatch):
    src = tmp_path / "p.csv"
    src.write_text(ROWS, encoding="utf-8")
    out = tmp_path / "scored.csv"
    out.write_text("an older result\n", encoding="utf-8")
    calls = []

    def failing(a, b):  # noqa: ANN001, ANN202
        calls.append(a)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(a, b)

    real = name_pairs.compare_names
    monkeypatch.setattr(name_pairs, "compare_names", failing)
    with pytest.raises(KeyboardInterrupt):
        score_pairs_file(src, out, chunk_rows=1)
    assert out.read_text(encoding="utf-8") == "an older result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "scored.csv"]  # no .part file left behind
