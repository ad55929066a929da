"""Name parsing: order, patronymic, gender."""

from __future__ import annotations

from powbureau.names import ParsedName, parse_name


def test_east_slavic_surname_first_with_patronymic():
    p = parse_name("Гнатюк Сергій Миколайович")
    assert isinstance(p, ParsedName)
    assert (p.surname, p.given, p.patronymic, p.order, p.gender) == ("Гнатюк", "Сергій", "Миколайович",
                                                                      "surname_first", "m")


def test_given_patronymic_surname_order():
    p = parse_name("Sergey Viktorovich LAVROV")
    assert (p.surname, p.given, p.patronymic, p.order) == ("LAVROV", "Sergey", "Viktorovich", "surname_last")


def test_comma_marks_the_surname():
    p = parse_name("Putin, Vladimir")
    assert (p.surname, p.given, p.order) == ("Putin", "Vladimir", "surname_first")


def test_female_patronymic_gives_gender():
    assert parse_name("Ivanova Anna Petrovna").gender == "f"


def test_korean_parse():
    p = parse_name("Kim Jong-un")
    assert (p.surname, p.given, p.order) == ("Kim", "Jong-un", "surname_first")
    assert parse_name("Sergey Lavrov").korean == ()


def test_parse_is_cached():
    assert parse_name("Ivan Petrov") is parse_name("Ivan Petrov")
