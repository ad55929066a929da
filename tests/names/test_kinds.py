"""The kinds of names that failed on real data (issue 12): each kind as a rule, with names that must match
and names that must not. The people are invented; bench/names_kinds.py scores a second set."""

from __future__ import annotations

import pytest

from powbureau.names import MATCH_THRESHOLD, compare_names, parse_name

POSSIBLE = MATCH_THRESHOLD - 0.2  # linkage.vectors.WEAK_NAME: a name that sends a pair to review


def _both(a: str, b: str) -> tuple[float, float]:
    return compare_names(a, b).score, compare_names(b, a).score


GERMAN_DUTCH_FRENCH = [
    ("Pjotr Tschernyschow", "Петр Чернышёв"),
    ("Tschernyschow Pjotr", "Chernyshev Pyotr"),
    ("Sergej Iwanowitsch Schukow", "Zhukov Sergei Ivanovich"),
    ("Sergueï Joukov", "Сергей Жуков"),
    ("Serge Koutouzov", "Kutuzov Sergei"),
    ("Tsjernysjov", "Chernyshev"),
    ("Joeri Tsjoekovski", "Юрий Чуковский"),
    ("Wassili Chruschtschow", "Vasily Khrushchev"),
    ("Vassili Khrouchtchev", "Василий Хрущёв"),
    ("Anatoli Iljitsch Sobtschak", "Anatoly Ilyich Sobchak"),
    ("Boris Poutine", "Борис Путин"),
    ("Mikhaïl Lermontov", "Михаил Лермонтов"),
    ("Jelena Saizewa", "Елена Зайцева"),
]
GERMAN_DUTCH_FRENCH_NOT = [
    ("Pjotr Tschernyschow", "Петр Черкасов"),
    ("Sergej Iwanowitsch Schukow", "Zhukov Sergei Petrovich"),
    ("Joeri Tsjoekovski", "Юрий Чистяковский"),
    ("Boris Poutine", "Борис Плотников"),
]


@pytest.mark.parametrize(("a", "b"), GERMAN_DUTCH_FRENCH)
def test_german_dutch_french_transliterations_of_russian_match(a, b):
    assert min(_both(a, b)) >= MATCH_THRESHOLD, compare_names(a, b)


@pytest.mark.parametrize(("a", "b"), GERMAN_DUTCH_FRENCH_NOT)
def test_german_dutch_french_transliterations_keep_other_people_apart(a, b):
    assert max(_both(a, b)) < MATCH_THRESHOLD, compare_names(a, b)


def test_national_reading_is_named_in_the_rule():
    c = compare_names("Tsjernysjov", "Chernyshov")
    assert c.score == 1.0
    assert "Dutch" in " ".join(p.rule for p in c.parts)


EAST_SLAVIC = [
    ("Аляксандр Мароз", "Aleksandr Moroz"),
    ("Олександр Ткачук", "Aleksandr Tkachuk"),
    ("Іван Савчук", "Ivan Savchuk"),
    ("Уладзімір Пятровіч Касцюк", "Vladimir Petrovich Kostyuk"),
    ("Сяргей Гайдук", "Sergei Gaiduk"),
    ("Микола Кравець", "Nikolai Kravets"),
    ("Ігар Шумскі", "Igor Shumsky"),
]
EAST_SLAVIC_NOT = [
    ("Олександр Ткачук", "Aleksei Tkachuk"),
    ("Аляксандр Мароз", "Aleksandr Morozov"),
    ("Уладзімір Пятровіч Касцюк", "Vladimir Ivanovich Kostyuk"),
]


@pytest.mark.parametrize(("a", "b"), EAST_SLAVIC)
def test_belarusian_and_ukrainian_against_russian_based_latin(a, b):
    assert min(_both(a, b)) >= MATCH_THRESHOLD, compare_names(a, b)


@pytest.mark.parametrize(("a", "b"), EAST_SLAVIC_NOT)
def test_belarusian_and_ukrainian_other_people(a, b):
    assert max(_both(a, b)) < MATCH_THRESHOLD, compare_names(a, b)


TURKIC = [
    ("Məmmədli Ramil", "Мамедли Рамиль"),
    ("Həsənova Səbinə", "Gasanova Sabina"),
    ("Qurbanov Elşən Vaqif oğlu", "Курбанов Эльшан Вагиф оглы"),
    ("Qurbanov Elşən Vaqif oğlu", "Kurbanov Elshan Vagifovich"),
    ("Xəlilova Aygün Rauf qızı", "Халилова Айгюн Рауф кызы"),
    ("Әлібеков Нұрлан Серікұлы", "Alibekov Nurlan Serikovich"),
    ("Жұмабаева Гүлнар", "Zhumabaeva Gulnar"),
    ("Ерғали Қанатұлы", "Ергали Канатулы"),
    ("Çələbi Tural", "Челеби Турал"),
]
TURKIC_NOT = [
    ("Qurbanov Elşən Vaqif oğlu", "Kurbanov Elshan Rauf oglu"),
    ("Xəlilova Aygün Rauf qızı", "Халилов Айгюн Рауф оглы"),
    ("Әлібеков Нұрлан Серікұлы", "Alibekov Nurlan Bolatovich"),
    ("Məmmədli Ramil", "Мамедли Рустам"),
]


@pytest.mark.parametrize(("a", "b"), TURKIC)
def test_kazakh_and_azerbaijani_letters_and_patronymics(a, b):
    assert min(_both(a, b)) >= MATCH_THRESHOLD, compare_names(a, b)


@pytest.mark.parametrize(("a", "b"), TURKIC_NOT)
def test_kazakh_and_azerbaijani_other_people(a, b):
    assert max(_both(a, b)) < MATCH_THRESHOLD, compare_names(a, b)


def test_turkic_patronymic_word_is_parsed_as_patronymic():
    p = parse_name("Qurbanov Elşən Vaqif oğlu")
    assert [t.role for t in p.tokens][-1] == "patronymic"
    assert p.gender == "m"
    assert parse_name("Xəlilova Aygün Rauf qızı").gender == "f"
    assert parse_name("Əliyev").tokens[0].latin == "aliyev"  # ə romanizes (it gave no key before)


HONORIFICS = [
    ("Mme Claire Fontaine", "Claire Fontaine"),
    ("Mr. Arthur Penrose", "Penrose Arthur"),
    ("Dr Ivan Sokolov", "Ivan Sokolov"),
    ("г-н Сокол Андрей", "Sokol Andrei"),
    ("господин Сидоренко Павел", "Sidorenko Pavel"),
    ("г-жа Соколова Мария", "Sokolova Maria"),
    ("박영호 씨", "박영호"),
    ("박영호씨", "Pak Yong Ho"),
    ("최수진 님", "Choi Su-jin"),
    ("Herr Karl Brenner", "Karl Brenner"),
]
HONORIFICS_NOT = [
    ("Mme Claire Fontaine", "Claire Fontenelle"),
    ("г-н Сокол Андрей", "Sokolenko Andrei"),
    ("박영호 씨", "박영수"),
]


@pytest.mark.parametrize(("a", "b"), HONORIFICS)
def test_honorifics_are_dropped(a, b):
    assert min(_both(a, b)) >= MATCH_THRESHOLD, compare_names(a, b)


@pytest.mark.parametrize(("a", "b"), HONORIFICS_NOT)
def test_honorifics_dropped_names_still_differ(a, b):
    assert max(_both(a, b)) < MATCH_THRESHOLD, compare_names(a, b)


def test_honorific_alone_is_kept_and_korean_given_syllable_is_not_taken_for_one():
    assert parse_name("김태양").korean[0].given == "태양"  # 양 written together is part of the name
    assert parse_name("Mme Mme Fontaine").surname == "Fontaine"


HANGUL_FOREIGN = [
    ("폴 마르탱", "Paul Martin"),
    ("수잔 르블랑", "Suzanne Leblanc"),
    ("제임스 오코너", "James O'Connor"),
    ("토머스 휴스", "Thomas Hughes"),
    ("앙투안 모로", "Antoine Moreau"),
    ("캐서린 포스터", "Catherine Foster"),
    ("헬렌 파커", "Parker, Helen"),
]
HANGUL_FOREIGN_NOT = [
    ("폴 마르탱", "Paul Morgan"),
    ("수잔 르블랑", "Suzanne Lambert"),
    ("토머스 휴스", "Thomas Harris"),
    ("캐서린 포스터", "Caroline Foster"),
]


@pytest.mark.parametrize(("a", "b"), HANGUL_FOREIGN)
def test_foreign_name_in_hangul_matches_its_latin_spelling(a, b):
    c = compare_names(a, b)
    assert c.is_match and compare_names(b, a).is_match, c
    assert "loanword" in c.reason


@pytest.mark.parametrize(("a", "b"), HANGUL_FOREIGN_NOT)
def test_foreign_name_in_hangul_other_people(a, b):
    assert max(_both(a, b)) < MATCH_THRESHOLD, compare_names(a, b)


def test_korean_names_still_go_the_korean_way():
    assert compare_names("김 정은", "Kim Jong-un").score == 1.0
    assert not compare_names("김 정은", "Kim Jong-il").is_match


ALTERNATES = [
    ("Petrenko (Petrenco) Oleh", "Petrenco Oleh"),
    ("Petrenko (Petrenco) Oleh", "Petrenko Oleh Ivanovych"),
    ("Marchenko (née Bondar) Olha", "Bondar Olha"),
    ("Marchenko (née Bondar) Olha", "Olha Marchenko"),
    ("Шульц (Schultz) Карл", "Karl Schultz"),
    ("Robert (Bob) Hale", "Bob Hale"),
]
ALTERNATES_NOT = [
    ("Petrenko (Petrenco) Oleh", "Bondarenko Oleh"),
    ("Marchenko (née Bondar) Olha", "Kovalchuk Olha"),
    ("Petrenko (Petrenco) Oleh", "Petrenko Pavlo"),
]


@pytest.mark.parametrize(("a", "b"), ALTERNATES)
def test_parenthesised_alternate_matches_either_reading(a, b):
    assert min(_both(a, b)) >= MATCH_THRESHOLD, compare_names(a, b)


@pytest.mark.parametrize(("a", "b"), ALTERNATES_NOT)
def test_parenthesised_alternate_other_people(a, b):
    assert max(_both(a, b)) < MATCH_THRESHOLD, compare_names(a, b)


@pytest.mark.parametrize(("full", "short"), [("김정은", "Kim Jong"), ("박성철", "Pak Song"), ("Choi Young-soo", "Choi Young"),
                                             ("이민호", "Lee Min"), ("한지혜", "Han Ji")])
def test_korean_name_against_one_given_syllable_is_possible_not_accepted(full, short):
    for a, b in ((full, short), (short, full)):
        c = compare_names(a, b)
        assert POSSIBLE <= c.score < MATCH_THRESHOLD, c
        assert "first syllable" in c.reason


@pytest.mark.parametrize(("full", "short"), [("김정은", "Kim Eun"), ("박성철", "Pak Chol"), ("김정은", "Kim Jong-il"),
                                             ("박성철", "Choi Song")])
def test_korean_name_against_another_syllable_stays_below_review(full, short):
    assert max(_both(full, short)) < POSSIBLE
