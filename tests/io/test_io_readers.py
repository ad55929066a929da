"""`read_list` on CSV, XLSX and JSON: every kind of bad input ends in a `row N, column C: … — …` message."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from powbureau.domain.errors import ValidationFailed
from powbureau.io.readers import read_list, sniff_delimiter


def _csv(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _messages(parsed) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in parsed.errors]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delim: str) -> None:
    text = delim.join(["name_full", "birth_place", "rank"]) + "\n" + delim.join(["Ivanov, Petr", "Kyiv", "Pvt"])
    if delim == ",":
        text = 'name_full,birth_place,rank\n"Ivanov, Petr",Kyiv,Pvt'
    parsed = read_list(_csv(tmp_path, text + "\n"), kind="detainees")
    assert parsed.delimiter == delim and parsed.errors == []
    assert [v.value for v in parsed.rows[0].values if v.property == "surname"] == ["Ivanov"]


def test_semicolon_file_with_commas_in_cells() -> None:
    assert sniff_delimiter("name_full;birth_place\nIvanov, Petr;Kyiv, UA\nPetrov, Ivan;Lviv, UA\n") == ";"


def test_content_hash_is_of_the_raw_bytes(tmp_path: Path) -> None:
    import hashlib

    path = _csv(tmp_path, "name_full\nIvanov\n")
    assert read_list(path, kind="detainees").content_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_unknown_column_is_a_fatal_error_listing_the_properties(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,shoe_size\nIvanov,44\n"), kind="detainees")
    assert parsed.fatal and len(parsed.errors) == 1
    message = _messages(parsed)[0]
    assert message.startswith("row 1, column shoe_size: unknown column — map it with --map 'shoe_size=PROPERTY' "
                              "(properties: external_id, name_full, surname,")
    assert message.endswith("or leave it out with --map 'shoe_size=ignore'")
    assert parsed.errors[0].code == "unknown_column" and parsed.errors[0].column == "shoe_size"  # a page words its own


def test_ignore_drops_a_column_on_purpose(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,shoe_size\nIvanov,44\n"), mapping={"shoe_size": "ignore"},
                       kind="detainees")
    assert parsed.errors == [] and parsed.properties == ("name_full",)


def test_headers_match_canonical_names_loosely(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "Name Full,Birth-Date, SERVICE_NUMBER \nIvanov,1990,A1\n"), kind="detainees")
    assert parsed.errors == [] and parsed.properties == ("name_full", "birth_date", "service_number")


def test_map_naming_an_absent_column(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full\nIvanov\n"), mapping={"dob": "birth_date"}, kind="detainees")
    assert _messages(parsed) == ["column dob: --map names this column but the file has no such column — "
                                 "its columns are: name_full"]
    assert parsed.fatal


def test_two_columns_for_one_property(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name,name_full\nA,B\n"), mapping={"name": "name_full"}, kind="detainees")
    assert _messages(parsed) == ["row 1: columns name, name_full all give name_full — map all but one of them to "
                                 "ignore with --map"]


def test_file_without_a_name_column(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "rank\nPvt\n"), kind="detainees")
    assert "row 1: no name column — the file needs name_full or surname; map yours with --map " \
           "'THEIR_HEADER=name_full'" in _messages(parsed)


def test_row_without_a_name(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,rank\n,Pvt\nIvanov,Sgt\n"), kind="detainees")
    assert _messages(parsed) == ["row 2, column name_full: no name — every person needs name_full or surname; "
                                 "fill it in or remove the row"]
    assert [r.line for r in parsed.rows] == [3] and not parsed.fatal


def test_counterpart_list_needs_external_ids(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full\nIvanov\n"), kind="counterpart_list")
    assert "row 1: no external_id column — a counterpart list needs each row's id in that list; map it with " \
           "--map 'THEIR_HEADER=external_id'" in _messages(parsed)
    parsed = read_list(_csv(tmp_path, "id,name_full\n,Ivanov\n"), mapping={"id": "external_id"},
                       kind="counterpart_list")
    assert _messages(parsed) == ["row 2, column id (external_id): no external_id — every row of a counterpart "
                                 "list needs its id in that list"]


def test_duplicate_external_id_in_a_counterpart_list(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "external_id,name_full\nr1,Kim\nr1,Pak\n"), kind="counterpart_list")
    assert _messages(parsed) == ["row 3, column external_id: 'r1' is already the id of row 2 — ids in a "
                                 "counterpart list must be unique; fix the id or remove the repeated row"]


def test_duplicate_external_id_with_another_birth_date(tmp_path: Path) -> None:
    text = "external_id,name_full,birth_date\n7,Kim Hyok-chan,1998-02-11\n7,Kim Hyok-chan,2001-07-30\n"
    parsed = read_list(_csv(tmp_path, text), kind="detainees")
    assert _messages(parsed) == ["row 3, column external_id: '7' is also the id of row 2, whose birth_date is "
                                 "1998-02-11, not 2001-07-30 — two people cannot share an id; fix the id or the "
                                 "value"]


def test_exact_repeated_row(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "external_id,name_full\n7,Kim\n7,Kim\n"), kind="detainees")
    assert _messages(parsed) == ["row 3, column external_id: row repeats row 2 exactly — remove one of them"]


def test_same_id_under_two_names_is_one_person_listed_twice(tmp_path: Path) -> None:
    text = "external_id,name_full,birth_date\n7,\"BELL, ERNEST JAMES\",1912\n7,\"BELL, JOSEPH\",1912-03-09\n"
    parsed = read_list(_csv(tmp_path, text), kind="own_personnel")
    assert parsed.errors == [] and [r.same_person_as for r in parsed.rows] == [None, 2]


def test_over_long_field(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,unit\nIvanov," + "x" * 501 + "\n"), kind="detainees")
    assert _messages(parsed) == ["row 2, column unit: 501 characters is longer than the limit of 500 — shorten "
                                 "the cell or move the text to notes in another record"]


def test_bad_and_ambiguous_dates(tmp_path: Path) -> None:
    text = "name_full,dob\nA,31 Feb 1908\nB,03/04/1908\nC,27.09.1908\n"
    parsed = read_list(_csv(tmp_path, text), mapping={"dob": "birth_date"}, kind="detainees")
    assert _messages(parsed) == [
        "row 2, column dob (birth_date): date '31 Feb 1908': day 31 does not exist in 1908-02 (it has 29 days)",
        "row 3, column dob (birth_date): date '03/04/1908' is ambiguous: day and month could be swapped — pass "
        "--date-order DMY or --date-order MDY (or write the date as YYYY-MM-DD)"]
    parsed = read_list(_csv(tmp_path, text), mapping={"dob": "birth_date"}, kind="detainees", date_order="DMY")
    assert [r.values[-1].value for r in parsed.rows] == ["1908-04-03", "1908-09-27"]


def test_countries_must_be_iso_alpha2(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,nationality,serving_power\nA,ua,RU\nB,UK,KP\n"), kind="detainees")
    assert [[v.value for v in r.values[1:]] for r in parsed.rows] == [["UA", "RU"]]
    assert _messages(parsed) == ["row 3, column nationality: 'UK' is not an ISO 3166 alpha-2 country code — use GB"]


def test_too_many_cells_and_trailing_empty_cells(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,rank\nA,Pvt,,\nB,Pvt,extra\n"), kind="detainees")
    assert [r.line for r in parsed.rows] == [2]
    assert _messages(parsed) == ["row 3: 3 cells where the header has 2 — put cells that contain ',' in quotes"]


def test_broken_quoting_is_a_row_error_and_an_unclosed_quote_is_fatal(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, 'name_full,rank\nA,"x"y\nB,Sgt\n'), kind="detainees")
    assert _messages(parsed) == ["row 2: broken quoting (',' expected after '\"') — put the whole cell in quotes "
                                 "and double any quote inside it"]
    assert [r.line for r in parsed.rows] == [3] and not parsed.fatal
    parsed = read_list(_csv(tmp_path, 'name_full,rank\nA,Pvt\n"B,Sgt\nC,Cpl\n'), kind="detainees")
    assert parsed.fatal and _messages(parsed) == [
        'row 3: a quote opened here is never closed, so every line after it was read as one cell — close the '
        'quote (write "" for a quote inside a cell)']


def test_unreadable_files_raise_validation_failed(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match=r"missing.csv: no such file — check the path"):
        read_list(tmp_path / "missing.csv", kind="detainees")
    with pytest.raises(ValidationFailed, match="the file is empty — export the list again"):
        read_list(_csv(tmp_path, "\n\n"), kind="detainees")
    with pytest.raises(ValidationFailed, match="kind 'prisoners' is unknown — use detainees, own_personnel or "
                                               "counterpart_list"):
        read_list(_csv(tmp_path, "name_full\nA\n"), kind="prisoners")
    with pytest.raises(ValidationFailed, match="--date-order 'DDMM' is unknown — use DMY, MDY or YMD"):
        read_list(_csv(tmp_path, "name_full\nA\n"), kind="detainees", date_order="DDMM")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationFailed, match=r"bad.xlsx: not a readable XLSX workbook \(\w+\) — open it in a "
                                               "spreadsheet and save it again as .xlsx"):
        read_list(bad, kind="detainees")


def test_json_list_and_rows_object(tmp_path: Path) -> None:
    records = [{"external_id": 7341, "name_full": "Бондар Іван", "birth_date": "1990-02"},
               {"external_id": "00912", "name_full": "Lysenko Petro", "nationality": None}]
    for doc in (records, {"rows": records}):
        path = tmp_path / "list.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        parsed = read_list(path, kind="detainees")
        assert parsed.errors == [] and parsed.format == "json"
        assert [r.external_id for r in parsed.rows] == ["7341", "00912"]
        assert [v.script for v in parsed.rows[0].values if v.property == "name_full"] == ["Cyrl"]


def test_json_bad_shapes(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('[{"name_full": "A", "rank": {"x": 1}}, 3, {"name_full": "B"}]', encoding="utf-8")
    parsed = read_list(path, kind="detainees")
    assert _messages(parsed) == ["record 1, column rank: holds a nested list or object — give a plain text or "
                                 "number",
                                 'record 2: is a number, not an object — write each person as {"property": '
                                 "value, …}"]
    path.write_text('[{"name_full": "A",}]', encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"list.json: not valid JSON at line 1, column 20 \(Expecting"):
        read_list(path, kind="detainees")
    path.write_text('{"people": []}', encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r'expected a list of objects or \{"rows": \[...\]\}'):
        read_list(path, kind="detainees")


def test_xlsx_dates_and_leading_blank_rows(tmp_path: Path) -> None:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])
    ws.append(["name_full", "birth_date", "rank"])
    ws.append(["Kovalenko Taras", dt.datetime(1990, 2, 3), None])
    ws.append(["Shevchuk Olena", 1985, "Sgt"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    parsed = read_list(path, kind="detainees")
    assert parsed.errors == []
    assert [(r.line, [v.value for v in r.values]) for r in parsed.rows] == [
        (3, ["Kovalenko Taras", "1990-02-03"]), (4, ["Shevchuk Olena", "1985", "Sgt"])]


def test_rejects_file_holds_the_original_cells_and_the_errors(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full,nationality\nA,UA\nB,XX\n"), kind="detainees")
    out = tmp_path / "rejects.csv"
    assert parsed.write_rejects(out) == 1
    with out.open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["row", "errors", "name_full", "nationality"],
            ["3", "row 3, column nationality: 'XX' is not an ISO 3166 alpha-2 country code — use a two-letter ISO "
                  "3166 code such as UA, RU, KR, KP, AU, GB", "B", "XX"]]


def test_values_keep_the_original_beside_the_cleaned(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, 'name_full,birth_place\n"  BARNES,  HENRY  BOWEN ","GLEN   INNES, NSW"\n'),
                       kind="detainees")
    full = parsed.rows[0].values[0]
    assert (full.value, full.original) == ("BARNES, HENRY BOWEN", "  BARNES,  HENRY  BOWEN ")
    assert parsed.rows[0].values[-1].value == "GLEN INNES, NSW"


def test_error_after_a_multiline_cell_names_both_row_and_line(tmp_path: Path) -> None:
    text = 'name_full,notes,nationality\nA,"one\ntwo",UA\nB,none,ZZ\n'
    parsed = read_list(_csv(tmp_path, text), kind="detainees")
    assert _messages(parsed) == ["row 3 (line 4), column nationality: 'ZZ' is not an ISO 3166 alpha-2 country "
                                 "code — use a two-letter ISO 3166 code such as UA, RU, KR, KP, AU, GB"]


def test_open_list_streams_rows_and_errors_in_file_order(tmp_path: Path) -> None:
    from powbureau.io.readers import open_list
    from powbureau.io.rows import ImportRow

    stream = open_list(_csv(tmp_path, "name_full,birth_date\nA,1990\nB,1990-13\nC,1991\n"), kind="detainees")
    assert stream.header_errors == [] and stream.properties == ("name_full", "birth_date")
    items = list(stream)
    assert [(type(i).__name__, i.line) for i in items] == [("ImportRow", 2), ("RowError", 3), ("ImportRow", 4)]
    assert isinstance(items[0], ImportRow) and items[0].values[1].date.precision == "year"  # type: ignore[union-attr]


def test_xlsx_cell_outside_the_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name_full"])
    ws.append(["Kovalenko Taras", "stray note"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    parsed = read_list(path, kind="detainees")
    assert _messages(parsed) == ["row 2: a cell holds 'stray note' in a column without a header — give the column "
                                 "a header or delete it"]


def test_format_is_sniffed_when_the_extension_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_text('[{"name_full": "Kim"}]', encoding="utf-8")
    assert read_list(path, kind="detainees").format == "json"
    path.write_text("name_full\nKim\n", encoding="utf-8")
    assert read_list(path, kind="detainees").format == "csv"


def test_names_mixing_scripts_are_reported_as_warnings(tmp_path: Path) -> None:
    parsed = read_list(_csv(tmp_path, "name_full\nPеtrenko Ihor\nPetrenko Ihor\n"), kind="detainees")
    assert parsed.errors == [] and len(parsed.rows) == 2
    assert [str(w) for w in parsed.warnings] == [
        "row 2, column name_full: 'Pеtrenko Ihor' mixes letters of several scripts (e.g. a Cyrillic е in a Latin "
        "name) — check the spelling; the name is kept as written"]
