"""Known hard cases 14, 18, 20, 22, 24 and 26 read through `read_list`, each with its expected values."""

from __future__ import annotations

import codecs
from pathlib import Path

import openpyxl

from powbureau.io.readers import read_list

FAMILY_MAP = {"family": "surname", "given": "given_name", "dob": "birth_date"}


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _values(row, prop: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [v.value for v in row.values if v.property == prop]


def test_case14_father_son_and_initial_stay_three_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "c14.csv", "id,family,given,dob\n1,Dorosh,Oleksandr,1971-03-02\n"
                                       "2,Dorosh,Aleksandr,1996-11-20\n3,Dorosh,A.,\n")
    parsed = read_list(path, mapping={"id": "external_id", **FAMILY_MAP}, kind="detainees")
    assert parsed.errors == []
    assert [(r.external_id, _values(r, "given_name"), _values(r, "birth_date")) for r in parsed.rows] == [
        ("1", ["Oleksandr"], ["1971-03-02"]), ("2", ["Aleksandr"], ["1996-11-20"]), ("3", ["A."], [])]


def test_case18_partial_dates_and_ages(tmp_path: Path) -> None:
    path = _write(tmp_path, "c18.csv", "id,name,dob,age,age_recorded_on,age_system\n1,Ri Chol Jin,2001,,,\n"
                                       "2,Ri Chol Jin,2001-09-14,,,\n3,Ri Chol Jin,,24,2024-12-20,korean\n"
                                       "4,Ri Chol Jin,,23,2024-12-20,international\n5,Ri Chol Jin,,24,2024-12-20,\n")
    parsed = read_list(path, mapping={"id": "external_id", "name": "name_full", "dob": "birth_date"},
                       kind="detainees")
    assert parsed.errors == []
    r1, r2, r3, r4, r5 = parsed.rows
    d1 = next(v for v in r1.values if v.property == "birth_date")
    assert (d1.value, d1.date.precision) == ("2001", "year")  # type: ignore[union-attr]
    assert _values(r2, "birth_date") == ["2001-09-14"]
    ages = [dict(next(v for v in r.values if v.property == "age").qualifiers) for r in (r3, r4, r5)]
    assert (ages[0]["birth_earliest"], ages[0]["birth_latest"], ages[0]["age_system"]) == ("2001-01-01",
                                                                                       "2001-12-31", "korean")
    assert (ages[1]["birth_earliest"], ages[1]["birth_latest"]) == ("2000-12-21", "2001-12-20")
    assert (ages[2]["birth_earliest"], ages[2]["birth_latest"], ages[2]["age_system"]) == ("1999-12-21",
                                                                                       "2001-12-31", "unknown")


def test_case18_age_without_recording_day_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "c18b.csv", "name_full,age\nRi Chol Jin,24\n")
    parsed = read_list(path, kind="detainees")
    assert [str(e) for e in parsed.errors] == [
        "row 2, column age: an age needs the day it was recorded (ages are never counted from today) — "
        "fill in age_recorded_on as YYYY-MM-DD"]


def _case20_records(parsed) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return [tuple((v.property, v.value) for v in r.values) for r in parsed.rows]


def test_case20_utf8_bom_and_utf16_tab_give_identical_records(tmp_path: Path) -> None:
    text = "family,given,dob\nKovalenko,Taras,1990-02-03\nShevchuk,Olena,1985-07-14\n"
    a = read_list(_write(tmp_path, "a.csv", codecs.BOM_UTF8 + text.encode()), mapping=FAMILY_MAP, kind="detainees")
    b = read_list(_write(tmp_path, "b.txt", codecs.BOM_UTF16_LE + text.replace(",", "\t").encode("utf-16-le")),
                  mapping=FAMILY_MAP, kind="detainees")
    assert a.errors == [] and b.errors == []
    assert a.headers == b.headers == ("family", "given", "dob")
    assert (a.encoding, a.delimiter) == ("utf-8-sig", ",")
    assert (b.encoding, b.delimiter) == ("utf-16-le", "\t")
    assert _case20_records(a) == _case20_records(b) == [
        (("surname", "Kovalenko"), ("given_name", "Taras"), ("birth_date", "1990-02-03")),
        (("surname", "Shevchuk"), ("given_name", "Olena"), ("birth_date", "1985-07-14"))]


def test_case20_bom_glued_to_a_canonical_header_still_maps(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", codecs.BOM_UTF8 + b"surname,given_name\nKovalenko,Taras\n")
    parsed = read_list(path, kind="detainees")
    assert parsed.errors == [] and parsed.headers[0] == "surname" and parsed.properties[0] == "surname"


def test_case22_cp949_korean_list(tmp_path: Path) -> None:
    text = "성명,생년월일\n김똠,2001-05-06\n이경탁,1999-12-01\n"
    path = _write(tmp_path, "kr.csv", text.encode("cp949") + b"\xff\xfe\xff,2000-01-01\n")
    parsed = read_list(path, mapping={"성명": "name_full", "생년월일": "birth_date"}, kind="detainees")
    assert parsed.encoding == "cp949"
    assert [_values(r, "name_full") for r in parsed.rows] == [["김똠"], ["이경탁"]]
    assert [v.script for v in parsed.rows[0].values if v.property == "name_full"] == ["Hang"]
    assert [str(e) for e in parsed.errors] == [
        "row 4: cannot be decoded as cp949 — re-save the file as UTF-8, or pass --encoding if the detected "
        "encoding is wrong"]
    assert parsed.rejected_lines() == [4] and not parsed.fatal


def test_case24_identifiers_are_kept_exactly_in_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, "ids.csv", 'doc_no,service_no,name\n"007341",0012345678901234567,Bondar Ivan\n'
                                       "00912,12345,Lysenko Petro\n")
    parsed = read_list(path, mapping={"doc_no": "external_id", "service_no": "service_number",
                                      "name": "name_full"}, kind="detainees")
    assert parsed.errors == [] and parsed.warnings == []
    assert [(r.external_id, _values(r, "service_number")) for r in parsed.rows] == [
        ("007341", ["0012345678901234567"]), ("00912", ["12345"])]


def test_case24_xlsx_numbers_have_no_dot_zero_and_long_ones_are_flagged(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["doc_no", "service_no", "name"])
    ws.append(["007341", 12345678901234567, "Bondar Ivan"])
    ws.append([912.0, 12345, "Lysenko Petro"])
    path = tmp_path / "ids.xlsx"
    wb.save(path)
    parsed = read_list(path, mapping={"doc_no": "external_id", "service_no": "service_number",
                                      "name": "name_full"}, kind="detainees")
    assert parsed.errors == []
    assert [(r.external_id, _values(r, "service_number")) for r in parsed.rows] == [
        ("007341", ["12345678901234570"]), ("912", ["12345"])]  # the workbook kept 16 significant digits
    assert [str(w) for w in parsed.warnings] == [
        "row 2, column service_no (service_number): the number 12345678901234570 has more than 15 digits, so "
        "Excel may have rounded it — format the column as Text in the spreadsheet and check the value"]
    assert parsed.encoding is None and parsed.format == "xlsx"


def test_case26_quoted_line_break_is_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, "n.csv", 'id,name,notes\n1,Melnyk Oleh,"captured near the river\nwounded left arm"\n'
                                     "2,Savchuk Dmytro,none\n")
    parsed = read_list(path, mapping={"id": "external_id", "name": "name_full"}, kind="detainees")
    assert parsed.errors == []
    assert [_values(r, "notes") for r in parsed.rows] == [["captured near the river\nwounded left arm"], ["none"]]
    assert [(r.line, r.file_line) for r in parsed.rows] == [(2, 2), (3, 4)]


def test_case26_unquoted_line_break_names_the_line_and_other_rows_stay(tmp_path: Path) -> None:
    path = _write(tmp_path, "n.csv", "id,name,notes\n1,Melnyk Oleh,captured near the river\nwounded left arm\n"
                                     "2,Savchuk Dmytro,none\n")
    parsed = read_list(path, mapping={"id": "external_id", "name": "name_full"}, kind="detainees")
    assert [str(e) for e in parsed.errors] == [
        "row 3: 1 cells where the header has 3 — a line break inside a cell must be inside quotes, or a cell is "
        "missing (this line looks like the rest of row 2's last cell)"]
    assert [r.external_id for r in parsed.rows] == ["1", "2"] and not parsed.fatal
    assert parsed.errors[0].cells == ("wounded left arm",)
