"""The real Australian WW2 list (5,000 DVA nominal-roll rows) parses with the issue's `--map`, no error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from powbureau.io.properties import parse_mapping
from powbureau.io.readers import ParsedList, read_list

ISSUE_MAP = "dva_id=external_id,name=name_full,date_of_birth=birth_date,place_of_birth=birth_place"


@pytest.fixture(scope="module")
def parsed(shared_data: Path) -> ParsedList:
    path = shared_data / "pow_australia_ww2" / "australia_ww2_pows.csv"
    return read_list(path, mapping=parse_mapping(ISSUE_MAP), kind="own_personnel")


def test_all_5000_rows_parse_without_error(parsed: ParsedList) -> None:
    assert len(parsed.rows) == 5000 and parsed.errors == [] and parsed.warnings == []
    assert (parsed.encoding, parsed.delimiter, parsed.format) == ("utf-8", ",", "csv")
    assert parsed.properties == ("external_id", "name_full", "birth_date", "service_number", "birth_place",
                                 "service_branch")


def test_53_aliases_become_alias_name_statements(parsed: ParsedList) -> None:
    aliases = [v for r in parsed.rows for v in r.values if v.alias]
    assert Counter(v.property for v in aliases) == {"name_full": 53, "surname": 53, "given_name": 53}
    assert not any("AKA" in v.value for r in parsed.rows for v in r.values if v.property == "name_full")


def test_first_row_in_detail(parsed: ParsedList) -> None:
    row = parsed.rows[0]
    assert (row.line, row.external_id) == (2, "178930")
    assert [(v.property, v.value, v.original) for v in row.values] == [
        ("external_id", "178930", "178930"),
        ("name_full", "ABBOTT, BRUCE GIDLEY", "ABBOTT, BRUCE GIDLEY"),
        ("surname", "ABBOTT", "ABBOTT, BRUCE GIDLEY"),
        ("given_name", "BRUCE GIDLEY", "ABBOTT, BRUCE GIDLEY"),
        ("birth_date", "1908-09-27", "27 Sep 1908"),
        ("service_number", "NX66389", "NX66389"),
        ("birth_place", "GLEN INNES, NSW", "GLEN INNES, NSW"),
        ("service_branch", "Army", "Army")]


def test_the_16_ids_listed_twice_point_at_their_first_row(parsed: ParsedList) -> None:
    repeats = [r for r in parsed.rows if r.same_person_as is not None]
    assert len(repeats) == 16
    by_line = {r.line: r for r in parsed.rows}
    assert all(by_line[r.same_person_as].external_id == r.external_id for r in repeats)  # type: ignore[index]


def test_year_only_birth_dates_keep_year_precision(parsed: ParsedList) -> None:
    dates = [v.date for r in parsed.rows for v in r.values if v.property == "birth_date"]
    years = [d for d in dates if d is not None and d.precision == "year"]
    assert years and all(d.month is None and d.day is None for d in years)


def test_double_spaces_are_collapsed_and_the_original_kept(parsed: ParsedList) -> None:
    row = next(r for r in parsed.rows if r.values[1].original.startswith("BARNES, HENRY  BOWEN"))
    assert row.values[1].value == "BARNES, HENRY BOWEN"
    assert row.values[1].original == "BARNES, HENRY  BOWEN (AKA: BARNES, HENRY  BOWEN)"
