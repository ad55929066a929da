"""Partial dates, written-date parsing and birth intervals from ages (known case 18)."""

from __future__ import annotations

from datetime import date

import pytest

from powbureau.domain.dates import PartialDate, birth_interval_from_age, parse_written_date
from powbureau.domain.errors import ValidationFailed


def test_precision_and_iso_at_each_precision() -> None:
    assert PartialDate(1908).precision == "year" and PartialDate(1908).iso() == "1908"
    assert PartialDate(1908, 9).precision == "month" and PartialDate(1908, 9).iso() == "1908-09"
    assert PartialDate(1908, 9, 27).precision == "day" and PartialDate(1908, 9, 27).iso() == "1908-09-27"


def test_parse_iso_round_trips_and_refuses_other_forms() -> None:
    for text in ("1908", "1908-09", "1908-09-27"):
        assert PartialDate.parse_iso(text).iso() == text
    with pytest.raises(ValidationFailed, match="is not an ISO date — write YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse_iso("27.09.1908")


@pytest.mark.parametrize(
    ("args", "message"),
    [((1908, 13), "month 13 does not exist"), ((1909, 2, 29), "day 29 does not exist in 1909-02"),
     ((1908, None, 3), "a day without a month"), ((19, 1, 1), "write the year with four digits")],
)
def test_impossible_dates_are_refused(args: tuple, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        PartialDate(*args)


def test_interval_of_each_precision() -> None:
    assert PartialDate(2001).interval() == (date(2001, 1, 1), date(2001, 12, 31))
    assert PartialDate(1908, 2).interval() == (date(1908, 2, 1), date(1908, 2, 29))
    assert PartialDate(1908, 9, 27).interval() == (date(1908, 9, 27), date(1908, 9, 27))


def test_ordering_puts_less_precise_first_within_the_same_period() -> None:
    dates = [PartialDate(1908, 1, 1), PartialDate(1907, 12), PartialDate(1908), PartialDate(1908, 1)]
    assert [d.iso() for d in sorted(dates)] == ["1907-12", "1908", "1908-01", "1908-01-01"]


def test_compatibility_of_partial_dates() -> None:
    assert PartialDate(2001).compatible_with(PartialDate(2001, 9, 14))
    assert not PartialDate(2001).compatible_with(PartialDate(2002, 1))


# Known case 18: partial dates and approximate ages, including Korean age.
def test_case18_year_only_keeps_year_precision() -> None:
    parsed = parse_written_date("2001")
    assert (parsed.year, parsed.month, parsed.day, parsed.precision) == (2001, None, None, "year")


def test_case18_korean_age_24_recorded_2024_12_20_means_born_in_2001() -> None:
    assert birth_interval_from_age(24, date(2024, 12, 20), "korean") == (date(2001, 1, 1), date(2001, 12, 31))


def test_case18_international_age_23_recorded_2024_12_20() -> None:
    assert birth_interval_from_age(23, date(2024, 12, 20), "international") == (date(2000, 12, 21),
                                                                               date(2001, 12, 20))


def test_case18_unknown_system_widens_instead_of_failing() -> None:
    first, last = birth_interval_from_age(24, date(2024, 12, 20), None)
    intl = birth_interval_from_age(24, date(2024, 12, 20), "international")
    korean = birth_interval_from_age(24, date(2024, 12, 20), "korean")
    assert (first, last) == (date(1999, 12, 21), date(2001, 12, 31))
    assert first <= intl[0] and last >= korean[1] and (last - first).days > (intl[1] - intl[0]).days + 365


def test_case18_all_four_records_are_compatible() -> None:
    r1, r2 = PartialDate(2001), PartialDate(2001, 9, 14)
    r3 = birth_interval_from_age(24, date(2024, 12, 20), "korean")
    r4 = birth_interval_from_age(23, date(2024, 12, 20), "international")
    for d in (r1, r2):
        assert d.overlaps(*r3) and d.overlaps(*r4)
    assert r3[0] <= r4[1] and r4[0] <= r3[1]


def test_age_is_counted_from_the_recording_day_not_today() -> None:
    assert birth_interval_from_age(0, date(1950, 6, 1), "international") == (date(1949, 6, 2), date(1950, 6, 1))
    assert birth_interval_from_age(30, date(2024, 2, 29), "international") == (date(1993, 3, 1), date(1994, 2, 28))


def test_bad_ages_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="age -1 is negative"):
        birth_interval_from_age(-1, date(2024, 1, 1), None)
    with pytest.raises(ValidationFailed, match="age system 'chinese' is unknown — use korean, international"):
        birth_interval_from_age(3, date(2024, 1, 1), "chinese")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "iso"),
    [("1908-09-27", "1908-09-27"), ("1908-09", "1908-09"), ("1908", "1908"), ("27 Sep 1908", "1908-09-27"),
     ("04 Jul 1905", "1905-07-04"), ("27 September 1908", "1908-09-27"), ("Sep 27, 1908", "1908-09-27"),
     ("27-Sep-1908", "1908-09-27"), ("Sep 1908", "1908-09"), ("Sept. 1908", "1908-09"), ("27.09.1908", "1908-09-27"),
     ("03.04.1908", "1908-04-03"), ("09.1908", "1908-09"), ("27/09/1908", "1908-09-27"), ("09/27/1908", "1908-09-27"),
     ("1908/09/27", "1908-09-27"), ("05/05/1908", "1908-05-05"), ("  1908 ", "1908"),
     ("27 сентября 1908 г.", "1908-09-27"), ("27 вересня 1908", "1908-09-27"), ("сентябрь 1908", "1908-09"),
     ("листопад 1941", "1941-11"), ("1 мая 1945", "1945-05-01"), ("14 серпня 1914 р.", "1914-08-14")],
)
def test_written_forms(text: str, iso: str) -> None:
    assert parse_written_date(text).iso() == iso


def test_ambiguous_numeric_date_is_refused_with_advice() -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_written_date("03/04/1908")
    assert err.value.message == ("date '03/04/1908' is ambiguous: day and month could be swapped — pass "
                                 "--date-order DMY or --date-order MDY (or write the date as YYYY-MM-DD)")


def test_date_order_settles_the_ambiguity() -> None:
    assert parse_written_date("03/04/1908", date_order="DMY").iso() == "1908-04-03"
    assert parse_written_date("03/04/1908", date_order="MDY").iso() == "1908-03-04"
    with pytest.raises(ValidationFailed, match="does not exist"):
        parse_written_date("13/04/1908", date_order="MDY")


@pytest.mark.parametrize(
    ("text", "message"),
    [("27 Sep 08", "the year '08' must have four digits"), ("31 Feb 1908", "day 31 does not exist in 1908-02"),
     ("yesterday", "is not a date form the bureau reads"), ("27 Foo 1908", "is not a date form the bureau reads"),
     ("", "the date is empty"), ("1908-13-01", "month 13 does not exist")],
)
def test_bad_dates_name_the_text_and_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        parse_written_date(text)


def test_missing_parts_are_never_filled() -> None:
    for text in ("Sep 1908", "1908", "09.1908"):
        parsed = parse_written_date(text)
        assert parsed.day is None and parsed.precision != "day"
