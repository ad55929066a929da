"""Name cells: `SURNAME, Given` split, `(AKA: …)` / `a.k.a.` aliases, spaces collapsed, script detected."""

from __future__ import annotations

import pytest

from powbureau.io.names_split import NameParts, clean_name, detect_script, has_alias, name_parts, split_name_cell


def test_surname_comma_given() -> None:
    assert name_parts("ABBOTT, BRUCE GIDLEY") == NameParts("ABBOTT, BRUCE GIDLEY", "ABBOTT", "BRUCE GIDLEY")


def test_no_comma_means_no_split_and_two_commas_too() -> None:
    assert name_parts("Ryu Song Chol") == NameParts("Ryu Song Chol")
    assert name_parts("SMITH, JOHN, JR") == NameParts("SMITH, JOHN, JR")


def test_double_spaces_and_spaces_around_commas_are_collapsed() -> None:
    assert clean_name("  BRAZIER ,ARTHUR  AMOS   MURRAY ") == "BRAZIER, ARTHUR AMOS MURRAY"


def test_decomposed_letters_are_composed() -> None:
    cleaned = clean_name("Андри\u0438\u0306")  # и + combining breve, as some keyboards and OCR write й
    assert cleaned == "Андри\u0439" and len(cleaned) == 6


def test_aka_in_brackets_becomes_an_alias() -> None:
    split = split_name_cell("AINGER, FRANK ALAN (AKA: AINGER, ALLAN)")
    assert split.primary == NameParts("AINGER, FRANK ALAN", "AINGER", "FRANK ALAN")
    assert split.aliases == (NameParts("AINGER, ALLAN", "AINGER", "ALLAN"),)


def test_alias_with_double_spaces_is_cleaned() -> None:
    split = split_name_cell("BUCKLEY, HAROLD WILLIAM (AKA: BUCKLEY, NORMAN   JOSEPH)")
    assert split.aliases == (NameParts("BUCKLEY, NORMAN JOSEPH", "BUCKLEY", "NORMAN JOSEPH"),)


@pytest.mark.parametrize(
    ("cell", "primary", "aliases"),
    [("Ivanov Petr a.k.a. Petrov Ivan", "Ivanov Petr", ["Petrov Ivan"]),
     ("Ivanov Petr (a.k.a. Petrov Ivan)", "Ivanov Petr", ["Petrov Ivan"]),
     ("Kim Chol (also known as Pak Chol; Ri Chol)", "Kim Chol", ["Pak Chol", "Ri Chol"]),
     ("Гнатюк Сергій (він же Гнатюк Сергей)", "Гнатюк Сергій", ["Гнатюк Сергей"]),
     ("Иванов Пётр (он же Петров Иван)", "Иванов Пётр", ["Петров Иван"]),
     ("Kim AKA: Pak", "Kim", ["Pak"]),
     ("Aka Taro", "Aka Taro", [])],
)
def test_alias_forms(cell: str, primary: str, aliases: list[str]) -> None:
    split = split_name_cell(cell)
    assert split.primary is not None and split.primary.full == primary
    assert [a.full for a in split.aliases] == aliases
    assert has_alias(cell) == bool(aliases)


def test_empty_cell() -> None:
    assert split_name_cell("   ").primary is None


@pytest.mark.parametrize(
    ("text", "script"),
    [("ABBOTT", "Latn"), ("Hnatiuk Serhii", "Latn"), ("Гнатюк", "Cyrl"), ("Ооржак Өлзей", "Cyrl"),
     ("남궁태오", "Hang"), ("Pеtrenko", "mixed"), ("ШEVCHUK", "mixed"), ("Müller", "Latn"), ("123", None)],
)
def test_script_detection(text: str, script: str | None) -> None:
    assert detect_script(text) == script
