"""The `--map` option and header matching."""

from __future__ import annotations

import pytest

from powbureau.domain.errors import ValidationFailed
from powbureau.io.properties import canonical_property, check_country, parse_mapping


def test_parse_mapping_of_the_issue_command() -> None:
    assert parse_mapping("dva_id=external_id,name=name_full,date_of_birth=birth_date,place_of_birth=birth_place") == {
        "dva_id": "external_id", "name": "name_full", "date_of_birth": "birth_date", "place_of_birth": "birth_place"}


def test_parse_mapping_tolerates_spaces_case_and_empty_pairs() -> None:
    assert parse_mapping(" 성명 = NAME_FULL , ,shoe=ignore") == {"성명": "name_full", "shoe": "ignore"}
    assert parse_mapping(None) == {} and parse_mapping("  ") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [("dva_id", "--map: 'dva_id' (pair 1) has no '=' — write THEIR_HEADER=property, e.g. --map "
                "'dva_id=external_id,name=name_full'"),
     ("a=name_full,=surname", "--map: '=surname' (pair 2) has an empty side — write THEIR_HEADER=property"),
     ("dob=birthday", "--map: 'birthday' is not a property — use one of: external_id, name_full,"),
     ("a=surname,a=given_name", "--map: the header 'a' is mapped twice — keep one pair for it"),
     ("a=surname,b=surname", "--map: headers a, b are all mapped to 'surname' — map only one of them")],
)
def test_parse_mapping_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_mapping(text)
    assert err.value.message.startswith(message)


def test_canonical_headers_and_the_service_synonym() -> None:
    assert canonical_property("\ufeffExternal ID") == "external_id"
    assert canonical_property("service") == "service_branch"
    assert canonical_property("dob") is None


def test_country_codes() -> None:
    assert check_country(" kr ") == "KR"
    with pytest.raises(ValidationFailed, match="'USSR' is not an ISO 3166 alpha-2 country code — use RU"):
        check_country("USSR")
